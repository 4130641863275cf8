"""The kept record (留存的企业检查档案): a business's record as last built, kept under what it was built from — its
visits, the stamps (变更戳) of everything it is read from (:mod:`.models`, kept by the database's triggers whoever
writes), the business's name, code and region, the day and the language — and served again while all of these are
unchanged, instead of being built anew from some fifty departments' rows at each reading.

Kept in Redis where the deployment has one (``REDIS_URL``: shared by every web worker; one entry a business, replaced
when it changes, gone after :data:`KEPT_FOR`), else in the worker's memory (at most :data:`IN_MEMORY` businesses).
An entry is signed with the deployment's secret key and read only when its signature holds; one that cannot be read
(another version of the record's code, a damaged entry) is built anew. The look-up that finds the visits and their
stamps comes first, the build after it: a change committed in between makes a record newer than its key, never
older."""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from threading import Lock
from typing import Protocol, TypeVar

import redis
from flask_babel import get_locale

from spotcheck.core import settings
from spotcheck.core.database import db
from spotcheck.tenants.business_record.lookup import Found
from spotcheck.tenants.directory.models import Entity

log = logging.getLogger(__name__)
Kept = TypeVar("Kept")

#: How long Redis keeps a business's record unread.
KEPT_FOR = timedelta(days=2)
#: How many businesses' records a worker keeps in memory without Redis.
IN_MEMORY = 2_000
#: What a record and its page are made by: the application's code, templates and translations.
_MADE_BY = ("*.py", "*.html", "*.mo")


@cache
def _code() -> str:
    """The application as deployed, as one digest: an entry kept by another version of it (its code, its templates,
    its translations) is never read."""
    package = Path(__file__).parents[2]
    digest = hashlib.sha256()
    for path in sorted(p for pattern in _MADE_BY for p in package.rglob(pattern)):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class _Store(Protocol):
    def get(self, name: str) -> bytes | None: ...
    def set(self, name: str, value: bytes) -> None: ...


class _Memory:
    """The worker's own store: the most recently read businesses."""

    def __init__(self, size: int) -> None:
        self.size, self.entries, self.lock = size, OrderedDict[str, bytes](), Lock()

    def get(self, name: str) -> bytes | None:
        with self.lock:
            value = self.entries.get(name)
            if value is not None:
                self.entries.move_to_end(name)
            return value

    def set(self, name: str, value: bytes) -> None:
        with self.lock:
            self.entries[name] = value
            self.entries.move_to_end(name)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


class _Redis:
    """The deployment's Redis: one entry a business, under the database's name."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)

    def get(self, name: str) -> bytes | None:
        try:
            value = self.client.get(name)
        except redis.RedisError as exc:  # the record is built anew: slower, never wrong
            log.warning("kept records: Redis unreadable (%s)", type(exc).__name__)
            return None
        return value if isinstance(value, bytes) else None

    def set(self, name: str, value: bytes) -> None:
        try:
            self.client.set(name, value, ex=KEPT_FOR)
        except redis.RedisError as exc:
            log.warning("kept records: Redis unwritable (%s)", type(exc).__name__)


_stores: dict[str, _Store] = {}


def store() -> _Store:
    """Where records are kept: the deployment's Redis, else this worker's memory."""
    url = settings.get("REDIS_URL") or ""
    found = _stores.get(url)
    if found is None:
        found = _stores[url] = _Redis(url) if url else _Memory(IN_MEMORY)
    return found


def _name(entity_id: int) -> str:
    database = hashlib.sha256(str(settings.get("SQLALCHEMY_DATABASE_URI")).encode()).hexdigest()[:12]
    return f"spotcheck:kept-record:{database}:{entity_id}"


def _key(entity_id: int, on: date, seen: Found) -> bytes:
    """What the record is built from, as one digest."""
    entity = db.session.get(Entity, entity_id)
    parts = (
        _code(),
        entity_id,
        on.isoformat(),
        str(get_locale() or ""),
        sorted(seen.visits.items()),
        seen.stamps,
        (entity.name, entity.code, entity.region_code) if entity is not None else None,
    )
    return hashlib.sha256(repr(parts).encode()).digest()


def _sign(payload: bytes) -> bytes:
    return hmac.new(str(settings.get("SECRET_KEY")).encode(), payload, hashlib.sha256).digest()


def _read(name: str, key: bytes) -> bytes | None:
    """The payload kept as ``name`` under ``key``: None when there is none, another key's, or its signature fails."""
    entry = store().get(name)
    if entry is None or len(entry) <= 64 or entry[:32] != key:
        return None
    signature, payload = entry[32:64], entry[64:]
    return payload if hmac.compare_digest(signature, _sign(key + payload)) else None


def _keep(name: str, key: bytes, payload: bytes) -> None:
    store().set(name, key + _sign(key + payload) + payload)


def record(entity_id: int, on: date, seen: Found, build: Callable[[], Kept]) -> tuple[Kept, bytes]:
    """The business's record on ``on``: the kept one while what it was built from is unchanged, else ``build()``'s,
    kept for the next reading; with the key it is kept under (:func:`page`)."""
    key, name = _key(entity_id, on, seen), _name(entity_id)
    payload = _read(name, key)
    if payload is not None:
        try:
            kept: Kept = pickle.loads(payload)  # our own entry: its signature is checked above
            return kept, key
        except (pickle.UnpicklingError, AttributeError, ImportError, TypeError, EOFError):
            log.warning("kept records: an entry of business %s could not be read; built anew", entity_id)
    built = build()
    _keep(name, key, pickle.dumps(built, protocol=pickle.HIGHEST_PROTOCOL))
    return built, key


def page(entity_id: int, key: bytes, render: Callable[[], str]) -> str:
    """The record's part of the business's page, as rendered from the record kept under ``key`` (the language is in
    the key): kept beside it, rendered again only with the record."""
    name = f"{_name(entity_id)}:page"
    payload = _read(name, key)
    if payload is not None:
        return payload.decode("utf-8")
    rendered = render()
    _keep(name, key, rendered.encode("utf-8"))
    return rendered
