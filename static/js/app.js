/* Collect Desk: small behaviours that htmx attributes cannot express. No inline scripts (CSP). */
(function () {
  "use strict";

  // "/" focuses the page's search box, unless the user is typing somewhere already.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = document.querySelector("[data-search-box]");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // A successful answer means the system answers again: a fault banner left by an earlier
  // request goes (an answer about a fault carries X-Upstream-Status and its own banner).
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (!xhr || xhr.status < 200 || xhr.status >= 300) return;
    if (xhr.getResponseHeader("X-Upstream-Status")) return;
    var banner = document.getElementById("banner");
    if (!banner || event.detail.target === banner) return;
    banner.querySelectorAll("[data-upstream-banner], [data-offline-banner]").forEach(
      function (stale) { stale.remove(); });
  });

  document.addEventListener("htmx:sendError", function () {
    var banner = document.getElementById("banner");
    if (banner) {
      banner.innerHTML = "";
      var p = document.createElement("p");
      p.className = "banner banner--error";
      p.setAttribute("data-offline-banner", "");
      // The message comes translated from the server (base.html), as the page's language.
      p.textContent = banner.dataset.offlineMessage ||
        "The server did not answer. Check your connection and try again.";
      banner.appendChild(p);
    }
  });
})();
