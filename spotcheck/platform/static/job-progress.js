/* Job page, or a page's section waiting for its job (#job, data-poll: the joint draw's size estimate): follow a
   queued or running job (progress bar and status) until it is done, then reload the page to show its result.
   Polls GET /api/v1/jobs/<id> with the session cookie. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !box.dataset.poll) { return; }
  var DONE = { succeeded: true, failed: true };
  if (DONE[box.dataset.status]) { return; }
  var bar = box.querySelector("progress");
  var percent = document.getElementById("job-progress-text");
  var status = document.getElementById("job-status");
  var delay = 1000;

  function show(job) {
    if (bar) { bar.value = job.progress; bar.textContent = job.progress + "%"; }
    if (percent) {
      var items = job.items_total && percent.dataset.items
        ? percent.dataset.items.replace("%(done)s", (job.items_done || 0).toLocaleString())
                               .replace("%(total)s", job.items_total.toLocaleString()) + " · "
        : "";
      percent.textContent = items + job.progress + "%";
    }
    var label = box.dataset["label" + job.status.charAt(0).toUpperCase() + job.status.slice(1)];
    if (status && label) { status.textContent = label; }
    box.dataset.status = job.status;
  }

  function poll() {
    fetch(box.dataset.poll, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (DONE[job.status]) { window.location.reload(); return; }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
}());
