"""Authentication (身份鉴别): passwords with lockout, personal API tokens, password changes.

Identity lookups happen before any tenant is known, so they are the platform's own reads
(:func:`system_access`); nothing else here reads across tenants.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.commands import ANYONE, command, unit_of_work
from spotcheck.core.policy import Permission
from spotcheck.core import clock
from spotcheck.core.clock import as_utc
from spotcheck.core.database import is_row_id
from spotcheck.core.errors import NotFound, ValidationFailed
from spotcheck.core.database import db
from spotcheck.core.personal_data import mask_contact
from spotcheck.core.passwords import DUMMY_HASH, hash_password, password_problems, secret_digest, verify_password
from spotcheck.tenants.models import ApiToken, User, UserSession
from spotcheck.core.scoping import system_access
from spotcheck.tenants.services import end_sessions, new_session_stamp

TOKEN_PREFIX = "sct_"


class LoginRefused(Exception):
    """The login failed; ``message`` is safe to show (it never says whether the login exists)."""

    def __init__(self, message, locked_until=None):
        super().__init__(str(message))
        self.message = message
        self.locked_until = locked_until


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt's outcome: the user, or why not (recorded either way)."""

    user: User | None
    refused: LoginRefused | None = None
    #: The new session's secret, kept in the signed session cookie (its SHA-256 on the server).
    session_key: str | None = None


@command(ANYONE)
def attempt_sign_in(login: str, password: str, *, max_failures: int, lock_minutes: int, user_agent: str = "",
                    actor=None) -> Attempt:
    """Check a login and password (登录); after ``max_failures`` wrong passwords in a row the account
    is locked for ``lock_minutes`` (登录失败处理). Every attempt is audited and its outcome (the
    failure count, the lock) kept: a refusal is an outcome, not a failure of the command."""
    login = (login or "").strip().lower()
    moment = clock.now()
    with system_access("look up a login"):
        user = db.session.scalar(sa.select(User).where(User.login == login))
        if user is None:
            verify_password(DUMMY_HASH, password or "")
            audit.record("auth.login_failed", "user", None, tenant_id=None, details={"login": login[:64], "why": "unknown"})
            return Attempt(None, LoginRefused(_l("Wrong login or password.")))
        if user.is_locked:
            audit.record("auth.login_refused", "user", user.id, actor=user, tenant_id=user.tenant_id, details={"why": "locked"})
            return Attempt(None, LoginRefused(_l("This account is locked after too many failed logins. Try again later "
                                                 "or ask your administrator."), locked_until=user.locked_until))
        if not verify_password(user.password_hash, password or ""):
            user.failed_logins = (user.failed_logins or 0) + 1
            details = {"why": "password", "failures": user.failed_logins}
            if user.failed_logins >= max_failures:
                user.locked_until = moment + timedelta(minutes=lock_minutes)
                user.failed_logins = 0
                details["locked_minutes"] = lock_minutes
            audit.record("auth.login_failed", "user", user.id, actor=user, tenant_id=user.tenant_id, details=details)
            return Attempt(None, LoginRefused(_l("Wrong login or password.")))
        if not user.active:
            audit.record("auth.login_refused", "user", user.id, actor=user, tenant_id=user.tenant_id, details={"why": "inactive"})
            return Attempt(None, LoginRefused(_l("This account is deactivated. Ask your administrator.")))
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = moment
        key = secrets.token_urlsafe(32)
        db.session.add(UserSession(tenant_id=user.tenant_id, user_id=user.id, key_hash=_digest(key),
                                   created_at=moment, last_seen_at=moment, user_agent=(user_agent or "")[:200]))
        db.session.flush()
        audit.record("auth.login", "user", user.id, actor=user, tenant_id=user.tenant_id)
    return Attempt(user, session_key=key)


def authenticate(login: str, password: str, *, max_failures: int, lock_minutes: int, user_agent: str = "") -> Attempt:
    """A successful sign-in (the user and the new session's key), or :class:`LoginRefused` (the
    attempt is kept either way)."""
    try:
        attempt = attempt_sign_in(login, password, max_failures=max_failures, lock_minutes=lock_minutes,
                                  user_agent=user_agent)
    except ValidationFailed:  # characters no login or password holds
        raise LoginRefused(_l("Wrong login or password.")) from None
    if attempt.refused is not None:
        raise attempt.refused
    return attempt


#: A session's last-seen time is written at most this often (not on every request).
SEEN_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class SessionCheck:
    """Who a session cookie belongs to, or why it no longer counts (``idle``, ``ended``)."""

    user: User | None
    why: str = ""


def session_user(session_id: str, session_key: str | None, *, idle: timedelta) -> SessionCheck:
    """The user behind a Flask-Login session id ``tenant:user:stamp`` and the session's key, if the
    session is still open on the server: not signed out, not ended by a password change, a
    deactivation or "sign out everywhere", and used within ``idle``."""
    try:
        tenant_part, user_part, stamp = session_id.split(":")
        tenant_id, user_id = int(tenant_part) or None, int(user_part)
    except (ValueError, AttributeError):
        return SessionCheck(None, "ended")
    if not session_key or not is_row_id(user_id):
        return SessionCheck(None, "ended")
    moment = clock.now()
    with system_access("check the signed-in session"):
        user = db.session.get(User, user_id)
        row = db.session.scalar(sa.select(UserSession).where(UserSession.key_hash == _digest(session_key)))
        if (user is None or row is None or row.user_id != user.id or row.revoked_at is not None
                or user.tenant_id != tenant_id or user.session_stamp != stamp or not user.active):
            return SessionCheck(None, "ended")
        if moment - as_utc(row.last_seen_at) > idle:
            with unit_of_work():  # bookkeeping of the platform's own, not an action of the user
                row.revoked_at = moment
            return SessionCheck(None, "idle")
        if moment - as_utc(row.last_seen_at) > SEEN_EVERY:
            with unit_of_work():
                row.last_seen_at = moment
    return SessionCheck(user)


@command(Permission.SIGNED_IN)
def sign_out_everywhere(*, actor) -> int:
    """End every session of one's own, on every device, this one included (全部退出)."""
    ended = end_sessions(actor)
    audit.record("auth.sessions_ended", "user", actor.id, actor=actor, tenant_id=actor.tenant_id,
                 details={"sessions": ended})
    return ended


EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,100}\.[A-Za-z]{2,24}$")
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


@command(Permission.SIGNED_IN)
def set_contact(email: str, mobile: str, *, actor) -> None:
    """One's own e-mail and mobile (联系方式), where notices and reminders are also sent; empty: not used."""
    email, mobile = str(email or "").strip(), str(mobile or "").strip().replace(" ", "")
    errors = {}
    if email and (len(email) > 120 or not EMAIL.match(email)):
        errors["email"] = [_l("Give an e-mail address such as name@example.gov.cn, or leave it empty.")]
    if mobile and not MOBILE.match(mobile):
        errors["mobile"] = [_l("Give an 11-digit mainland mobile number, or leave it empty.")]
    if errors:
        raise ValidationFailed(errors)
    actor.email, actor.mobile = email, mobile
    audit.record("account.contact_changed", "user", actor.id, actor=actor, tenant_id=actor.tenant_id,
                 details={"email": mask_contact(email) if email else "", "mobile": mask_contact(mobile) if mobile else ""})


@command(Permission.SIGNED_IN)
def sign_out(*, actor, session_key: str | None = None) -> None:
    """End this session on the server (退出登录): a copy of its cookie no longer works."""
    if session_key:
        with system_access("end a session"):
            row = db.session.scalar(sa.select(UserSession).where(UserSession.key_hash == _digest(session_key),
                                                                 UserSession.user_id == actor.id))
            if row is not None and row.revoked_at is None:
                row.revoked_at = clock.now()
                db.session.flush()
    audit.record("auth.logout", "user", actor.id, actor=actor, tenant_id=actor.tenant_id)


@command(Permission.SIGNED_IN)
def change_password(current: str, new: str, *, actor, keep_session: str | None = None) -> None:
    """Change one's own password: the current one is required; every other session is ended."""
    user = actor
    if not verify_password(user.password_hash, current or ""):
        raise ValidationFailed({"current_password": [_l("The current password is wrong.")]})
    if problems := password_problems(new or ""):
        raise ValidationFailed({"new_password": problems})
    if verify_password(user.password_hash, new):
        raise ValidationFailed({"new_password": [_l("Choose a password different from the current one.")]})
    user.password_hash = hash_password(new)
    user.session_stamp = new_session_stamp()
    end_sessions(user, keep=keep_session)
    audit.record("user.password_changed", "user", user.id, actor=user, tenant_id=user.tenant_id)


# --- personal API tokens ----------------------------------------------------------------


_digest = secret_digest


@command(Permission.SIGNED_IN)
def issue_token(name: str, *, actor) -> tuple[ApiToken, str]:
    """Create a personal API token; the secret is returned once and never stored."""
    user = actor
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise ValidationFailed({"name": [_l("Name the token (1–100 characters), e.g. the script that uses it.")]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(tenant_id=user.tenant_id, user_id=user.id, name=name, prefix=secret[: len(TOKEN_PREFIX) + 6],
                     token_hash=_digest(secret))
    db.session.add(token)
    db.session.flush()
    audit.record("token.issued", "api_token", token.id, actor=user, tenant_id=user.tenant_id, details={"name": name})
    return token, secret


def list_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())))


@command(Permission.SIGNED_IN)
def revoke_token(token_id: int, *, actor) -> ApiToken:
    """Revoke one of one's own tokens."""
    user = actor
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id))
    if token is None:
        raise NotFound(_l("No such token."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        audit.record("token.revoked", "api_token", token.id, actor=user, tenant_id=user.tenant_id)
    return token


def user_for_token(secret: str) -> User | None:
    """The active user owning an unrevoked token, or ``None``; records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    with system_access("look up an API token"):
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
        if token is None or token.revoked_at is not None:
            return None
        user = token.user
        if not user.active or user.is_locked:
            return None
        with unit_of_work():  # bookkeeping, not an action of the user: not audited
            token.last_used_at = clock.now()
    return user
