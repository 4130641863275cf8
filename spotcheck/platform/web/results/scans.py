"""The scans of the inspection codes' pages (扫码核验), counted in aggregate: each web process keeps the
counts in memory and writes them together after the response of the first request that comes once
``SPOTCHECK_SCAN_FLUSH_SECONDS`` have passed (SQLite has one writer; a scan is not worth a transaction of
its own). Counts wait in a process until its next scan after that interval, and a process that stops
loses those waiting: the figure is a count, not a register (the register is 入企 and 离企)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import cast

from flask import Flask, current_app
from werkzeug.local import LocalProxy
from werkzeug.wrappers import Response

from spotcheck.core.database import DATABASE_ERRORS
from spotcheck.tenants.results import commands as results

_lock = threading.Lock()
_counts: Counter[str] = Counter()
_since = time.monotonic()


def seen(token: str, response: Response) -> None:
    """Count one opening of the page of ``token``; write the counts after ``response`` when they are due."""
    global _since
    with _lock:
        _counts[token] += 1
        due = time.monotonic() - _since >= current_app.config["SPOTCHECK_SCAN_FLUSH_SECONDS"]
        if not due:
            return
        taken = dict(_counts)
        _counts.clear()
        _since = time.monotonic()
    # current_app is a LocalProxy of the app (Flask's globals declare it the app itself): the app object,
    # for the write after the response
    app = cast("LocalProxy[Flask]", current_app)._get_current_object()

    def write() -> None:
        with app.app_context():
            try:
                results.count_scans(taken)
            except DATABASE_ERRORS:  # the one writer is busy, or the database away: the counts wait for next time
                with _lock:
                    _counts.update(taken)

    response.call_on_close(write)
