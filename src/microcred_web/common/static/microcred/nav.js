// The sections menu on small screens: a button opens and closes the list (aria-expanded),
// the focus goes to the first link on opening, Escape closes and gives the focus back to the
// button. Without this script the list shows as a plain list.
(function () {
  "use strict";
  const SMALL = window.matchMedia("(max-width: 40rem)");

  function setUp() {
    const nav = document.getElementById("org-nav");
    const button = document.getElementById("nav-toggle");
    if (!nav || !button) return;
    nav.classList.add("is-collapsible");
    button.hidden = false;

    function setOpen(open, focusTarget) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("is-open", open);
      if (focusTarget) focusTarget.focus();
    }

    button.addEventListener("click", function () {
      const open = button.getAttribute("aria-expanded") !== "true";
      setOpen(open, open ? nav.querySelector("ul a") : null);
    });
    nav.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        event.preventDefault();
        setOpen(false, button);
      }
    });
    document.addEventListener("click", function (event) {
      if (SMALL.matches && !nav.contains(event.target)) setOpen(false, null);
    });
    SMALL.addEventListener("change", function () { setOpen(false, null); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
