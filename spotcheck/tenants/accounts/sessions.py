"""登录会话的结束: ending a user's sessions and tokens on the server, inside a command (a password
change, a deactivation, "sign out everywhere")."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from spotcheck.core.clock import now
from spotcheck.core.database import db
from spotcheck.core.passwords import secret_digest
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import ApiToken, User, UserSession


def new_session_stamp() -> str:
    return secrets.token_hex(8)


def open_session(user: User, user_agent: object = "", *, pending: str = "") -> str:
    """A new session of ``user`` on the server (登录会话, inside a command and the platform's access); returns its
    key, of which only the SHA-256 is kept. Whatever signed the person in (a password, the identity platform),
    the session is one row, ended the same ways. ``pending``: what it still waits for (the second factor's code or
    enrolment, :data:`~spotcheck.tenants.accounts.vocabulary.AWAITS_CODE`): it grants nothing meanwhile, and the
    user's failures still count."""
    moment = now()
    key = secrets.token_urlsafe(32)
    if not pending:
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = moment
    db.session.add(
        UserSession(
            tenant_id=user.tenant_id,
            user_id=user.id,
            key_hash=secret_digest(key),
            created_at=moment,
            last_seen_at=moment,
            user_agent=str(user_agent or "")[:200],
            pending=pending,
        )
    )
    db.session.flush()
    return key


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """End the user's open sessions on the server, but the one whose key is ``keep`` (inside a command)."""
    moment, ended = now(), 0
    with system_access("end a user's sessions"):
        rows = db.session.scalars(
            sa.select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
        ).all()
        for row in rows:
            if keep is None or row.key_hash != secret_digest(keep):
                row.revoked_at, ended = moment, ended + 1
        db.session.flush()
    return ended


def end_user_access(user: User) -> int:
    """End every session and revoke every API token of ``user``, and give the account a new session
    stamp (a deactivation, a password reset, a second factor reset: reactivating the account later revives
    neither); returns how many sessions ended."""
    user.session_stamp = new_session_stamp()
    ended = end_sessions(user)
    with system_access("revoke a user's API tokens"):
        for token in db.session.scalars(
            sa.select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):
            token.revoked_at = now()
        db.session.flush()
    return ended
