/* Create a record without leaving a form: a link marked data-quick-create opens its dialog
 * (contacts/_quick_create_dialog.html) instead of a new tab; the dialog's form posts with fetch,
 * shows each field's message on a 422, and on success writes the new record into the lookup
 * input named by data-quick-target (the first empty one, when the selector matches several),
 * then gives the focus back to it. */
(function () {
  "use strict";

  var opener = null;

  function networkError() {
    return gettext("The server could not be reached. Check your connection and try again.");
  }

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function targetOf(link) {
    var inputs = Array.prototype.slice.call(document.querySelectorAll(link.dataset.quickTarget || ""));
    return inputs.filter(function (i) { return !i.value.trim(); })[0] || inputs[0] || null;
  }

  function clearErrors(form) {
    var box = form.querySelector("[data-quick-error]");
    if (box) { box.hidden = true; box.textContent = ""; }
    Array.prototype.forEach.call(form.querySelectorAll("[data-quick-field]"), function (el) { el.textContent = ""; });
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
  }

  function showErrors(form, data) {
    var box = form.querySelector("[data-quick-error]");
    var placed = false;
    Object.keys(data.fields || {}).forEach(function (name) {
      var slot = form.querySelector('[data-quick-field="' + name + '"]');
      if (!slot) return;
      slot.textContent = data.fields[name];
      var input = slot.parentNode.querySelector("input");
      if (input) input.setAttribute("aria-invalid", "true");
      placed = true;
    });
    if (box) {
      box.textContent = data.message || "";
      box.hidden = !data.message;
    }
    var first = form.querySelector("[aria-invalid]") || form.querySelector("input:not([type=hidden])");
    if (first && !placed) first = form.querySelector("input:not([type=hidden])");
    if (first) first.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-create]");
    if (link) {
      var dialog = document.getElementById(link.dataset.quickCreate);
      if (!dialog || !dialog.showModal) return;
      event.preventDefault();
      opener = link;
      var form = dialog.querySelector("form");
      form.reset();
      clearErrors(form);
      // Carry what the page's form already says (the deal's organization for a new person).
      Array.prototype.forEach.call(form.querySelectorAll("[data-quick-from]"), function (input) {
        var source = document.querySelector(input.dataset.quickFrom);
        input.value = source ? source.value : "";
      });
      // What was typed in the lookup becomes the new record's name.
      var target = targetOf(link);
      var first = form.querySelector("input:not([type=hidden])");
      if (target && first && target.value.trim()) first.value = target.value.trim();
      dialog.showModal();
      if (first) first.focus();
      return;
    }
    var cancel = event.target.closest && event.target.closest("[data-quick-cancel]");
    if (cancel) cancel.closest("dialog").close();
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-quick-form]")) return;
    event.preventDefault();
    clearErrors(form);
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(form), Accept: "application/json" },
    })
      .then(function (r) { return r.json().then(function (data) { return { ok: r.ok, data: data }; }); })
      .then(function (answer) {
        if (!answer.ok) { showErrors(form, answer.data); return; }
        var dialog = form.closest("dialog");
        var target = opener ? targetOf(opener) : null;
        dialog.close();
        if (target) {
          target.value = answer.data.ref;
          target.dispatchEvent(new Event("change", { bubbles: true }));
          target.focus();
        }
        if (window.Sambandh && window.Sambandh.toast) {
          window.Sambandh.toast((form.dataset.created || "Created %(name)s.").replace("%(name)s", answer.data.name), "success");
        }
      })
      .catch(function () { showErrors(form, { message: networkError() }); })
      .finally(function () { if (button) button.disabled = false; });
  });
})();
