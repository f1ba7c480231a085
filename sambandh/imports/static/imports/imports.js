// The import wizard's small helps; every page works without them. The drop zone puts a file
// dropped on it into its file input (which then shows its name); the mapping counts the columns to import and marks the
// ones left out as the selects change.
(function () {
  "use strict";

  function setupDrop(zone) {
    const input = zone.querySelector("input[type=file]");
    if (!input) return;
    ["dragenter", "dragover"].forEach((type) =>
      zone.addEventListener(type, (event) => {
        event.preventDefault();
        zone.classList.add("is-over");
      })
    );
    ["dragleave", "drop"].forEach((type) =>
      zone.addEventListener(type, () => zone.classList.remove("is-over"))
    );
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      const files = event.dataTransfer && event.dataTransfer.files;
      if (files && files.length) {
        input.files = files;
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function setupMapping(form) {
    const count = form.querySelector("[data-import-count]");
    const rows = Array.from(form.querySelectorAll("[data-import-row]"));
    const update = () => {
      let mapped = 0;
      rows.forEach((row) => {
        const select = row.querySelector("select");
        const on = Boolean(select && select.value);
        row.classList.toggle("is-unmapped", !on);
        if (on) mapped += 1;
      });
      if (count && count.dataset.template) {
        count.textContent = count.dataset.template.replace("%(mapped)s", String(mapped));
      }
    };
    form.addEventListener("change", (event) => {
      if (event.target instanceof HTMLSelectElement) update();
    });
  }

  function init() {
    document.querySelectorAll("[data-import-drop]").forEach(setupDrop);
    document.querySelectorAll("[data-import-mapping]").forEach(setupMapping);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
