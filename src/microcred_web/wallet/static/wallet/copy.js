// Copy buttons: copy the field's text, say so, and report the share (copy link / embed).
(function () {
  const script = document.currentScript;
  const endpoint = script && script.dataset.endpoint;
  const csrf = document.body.getAttribute("hx-headers");
  const token = csrf ? JSON.parse(csrf)["X-CSRFToken"] : "";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      const field = document.getElementById(button.dataset.copy);
      field.select();
      const done = function () {
        button.textContent = button.dataset.done || "Copied";
        if (endpoint && button.dataset.channel) {
          const body = new URLSearchParams({ channel: button.dataset.channel });
          fetch(endpoint, { method: "POST", body: body, headers: { "X-CSRFToken": token }, credentials: "same-origin" });
        }
      };
      if (navigator.clipboard) { navigator.clipboard.writeText(field.value).then(done, done); }
      else { document.execCommand("copy"); done(); }
    });
  });
})();
