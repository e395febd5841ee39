/* Public verification page: move focus to the verdict after an HTMX swap, and (where the
   browser has the native BarcodeDetector) scan a certificate's QR code with the camera. */
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail || !event.detail.target || event.detail.target.id !== "verdict") return;
    var heading = document.getElementById("verdict-heading") || document.getElementById("verify-error");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });

  function setUpScanner() {
    var button = document.getElementById("scan-qr");
    var video = document.getElementById("scan-video");
    var field = document.getElementById("credential-url");
    if (!button || !video || !field || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        video.play();
        var stop = function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          video.hidden = true;
        };
        var look = function () {
          detector.detect(video).then(function (codes) {
            var found = codes.find(function (code) { return /^https:\/\//.test(code.rawValue); });
            if (found) {
              stop();
              field.value = found.rawValue;
              field.form.requestSubmit();
            } else if (!video.hidden) {
              window.setTimeout(look, 250);
            }
          }).catch(stop);
        };
        look();
      }).catch(function () { button.hidden = true; });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpScanner);
  } else {
    setUpScanner();
  }
})();
