// Drag and drop for the upload form. Without JavaScript the file picker and a plain multipart
// POST do the same job; this only lets files be dropped and shows what was picked.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("upload-form");
  const zone = document.getElementById("dropzone");
  const input = document.getElementById("id_files");
  const list = document.getElementById("picked-files");
  if (!form || !zone || !input || !list) return;

  const maxFileBytes = Number(form.dataset.maxFileBytes);
  const maxFiles = Number(form.dataset.maxFiles);
  const megabytes = (n) => (n / 1048576).toFixed(1) + " MB";
  // Where a long name may wrap, as on the upload's page (the `file_name_breaks` filter): after a
  // separator, where letters and digits meet, inside camelCase. Never inside "2023".
  const NAME_BREAKS = /[-_.+,;~/\\)\]]+(?=[^-_.+,;~/\\)\]])|\p{L}(?=\d)|\d(?=\p{L})|[a-z](?=[A-Z])/gu;
  const withBreaks = (name) => {
    const fragment = document.createDocumentFragment();
    name
      .replace(NAME_BREAKS, "$&\u0000")
      .split("\u0000")
      .forEach((part, i) => {
        if (i) fragment.append(document.createElement("wbr"));
        fragment.append(part);
      });
    return fragment;
  };

  const show = () => {
    list.replaceChildren();
    const files = Array.from(input.files || []);
    files.forEach((file, i) => {
      const item = document.createElement("li");
      item.append(withBreaks(file.name), " · " + megabytes(file.size));
      const isZip = file.name.toLowerCase().endsWith(".zip");
      if (!isZip && file.size > maxFileBytes) {
        item.classList.add("picked-warning");
        item.append(" — larger than the limit, it will be refused");
      } else if (i >= maxFiles) {
        item.classList.add("picked-warning");
        item.append(" — past the " + maxFiles + " files an upload may hold");
      }
      list.appendChild(item);
    });
    zone.classList.toggle("has-files", files.length > 0);
  };

  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((type) =>
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    })
  );
  ["dragleave", "drop"].forEach((type) =>
    zone.addEventListener(type, () => zone.classList.remove("dragging"))
  );
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    const dropped = event.dataTransfer && event.dataTransfer.files;
    if (!dropped || !dropped.length) return;
    // Dropped files join those already picked, through a DataTransfer the input accepts.
    const merged = new DataTransfer();
    Array.from(input.files || []).forEach((f) => merged.items.add(f));
    Array.from(dropped).forEach((f) => merged.items.add(f));
    input.files = merged.files;
    show();
  });
  form.addEventListener("submit", () => {
    const button = document.getElementById("upload-submit");
    if (button) {
      button.setAttribute("aria-disabled", "true");
      button.textContent = "Uploading…";
    }
  });
});
