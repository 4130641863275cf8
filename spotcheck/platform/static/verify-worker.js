/* The browser verifier off the page's main thread (验证在后台线程运行): a dedicated Web Worker that
   loads spotcheck-verify.js, fetches the proof itself, runs every check and posts its progress and
   then the checks to the page (verify-in-browser.js), which stays responsive throughout. Messages in:
   {verifier, proof, names, own}; out: {progress: {done, total, hashes, elapsedMs}}, then {checks,
   elapsedMs, hashes} or {error}. */
/* global importScripts, SpotcheckVerify */
"use strict";
self.onmessage = function (event) {
  var asked = event.data || {};
  try {
    importScripts(asked.verifier);
  } catch (error) {
    self.postMessage({ error: String(error && error.message ? error.message : error) });
    return;
  }
  fetch(asked.proof, { credentials: "same-origin", cache: "no-store" })
    .then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.arrayBuffer();
    })
    .then(function (bytes) {
      return SpotcheckVerify.verify(new Uint8Array(bytes), {
        names: asked.names || {}, own: asked.own || null, sliceMs: 200,
        onProgress: function (state) { self.postMessage({ progress: state }); },
      });
    })
    .then(function (checks) {
      self.postMessage({ checks: Array.from(checks), elapsedMs: checks.elapsedMs, hashes: checks.hashes });
    }, function (error) {
      self.postMessage({ error: String(error && error.message ? error.message : error) });
    });
};
