// Video consent: a YouTube or Vimeo block shows a placeholder; nothing loads from the provider
// until the learner clicks "Play". "Always play" is remembered per browser (localStorage).
(function () {
  "use strict";
  var KEY = "microcred.video-consent.";

  function remembered(provider) {
    try { return window.localStorage.getItem(KEY + provider) === "yes"; } catch (e) { return false; }
  }

  function remember(provider) {
    try { window.localStorage.setItem(KEY + provider, "yes"); } catch (e) { /* private mode */ }
  }

  function play(figure, focus) {
    var consent = figure.querySelector("[data-video-consent]");
    if (!consent) { return; }
    var frame = document.createElement("iframe");
    frame.src = figure.getAttribute("data-embed-src");
    frame.title = figure.getAttribute("data-title") || "";
    frame.setAttribute("allow", "fullscreen; picture-in-picture; encrypted-media");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    frame.className = "video-frame";
    consent.replaceWith(frame);
    if (focus) { frame.focus(); }
  }

  function setUp(root) {
    root.querySelectorAll("[data-video-embed]").forEach(function (figure) {
      var provider = figure.getAttribute("data-provider");
      if (remembered(provider)) { play(figure, false); return; }
      var button = figure.querySelector("[data-video-play]");
      if (!button || button.dataset.ready) { return; }
      button.dataset.ready = "1";
      button.addEventListener("click", function () {
        var box = figure.querySelector("[data-video-remember]");
        if (box && box.checked) { remember(provider); }
        play(figure, true);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUp(event.target); });
})();
