/* The inspectors ticked for their accounts (批量开通账号) are kept as the list is paged and searched: every tick
   changes the selection (?sel=1,2,3) that the page links, the filters and the search box carry, so that the
   inspectors ticked on another page or before a search stay selected (the server lists them with the form).
   Without the script, a page's ticks are sent as they are, and a selection given in the address is carried. */
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("inspector-accounts");
    var holder = document.querySelector("input[data-selection]");
    if (!form || !holder) { return; }
    var boxes = document.querySelectorAll('input[type="checkbox"][form="inspector-accounts"]');

    function selection() {
      var chosen = {};
      holder.defaultValue.split(",").forEach(function (id) { if (id) { chosen[id] = true; } });
      Array.prototype.forEach.call(boxes, function (box) {
        if (box.checked) { chosen[box.value] = true; } else { delete chosen[box.value]; }
      });
      return Object.keys(chosen).join(",");
    }

    function carry() {
      var chosen = selection();
      holder.value = chosen;
      var links = document.querySelectorAll("#section-inspectors .pager a, .inspector-filters a");
      Array.prototype.forEach.call(links, function (link) {
        var address = new URL(link.href, window.location.href);
        if (chosen) { address.searchParams.set("sel", chosen); } else { address.searchParams.delete("sel"); }
        link.href = address.toString();
      });
    }

    Array.prototype.forEach.call(boxes, function (box) { box.addEventListener("change", carry); });
    carry();
  });
}());
