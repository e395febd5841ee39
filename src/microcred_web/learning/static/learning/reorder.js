/* microcred learning: reorder a module's blocks by drag and drop or with the Move up / Move
   down buttons (focus stays on the button pressed; the new position is announced in the
   aria-live status and the buttons' names follow it). Without JavaScript the buttons post a
   form and the server moves the block. */
(function () {
  "use strict";

  function csrfToken() {
    var input = document.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }

  function items(list) {
    return Array.prototype.slice.call(list.querySelectorAll(":scope > [data-block-id]"));
  }

  function refreshButtons(list) {
    var all = items(list);
    all.forEach(function (item, index) {
      var up = item.querySelector("[data-move='up']");
      var down = item.querySelector("[data-move='down']");
      if (up) { up.disabled = index === 0; }
      if (down) { down.disabled = index === all.length - 1; }
      // the buttons' accessible names say the block's position: keep them true after a move
      item.querySelectorAll("[data-position]").forEach(function (span) {
        span.textContent = String(index + 1);
      });
    });
  }

  function announce(list, item) {
    var status = document.querySelector(list.getAttribute("data-status"));
    if (!status) { return; }
    var all = items(list);
    var text = list.getAttribute("data-moved") || "%(n)s / %(total)s";
    status.textContent = text.replace("%(n)s", all.indexOf(item) + 1).replace("%(total)s", all.length);
  }

  function save(list) {
    var order = items(list).map(function (item) { return item.getAttribute("data-block-id"); });
    var body = new URLSearchParams();
    body.set("order", order.join(","));
    return fetch(list.getAttribute("data-url"), {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: body,
      credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { window.location.reload(); }
    });
  }

  function move(list, item, direction, button) {
    if (direction === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
    } else if (direction === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
    } else {
      return;
    }
    refreshButtons(list);
    // keep focus where the person is; if this button is now disabled, use its sibling
    var target = button.disabled ? item.querySelector("[data-move='" + (direction === "up" ? "down" : "up") + "']") : button;
    if (target) { target.focus(); }
    announce(list, item);
    save(list);
  }

  function setUp(list) {
    var dragged = null;
    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-move]");
      if (!button || !list.contains(button)) { return; }
      event.preventDefault();
      move(list, button.closest("[data-block-id]"), button.getAttribute("data-move"), button);
    });
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest("[data-block-id]");
      if (!dragged) { return; }
      dragged.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", dragged.getAttribute("data-block-id"));
    });
    list.addEventListener("dragover", function (event) {
      var over = event.target.closest("[data-block-id]");
      if (!dragged || !over || over === dragged) { return; }
      event.preventDefault();
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextElementSibling : over);
    });
    list.addEventListener("drop", function (event) { if (dragged) { event.preventDefault(); } });
    list.addEventListener("dragend", function () {
      if (!dragged) { return; }
      dragged.classList.remove("is-dragging");
      refreshButtons(list);
      announce(list, dragged);
      save(list);
      dragged = null;
    });
  }

  document.querySelectorAll("[data-reorder]").forEach(setUp);
})();
