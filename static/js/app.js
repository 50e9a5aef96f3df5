// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".nav-toggle");
  const links = document.getElementById("nav-links");
  if (toggle && links) {
    toggle.addEventListener("click", () => {
      const open = links.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }
  // A form whose text is past what the server accepts is stopped here, on the page, so nothing
  // typed is lost; the server refuses it too (config/request_limits.py) if this never ran.
  const limit = parseInt(document.body.dataset.formMaxBytes || "0", 10);
  const encoder = new TextEncoder();
  function formTextBytes(form) {
    const multipart = form.enctype === "multipart/form-data";
    let total = 0;
    let largest = null;
    for (const [name, value] of new FormData(form).entries()) {
      if (typeof value !== "string") continue;
      const size = multipart
        ? encoder.encode(value).length
        : encodeURIComponent(value).length + encodeURIComponent(name).length + 2;
      total += size;
      if (!largest || size > largest.size) largest = { name, size };
    }
    return { total, largest };
  }
  function megabytes(n) { return (n / 1048576).toFixed(1) + " MB"; }
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!limit || !(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
    const { total, largest } = formTextBytes(form);
    let note = form.querySelector("[data-too-big]");
    if (total <= limit) {
      if (note) note.remove();
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    const field = largest && form.elements.namedItem(largest.name);
    const label = field && field.labels && field.labels[0] ? field.labels[0].textContent.trim() : "";
    if (!note) {
      note = document.createElement("p");
      note.className = "form-errors";
      note.setAttribute("role", "alert");
      note.dataset.tooBig = "";
      form.prepend(note);
    }
    note.textContent = "This is " + megabytes(total) + " of text; RoleMatch accepts up to " +
      megabytes(limit) + " in one form. Nothing was sent and what you typed is still here: " +
      "shorten " + (label ? "the " + label.toLowerCase() + " field" : "the longest field") +
      " and send it again.";
    note.scrollIntoView({ block: "center" });
  }, true);

  // Destructive forms ask first; without JavaScript they submit straight away.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
