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
// A form sent back with errors opens on them: its error summary (the first of the page) at the top of the window
// and its first invalid field focused (the field the summary's first link names, a group of choices its first;
// naming none, the form's autofocus), not scrolled to: the summary stays in view, its links lead to each field.
// Else the summary itself is focused.
function openOnErrors() {
  var summary = document.querySelector(".error-summary");
  if (!summary) { return; }
  var form = summary.closest("form");
  var link = summary.querySelector("a[href^='#']");
  var field = link ? document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)))
    : form && form.querySelector("[autofocus]");
  if (field && !/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(field.tagName)) {
    field = field.querySelector("input, select, textarea");
  }
  summary.scrollIntoView({block: "start"});
  (field || summary).focus({preventScroll: true});
}
// once the page is read, and again once it is loaded: a form's address (#its-id) scrolls the page after the first
document.addEventListener("DOMContentLoaded", openOnErrors);
window.addEventListener("load", openOnErrors);
