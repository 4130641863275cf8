/* A filter box over a long list of checkboxes (the team of a check registered afterwards: a hundred inspectors
   and more): <input data-filters="LIST_ID"> hides the choices of that list whose text does not contain what is
   typed (case ignored); a checked choice stays in view. The box is hidden in the page and shown by this script,
   so that without the script there is no box that does nothing, and every choice is listed. */
(function () {
  "use strict";

  function filter(input, list) {
    var typed = input.value.trim().toLowerCase();
    Array.prototype.forEach.call(list.querySelectorAll("li"), function (item) {
      var box = item.querySelector("input");
      var matches = !typed || item.textContent.toLowerCase().indexOf(typed) !== -1;
      item.hidden = !(matches || (box && box.checked));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-filters]"), function (input) {
      var list = document.getElementById(input.getAttribute("data-filters"));
      var holder = input.closest(".list-filter");
      if (!list || !holder) { return; }
      holder.hidden = false;
      input.addEventListener("input", function () { filter(input, list); });
      input.addEventListener("keydown", function (event) {  /* Enter filters; it does not send the form */
        if (event.key === "Enter") { event.preventDefault(); }
      });
      filter(input, list);  /* a value the browser restored on going back */
    });
  });
}());
