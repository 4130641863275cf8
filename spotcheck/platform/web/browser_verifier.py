"""The browser verifier (浏览器验证程序): ``spotcheck-verify.js``, one file that checks a draw proof in
the citizen's own browser or under Node (``node spotcheck-verify.js PROOF.json``).

It is built from ``static/verifier-src`` by npm and esbuild (``make verifier``), not committed: a
server without it says so on the page rather than failing. Its SHA-256 is read from the built file
and kept until the file changes.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

FILE_NAME = "spotcheck-verify.js"
PATH = Path(__file__).resolve().parents[1] / "static" / FILE_NAME
BUILD_COMMAND = "make verifier"

_lock = threading.Lock()
_kept: dict = {}


def built() -> tuple[bytes, str] | None:
    """The built file and its SHA-256, or None when it has not been built."""
    try:
        stat = PATH.stat()
    except OSError:
        return None
    version = (stat.st_mtime_ns, stat.st_size)
    with _lock:
        if _kept.get("version") != version:
            try:
                data = PATH.read_bytes()
            except OSError:
                return None
            _kept.update(version=version, data=data, sha256=hashlib.sha256(data).hexdigest())
        return _kept["data"], _kept["sha256"]


def sha256() -> str | None:
    """The SHA-256 of the built file (hex), or None when it has not been built."""
    found = built()
    return found[1] if found else None
