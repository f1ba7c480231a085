/* The attachments panel (attachments/_panel.html): drop files on it, or choose one, and each
   is uploaded with its progress shown; the server's answer (the panel again, with the new file
   or the reason it was refused) replaces the panel. Without JavaScript the panel's form posts
   the file as a plain multipart form. Listeners sit on the document, so a replaced panel needs
   no new ones. */
(function () {
  "use strict";

  function panelOf(el) {
    return el && el.closest ? el.closest("[data-attachments]") : null;
  }

  function say(panel, text) {
    var error = panel.querySelector("[data-attachment-error]");
    if (error) {
      error.textContent = text;
      error.hidden = !text;
    }
  }

  function announce(text) {
    var status = document.getElementById("sr-status");
    if (status) status.textContent = text;
  }

  function csrfToken(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function replacePanel(panel, html) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("[data-attachments]");
    if (!fresh) return null;
    panel.replaceWith(fresh);
    // Toasts the answer carries (hx-swap-oob) go where htmx would put them.
    fresh.querySelectorAll("[hx-swap-oob]").forEach(function (oob) {
      var toasts = document.getElementById("toasts");
      if (toasts) {
        while (oob.firstChild) toasts.appendChild(oob.firstChild);
      }
      oob.remove();
    });
    if (window.htmx) window.htmx.process(fresh);
    return fresh;
  }

  function upload(panel, files) {
    var form = panel.querySelector("[data-attachment-form]");
    if (!form || !files.length) return;
    var limit = parseInt(panel.dataset.maxBytes || "0", 10);
    var file = files[0];
    var rest = Array.prototype.slice.call(files, 1);
    if (limit && file.size > limit) {
      say(panel, (panel.dataset.tooLarge || "").replace("%(name)s", file.name));
      return;
    }
    var progress = panel.querySelector("[data-attachment-progress]");
    var data = new FormData();
    data.append("file", file, file.name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRFToken", csrfToken(form));
    xhr.setRequestHeader("HX-Request", "true");
    say(panel, "");
    panel.setAttribute("aria-busy", "true");
    announce((panel.dataset.uploading || "").replace("%(name)s", file.name));
    if (progress) {
      progress.hidden = false;
      progress.value = 0;
    }
    xhr.upload.addEventListener("progress", function (event) {
      if (progress && event.lengthComputable) {
        progress.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    xhr.addEventListener("load", function () {
      var fresh = xhr.responseText ? replacePanel(panel, xhr.responseText) : null;
      if (!fresh) {
        panel.removeAttribute("aria-busy");
        if (progress) progress.hidden = true;
        say(panel, panel.dataset.failed || "");
        return;
      }
      var error = fresh.querySelector("[data-attachment-error]:not([hidden])");
      announce(error ? error.textContent : "");
      if (xhr.status < 300 && rest.length) upload(fresh, rest);
    });
    xhr.addEventListener("error", function () {
      panel.removeAttribute("aria-busy");
      if (progress) progress.hidden = true;
      say(panel, panel.dataset.failed || "");
    });
    xhr.send(data);
  }

  document.addEventListener("dragover", function (event) {
    var panel = panelOf(event.target);
    if (!panel || !panel.querySelector("[data-attachment-form]")) return;
    event.preventDefault();
    panel.classList.add("is-dragover");
  });
  document.addEventListener("dragleave", function (event) {
    var panel = panelOf(event.target);
    if (panel && !panel.contains(event.relatedTarget)) panel.classList.remove("is-dragover");
  });
  document.addEventListener("drop", function (event) {
    var panel = panelOf(event.target);
    if (!panel || !panel.querySelector("[data-attachment-form]")) return;
    event.preventDefault();
    panel.classList.remove("is-dragover");
    if (event.dataTransfer && event.dataTransfer.files) upload(panel, event.dataTransfer.files);
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-attachment-form]")) return;
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files || !input.files.length || !window.FormData) return;
    event.preventDefault();
    upload(panelOf(form), input.files);
  });
})();
