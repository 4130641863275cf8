"""Time (时间): stored in UTC, shown in Asia/Shanghai."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    """Today in Beijing time: the date of a draw, the day a certificate must be valid on, this year."""
    return utcnow().astimezone(SHANGHAI).date()


def as_utc(value: datetime) -> datetime:
    """Normalise a stored timestamp (SQLite gives naive UTC, PostgreSQL aware) to aware UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def iso_utc(value: datetime) -> str:
    """``2026-03-02T08:00:00.123456Z``: the one text form of a timestamp in hashes and proofs."""
    return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
