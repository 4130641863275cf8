"""Authentication (身份鉴别): passwords with lockout, personal API tokens, password changes.

Identity lookups happen before any tenant is known, so they are the platform's own reads
(:func:`system_access`); nothing else here reads across tenants.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core import clock
from spotcheck.core.errors import NotFound, ValidationFailed
from spotcheck.core.database import db
from spotcheck.core.passwords import DUMMY_HASH, hash_password, password_problems, verify_password
from spotcheck.tenants.models import ApiToken, User
from spotcheck.core.scoping import system_access
from spotcheck.tenants.services import new_session_stamp

TOKEN_PREFIX = "sct_"


class LoginRefused(Exception):
    """The login failed; ``message`` is safe to show (it never says whether the login exists)."""

    def __init__(self, message, locked_until=None):
        super().__init__(str(message))
        self.message = message
        self.locked_until = locked_until


def authenticate(login: str, password: str, *, max_failures: int, lock_minutes: int) -> User:
    """Check a login and password; after ``max_failures`` wrong passwords in a row the account
    is locked for ``lock_minutes`` (登录失败处理). Every attempt is audited."""
    login = (login or "").strip().lower()
    moment = clock.now()
    with system_access("look up a login"):
        user = db.session.scalar(sa.select(User).where(User.login == login))
        if user is None:
            verify_password(DUMMY_HASH, password or "")
            audit.record("auth.login_failed", "user", None, tenant_id=None, details={"login": login[:64], "why": "unknown"})
            raise LoginRefused(_l("Wrong login or password."))
        if user.is_locked:
            audit.record("auth.login_refused", "user", user.id, actor=user, tenant_id=user.tenant_id, details={"why": "locked"})
            raise LoginRefused(_l("This account is locked after too many failed logins. Try again later or ask your administrator."),
                               locked_until=user.locked_until)
        if not verify_password(user.password_hash, password or ""):
            user.failed_logins = (user.failed_logins or 0) + 1
            details = {"why": "password", "failures": user.failed_logins}
            if user.failed_logins >= max_failures:
                user.locked_until = moment + timedelta(minutes=lock_minutes)
                user.failed_logins = 0
                details["locked_minutes"] = lock_minutes
            audit.record("auth.login_failed", "user", user.id, actor=user, tenant_id=user.tenant_id, details=details)
            raise LoginRefused(_l("Wrong login or password."))
        if not user.active:
            audit.record("auth.login_refused", "user", user.id, actor=user, tenant_id=user.tenant_id, details={"why": "inactive"})
            raise LoginRefused(_l("This account is deactivated. Ask your administrator."))
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = moment
        audit.record("auth.login", "user", user.id, actor=user, tenant_id=user.tenant_id)
    return user


def load_session_user(session_id: str) -> User | None:
    """The user behind a Flask-Login session id ``tenant:user:stamp``, if still valid."""
    try:
        tenant_part, user_part, stamp = session_id.split(":")
        tenant_id, user_id = int(tenant_part) or None, int(user_part)
    except ValueError:
        return None
    with system_access("load the signed-in user"):
        user = db.session.get(User, user_id)
    if user is None or user.tenant_id != tenant_id or user.session_stamp != stamp or not user.active:
        return None
    return user


def record_logout(user: User) -> None:
    audit.record("auth.logout", "user", user.id, actor=user, tenant_id=user.tenant_id)


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password: the current one is required; other sessions are ended."""
    if not verify_password(user.password_hash, current or ""):
        raise ValidationFailed({"current_password": [_l("The current password is wrong.")]})
    if problems := password_problems(new or ""):
        raise ValidationFailed({"new_password": problems})
    if verify_password(user.password_hash, new):
        raise ValidationFailed({"new_password": [_l("Choose a password different from the current one.")]})
    user.password_hash = hash_password(new)
    user.session_stamp = new_session_stamp()
    audit.record("user.password_changed", "user", user.id, actor=user, tenant_id=user.tenant_id)


# --- personal API tokens ----------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token for ``user``; the secret is returned once and never stored."""
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


def revoke_token(user: User, token_id: int) -> ApiToken:
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
        token.last_used_at = clock.now()
        db.session.commit()
    return user
