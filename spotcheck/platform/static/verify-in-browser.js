/* Public verification page: "verify in your own browser". Fetches the proof once and runs every check
   of it with the browser verifier (spotcheck-verify.js) in a Web Worker (verify-worker.js), off the
   page's main thread, while a progress bar moves; then lists each check in Chinese with its verdict
   and the time it took. Without Workers the checks run in the page itself, a slice at a time. Nothing
   is sent to the server (a business's own id and salt, when the page has them, neither). The page's
   words and the scripts' addresses come from the section's data-*
   attributes. */
(function () {
  "use strict";
  var box = document.getElementById("browser-verify");
  var start = document.getElementById("browser-verify-start");
  if (!box || !start || (!window.Worker && !window.SpotcheckVerify)) { return; }
  var words = box.dataset;
  var names = {};
  try { names = JSON.parse(words.names || "{}"); } catch (ignored) { names = {}; }
  // a business's own row (本户核验): its id and salt, checked after the public checks, never sent anywhere
  var own = words.ownId && words.ownSalt ? { id: words.ownId, salt: words.ownSalt } : null;
  var progress = document.getElementById("browser-verify-progress");
  var bar = progress.querySelector("progress");
  var status = document.getElementById("browser-verify-status");
  var verdict = document.getElementById("browser-verify-verdict");
  var table = document.getElementById("browser-checks");
  var elapsed = document.getElementById("browser-verify-elapsed");

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function number(n) { return Number(n).toLocaleString(); }

  var last = null;  // the last progress shown: said as finished once the checks are done

  function showProgress(state) {
    last = state;
    bar.max = Math.max(state.total, 1);
    bar.value = Math.min(state.done, bar.max);
    status.textContent = fill(words.progress, { done: number(state.done), total: number(state.total),
                                                hashes: number(state.hashes) });
  }

  function cell(row, text, className) {
    var td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    row.appendChild(td);
    return td;
  }

  function showChecks(checks) {
    var body = table.tBodies[0];
    var rows = document.createDocumentFragment();
    var failed = 0;
    checks.forEach(function (check) {
      var row = document.createElement("tr");
      row.className = check.ok ? "check-ok" : "check-fail";
      cell(row, check.ok ? words.holds : words.fails, "check-mark");
      cell(row, check.label).setAttribute("data-check", check.name);
      cell(row, check.detail || "");
      rows.appendChild(row);
      if (!check.ok) { failed += 1; }
    });
    body.textContent = "";
    body.appendChild(rows);
    table.hidden = false;
    if (window.SpotcheckTables) { window.SpotcheckTables.arrange(); }  // its box reachable by the keyboard
    verdict.className = failed ? "check-fail" : "check-ok";
    verdict.textContent = "";
    var strong = document.createElement("strong");
    strong.className = "check-mark";
    strong.textContent = failed ? fill(words.someFail, { n: failed }) : words.allHold;
    verdict.appendChild(strong);
    verdict.hidden = false;
    elapsed.textContent = fill(words.elapsed, { seconds: (checks.elapsedMs / 1000).toFixed(2),
                                                hashes: number(checks.hashes || 0) });
    elapsed.hidden = false;
    box.setAttribute("data-result", failed ? "fail" : "ok");
  }

  function showError(error) {
    progress.hidden = true;  // it stopped: no "recomputing" left on the page
    verdict.className = "check-fail";
    verdict.textContent = fill(words.unreadable, { error: error && error.message ? error.message : String(error) });
    verdict.hidden = false;
    box.setAttribute("data-result", "error");
  }

  function done() {
    start.disabled = false;
    if (last && !progress.hidden) {  // the recomputation is over: the status says so, with its figures
      status.textContent = fill(words.finished, { done: number(last.done), total: number(last.total),
                                                  hashes: number(last.hashes) });
    }
  }

  /** The checks in a Worker: its progress shown as it comes, then its checks (or the error). */
  function inWorker() {
    var worker = new Worker(words.worker);
    box.setAttribute("data-thread", "worker");
    worker.onmessage = function (event) {
      var message = event.data || {};
      if (message.progress) { showProgress(message.progress); return; }
      worker.terminate();
      if (message.error) { showError(new Error(message.error)); done(); return; }
      var checks = message.checks;
      checks.elapsedMs = message.elapsedMs;
      checks.hashes = message.hashes;
      showChecks(checks);
      done();
    };
    worker.onerror = function (event) {
      worker.terminate();
      showError(new Error(event.message || "worker"));
      done();
    };
    worker.postMessage({ verifier: new URL(words.verifier, document.baseURI).href,
                         proof: new URL(words.proof, document.baseURI).href, names: names, own: own });
  }

  start.addEventListener("click", function () {
    start.disabled = true;
    box.setAttribute("data-result", "running");
    verdict.hidden = true;
    table.hidden = true;
    elapsed.hidden = true;
    progress.hidden = false;
    showProgress({ done: 0, total: 1, hashes: 0 });
    if (window.Worker && words.worker) { inWorker(); return; }
    box.setAttribute("data-thread", "page");
    fetch(words.proof, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.arrayBuffer();
      })
      .then(function (bytes) {
        return window.SpotcheckVerify.verify(new Uint8Array(bytes), { onProgress: showProgress, names: names, own: own });
      })
      .then(showChecks, showError)
      .then(done);
  });
}());
