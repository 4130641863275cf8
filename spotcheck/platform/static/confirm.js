// Irreversible steps ask first: a form with data-confirm="question" is sent only when the user agrees.
// A question may say what the form holds: with data-confirm-lines="FIELD", "{lines}" in it is the number of
// non-blank lines of that field; when there is none, data-confirm-none is asked instead, "{reason}" in it being
// the text of the field data-confirm-reason names (left blank, nothing is asked: the server names what is missing).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  var counted = question && form.getAttribute("data-confirm-lines");
  if (counted && form.elements[counted]) {
    var lines = form.elements[counted].value.split(/\r?\n/).filter(function (line) { return line.trim(); }).length;
    if (lines) {
      question = question.replace("{lines}", String(lines));
    } else {
      var reasonField = form.elements[form.getAttribute("data-confirm-reason") || ""];
      var reason = reasonField ? reasonField.value.trim() : "";
      question = reason ? (form.getAttribute("data-confirm-none") || question).replace("{reason}", reason) : "";
    }
  }
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
}, true);
// A form sent back with errors opens on its first invalid field (its autofocus); when the form's error
// summary would lie above the window's top, the page shows the summary at the top and the field focused
// below it (in view where both fit).
document.addEventListener("DOMContentLoaded", function () {
  var field = document.querySelector("[autofocus]");
  var summary = field && field.form && field.form.querySelector(".error-summary");
  if (!summary) { return; }
  field.focus({preventScroll: true});
  summary.scrollIntoView({block: "start"});
  var box = field.getBoundingClientRect();
  if (box.bottom > window.innerHeight) { field.scrollIntoView({block: "nearest"}); }
});
