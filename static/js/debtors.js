/* Debtor pages: keyboard moves through the search results, a row opens on click, and the case
   panel takes focus when it arrives. Every row also has a real link, so nothing here is needed
   to use the pages; it only makes them quicker. No inline scripts (CSP). */
(function () {
  "use strict";

  function rowLinks() {
    return Array.prototype.slice.call(
      document.querySelectorAll("table[data-row-nav] tbody [data-row-link]"));
  }

  // Down/Up from the search box or a result row move between the rows' links; Enter then
  // follows the focused link like any link.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var target = event.target;
    var links = rowLinks();
    if (!links.length || !target) return;
    var index = links.indexOf(target);
    if (index === -1 && target.matches && target.matches("[data-search-box]")) {
      if (event.key !== "ArrowDown") return;
      index = -1;
    } else if (index === -1) {
      return;
    }
    var next = event.key === "ArrowDown" ? index + 1 : index - 1;
    event.preventDefault();
    if (next < 0) {
      var box = document.querySelector("[data-search-box]");
      if (box) box.focus();
      return;
    }
    if (next < links.length) links[next].focus();
  });

  // A click anywhere on a result row opens it (the name cell holds the real link).
  document.addEventListener("click", function (event) {
    var row = event.target.closest && event.target.closest("table[data-row-nav] tr[data-href]");
    if (!row || event.target.closest("a, button, input, select, textarea, label")) return;
    if (window.getSelection && String(window.getSelection())) return;  // selecting text
    window.location.assign(row.getAttribute("data-href"));
  });

  // The case panel arrived: move focus to its heading so screen readers read it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.id === "case-detail") {
      var heading = target.querySelector("#case-detail-title");
      if (heading) heading.focus();
    }
  });
})();
