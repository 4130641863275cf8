"""统计快照 (the figures as a page shows them): the supervision figures the dashboard and the bureau's
home show, computed at most once every ``SPOTCHECK_FIGURES_MAX_AGE_SECONDS`` for the same period, the
same departments and the same reach of the reader, and shown with the moment they were taken (数据截至).

Counting a year of every department's visits takes a noticeable part of a second at a city's size (more
at a province's); a supervisor reloading the dashboard, or the bureau's staff opening their home at nine,
should not count it again each time. The page says how old its figures are and offers to count them again
now (立即重新统计). The drill-down rows, the statistical tables, the assessment and the notices of criticism always
count afresh. Kept in each process (a few dozen departments' figures a key, at most :data:`KEYS` keys).
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from spotcheck.core import settings
from spotcheck.core.clock import now

T = TypeVar("T")

#: The snapshots a process keeps (the oldest asked for goes first).
KEYS = 64
_lock = threading.Lock()
_taken: OrderedDict[Hashable, Snapshot] = OrderedDict()
_computing: dict[Hashable, threading.Lock] = {}


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    """Figures as they were counted at ``taken_at`` (UTC)."""

    value: T
    taken_at: datetime


def max_age() -> timedelta:
    """How long a snapshot is shown before it is counted again (0: never kept)."""
    return timedelta(seconds=int(settings.get("SPOTCHECK_FIGURES_MAX_AGE_SECONDS", 0)))


def taken(key: Hashable, count: Callable[[], T], *, afresh: bool = False) -> Snapshot[T]:
    """The snapshot of ``key``: the one kept while it is younger than :func:`max_age` (a copy, so a page
    may not change it), else ``count()`` now (``afresh``: now in any case). Two requests for the same key
    at once count it once: the second waits for the first."""
    with _lock:
        computing = _computing.setdefault(key, threading.Lock())
    with computing:
        with _lock:
            kept = _taken.get(key)
        moment = now()
        if kept is not None and not afresh and moment - kept.taken_at < max_age():
            return Snapshot(copy.deepcopy(kept.value), kept.taken_at)
        snapshot = Snapshot(count(), moment)
        if max_age():
            with _lock:
                _taken[key] = Snapshot(copy.deepcopy(snapshot.value), moment)
                _taken.move_to_end(key)
                while len(_taken) > KEYS:
                    old, _ = _taken.popitem(last=False)
                    _computing.pop(old, None)
        return snapshot


def forget() -> None:
    """Drop every snapshot of this process (a test's clean start)."""
    with _lock:
        _taken.clear()
        _computing.clear()
