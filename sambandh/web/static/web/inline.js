/* Inline editing on record pages (web/inline.py, web/views_inline.py): a field's button opens
 * its editor in place, Save posts it with the version the page was loaded at, Cancel and Escape
 * put the value back. A refusal comes back as the editor with what was typed and the reason. A
 * save gives the record a new version: every field of the record on the page, and the forms that
 * carry its version (input[data-version-of]), take it, so the next edit is not a conflict. */
(function () {
  "use strict";

  function swap(el, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var fresh = holder.firstElementChild;
    if (!fresh) return null;
    el.replaceWith(fresh);
    return fresh;
  }

  function focusIn(el) {
    var input = el && el.querySelector("input:not([type=hidden]), select, textarea");
    if (input) {
      input.focus();
      if (input.select && input.type !== "date" && input.tagName !== "SELECT") input.select();
    }
  }

  function focusTrigger(el) {
    var button = el && el.querySelector("[data-inline-edit]");
    if (button) button.focus();
  }

  function newVersion(record, version) {
    if (!record || !version) return;
    Array.prototype.forEach.call(document.querySelectorAll('[data-record="' + record + '"]'), function (el) {
      el.dataset.version = version;
      var input = el.querySelector("input[name=version]");
      if (input) input.value = version;
    });
    Array.prototype.forEach.call(document.querySelectorAll('input[data-version-of="' + record + '"]'), function (input) {
      input.value = version;
    });
  }

  function fail(el) {
    var text = gettext("The server could not be reached. Check your connection and try again.");
    if (window.Sambandh && window.Sambandh.toast) window.Sambandh.toast(text, "error");
    focusIn(el);
  }

  function open(wrapper) {
    var url = wrapper.dataset.inlineUrl + "?version=" + encodeURIComponent(wrapper.dataset.version || "");
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r); })
      .then(function (html) { focusIn(swap(wrapper, html)); })
      .catch(function () { fail(wrapper); });
  }

  function cancel(form) {
    fetch(form.dataset.inlineUrl + "?show=1", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r); })
      .then(function (html) { focusTrigger(swap(form, html)); })
      .catch(function () { fail(form); });
  }

  function save(form) {
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "" },
    })
      .then(function (r) {
        return r.text().then(function (html) {
          var record = form.dataset.record;
          var fresh = swap(form, html);
          if (r.ok) {
            newVersion(record, r.headers.get("X-Record-Version"));
            focusTrigger(fresh);
            document.dispatchEvent(new CustomEvent("sambandh:record-saved", { detail: { record: record } }));
          } else {
            focusIn(fresh);
          }
        });
      })
      .catch(function () { if (button) button.disabled = false; fail(form); });
  }

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest && event.target.closest("[data-inline-edit]");
    if (trigger) {
      event.preventDefault();
      open(trigger.closest(".inline-field"));
      return;
    }
    var stop = event.target.closest && event.target.closest("[data-inline-cancel]");
    if (stop) cancel(stop.closest("form"));
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-inline-form]")) return;
    event.preventDefault();
    save(form);
  });

  document.addEventListener("keydown", function (event) {
    var form = event.target.closest && event.target.closest("form[data-inline-form]");
    if (!form) return;
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      cancel(form);
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.tagName === "TEXTAREA") {
      event.preventDefault();
      save(form);
    }
  });
})();
