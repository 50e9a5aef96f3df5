// The workspace's small behaviours; every page works without them (forms post, links open pages).
(function () {
  "use strict";

  function money(cents) {
    return "$" + (cents / 100).toFixed(2);
  }

  // New match: the cost follows the candidates ticked and the files picked.
  function updateCost(form) {
    var price = parseInt(form.dataset.price || "0", 10);
    var balance = parseInt(form.dataset.balance || "0", 10);
    var whole = form.querySelector("input[data-whole-pool]");
    var ticked = whole && whole.checked
      ? parseInt(whole.dataset.wholePool || "0", 10)
      : form.querySelectorAll('input[name="candidates"]:checked').length;
    var files = 0;
    form.querySelectorAll("input[data-count-files]").forEach(function (input) {
      files += input.files ? input.files.length : 0;
    });
    var count = ticked + files;
    var total = count * price;
    var countEl = form.querySelector("[data-cost-count]");
    var totalEl = form.querySelector("[data-cost-total]");
    var warning = form.querySelector("[data-cost-warning]");
    if (countEl) countEl.textContent = count + (files ? " (" + files + " to upload)" : "");
    if (totalEl) totalEl.textContent = money(total);
    if (warning) warning.hidden = total <= balance;
  }

  function initNewMatch() {
    var form = document.getElementById("new-match-form");
    if (!form) return;
    form.addEventListener("change", function (event) {
      var all = event.target.closest("[data-select-all]");
      if (all) {
        form.querySelectorAll('input[name="' + all.dataset.selectAll + '"]').forEach(function (box) {
          box.checked = all.checked;
        });
      }
      updateCost(form);
    });
    updateCost(form);
  }

  // Results: the candidate drawer, filled by htmx, closed by Escape or the backdrop.
  function drawer() { return document.getElementById("drawer"); }
  function backdrop() { return document.querySelector(".drawer-backdrop"); }

  function openDrawer() {
    var d = drawer();
    if (!d || d.classList.contains("drawer-page")) return;
    d.hidden = false;
    if (backdrop()) backdrop().hidden = false;
    document.body.classList.add("drawer-open");
  }

  function closeDrawer() {
    var d = drawer();
    if (!d || d.classList.contains("drawer-page")) return;
    d.hidden = true;
    if (backdrop()) backdrop().hidden = true;
    document.body.classList.remove("drawer-open");
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-drawer-close]")) {
      event.preventDefault();
      closeDrawer();
      return;
    }
    var quote = event.target.closest("[data-line]");
    if (quote) {
      var line = document.getElementById(quote.dataset.line);
      if (line) {
        event.preventDefault();
        line.scrollIntoView({ block: "center", behavior: "smooth" });
        line.classList.add("is-flash");
        setTimeout(function () { line.classList.remove("is-flash"); }, 1600);
      }
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closeDrawer();
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "drawer") {
      openDrawer();
      drawer().focus();
    }
  });

  // On a phone the ranking comes first and the tools under it start folded.
  function foldOnPhone(root) {
    if (!window.matchMedia("(max-width: 960px)").matches) return;
    root.querySelectorAll("details[data-fold-on-phone]").forEach(function (d) {
      d.open = false;
    });
  }
  foldOnPhone(document);
  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "results") foldOnPhone(document);
  });

  // A decision changes the table's decision column: refresh the results with the current filters.
  document.body.addEventListener("decision-recorded", function () {
    var filters = document.getElementById("filters-form");
    if (filters && window.htmx) window.htmx.trigger(filters, "submit");
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initNewMatch);
  } else {
    initNewMatch();
  }
})();
