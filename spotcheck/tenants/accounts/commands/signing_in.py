"""登录与个人账户: signing in and out (登录、退出) with lockout (登录失败处理), ending one's sessions
(全部退出), one's own password, contacts (联系方式) and personal API tokens (个人访问令牌).

Identity lookups happen before any tenant is known, so they are the platform's own reads
(:func:`system_access`); nothing else here reads across tenants.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, clock
from spotcheck.core.actor import Actor
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.core.passwords import DUMMY_HASH, hash_password, password_problems, secret_digest, verify_password
from spotcheck.core.personal_data import mask_contact
from spotcheck.core.policy import Permission, Role
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts import second_factor
from spotcheck.tenants.accounts.models import ApiToken, User, UserSession
from spotcheck.tenants.accounts.sessions import end_sessions, new_session_stamp, open_session
from spotcheck.tenants.accounts.vocabulary import (
    ACCOUNT_DEACTIVATED,
    ACCOUNT_LOCKED,
    AWAITS_CODE,
    AWAITS_ENROLMENT,
    EMAIL,
    MOBILE,
    TOKEN_PREFIX,
    Attempt,
    LoginRefusedError,
)


def refuse_locked(user: User) -> Attempt:
    """A sign-in refused because the account is locked (too many failures), audited (inside the sign-in's command)."""
    audit.record("auth.login_refused", "user", user.id, actor=user, tenant_id=user.tenant_id, details={"why": "locked"})
    return Attempt(
        None,
        LoginRefusedError(
            ACCOUNT_LOCKED,
            locked_until=user.locked_until,
        ),
    )


@command(ANYONE)
def attempt_sign_in(data: dict, *, actor: Actor | None = None) -> Attempt:
    """Check a login and password (登录); after ``max_failures`` wrong passwords in a row the account
    is locked for ``lock_minutes`` (登录失败处理). Every attempt is audited and its outcome (the
    failure count, the lock) kept: a refusal is an outcome, not a failure of the command. A user with a
    second factor (or an administrator without one where it is required) gets a session that awaits it
    (``Attempt.pending``) and grants nothing yet (:mod:`.second_factor`).

    ``data``: ``login``, ``password``, ``max_failures``, ``lock_minutes``, ``user_agent``, and ``password_login``:
    False when the deployment turned password sign-in off for staff (``SPOTCHECK_PASSWORD_LOGIN=off``), which then
    admits the platform administrator alone (the break-glass account)."""
    login = str(data.get("login") or "").strip().lower()
    password = data.get("password") or ""
    max_failures, lock_minutes = data["max_failures"], data["lock_minutes"]
    moment = clock.now()
    with system_access("look up a login"):
        user = db.session.scalar(sa.select(User).where(User.login == login))
        if user is None:
            verify_password(DUMMY_HASH, password)
            audit.record(
                "auth.login_failed", "user", None, tenant_id=None, details={"login": login[:64], "why": "unknown"}
            )
            return Attempt(None, LoginRefusedError(_l("Wrong login or password.")))
        if user.is_locked:
            return refuse_locked(user)
        if not verify_password(user.password_hash, password):
            user.failed_logins = (user.failed_logins or 0) + 1
            details = {"why": "password", "failures": user.failed_logins}
            if user.failed_logins >= max_failures:
                user.locked_until = moment + timedelta(minutes=lock_minutes)
                user.failed_logins = 0
                details["locked_minutes"] = lock_minutes
            audit.record("auth.login_failed", "user", user.id, actor=user, tenant_id=user.tenant_id, details=details)
            return Attempt(None, LoginRefusedError(_l("Wrong login or password.")))
        if not user.active:
            audit.record(
                "auth.login_refused", "user", user.id, actor=user, tenant_id=user.tenant_id, details={"why": "inactive"}
            )
            return Attempt(None, LoginRefusedError(ACCOUNT_DEACTIVATED))
        if data.get("password_login") is False and not user.has_role(Role.platform_admin.value):
            audit.record(
                "auth.login_refused",
                "user",
                user.id,
                actor=user,
                tenant_id=user.tenant_id,
                details={"why": "no_password"},
            )
            return Attempt(
                None,
                LoginRefusedError(_l("Sign-in with a password is turned off: sign in through the identity platform.")),
            )
        # Break-glass (应急登录): with passwords off, the platform administrator alone still signs in with one, and
        # only with a second factor (enrolled at this sign-in where it has none), whatever the deployment requires.
        attempt = open_signed_in(user, data.get("user_agent"), break_glass=data.get("password_login") is False)
    return attempt


def open_signed_in(
    user: User, user_agent: object, *, break_glass: bool = False, details: dict | None = None
) -> Attempt:
    """The session of a user who proved who they are (a password, the identity platform): waiting for the second
    factor where the user has one (or, an administrator, must enrol one; always at a break-glass sign-in) — it grants
    nothing then, and the failures still count — signed in otherwise; audited either way (inside the command)."""
    awaits = second_factor.awaited(user, break_glass=break_glass)
    if awaits == AWAITS_ENROLMENT:
        second_factor.begin(user)
    key = open_session(user, user_agent, pending=awaits)
    audit.record(
        "auth.code_awaited" if awaits == AWAITS_CODE else "auth.enrolment_awaited" if awaits else "auth.login",
        "user",
        user.id,
        actor=user,
        tenant_id=user.tenant_id,
        details=details,
    )
    return Attempt(user, session_key=key, pending=awaits)


@command(Permission.SIGNED_IN)
def sign_out_everywhere(data: dict | None = None, *, actor: User) -> int:
    """End every session of one's own, on every device, this one included (全部退出)."""
    ended = end_sessions(actor)
    audit.record(
        "auth.sessions_ended", "user", actor.id, actor=actor, tenant_id=actor.tenant_id, details={"sessions": ended}
    )
    return ended


@command(Permission.SIGNED_IN)
def set_contact(data: dict, *, actor: User) -> None:
    """One's own ``email`` and ``mobile`` (联系方式), where notices and reminders are also sent;
    empty: not used."""
    email = str(data.get("email") or "").strip()
    mobile = str(data.get("mobile") or "").strip().replace(" ", "")
    errors = {}
    if email and (len(email) > 120 or not EMAIL.match(email)):
        errors["email"] = [_l("Give an e-mail address such as name@example.gov.cn, or leave it empty.")]
    if mobile and not MOBILE.match(mobile):
        errors["mobile"] = [_l("Give an 11-digit mainland mobile number, or leave it empty.")]
    if errors:
        raise InvalidInputError(errors)
    actor.email, actor.mobile = email, mobile
    audit.record(
        "account.contact_changed",
        "user",
        actor.id,
        actor=actor,
        tenant_id=actor.tenant_id,
        details={"email": mask_contact(email) if email else "", "mobile": mask_contact(mobile) if mobile else ""},
    )


@command(Permission.SIGNED_IN)
def sign_out(data: dict | None = None, *, actor: Actor) -> None:
    """End this session (``session_key``) on the server (退出登录): a copy of its cookie no longer works."""
    session_key = (data or {}).get("session_key")
    if session_key:
        with system_access("end a session"):
            row = db.session.scalar(
                sa.select(UserSession).where(
                    UserSession.key_hash == secret_digest(session_key), UserSession.user_id == actor.id
                )
            )
            if row is not None and row.revoked_at is None:
                row.revoked_at = clock.now()
                db.session.flush()
    audit.record("auth.logout", "user", actor.id, actor=actor, tenant_id=actor.tenant_id)


@command(Permission.SIGNED_IN)
def change_password(data: dict, *, actor: User) -> None:
    """Change one's own password (``current``, ``new``): the current one is required; every other
    session is ended (all but ``keep_session``, this one's key)."""
    user, current, new = actor, data.get("current") or "", data.get("new") or ""
    if not verify_password(user.password_hash, current):
        raise InvalidInputError({"current_password": [_l("The current password is wrong.")]})
    if problems := password_problems(new):
        raise InvalidInputError({"new_password": problems})
    if verify_password(user.password_hash, new):
        raise InvalidInputError({"new_password": [_l("Choose a password different from the current one.")]})
    user.password_hash = hash_password(new)
    user.must_change_password = False  # their own now, not a temporary one
    user.session_stamp = new_session_stamp()
    end_sessions(user, keep=data.get("keep_session"))
    audit.record("user.password_changed", "user", user.id, actor=user, tenant_id=user.tenant_id)


# --- personal API tokens ---------------------------------------------------------------------------


@command(Permission.SIGNED_IN)
def issue_token(data: dict, *, actor: Actor) -> tuple[ApiToken, str]:
    """Create a personal API token (``name``); the secret is returned once and never stored. An administrator who
    has a second factor, or must have one, creates one only in a session (``session_key``) where it was given."""
    user = actor
    if second_factor.must_give(user) and not second_factor.given_in(user, data.get("session_key")):
        raise ForbiddenError(
            _l("An administrator creates an API token only after giving the second factor: sign in again with it.")
        )
    name = str(data.get("name") or "").strip()
    if not name or len(name) > 100:
        raise InvalidInputError({"name": [_l("Name the token (1–100 characters), e.g. the script that uses it.")]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        tenant_id=user.tenant_id,
        user_id=user.id,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=secret_digest(secret),
    )
    db.session.add(token)
    db.session.flush()
    audit.record("token.issued", "api_token", token.id, actor=user, tenant_id=user.tenant_id, details={"name": name})
    return token, secret


@command(Permission.SIGNED_IN)
def revoke_token(token_id: int, data: dict | None = None, *, actor: Actor) -> ApiToken:
    """Revoke one of one's own tokens."""
    user = actor
    token = db.session.scalar(
        sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id).with_for_update()
    )
    if token is None:
        raise NotFoundError(_l("No such token."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        audit.record("token.revoked", "api_token", token.id, actor=user, tenant_id=user.tenant_id)
    return token
