/* Collect Desk, payment plans: rows of deviating payments, and field states after an htmx
   recalculation. No inline scripts or styles (CSP); the server does all the arithmetic. */
(function () {
  "use strict";

  var ATTRIBUTES = ["name", "id", "for", "aria-describedby"];

  function renumber(container) {
    var prefix = container.getAttribute("data-prefix");
    var pattern = new RegExp(prefix + "-(\\d+|__prefix__)-", "g");
    var rows = container.querySelectorAll("[data-row-list] > [data-payment-row]");
    rows.forEach(function (row, index) {
      row.querySelectorAll("*").forEach(function (el) {
        ATTRIBUTES.forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value && value.indexOf(prefix + "-") !== -1) {
            el.setAttribute(attr, value.replace(pattern, prefix + "-" + index + "-"));
          }
        });
      });
    });
    var total = container.querySelector("[data-total-forms]");
    if (total) total.value = String(rows.length);
    var empty = container.querySelector("[data-rows-empty]");
    if (empty) empty.hidden = rows.length > 0;
    return rows;
  }

  function recalculate(container) {
    var form = container.closest("form");
    if (form) form.dispatchEvent(new Event("change", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-payment]");
    if (add) {
      var container = add.closest("[data-payment-rows]");
      var template = container.querySelector("template[data-row-template]");
      var list = container.querySelector("[data-row-list]");
      var max = container.querySelector("input[name$='-MAX_NUM_FORMS']");
      if (max && list.children.length >= parseInt(max.value, 10)) return;
      var row = template.content.firstElementChild.cloneNode(true);
      list.appendChild(row);
      renumber(container);
      var first = row.querySelector("input");
      if (first) first.focus();
      return;
    }
    var remove = event.target.closest("[data-remove-payment]");
    if (remove) {
      var box = remove.closest("[data-payment-rows]");
      var gone = remove.closest("[data-payment-row]");
      var hadValue = Array.prototype.some.call(gone.querySelectorAll("input"), function (i) {
        return i.value !== "";
      });
      gone.remove();
      var rows = renumber(box);
      var focusTarget = rows.length ? rows[rows.length - 1].querySelector("input") :
        box.querySelector("[data-add-payment]");
      if (focusTarget) focusTarget.focus();
      if (hadValue) recalculate(box);
    }
  });

  // After a recalculation, mark exactly the fields the server found wrong.
  document.addEventListener("htmx:afterSwap", function (event) {
    var result = event.detail.target && event.detail.target.querySelector("[data-plan-result]");
    var form = document.querySelector("[data-plan-form]");
    if (!result || !form) return;
    var invalid = (result.getAttribute("data-invalid-fields") || "").split(" ").filter(Boolean);
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.type === "hidden") return;
      if (invalid.indexOf(el.name) !== -1) {
        el.setAttribute("aria-invalid", "true");
      } else {
        el.removeAttribute("aria-invalid");
      }
    });
  });
})();
