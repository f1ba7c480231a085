/* Bulk selection on a list page: the page's box ticks every row, the bar shows what is
 * selected (hidden while nothing is), "select all that match" asks the server how many match,
 * and the action shows only its own field. No framework; the form works without this script
 * (every control is then shown, and the page's box is not needed). */
(function () {
  "use strict";

  // Found again whenever the list's results are replaced (web/lists.js: live filters).
  var bar, pageBox, allBox, allLabel, countText, action;
  var matching = null; // how many records match, once asked
  var asked = false;

  function find() {
    bar = document.querySelector("[data-bulk-bar]");
    pageBox = document.querySelector("[data-bulk-page]");
    allBox = bar && bar.querySelector("[data-bulk-all]");
    allLabel = bar && bar.querySelector("[data-bulk-all-label]");
    countText = bar && bar.querySelector("[data-bulk-count]");
    action = bar && bar.querySelector("[data-bulk-action]");
    matching = null;
    asked = false;
    if (!bar) return;
    if (pageBox) pageBox.hidden = false;
    showFields();
    update();
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("input[data-bulk-row]"));
  }

  function format(template, count) {
    return template.replace("%(count)s", count.toLocaleString());
  }

  function askCount() {
    if (asked || !allBox || !bar.dataset.countUrl) return;
    asked = true;
    fetch(bar.dataset.countUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || data.count === null) return;
        matching = data.count;
        if (allLabel && data.label) allLabel.textContent = data.label;
        update();
      })
      .catch(function () { asked = false; });
  }

  function showFields() {
    if (!action) return;
    Array.prototype.forEach.call(bar.querySelectorAll("[data-bulk-for]"), function (el) {
      el.hidden = el.dataset.bulkFor.split(" ").indexOf(action.value) < 0;
    });
    // Deleting asks first (app.js asks for a form with data-confirm).
    if (action.value === "delete" && bar.dataset.deleteConfirm) {
      bar.dataset.confirm = bar.dataset.deleteConfirm;
    } else {
      delete bar.dataset.confirm;
    }
  }

  function update() {
    var boxes = rows();
    var ticked = boxes.filter(function (b) { return b.checked; }).length;
    var all = allBox && allBox.checked;
    if (all) {
      countText.textContent = matching === null ? allLabel.textContent : format(bar.dataset.allSelected, matching);
    } else {
      countText.textContent = format(bar.dataset.selected, ticked);
    }
    bar.hidden = !ticked && !all;
    if (pageBox) {
      pageBox.checked = ticked > 0 && ticked === boxes.length;
      pageBox.indeterminate = ticked > 0 && ticked < boxes.length;
    }
    if (ticked) askCount();
  }

  document.addEventListener("change", function (event) {
    if (!bar) return;
    var target = event.target;
    if (target === pageBox) {
      rows().forEach(function (b) { b.checked = pageBox.checked; });
      if (!pageBox.checked && allBox) allBox.checked = false;
    } else if (target === allBox) {
      if (allBox.checked) rows().forEach(function (b) { b.checked = true; });
    } else if (target === action) {
      showFields();
      return;
    } else if (!(target.matches && target.matches("input[data-bulk-row]"))) {
      return;
    } else if (!target.checked && allBox) {
      allBox.checked = false;
    }
    update();
  });

  document.addEventListener("sambandh:list-updated", find);
  find();
})();
