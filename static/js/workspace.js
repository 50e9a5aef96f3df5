// The workspace's small behaviours; every page works without them (forms post, links open pages).
(function () {
  "use strict";

  function money(cents) {
    return "$" + (cents / 100).toFixed(2);
  }

  // A ZIP is charged per resume inside it. Its central directory, the table of contents at the
  // end of the file, lists every member: read that, never the resumes themselves.
  var JUNK = ["__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"];
  var zipMembers = new WeakMap(); // File -> members, or null when the directory cannot be read

  function isZip(file) {
    return /\.zip$/i.test(file.name) || file.type === "application/zip" ||
      file.type === "application/x-zip-compressed";
  }

  function isJunk(name) {
    return name.replace(/\\/g, "/").split("/").some(function (part) {
      return JUNK.indexOf(part) !== -1 || part.indexOf("._") === 0;
    });
  }

  function membersIn(buffer, entries) {
    var view = new DataView(buffer);
    var decoder = new TextDecoder();
    var pos = 0;
    var count = 0;
    for (var n = 0; n < entries; n++) {
      if (pos + 46 > buffer.byteLength || view.getUint32(pos, true) !== 0x02014b50) return null;
      var nameLength = view.getUint16(pos + 28, true);
      var name = decoder.decode(new Uint8Array(buffer, pos + 46, nameLength));
      if (!/[\/\\]$/.test(name) && !isJunk(name)) count += 1;
      pos += 46 + nameLength + view.getUint16(pos + 30, true) + view.getUint16(pos + 32, true);
    }
    return count;
  }

  function countZipMembers(file) {
    // The end record is 22 bytes plus a comment of up to 65,535 bytes.
    var tail = Math.min(file.size, 22 + 65535);
    return file.slice(file.size - tail).arrayBuffer().then(function (buffer) {
      var view = new DataView(buffer);
      for (var i = buffer.byteLength - 22; i >= 0; i--) {
        if (view.getUint32(i, true) !== 0x06054b50) continue;
        var entries = view.getUint16(i + 10, true);
        var size = view.getUint32(i + 12, true);
        var offset = view.getUint32(i + 16, true);
        if (entries === 0xffff || offset === 0xffffffff) return null; // ZIP64: not read here
        return file.slice(offset, offset + size).arrayBuffer().then(function (directory) {
          return membersIn(directory, entries);
        });
      }
      return null;
    }).catch(function () { return null; });
  }

  // How many candidates the picked files make, and whether that number is only a floor.
  function fileCount(form) {
    var count = 0;
    var inZips = 0;
    var uncertain = false;
    var pending = [];
    form.querySelectorAll("input[data-count-files]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) {
        if (!isZip(file)) { count += 1; return; }
        if (!zipMembers.has(file)) {
          pending.push(countZipMembers(file).then(function (n) { zipMembers.set(file, n); }));
          uncertain = true;
          count += 1;
          return;
        }
        var members = zipMembers.get(file);
        if (members === null) { uncertain = true; count += 1; return; }
        count += members;
        inZips += members;
      });
    });
    return { count: count, inZips: inZips, uncertain: uncertain, pending: pending };
  }

  // New match: the cost follows the candidates ticked and the files picked.
  function updateCost(form) {
    var price = parseInt(form.dataset.price || "0", 10);
    var balance = parseInt(form.dataset.balance || "0", 10);
    var whole = form.querySelector("input[data-whole-pool]");
    var ticked = whole && whole.checked
      ? parseInt(whole.dataset.wholePool || "0", 10)
      : form.querySelectorAll('input[name="candidates"]:checked').length;
    var picked = fileCount(form);
    var files = picked.count;
    var count = ticked + files;
    var total = count * price;
    var countEl = form.querySelector("[data-cost-count]");
    var totalEl = form.querySelector("[data-cost-total]");
    var confirmed = form.querySelector("[data-cost-confirmed]");
    var warning = form.querySelector("[data-cost-warning]");
    var floor = picked.uncertain ? "at least " : "";
    var detail = "";
    if (files) {
      detail = " (" + files + " to upload" +
        (picked.inZips ? ", " + picked.inZips + " of them inside ZIP files" : "") + ")";
    }
    if (countEl) countEl.textContent = floor + count + detail;
    if (totalEl) totalEl.textContent = floor + money(total);
    // The server refuses a match that would cost more than this, rather than charge it.
    if (confirmed) { confirmed.value = String(total); confirmed.disabled = false; }
    if (warning) warning.hidden = total <= balance;
    if (picked.pending.length) {
      Promise.all(picked.pending).then(function () { updateCost(form); });
    }
  }

  // "Select all" reads what the boxes say: ticked when every one is, a dash when some are.
  function syncSelectAll(form) {
    form.querySelectorAll("[data-select-all]").forEach(function (all) {
      var boxes = form.querySelectorAll('input[name="' + all.dataset.selectAll + '"]');
      var ticked = Array.prototype.filter.call(boxes, function (box) { return box.checked; });
      all.checked = boxes.length > 0 && ticked.length === boxes.length;
      all.indeterminate = ticked.length > 0 && ticked.length < boxes.length;
    });
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
      syncSelectAll(form);
      updateCost(form);
    });
    syncSelectAll(form);
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
