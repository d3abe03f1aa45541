/* The agent's day from the keyboard. On My day, j and k move the selection through the rows
   (focus on the row's debtor link, so Enter opens it like any link); on any page, n follows
   the "next item" link ([data-work-next]) when there is one. Keys typed into a field, or
   pressed with a modifier, are left alone. Every row is a real link, so nothing here is
   needed to use the pages. No inline scripts (CSP). */
(function () {
  "use strict";

  var SELECTED = "is-selected";

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.isContentEditable ||
      target.closest("input, textarea, select, [contenteditable]"));
  }

  function rowLinks() {
    return Array.prototype.slice.call(
      document.querySelectorAll("[data-my-day] [data-day-row] [data-row-link]"));
  }

  function select(links, index) {
    links.forEach(function (link, i) {
      var row = link.closest("[data-day-row]");
      if (row) row.classList.toggle(SELECTED, i === index);
    });
    links[index].focus();
    links[index].scrollIntoView({block: "nearest"});
  }

  function move(step) {
    var links = rowLinks();
    if (!links.length) return false;
    var current = links.indexOf(document.activeElement);
    if (current === -1) {
      var marked = document.querySelector("[data-my-day] [data-day-row]." + SELECTED);
      current = marked ? links.indexOf(marked.querySelector("[data-row-link]")) : -1;
    }
    var next = current === -1 ? (step > 0 ? 0 : links.length - 1) : current + step;
    select(links, Math.max(0, Math.min(links.length - 1, next)));
    return true;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.defaultPrevented || typing(event.target)) return;
    var handled = false;
    if (event.key === "j") {
      handled = move(1);
    } else if (event.key === "k") {
      handled = move(-1);
    } else if (event.key === "n") {
      var next = document.querySelector("a[data-work-next]");
      if (next && next.href) {
        window.location.assign(next.href);
        handled = true;
      }
    }
    if (handled) event.preventDefault();
  });

  // A row that gets focus some other way (Tab, a click) becomes the selected one.
  document.addEventListener("focusin", function (event) {
    var link = event.target.closest && event.target.closest("[data-my-day] [data-row-link]");
    if (!link) return;
    var links = rowLinks();
    links.forEach(function (other) {
      var row = other.closest("[data-day-row]");
      if (row) row.classList.toggle(SELECTED, other === link);
    });
  });
})();
