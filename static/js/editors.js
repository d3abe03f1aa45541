/* Collect Desk: the debtor editors' small behaviours (no inline scripts: CSP).
 *
 * - Focus: after htmx swaps a panel in, focus goes to the element the server marked with
 *   data-autofocus (an opened inline form: its first field needing attention, else its first
 *   field; after a save: the panel heading, so the user is back at the panel).
 * - Escape inside an inline form ([data-inline-form]) follows its Cancel control ([data-cancel]).
 * - The debtor form shows only the person or the company fieldset ([data-juridical]) of the
 *   chosen type; one holding errors stays visible. Without JavaScript both show.
 */
(function () {
  "use strict";

  var FIELDS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])";

  function focusMarked() {
    var marked = document.querySelector("[data-autofocus]");
    if (!marked) return;
    marked.removeAttribute("data-autofocus");
    var target = marked;
    if (!marked.matches(FIELDS) && !marked.hasAttribute("tabindex")) {
      target = marked.querySelector("[aria-invalid=true]") || marked.querySelector(FIELDS) || marked;
    }
    if (target === marked && !marked.matches(FIELDS) && !marked.hasAttribute("tabindex")) {
      marked.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  document.addEventListener("htmx:afterSettle", focusMarked);

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) return;
    var form = event.target.closest("[data-inline-form]");
    var cancel = form && form.querySelector("[data-cancel]");
    if (cancel) {
      event.preventDefault();
      cancel.click();
    }
  });

  function showJuridical(form) {
    var chosen = form.querySelector("input[name='juridical_type']:checked");
    if (!chosen) return;
    form.querySelectorAll("fieldset[data-juridical]").forEach(function (fieldset) {
      var hasErrors = fieldset.querySelector(".errorlist") !== null;
      fieldset.hidden = fieldset.getAttribute("data-juridical") !== chosen.value && !hasErrors;
    });
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "juridical_type" && event.target.form) {
      showJuridical(event.target.form);
    }
  });

  function init() {
    document.querySelectorAll("form[data-debtor-form]").forEach(showJuridical);
    focusMarked();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
