"""Time (时间): the one clock. Stored in UTC, shown in Asia/Shanghai (Beijing time).

Every "now" and "today" of the platform comes from here, so a test can set the clock
(:func:`frozen_at`) and see deadlines, certificate expiry and draw dates move with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

_fixed: datetime | None = None
#: A trial's calendar moved to another day (:func:`run_from`); the clock still runs.
_offset = timedelta(0)


def now() -> datetime:
    """The current moment, timezone-aware UTC (or the moment a test set)."""
    return _fixed if _fixed is not None else datetime.now(UTC) + _offset


def today() -> date:
    """Today in Beijing time: the date of a draw, the day a certificate must be valid on, this year."""
    return now().astimezone(SHANGHAI).date()


def is_set() -> bool:
    """Whether the clock has been set (:func:`set_now`, :func:`frozen_at`) rather than running."""
    return _fixed is not None


def set_now(moment: datetime | None) -> None:
    """Fix the clock at ``moment`` (naive: taken as Beijing time), or let it run again with ``None``."""
    global _fixed
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    _fixed = None if moment is None else moment.astimezone(UTC)


def run_from(day: date | None) -> None:
    """A trial instance (SPOTCHECK_TODAY, development only) lives on ``day``: the clock runs on
    from that day at the present time of day, so that a campaign window still to come can be
    walked through to its results; ``None``: the real date again."""
    global _offset
    real = datetime.now(UTC).astimezone(SHANGHAI).date()
    _offset = timedelta(0) if day is None else timedelta(days=(day - real).days)


@contextmanager
def frozen_at(moment: datetime | date) -> Iterator[datetime]:
    """Within the block the clock shows ``moment`` (a date: 09:00 Beijing time that day)."""
    global _fixed
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, 9, 0)
    before = _fixed
    set_now(moment)
    try:
        yield now()
    finally:
        _fixed = before


def midnight(day: date) -> datetime:
    """00:00 Beijing time on ``day``, as the UTC instant timestamps are stored and compared in."""
    return datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI).astimezone(UTC)


def as_utc(value: datetime) -> datetime:
    """Normalise a stored timestamp (SQLite gives naive UTC, PostgreSQL aware) to aware UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def local(value: datetime) -> datetime:
    """A stored timestamp in Beijing time, for showing."""
    return as_utc(value).astimezone(SHANGHAI)


def iso_utc(value: datetime) -> str:
    """``2026-03-02T08:00:00.123456Z``: the one text form of a timestamp in hashes and proofs."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
