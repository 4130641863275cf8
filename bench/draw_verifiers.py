"""Anyone checking a published target proof (验证抽取证明), timed on the proof a ceremony of
:mod:`bench.draw_targets` published: the one-file Python verifier a citizen downloads
(``python3 spotcheck-verify.pyz PROOF.json``), the browser verifier under Node, and the public verification
page in Chromium — the proof downloaded and checked in a Web Worker, the time from the click to the last
check, and the page's main thread watched for long tasks meanwhile."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from werkzeug.serving import make_server

from bench.common import HERE, Figures, Timer, log
from spotcheck.core.database import db
from spotcheck.draw import bundle
from spotcheck.platform.factory import create_app

#: What the page reports when the main thread was blocked (a long task: 50 ms or more).
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
  .observe({entryTypes: ["longtask"]});
"""


def python_verifier(proof: Path, folder: Path) -> Figures:
    """``python3 spotcheck-verify.pyz PROOF.json`` in a folder of its own: its wall time and verdict."""
    pyz = folder / bundle.FILE_NAME
    pyz.write_bytes(bundle.build())
    python = _interpreter(shutil.which("python3") or sys.executable)
    with Timer() as timer:
        ran = subprocess.run([python, str(pyz), str(proof)], capture_output=True, text=True, timeout=600)
    return {"seconds": timer.seconds, "ok": ran.returncode == 0, "python": python}


def _interpreter(found: str) -> str:
    """The interpreter ``found`` runs, asked once (untimed): a version manager's shim (pyenv's, a shell script that
    looks for the version to run) costs 0.15 s a start on this machine, which a citizen's ``python3`` does not."""
    ran = subprocess.run([found, "-c", "import sys; print(sys.executable)"], capture_output=True, text=True, timeout=60)
    return ran.stdout.strip() or found


def node_verifier(proof: Path) -> Figures:
    """``node spotcheck-verify.js PROOF.json``: its wall time and verdict (None without node or the file)."""
    script = HERE.parent / "spotcheck" / "platform" / "static" / "spotcheck-verify.js"
    node = shutil.which("node")
    if node is None or not script.exists():
        return {"seconds": None, "ok": None, "why": "node or spotcheck-verify.js missing (make verifier)"}
    with Timer() as timer:
        ran = subprocess.run([node, str(script), str(proof)], capture_output=True, text=True, timeout=600)
    return {"seconds": timer.seconds, "ok": ran.returncode == 0}


@contextmanager
def _served(url: str) -> Iterator[str]:
    """The platform on ``url`` served on a free local port (werkzeug, threaded), as a citizen reaches it."""
    app = create_app({"DATABASE_URL": url})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def browser_verifier(url: str, campaign_id: int) -> Figures:
    """The public verification page in Chromium: from the click on "verify in this browser" to the last check
    shown (the proof downloaded from this server, checked in the page's Worker), the checks' own time as the
    page reports it, and the main thread's long tasks meanwhile."""
    chromium = shutil.which("chromium-headless-shell") or shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright  # optional here: without it the figure is reported missing
    except ImportError:
        chromium = None
    if chromium is None:
        return {"seconds": None, "ok": None, "why": "Chromium or Playwright missing (make test installs them)"}
    with _served(url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(locale="zh-CN")
            page.set_default_timeout(600_000)
            page.goto(f"{base}/public/draws/campaigns/{campaign_id}/proofs/targets/verify")
            page.evaluate(LONG_TASKS)
            started = time.perf_counter()
            page.click("#browser-verify-start")
            page.wait_for_selector("#browser-verify[data-result]:not([data-result='running'])")
            seconds = time.perf_counter() - started
            result = page.get_attribute("#browser-verify", "data-result")
            thread = page.get_attribute("#browser-verify", "data-thread")
            elapsed = page.inner_text("#browser-verify-elapsed")
            long_tasks = page.evaluate("window.__longTasks")
        finally:
            browser.close()
    log(f"  browser: {seconds:,.2f} s from the click, in the {thread}; {elapsed}")
    return {
        "seconds": seconds,
        "ok": result == "ok",
        "thread": thread,
        "page_says": elapsed,
        "long_tasks": len(long_tasks),
        "longest_task_ms": round(max(long_tasks, default=0.0)),
    }
