"""Delivering a batch (投递): into a folder, or by HTTP POST to the credit platform's endpoint.

Where to is configured (``SPOTCHECK_EXPORT_URL`` first, else ``SPOTCHECK_EXPORT_DIR``):

* **folder** — the batch's three files are written into ``<dir>/<department>/.partial-…`` and the
  folder is renamed into place as ``<dir>/<department>/<YJJ-000003>/`` in one step: a reader sees
  the whole batch or nothing. A batch delivered again replaces its folder the same way.
* **endpoint** — one ``multipart/form-data`` POST with the parts ``manifest``, ``jsonl`` and ``csv``
  (streamed from the stored files, so a large batch is never held in memory), and the headers
  ``X-Spotcheck-Batch`` and ``X-Spotcheck-Manifest-SHA256``; ``Authorization: Bearer`` when
  ``SPOTCHECK_EXPORT_TOKEN`` is set. Any answer but 2xx, a timeout or a refused connection is a
  failed delivery.

A delivery of the same batch always sends the same bytes under the same name, so a receiver that
got a batch twice (a worker that died after sending and before recording) recognises the copy.
"""

from __future__ import annotations

import os
import secrets
import shutil
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spotcheck.core import settings, storage

#: Told the share sent so far, in per cent (a job's progress).
Progress = Callable[[int], None]

CHUNK = 1 << 16


@dataclass(frozen=True)
class Part:
    """One file of a batch to deliver: the form field, the file name, its media type, the stored key."""

    field: str
    name: str
    media_type: str
    key: str


@dataclass(frozen=True)
class Outcome:
    ok: bool
    target: str
    status_code: int | None = None
    error: str = ""
    seconds: float = 0.0


def target() -> tuple[str, str]:
    """(kind, where): ``("url", address)`` or ``("dir", folder)``."""
    url = (settings.get("SPOTCHECK_EXPORT_URL") or "").strip()
    if url:
        return "url", url
    folder = (settings.get("SPOTCHECK_EXPORT_DIR") or "").strip()
    return "dir", folder or str(Path(settings.get("SPOTCHECK_STORAGE")) / "credit-export")


def shown(kind: str, where: str) -> str:
    """Where, as the log and the audit trail show it: an address without user name or password; a folder by its own
    name alone, never the server's path to it."""
    if kind == "url":
        parts = urllib.parse.urlsplit(where)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
        return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))[:300]
    return f"{Path(where).name}/"[:300]


def deliver(
    department_code: str, batch_name: str, manifest_sha256: str, parts: list[Part], progress: Progress | None = None
) -> Outcome:
    kind, where = target()
    started = time.monotonic()
    try:
        if kind == "url":
            status = _post(where, batch_name, manifest_sha256, parts, progress)
            ok = 200 <= status < 300
            return Outcome(ok, shown(kind, where), status, "" if ok else f"HTTP {status}", time.monotonic() - started)
        _into_folder(Path(where) / department_code, batch_name, parts)
        return Outcome(True, shown(kind, where), None, "", time.monotonic() - started)
    except urllib.error.HTTPError as answer:  # raised for non-2xx answers
        return Outcome(
            False,
            shown(kind, where),
            answer.code,
            f"HTTP {answer.code} {answer.reason}"[:500],
            time.monotonic() - started,
        )
    except (OSError, ValueError) as failure:  # refused, unreachable, timed out, disk full, bad address
        reason = getattr(failure, "reason", None) or failure
        return Outcome(
            False, shown(kind, where), None, f"{type(failure).__name__}: {reason}"[:500], time.monotonic() - started
        )


def _into_folder(folder: Path, batch_name: str, parts: list[Part]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f".partial-{batch_name}-{secrets.token_hex(4)}"
    partial.mkdir()
    try:
        for part in parts:
            with storage.path(part.key).open("rb") as source, (partial / part.name).open("wb") as out:
                shutil.copyfileobj(source, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
        final = folder / batch_name
        if final.exists():  # delivered before: the new copy replaces it in one step
            old = folder / f".replaced-{batch_name}-{secrets.token_hex(4)}"
            final.rename(old)
            partial.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


class _Multipart:
    """A multipart/form-data body read from the stored files, of known length (no chunked encoding)."""

    def __init__(self, parts: list[Part], progress: Progress | None = None) -> None:
        self.boundary = f"spotcheck-{secrets.token_hex(16)}"
        self._pieces: list[bytes | Path] = []
        for part in parts:
            self._pieces.append(
                (
                    f'--{self.boundary}\r\nContent-Disposition: form-data; name="{part.field}"; '
                    f'filename="{part.name}"\r\nContent-Type: {part.media_type}\r\n\r\n'
                ).encode()
            )
            self._pieces.append(storage.path(part.key))
            self._pieces.append(b"\r\n")
        self._pieces.append(f"--{self.boundary}--\r\n".encode())
        self.length = sum(len(p) if isinstance(p, bytes) else p.stat().st_size for p in self._pieces)
        self._progress, self._sent, self._reported = progress, 0, -1
        self._iter = self._chunks()
        self._buffer = b""

    def _chunks(self) -> Iterator[bytes]:
        for piece in self._pieces:
            if isinstance(piece, bytes):
                yield piece
                continue
            with piece.open("rb") as stream:
                while chunk := stream.read(CHUNK):
                    yield chunk

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._iter, None)
            if chunk is None:
                break
            self._buffer += chunk
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        self._sent += len(data)
        if self._progress and self.length:
            percent = int(90 * self._sent / self.length)
            if percent >= self._reported + 10:
                self._reported = percent
                self._progress(percent)
        return data


def _post(url: str, batch_name: str, manifest_sha256: str, parts: list[Part], progress: Progress | None) -> int:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError("SPOTCHECK_EXPORT_URL must be an http:// or https:// address")
    body = _Multipart(parts, progress)
    headers = {
        "Content-Type": f"multipart/form-data; boundary={body.boundary}",
        "Content-Length": str(body.length),
        "X-Spotcheck-Batch": batch_name,
        "X-Spotcheck-Manifest-SHA256": manifest_sha256,
        "User-Agent": "spotcheck-credit-export/1",
    }
    token = settings.get("SPOTCHECK_EXPORT_TOKEN") or ""
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    timeout = float(settings.get("SPOTCHECK_EXPORT_TIMEOUT") or 30)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # the platform's network only
    with opener.open(request, timeout=timeout) as answer:
        answer.read(1 << 16)
        return answer.status
