// The compose page on a deal: choosing the person fills "To" with their address, unless the
// user has typed something else there.
(function () {
  "use strict";
  var data = document.getElementById("person-emails");
  var select = document.querySelector("select[data-emails]");
  var to = document.getElementById("id_to");
  if (!data || !select || !to) return;
  var emails = JSON.parse(data.textContent);
  var filled = emails[select.value] || "";
  select.addEventListener("change", function () {
    if (to.value.trim() === "" || to.value.trim() === filled) {
      filled = emails[select.value] || "";
      to.value = filled;
    }
  });
})();
