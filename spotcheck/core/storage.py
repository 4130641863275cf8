"""Stored files (文件存储): uploads waiting for their import, rules documents, and — as they come —
attachments of results, inspection notices and export batches.

Files live in one directory that every process of a deployment reads: the web servers, the Celery
workers and beat (setting ``SPOTCHECK_STORAGE``; a named volume mounted in each container of
``docker-compose.yml``; by default ``<instance>/storage`` for the embedded mode). A file is named by
a *key* the server chooses, ``<area>/<tenant>/<32 hex digits><suffix>``: never a name or a path
from a request, checked against that pattern on every use. Files are written under a temporary
name and renamed into place, so a reader never sees half a file; their size is limited while they
are read, and their SHA-256 is computed on the way.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from spotcheck.core import settings
from spotcheck.core.commands import after_commit, after_rollback, in_command
from spotcheck.core.errors import InvalidInputError, NotFoundError

KEY = re.compile(
    r"^(?P<area>[a-z][a-z_]{0,31})/(?P<tenant>\d{1,10})/(?P<name>[0-9a-f]{32})(?P<suffix>\.[a-z0-9]{1,8})?$"
)
AREA = re.compile(r"^[a-z][a-z_]{0,31}$")
SUFFIX = re.compile(r"^(\.[a-z0-9]{1,8})?$")
CHUNK = 1 << 20


@dataclass(frozen=True)
class Stored:
    """A stored file: its key, size in bytes and SHA-256 (hex)."""

    key: str
    size: int
    sha256: str


def root() -> Path:
    """The storage directory (created when missing)."""
    path = Path(settings.get("SPOTCHECK_STORAGE"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _path(key: object) -> Path:
    """Where the file of ``key`` is: any value a caller passes, refused unless it is a key of the pattern."""
    if not isinstance(key, str) or not KEY.match(key):
        raise NotFoundError(_l("No such stored file."))
    return root() / key


def save(stream: BinaryIO, *, area: str, tenant_id: int, suffix: str = "", limit: int, field: str = "file") -> Stored:
    """Store what ``stream`` holds, refusing more than ``limit`` bytes (a field error under ``field``)."""
    suffix = suffix.lower()
    if not AREA.match(area) or not SUFFIX.match(suffix) or tenant_id < 0:
        raise ValueError("bad storage area, suffix or tenant")
    key = f"{area}/{tenant_id}/{secrets.token_hex(16)}{suffix}"
    target = root() / key
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    digest, size = hashlib.sha256(), 0
    try:
        with partial.open("wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise InvalidInputError(
                        {field: [_l("The file is larger than %(mb)d MB.", mb=max(1, limit // (1024 * 1024)))]}
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if in_command():  # a command that fails after storing leaves no file behind
        after_rollback(lambda: delete(key))
    return Stored(key=key, size=size, sha256=digest.hexdigest())


def save_bytes(data: bytes, *, area: str, tenant_id: int, suffix: str = "") -> Stored:
    """Store ``data`` (a generated file: a notice, an export batch)."""

    return save(io.BytesIO(data), area=area, tenant_id=tenant_id, suffix=suffix, limit=len(data))


def path(key: str) -> Path:
    """Where the file of ``key`` is, for a library that reads paths (NotFoundError when it is gone)."""
    location = _path(key)
    if not location.is_file():
        raise NotFoundError(_l("The stored file is no longer there."))
    return location


def read(key: str) -> bytes:
    return path(key).read_bytes()


def head(key: str, size: int) -> bytes:
    """The first ``size`` bytes (to check a file's type by its content)."""
    with path(key).open("rb") as stream:
        return stream.read(size)


def exists(key: str | None) -> bool:
    try:
        return key is not None and bool(key) and _path(key).is_file()
    except NotFoundError:
        return False


def delete(key: str | None) -> None:
    """Remove a file (nothing happens when it is already gone)."""
    if key and KEY.match(key):
        (root() / key).unlink(missing_ok=True)


def delete_after_commit(key: str | None) -> None:
    """Remove a file once the command that replaced or dropped it has committed (never if it rolls back)."""
    if not key:
        return
    if in_command():
        after_commit(lambda: delete(key))
    else:
        delete(key)
