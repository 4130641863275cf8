"""Sessions and tokens kept on the server (服务端会话与令牌), staff's and businesses' alike: a session ends after its
idle time, and a session's last activity or a token's last use is written at most once a minute — not one write per
request, and never an action of its owner (not audited)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol

from spotcheck.core import clock
from spotcheck.core.clock import as_utc
from spotcheck.core.commands import bookkeeping

#: A session's last-seen time, a token's last use, is written at most this often.
SEEN_EVERY = timedelta(seconds=60)


class SessionRow(Protocol):
    last_seen_at: datetime
    revoked_at: datetime | None


class TokenRow(Protocol):
    last_used_at: datetime | None


def still_active(row: SessionRow, owner: Any, idle: timedelta, what: str) -> bool:
    """Whether session ``row`` of ``owner`` is still within its idle time: if not, it is ended now (False); if so,
    its last activity is brought up to now when older than :data:`SEEN_EVERY`. ``what`` names the session kind in
    the bookkeeping's reason."""
    moment = clock.now()
    if moment - as_utc(row.last_seen_at) > idle:
        with bookkeeping(f"end an idle {what}", keep=owner):
            row.revoked_at = moment
        return False
    if moment - as_utc(row.last_seen_at) > SEEN_EVERY:
        with bookkeeping(f"a {what}'s last activity", keep=owner):
            row.last_seen_at = moment
    return True


def token_used(token: TokenRow, owner: Any, what: str) -> None:
    """Note that ``token`` of ``owner`` was used now (at most once every :data:`SEEN_EVERY`)."""
    moment = clock.now()
    if token.last_used_at is None or moment - as_utc(token.last_used_at) > SEEN_EVERY:
        with bookkeeping(f"a {what}'s last use", keep=owner):
            token.last_used_at = moment
