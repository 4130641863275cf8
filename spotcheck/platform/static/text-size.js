/* 大字模式 (larger text, 工信部 2021 适老化) on the public pages: the reader's choice, kept in
   localStorage, applied before the page is drawn; the header's toggle button turns it on and off. */
(function () {
  "use strict";
  var KEY = "spotcheck-text-size";
  var root = document.documentElement;

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "large"; } catch (e) { return false; }
  }

  function remember(on) {
    try {
      if (on) { window.localStorage.setItem(KEY, "large"); } else { window.localStorage.removeItem(KEY); }
    } catch (e) { /* storage refused (private window): the choice lasts for this page only */ }
  }

  root.classList.toggle("large-text", remembered());

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("text-size-toggle");
    if (!button) { return; }
    button.hidden = false;  /* without this script the button would do nothing: it stays hidden */
    button.setAttribute("aria-pressed", String(root.classList.contains("large-text")));
    button.addEventListener("click", function () {
      var on = !root.classList.contains("large-text");
      root.classList.toggle("large-text", on);
      button.setAttribute("aria-pressed", String(on));
      remember(on);
    });
  });
}());
