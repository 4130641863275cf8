"""统一身份认证: signing in as a person the city's identity platform vouched for (an OpenID Connect provider, its
ID token checked by the platform's pages before any of this runs), and linking such a person to a user (账号关联).

The provider never creates a user nor gives one a role: a person it signs in who is linked to no user is given a
one-time link code (关联码, 24 hours) to hand to their department's administrator, who enters it on the user's page.
The other way round, an administrator who makes accounts without a password (the inspectors' accounts made at once)
issues each an account link code (账号关联码, :func:`issue_account_code`), handed out on paper; the person signed in
by the provider enters it (:func:`claim_account`). Either way the identity is its (issuer, subject) — the
provider's ``sub``, or the keyed digest of a configured stable claim (a 身份证号 is never stored as it is) — unique in
the deployment, and one function here links it (:func:`_link`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, clock, personal_data, settings
from spotcheck.core.actor import Actor
from spotcheck.core.clock import SHANGHAI, as_utc
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.passwords import secret_digest
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.commands.signing_in import open_signed_in
from spotcheck.tenants.accounts.models import IdentityLink, LinkCode, User
from spotcheck.tenants.accounts.policy import may_link_identity, require_own
from spotcheck.tenants.accounts.sessions import end_sessions, new_session_stamp
from spotcheck.tenants.accounts.vocabulary import (
    ACCOUNT_DEACTIVATED,
    ACCOUNT_LOCKED,
    LINK_CODE_ALPHABET,
    LINK_CODE_HOURS,
    Attempt,
    LoginRefusedError,
)


@dataclass(frozen=True)
class IdentitySignIn:
    """The outcome of a sign-in through the identity platform: the user and the session's key, or, for a person
    linked to no user, the link code to hand to the administrator (shown once), or the refusal."""

    attempt: Attempt
    link_code: str | None = None
    expires_at: object | None = None
    #: The shown code's row: the identity the person may still link by entering an account link code.
    pending: int | None = None


@dataclass(frozen=True)
class AccountCode:
    """An account link code (账号关联码) issued for a user made without a password: shown once (the hand-out sheet),
    only its digest kept."""

    code: str
    expires_at: datetime


def identity_key(subject: str, stable_claim: str | None) -> str:
    """The key an identity is linked by at its issuer: the ``sub`` claim, or, where the deployment names a stable
    claim (``SPOTCHECK_OIDC_LINK_CLAIM``, e.g. the 身份证号), that claim's keyed digest — never the claim itself."""
    if stable_claim:
        return "digest:" + personal_data.digest(stable_claim.strip().upper())
    return subject


UNUSABLE_CODE = _l("No such link code, or it was used or is older than 24 hours: ask the person for a new one.")
UNUSABLE_ACCOUNT_CODE = _l(
    "No such link code, or it was used or has expired: check the code on your hand-out sheet, or ask your "
    "administrator for a new one."
)
#: Wrong account link codes a person may enter after one sign-in through the identity platform: then it is spent.
ACCOUNT_CODE_TRIES = 5


def account_code_hours() -> int:
    """How long an account link code stays valid (``SPOTCHECK_ACCOUNT_LINK_CODE_HOURS``, 24 by default: as long as
    a link code shown to a person)."""
    return int(settings.get("SPOTCHECK_ACCOUNT_LINK_CODE_HOURS") or LINK_CODE_HOURS)


def _normalised(code: str) -> str:
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def _new_code() -> str:
    raw = "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@command(ANYONE)
def sign_in_with_identity(data: dict, *, actor: Actor | None = None) -> IdentitySignIn:
    """Sign in the person the identity platform vouched for (统一身份认证登录): ``issuer``, ``subject`` (the key,
    :func:`identity_key`), ``name`` (as the provider names the person), ``user_agent``. A linked, active user gets
    a session as a password's sign-in does; a person linked to no user gets a link code valid for 24 hours. Every
    outcome is audited."""
    issuer, subject = str(data["issuer"]), str(data["subject"])
    with system_access("look up an identity of the identity platform"):
        link = db.session.scalar(
            sa.select(IdentityLink).where(IdentityLink.issuer == issuer, IdentityLink.subject == subject)
        )
        if link is None:
            code, moment = _new_code(), clock.now()
            row = LinkCode(
                code_digest=secret_digest(_normalised(code)),
                issuer=issuer,
                subject=subject,
                name=str(data.get("name") or "")[:100],
                created_at=moment,
                expires_at=moment + timedelta(hours=LINK_CODE_HOURS),
            )
            db.session.add(row)
            db.session.flush()
            audit.record(
                "auth.identity_unknown",
                "link_code",
                row.id,
                tenant_id=None,
                details={"issuer": issuer, "why": "unlinked"},
            )
            refused = LoginRefusedError(_l("Your account of the identity platform is not linked to a user yet."))
            return IdentitySignIn(Attempt(None, refused), link_code=code, expires_at=row.expires_at, pending=row.id)
        user = link.user
        why = "inactive" if not user.active else "locked" if user.is_locked else None
        if why is not None:
            audit.record(
                "auth.identity_refused", "user", user.id, actor=user, tenant_id=user.tenant_id, details={"why": why}
            )
            message = ACCOUNT_DEACTIVATED if why == "inactive" else ACCOUNT_LOCKED
            return IdentitySignIn(Attempt(None, LoginRefusedError(message, locked_until=user.locked_until)))
        attempt = open_signed_in(user, data.get("user_agent"), details={"via": "oidc", "issuer": issuer})
    return IdentitySignIn(attempt)


@command(ANYONE)
def record_identity_refusal(data: dict, *, actor: Actor | None = None) -> None:
    """Keep a refused answer of the identity platform (统一身份认证登录被拒): its ``issuer`` and ``why`` (a replayed
    state, a bad signature, another client's token, an expired one…), on the platform's chain."""
    with system_access("record a refused sign-in of the identity platform"):
        audit.record(
            "auth.identity_refused",
            "user",
            None,
            tenant_id=None,
            details={"issuer": str(data.get("issuer") or "")[:255], "why": str(data.get("why") or "")[:32]},
        )


@dataclass(frozen=True)
class LinkEntry:
    """What became of a link code an administrator entered: the link made, or the refusal (kept: a wrong code
    counts toward the administrator's lockout, :func:`enter_link_code`)."""

    link: IdentityLink | None = None
    refused: InvalidInputError | None = None


def link_identity(user_id: int, data: dict, *, actor: Actor) -> IdentityLink:
    """Link the identity behind a link code (``code``, 关联码) to a user of the administrator's department (关联统一身份
    认证账号), through :func:`enter_link_code`: the link, or its refusal raised (an :class:`InvalidInputError` naming
    ``code``) once the wrong try it counts is kept."""
    entry = enter_link_code(user_id, data, actor=actor)
    if entry.refused is not None or entry.link is None:
        raise entry.refused or InvalidInputError({"code": [UNUSABLE_CODE]})
    return entry.link


def _lockout() -> tuple[int, int]:
    """The lockout of wrong passwords (登录失败处理): ``LOGIN_MAX_FAILURES`` in a row, ``LOGIN_LOCK_MINUTES`` long."""
    return int(settings.get("LOGIN_MAX_FAILURES") or 5), int(settings.get("LOGIN_LOCK_MINUTES") or 15)


def _locked_refusal(user: User) -> InvalidInputError:
    until = as_utc(user.locked_until).astimezone(SHANGHAI).strftime("%H:%M") if user.locked_until else ""
    return InvalidInputError(
        {
            "code": [
                _l(
                    "Too many wrong link codes or passwords: your account is locked until %(until)s. Sign in again "
                    "then to enter the code.",
                    until=until,
                )
            ]
        }
    )


@command(Permission.USERS_MANAGE)
def enter_link_code(user_id: int, data: dict, *, actor: Actor) -> LinkEntry:
    """Link the identity behind a link code (``code``, 关联码) to a user of the administrator's department (关联统一身份
    认证账号): the code is used once and within 24 hours; an identity already linked to anyone is refused; the user
    may hold no permission beyond the administrator's (:func:`may_link_identity`). The user's sessions end (a new
    way in was added).

    A code that is wrong, used or expired counts on the administrator's own account as a wrong password does
    (登录失败处理, ``LOGIN_MAX_FAILURES`` in a row): the last one locks the account for ``LOGIN_LOCK_MINUTES`` and
    ends its sessions, as a lock after wrong passwords keeps it from signing in. The wrong try is audited and kept
    (an outcome, not a rollback); a locked administrator's code is not looked at."""
    user = get_row(User, user_id, _l("No such user."), for_update=True)
    require_own(user, actor)
    if not may_link_identity(user, actor):
        raise ForbiddenError(_l("This user holds permissions you do not hold: you may not link an account to them."))
    entered = _normalised(str((data or {}).get("code") or ""))
    if not entered:
        raise InvalidInputError({"code": [_l("Enter the link code the person was shown.")]})
    with system_access("find a link code"):
        admin_id = getattr(actor, "id", None)  # the console has none: nobody to count the tries on
        admin = (
            db.session.scalar(
                sa.select(User)
                .where(User.id == admin_id)
                .with_for_update(of=User)
                .execution_options(populate_existing=True)
            )
            if admin_id is not None
            else None
        )
        if admin is not None and admin.is_locked:
            return LinkEntry(refused=_locked_refusal(admin))
        code = db.session.scalar(
            sa.select(LinkCode)
            .where(LinkCode.code_digest == secret_digest(entered), LinkCode.user_id.is_(None))
            .with_for_update()
        )
        if code is None or not _usable(code):
            return LinkEntry(refused=_wrong_link_code(admin, user))
        if _taken(str(code.issuer), str(code.subject)):
            raise InvalidInputError(
                {"code": [_l("This account of the identity platform is already linked to a user.")]}
            )
        code.used_at = clock.now()
        return LinkEntry(link=_link(user, code, by=actor))


def _wrong_link_code(admin: User | None, user: User) -> InvalidInputError:
    """A wrong, used or expired link code entered by ``admin`` for ``user``: counted on the administrator's account
    as a wrong password, locking it at the lockout's count (its sessions ended), audited."""
    if admin is None:  # the console: nobody to lock
        return InvalidInputError({"code": [UNUSABLE_CODE]})
    max_failures, lock_minutes = _lockout()
    admin.failed_logins = (admin.failed_logins or 0) + 1
    details: dict[str, object] = {"why": "link_code", "failures": admin.failed_logins}
    if admin.failed_logins >= max_failures:
        admin.locked_until = clock.now() + timedelta(minutes=lock_minutes)
        admin.failed_logins = 0
        details["locked_minutes"] = lock_minutes
        details["sessions"] = end_sessions(admin)
    audit.record("auth.link_code_refused", "user", user.id, actor=admin, tenant_id=user.tenant_id, details=details)
    db.session.flush()
    return _locked_refusal(admin) if admin.is_locked else InvalidInputError({"code": [UNUSABLE_CODE]})


def _usable(code: LinkCode) -> bool:
    return code.used_at is None and as_utc(code.expires_at) > clock.now()


def _taken(issuer: str, subject: str) -> bool:
    """Whether the identity (issuer, subject) is linked to a user already (to anyone: one link in the deployment)."""
    return (
        db.session.scalar(
            sa.select(IdentityLink.id).where(IdentityLink.issuer == issuer, IdentityLink.subject == subject)
        )
        is not None
    )


def _link(user: User, shown: LinkCode, *, by: Actor, by_code: bool = False) -> IdentityLink:
    """Link the identity of the code ``shown`` to ``user`` (账号关联), inside a command and the platform's access: the
    link row, the user's sessions ended (a new way in was added), audited in the user's department. The one place a
    link is made, whoever entered which code."""
    link = IdentityLink(
        tenant_id=user.tenant_id,
        user_id=user.id,
        issuer=str(shown.issuer),
        subject=str(shown.subject),
        linked_at=clock.now(),
        linked_by_id=by.id,
    )
    db.session.add(link)
    db.session.flush()
    user.session_stamp = new_session_stamp()
    ended = end_sessions(user)
    audit.record(
        "user.identity_linked",
        "user",
        user.id,
        actor=by,
        tenant_id=user.tenant_id,
        details={"issuer": shown.issuer, "name": shown.name, "sessions": ended, "by_code": by_code},
    )
    return link


@command(Permission.USERS_MANAGE)
def issue_account_code(user_id: int, data: dict | None = None, *, actor: Actor) -> AccountCode:
    """Issue an account link code (账号关联码) for a user of the administrator's department with no identity linked:
    the person, signed in by the identity platform, enters it to link their identity to the account. Valid for
    :func:`account_code_hours`; any earlier unused code of the user is spent. Shown once (only its digest is kept,
    never audited)."""
    user = get_row(User, user_id, _l("No such user."), for_update=True)
    require_own(user, actor)
    if not may_link_identity(user, actor):
        raise ForbiddenError(_l("This user holds permissions you do not hold: you may not link an account to them."))
    code, moment = _new_code(), clock.now()
    with system_access("issue an account link code"):
        if db.session.scalar(sa.select(IdentityLink.id).where(IdentityLink.user_id == user.id)) is not None:
            raise InvalidInputError({"code": [_l("This user is linked to an account of the identity platform.")]})
        db.session.execute(
            sa.update(LinkCode).where(LinkCode.user_id == user.id, LinkCode.used_at.is_(None)).values(used_at=moment)
        )
        row = LinkCode(
            code_digest=secret_digest(_normalised(code)),
            user_id=user.id,
            name=user.display_name[:100],
            created_at=moment,
            expires_at=moment + timedelta(hours=account_code_hours()),
        )
        db.session.add(row)
        db.session.flush()
    audit.record(
        "user.link_code_issued",
        "user",
        user.id,
        actor=actor,
        tenant_id=user.tenant_id,
        details={
            "login": user.login,
            "valid_until": as_utc(row.expires_at).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
        },
    )
    return AccountCode(code, row.expires_at)


@command(ANYONE)
def claim_account(data: dict, *, actor: Actor | None = None) -> Attempt:
    """Link oneself to the account an administrator issued an account link code for, and sign in (凭账号关联码关联
    并登录): ``pending`` (the row of the link code the identity platform's sign-in just showed: the identity, as
    the provider vouched for it), ``code`` (the account link code entered), ``user_agent``. Refused, as an outcome
    (kept, audited), when the code is wrong, used or expired — each such try counted on the pending identity, which
    :data:`ACCOUNT_CODE_TRIES` spend (sign in through the provider again) — when the account is linked already, the
    identity is, or the account is deactivated."""
    entered = _normalised(str(data.get("code") or ""))
    moment = clock.now()
    with system_access("link an identity by an account link code"):
        pending = db.session.scalar(
            sa.select(LinkCode)
            .where(LinkCode.id == data.get("pending"), LinkCode.user_id.is_(None), LinkCode.issuer.is_not(None))
            .with_for_update()
        )
        if pending is None or not _usable(pending):
            again = _l("Sign in through the identity platform again, then enter the link code.")
            return Attempt(None, LoginRefusedError(again))
        issuer, subject = str(pending.issuer), str(pending.subject)
        code = (
            db.session.scalar(
                sa.select(LinkCode)
                .where(LinkCode.code_digest == secret_digest(entered), LinkCode.user_id.is_not(None))
                .with_for_update()
            )
            if entered
            else None
        )
        if code is None or not _usable(code):
            pending.failures = (pending.failures or 0) + 1
            if pending.failures >= ACCOUNT_CODE_TRIES:
                pending.used_at = moment
            audit.record(
                "auth.link_code_refused",
                "link_code",
                pending.id,
                tenant_id=None,
                details={"issuer": issuer, "why": "link_code", "failures": pending.failures},
            )
            return Attempt(None, LoginRefusedError(UNUSABLE_ACCOUNT_CODE))
        user = db.session.get(User, code.user_id)
        why = (
            "identity_linked"
            if _taken(issuer, subject)
            else "account_linked"
            if db.session.scalar(sa.select(IdentityLink.id).where(IdentityLink.user_id == code.user_id)) is not None
            else "inactive"
            if user is None or not user.active
            else None
        )
        if why is not None or user is None:
            audit.record(
                "auth.link_code_refused",
                "user",
                code.user_id,
                tenant_id=user.tenant_id if user is not None else None,
                details={"issuer": issuer, "why": why},
            )
            return Attempt(None, LoginRefusedError(_ACCOUNT_REFUSALS[str(why)]))
        code.used_at = pending.used_at = moment
        code.issuer, code.subject = issuer, subject  # what the account's code linked, kept with it
        _link(user, pending, by=user, by_code=True)
        attempt = open_signed_in(user, data.get("user_agent"), details={"via": "oidc", "issuer": issuer})
    return attempt


_ACCOUNT_REFUSALS = {
    "identity_linked": _l("Your account of the identity platform is already linked to another user."),
    "account_linked": _l("This user is linked to an account of the identity platform already: ask your administrator."),
    "inactive": ACCOUNT_DEACTIVATED,
}
