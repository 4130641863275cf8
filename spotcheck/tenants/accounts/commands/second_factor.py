"""两步验证的命令: one's own second factor — enrolling it (设置: a QR code, one code to confirm, ten recovery codes
shown once) and turning it off (停用) — and a sign-in's second step (输入动态验证码, or the enrolment an
administrator is sent to where a factor is required). The platform administrator's reset of a department
administrator's factor is with the other care of them (:mod:`.department_admins`).

After a right password a session that awaits the second factor is a row on the server that grants nothing
(:attr:`~spotcheck.tenants.accounts.models.UserSession.pending`): the sign-in's second step finds it by its key
before any tenant is known (:func:`system_access`), and only the right code makes it a signed-in session, under a
new key. A wrong code counts toward the lockout as a wrong password does (登录失败处理).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, clock
from spotcheck.core.actor import Actor
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import ConflictError, InvalidInputError
from spotcheck.core.passwords import secret_digest
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import system_access
from spotcheck.core.session_rows import still_active
from spotcheck.tenants.accounts import second_factor
from spotcheck.tenants.accounts.commands.signing_in import refuse_locked
from spotcheck.tenants.accounts.models import SecondFactor, User, UserSession
from spotcheck.tenants.accounts.policy import USER_ACTIONS, require_own
from spotcheck.tenants.accounts.sessions import end_user_access
from spotcheck.tenants.accounts.vocabulary import AWAITS_CODE, AWAITS_ENROLMENT, Attempt, LoginRefusedError

_WRONG_CODE = _l("The verification code is wrong or has been used already. Give the code your authenticator shows now.")


@dataclass(frozen=True)
class Enrolled:
    """A factor confirmed: the recovery codes to show once and, when it finished a sign-in, the session's new key."""

    user: User
    recovery_codes: list[str]
    session_key: str | None = None


# --- one's own factor --------------------------------------------------------------------------------


@command(Permission.SIGNED_IN)
def start_enrolment(data: dict | None = None, *, actor: User) -> SecondFactor:
    """Begin to set up one's second factor (设置两步验证): a new secret, shown as a QR code until one code confirms
    it. Refused while a confirmed factor is on (turn it off first)."""
    user = actor
    if second_factor.has_factor(user):
        raise ConflictError(_l("Your second factor is on already: turn it off first to set up another phone."))
    factor = second_factor.begin(user)
    audit.record("second_factor.enrolment_started", "user", user.id, actor=user, tenant_id=user.tenant_id)
    return factor


@command(Permission.SIGNED_IN)
def confirm_enrolment(data: dict, *, actor: User) -> Enrolled:
    """Confirm the factor being set up with one ``code`` from the authenticator: it is on from now, this session
    (``session_key``) counts as having given it, and ten recovery codes are returned, to be shown once."""
    user = actor
    factor = second_factor.factor_of(user, for_update=True)
    if factor is None or factor.confirmed_at is not None:
        raise ConflictError(_l("There is no second factor being set up: start again from your account page."))
    codes = _confirmed(factor, data.get("code"))
    key = data.get("session_key")
    if key:
        row = db.session.scalar(
            sa.select(UserSession).where(UserSession.key_hash == secret_digest(key), UserSession.user_id == user.id)
        )
        if row is not None and row.revoked_at is None and not row.pending:
            row.second_factor_at = clock.now()
    audit.record("second_factor.enrolled", "user", user.id, actor=user, tenant_id=user.tenant_id)
    return Enrolled(user, codes)


@command(Permission.SIGNED_IN)
def disable_second_factor(data: dict, *, actor: User) -> None:
    """Turn one's second factor off (停用两步验证), with a ``code`` from the authenticator or a recovery code.
    Refused to an administrator where the deployment requires a factor."""
    user = actor
    factor = second_factor.factor_of(user, for_update=True)
    if factor is None or factor.confirmed_at is None:
        raise ConflictError(_l("Your second factor is not on."))
    if second_factor.is_administrator(user) and second_factor.required():
        raise ConflictError(_l("Administrators must keep a second factor on this deployment."))
    if second_factor.check(factor, str(data.get("code") or "")) is None:
        raise InvalidInputError({"code": [_WRONG_CODE]})
    db.session.delete(factor)
    db.session.flush()
    audit.record("second_factor.disabled", "user", user.id, actor=user, tenant_id=user.tenant_id)


def _confirmed(factor: SecondFactor, code: object) -> list[str]:
    codes = second_factor.confirm(factor, str(code or ""))
    if codes is None:
        raise InvalidInputError({"code": [_WRONG_CODE]})
    return codes


# --- a sign-in's second step -------------------------------------------------------------------------


def _pending(session_key: object, awaits: str, idle: timedelta) -> tuple[UserSession, User] | None:
    """The open session of key ``session_key`` awaiting ``awaits`` and its user (still within ``idle``), or None."""
    if not session_key or not isinstance(session_key, str):
        return None
    row = db.session.scalar(
        sa.select(UserSession).where(UserSession.key_hash == secret_digest(session_key)).with_for_update()
    )
    if row is None or row.revoked_at is not None or row.pending != awaits:
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active or not still_active(row, user, idle, "pending sign-in"):
        return None
    return row, user


def _signed_in(row: UserSession, user: User) -> str:
    """The session awaiting the second factor made a signed-in one, under a new key (returned)."""
    moment, key = clock.now(), secrets.token_urlsafe(32)
    row.key_hash, row.pending, row.second_factor_at, row.last_seen_at = secret_digest(key), "", moment, moment
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, moment
    db.session.flush()
    return key


@command(ANYONE)
def give_second_factor(data: dict, *, actor: Actor | None = None) -> Attempt:
    """The sign-in's second step (输入动态验证码): the ``code`` of the authenticator (its time step used once) or a
    recovery code (used once), for the session of ``session_key`` awaiting it. Right: the session is signed in,
    under a new key. Wrong: counted toward the lockout as a wrong password (``max_failures``, ``lock_minutes``),
    and a lock ends the waiting session. Every attempt is audited; a refusal is an outcome, kept.

    ``data``: ``session_key``, ``code``, ``max_failures``, ``lock_minutes``, ``idle`` (a timedelta)."""
    with system_access("a sign-in's second step"):
        found = _pending(data.get("session_key"), AWAITS_CODE, data["idle"])
        if found is None:
            return Attempt(None, LoginRefusedError(_l("The sign-in was not finished in time: sign in again.")))
        row, user = found
        if user.is_locked:
            row.revoked_at = clock.now()
            return refuse_locked(user)
        factor = second_factor.factor_of(user, for_update=True)
        code = second_factor.normalised(str(data.get("code") or ""))
        how = second_factor.check(factor, code) if factor is not None else None
        if how is None:
            user.failed_logins = (user.failed_logins or 0) + 1
            details = {
                "why": "replayed" if factor is not None and second_factor.is_replay(factor, code) else "code",
                "failures": user.failed_logins,
            }
            if user.failed_logins >= data["max_failures"]:
                user.locked_until = clock.now() + timedelta(minutes=data["lock_minutes"])
                user.failed_logins = 0
                details["locked_minutes"] = data["lock_minutes"]
                row.revoked_at = clock.now()  # locked: the waiting session ends with it
            audit.record("auth.login_failed", "user", user.id, actor=user, tenant_id=user.tenant_id, details=details)
            return Attempt(None, LoginRefusedError(_WRONG_CODE, locked_until=user.locked_until))
        key = _signed_in(row, user)
        if how == "recovery":
            audit.record(
                "auth.login",
                "user",
                user.id,
                actor=user,
                tenant_id=user.tenant_id,
                details={"recovery_codes_left": len(factor.recovery_digests or ()) if factor is not None else 0},
            )
        else:
            audit.record("auth.login", "user", user.id, actor=user, tenant_id=user.tenant_id)
    return Attempt(user, session_key=key)


@command(ANYONE)
def finish_enrolment(data: dict, *, actor: Actor | None = None) -> Enrolled:
    """The sign-in's enrolment (设置两步验证): an administrator without a factor where one is required, after a right
    password, confirms the factor shown to them with one ``code``; the session of ``session_key`` is then signed
    in, under a new key, and the recovery codes are returned, to be shown once.

    ``data``: ``session_key``, ``code``, ``idle`` (a timedelta)."""
    with system_access("a sign-in's enrolment of the second factor"):
        found = _pending(data.get("session_key"), AWAITS_ENROLMENT, data["idle"])
        if found is None:
            raise ConflictError(_l("The sign-in was not finished in time: sign in again."))
        row, user = found
        factor = second_factor.factor_of(user, for_update=True)
        if factor is None or factor.confirmed_at is not None:
            raise ConflictError(_l("The sign-in was not finished in time: sign in again."))
        codes = _confirmed(factor, data.get("code"))
        key = _signed_in(row, user)
        audit.record("second_factor.enrolled", "user", user.id, actor=user, tenant_id=user.tenant_id)
        audit.record("auth.login", "user", user.id, actor=user, tenant_id=user.tenant_id)
    return Enrolled(user, codes, key)


def reset_second_factor_of(user: User, actor: Actor) -> None:
    """Take ``user``'s second factor away (重置两步验证, inside the caller's command, its rule checked): the secret
    and the recovery codes gone, every session ended and every API token revoked (whoever holds the lost phone and
    the password may have made one); audited."""
    factor = second_factor.factor_of(user, for_update=True)
    if factor is not None:
        db.session.delete(factor)
    ended = end_user_access(user)
    audit.record(
        "second_factor.reset",
        "user",
        user.id,
        actor=actor,
        tenant_id=user.tenant_id,
        details={"login": user.login, "sessions": ended},
    )


@command(Permission.USERS_MANAGE)
def reset_user_second_factor(user_id: int, data: dict | None = None, *, actor: Actor) -> User:
    """A department administrator takes the second factor of a user of the department away (重置两步验证): a lost
    phone and lost recovery codes. Not an administrator's (:data:`~spotcheck.tenants.accounts.policy.USER_ACTIONS`)."""
    user = get_row(User, user_id, _l("No such user."), for_update=True)
    require_own(user, actor)
    USER_ACTIONS.require(user, actor, "reset_second_factor")
    reset_second_factor_of(user, actor)
    return user
