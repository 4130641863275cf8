// 表格 (tables): a list table not stacked as cards scrolls inside its own box rather than squeezing its columns
// to a character a line (spotcheck.css gives each column a readable width on a phone). A table outside such a box
// is put in one; a box whose table (or a preformatted text, a manifest) is wider than it is made reachable by the
// keyboard (a focusable region named after the table's caption or the heading above it), so that its hidden part can
// be scrolled to. A page that fills a table later calls SpotcheckTables.arrange() again.
(function () {
  "use strict";
  function named(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    for (var node = box; node && node !== document.body; node = node.parentElement) {
      for (var before = node.previousElementSibling; before; before = before.previousElementSibling) {
        if (/^H[1-6]$/.test(before.tagName) && before.textContent.trim()) return before.textContent.trim();
      }
    }
    return document.title;
  }
  function arrange() {
    document.querySelectorAll("main table:not(.stack-on-phone)").forEach(function (table) {
      if (table.parentElement.classList.contains("table-scroll") || table.closest("table.stack-on-phone")) return;
      var box = document.createElement("div");
      box.className = "table-scroll";
      table.parentElement.insertBefore(box, table);
      box.appendChild(table);
    });
    document.querySelectorAll("main .table-scroll, main pre").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) box.setAttribute("aria-label", named(box));
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", arrange);
  else arrange();
  // a table a page fills later (the browser verifier's checks) is arranged again once filled
  window.SpotcheckTables = { arrange: arrange };
})();
