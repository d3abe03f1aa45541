/* Collect Desk, the income and expenditure statement beside the calculator: "Use this
   amount" puts the suggested instalment into the calculator's amount mode and recalculates;
   after an htmx answer the statement's wrong fields are marked. The server does the
   arithmetic; without JavaScript the button posts the page instead. */
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-use-amount]");
    if (!button) return;
    var form = document.getElementById("plan-form");
    var amount = document.getElementById("id_amount");
    if (!form || !amount) return;
    event.preventDefault();
    // Not a submitter of #plan-form here: htmx would remember it and send the form's next
    // recalculation to its formaction (the plain-POST path).
    event.stopPropagation();
    amount.value = button.getAttribute("data-use-amount");
    var count = document.getElementById("id_number_of_payments");
    var chosen = form.querySelector("input[name='payment_plan_type']:checked");
    var clears = (button.getAttribute("data-clears-count") || "").split(" ");
    if (count && (!chosen || clears.indexOf(chosen.value) !== -1)) count.value = "";
    amount.focus(); // the button's focusout makes htmx forget it as the form's submitter
    form.dispatchEvent(new Event("change", { bubbles: true }));
  }, true);

  document.addEventListener("htmx:afterSwap", function (event) {
    var result = event.detail.target &&
      event.detail.target.querySelector("[data-statement-result]");
    var fields = document.getElementById("statement-fields");
    if (!result || !fields) return;
    var invalid = (result.getAttribute("data-invalid-fields") || "").split(" ").filter(Boolean);
    fields.querySelectorAll("input").forEach(function (el) {
      if (!el.name || el.type === "hidden") return;
      if (invalid.indexOf(el.name) !== -1) {
        el.setAttribute("aria-invalid", "true");
      } else {
        el.removeAttribute("aria-invalid");
      }
    });
  });
})();
