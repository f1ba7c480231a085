/* Bulk selection on a list page: the page's box ticks every row, the bar shows what is
 * selected (hidden while nothing is), "select all that match" asks the server how many match,
 * and the action shows only its own field; "Edit a field" swaps the value's input for the one
 * of the field chosen (a select of its choices, a date...: asked of the server once per field).
 * No framework; the form works without this script (every control is then shown, the value is
 * a plain text input, and the page's box is not needed). */
(function () {
  "use strict";

  // Found again whenever the list's results are replaced (web/lists.js: live filters).
  var bar, pageBox, allBox, allLabel, countText, action, fieldSelect, valueSlot;
  var matching = null; // how many records match, once asked
  var asked = false;
  var inputs = {}; // a field's name -> the HTML of its value input, once asked

  function find() {
    bar = document.querySelector("[data-bulk-bar]");
    pageBox = document.querySelector("[data-bulk-page]");
    allBox = bar && bar.querySelector("[data-bulk-all]");
    allLabel = bar && bar.querySelector("[data-bulk-all-label]");
    countText = bar && bar.querySelector("[data-bulk-count]");
    action = bar && bar.querySelector("[data-bulk-action]");
    fieldSelect = bar && bar.querySelector("[data-bulk-field]");
    valueSlot = bar && bar.querySelector("[data-bulk-value]");
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

  function loadInput() {
    if (!fieldSelect || !valueSlot || !action || action.value !== "update") return;
    var name = fieldSelect.value;
    var current = valueSlot.querySelector("[name=value]");
    if (current && current.dataset.bulkValueFor === name) return;
    if (inputs[name]) {
      valueSlot.innerHTML = inputs[name];
      return;
    }
    var url = fieldSelect.dataset.inputUrl + "?field=" + encodeURIComponent(name);
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) return;
        inputs[name] = html;
        if (fieldSelect.value === name && action.value === "update") valueSlot.innerHTML = html;
      })
      .catch(function () {}); // the plain text input stays: the server checks the value
  }

  function showFields() {
    if (!action) return;
    loadInput();
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
    // A merge takes 2 to 10 records picked one by one (contacts/views_merge.py).
    var merge = bar.querySelector("[data-bulk-merge]");
    if (merge) merge.hidden = all || ticked < 2 || ticked > 10;
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
    } else if (target === fieldSelect) {
      loadInput();
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
