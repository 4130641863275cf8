"""失败减速: wrong attempts at a business's sign-in or claim slow that client down at that credit code — never lock
the account, whose credit code anyone may know. Kept per (what, credit code, client) by a keyed digest."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from spotcheck.core import personal_data
from spotcheck.core.clock import as_utc, now
from spotcheck.core.database import db
from spotcheck.tenants.businesses.models import BusinessThrottle
from spotcheck.tenants.businesses.vocabulary import FORGOTTEN_AFTER, wait_for


def key_of(what: str, credit_code: str, client: str) -> str:
    return personal_data.digest(f"business-{what}|{credit_code}|{client}")


def waiting(key: str) -> timedelta:
    """How long the client must still wait before its next attempt (zero: it may try now)."""
    row = db.session.get(BusinessThrottle, key)
    if row is None:
        return timedelta(0)
    since = now() - as_utc(row.last_failure_at)
    if since > FORGOTTEN_AFTER:
        return timedelta(0)
    return max(timedelta(0), wait_for(row.failures) - since)


def failed(key: str) -> None:
    """One more wrong attempt (inside a command); a client long quiet starts afresh."""
    moment = now()
    row = db.session.get(BusinessThrottle, key)
    if row is None:
        db.session.add(BusinessThrottle(key=key, failures=1, last_failure_at=moment))
    else:
        fresh = moment - as_utc(row.last_failure_at) > FORGOTTEN_AFTER
        row.failures, row.last_failure_at = (1 if fresh else row.failures + 1), moment
    db.session.flush()


def succeeded(key: str) -> None:
    db.session.execute(sa.delete(BusinessThrottle).where(BusinessThrottle.key == key))
