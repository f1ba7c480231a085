// The compose page's files: when the chosen files are larger together than an email may carry,
// say so beside the field and keep the form from being sent (the server would refuse it before
// reading it, and what was typed would be lost). The server checks again whatever happens here.
(function () {
  "use strict";
  var input = document.getElementById("id_attachments");
  if (!input || !input.form) return;
  var max = parseInt(input.getAttribute("data-max-total"), 10);
  var message = input.getAttribute("data-too-large") || "";
  var field = input.closest(".field");
  var shown = null;
  var describedBy = input.getAttribute("aria-describedby") || "";
  var hadError = field ? field.classList.contains("has-error") : false;
  var wasInvalid = input.getAttribute("aria-invalid") === "true";

  function total() {
    var sum = 0;
    for (var i = 0; i < input.files.length; i++) sum += input.files[i].size;
    return sum;
  }

  function check() {
    var tooLarge = max > 0 && total() > max;
    if (tooLarge && !shown) {
      shown = document.createElement("ul");
      shown.className = "errorlist";
      shown.id = "id_attachments_client_error";
      var item = document.createElement("li");
      item.textContent = message;
      shown.appendChild(item);
      input.parentNode.insertBefore(shown, input.nextSibling);
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", (describedBy + " " + shown.id).trim());
      if (field) field.classList.add("has-error");
    } else if (!tooLarge && shown) {
      shown.remove();
      shown = null;
      if (!wasInvalid) input.removeAttribute("aria-invalid");
      if (describedBy) input.setAttribute("aria-describedby", describedBy);
      else input.removeAttribute("aria-describedby");
      if (field && !hadError) field.classList.remove("has-error");
    }
    return !tooLarge;
  }

  input.addEventListener("change", check);
  input.form.addEventListener("submit", function (event) {
    if (!check()) {
      event.preventDefault();
      input.focus();
    }
  });
})();
