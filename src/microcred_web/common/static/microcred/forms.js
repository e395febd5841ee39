/* microcred — small progressive enhancements for forms. Everything works without it. */
(function () {
  "use strict";

  // Validity: show only the field that matches the chosen expiry rule.
  function syncExpiry(section) {
    var chosen = section.querySelector("input[name='expiry_policy']:checked");
    var value = chosen ? chosen.value : "none";
    section.querySelectorAll("[data-expiry-for]").forEach(function (box) {
      var show = box.getAttribute("data-expiry-for") === value;
      box.hidden = !show;
      box.querySelectorAll("input").forEach(function (input) { input.disabled = !show; });
    });
  }

  // Other languages: a copy of the last card, emptied, with fresh ids.
  var copies = 0;
  function cloneLast(container) {
    var cards = container.querySelectorAll("[data-repeat]");
    if (!cards.length) { return; }
    var copy = cards[cards.length - 1].cloneNode(true);
    copies += 1;
    copy.querySelectorAll("input, textarea").forEach(function (input) { input.value = ""; input.removeAttribute("lang"); });
    copy.querySelectorAll("[id]").forEach(function (node) { node.id = node.id + "-c" + copies; });
    copy.querySelectorAll("label[for]").forEach(function (label) { label.htmlFor = label.htmlFor + "-c" + copies; });
    copy.querySelectorAll("[aria-describedby]").forEach(function (node) {
      node.setAttribute("aria-describedby", node.getAttribute("aria-describedby") + "-c" + copies);
    });
    var legend = copy.querySelector("legend");
    if (legend) { legend.textContent = container.getAttribute("data-new-label") || legend.textContent; }
    container.appendChild(copy);
    var first = copy.querySelector("input");
    if (first) { first.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-js-only]").forEach(function (node) { node.hidden = false; });
    document.querySelectorAll("[data-expiry]").forEach(function (section) {
      syncExpiry(section);
      section.addEventListener("change", function () { syncExpiry(section); });
    });
  });

  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("button") : null;
    if (!target) { return; }
    if (target.hasAttribute("data-clone-last")) {
      var container = document.querySelector(target.getAttribute("data-clone-last"));
      if (container) { cloneLast(container); }
    } else if (target.getAttribute("data-remove") === "fieldset") {
      var card = target.closest("fieldset");
      var list = card && card.parentElement;
      if (card && list && list.querySelectorAll("[data-repeat]").length > 1) { card.remove(); }
      else if (card) { card.querySelectorAll("input, textarea").forEach(function (input) { input.value = ""; }); }
    }
  });
})();

/* Tables with checkboxes: "select all" and a live count of the ticked rows. */
(function () {
  "use strict";
  function refresh(root) {
    var boxes = root.querySelectorAll("input[type='checkbox'][name='credential']");
    var ticked = 0;
    boxes.forEach(function (box) { if (box.checked) { ticked += 1; } });
    root.querySelectorAll("[data-selected-count]").forEach(function (node) {
      node.textContent = (node.getAttribute("data-template") || "{n}").replace("{n}", String(ticked));
      node.hidden = false;
    });
    root.querySelectorAll("[data-check-all]").forEach(function (all) {
      all.hidden = false;
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") { return; }
    var form = box.closest("form");
    if (!form) { return; }
    if (box.hasAttribute("data-check-all")) {
      form.querySelectorAll("input[type='checkbox'][name='" + box.getAttribute("data-check-all") + "']")
        .forEach(function (other) { other.checked = box.checked; });
    }
    refresh(form);
  });
  function all() { document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector("[data-selected-count]")) { refresh(form); }
  }); }
  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("htmx:afterSettle", all);
})();
