/* Collect Desk: the debtor's work panels (no inline scripts: CSP).
 *
 * A textarea with data-counter="N" shows "n of N characters" in the element that names it
 * (data-counter-for="<textarea id>"), also after htmx swaps a panel in. Without JavaScript the
 * field's help text gives the limit and the server checks it.
 */
(function () {
  "use strict";

  function update(area) {
    var out = document.querySelector("[data-counter-for='" + area.id + "']");
    if (!out) return;
    var max = parseInt(area.getAttribute("data-counter"), 10);
    out.hidden = false;
    out.textContent = area.value.length + " / " + max;
    out.classList.toggle("work-counter--over", area.value.length > max);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-counter]")) update(event.target);
  });

  function init() {
    document.querySelectorAll("textarea[data-counter]").forEach(update);
  }

  document.addEventListener("htmx:afterSettle", init);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
