"""统一身份认证: signing in as a person the city's identity platform vouched for (an OpenID Connect provider, its
ID token checked by the platform's pages before any of this runs), and linking such a person to a user (账号关联).

The provider never creates a user nor gives one a role: a person it signs in who is linked to no user is given a
one-time link code (关联码, 24 hours) to hand to their department's administrator, who enters it on the user's page.
The identity is its (issuer, subject) — the provider's ``sub``, or the keyed digest of a configured stable claim
(a 身份证号 is never stored as it is) — unique in the deployment.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, clock, personal_data
from spotcheck.core.actor import Actor
from spotcheck.core.clock import as_utc
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.passwords import secret_digest
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import IdentityLink, LinkCode, User
from spotcheck.tenants.accounts.policy import may_link_identity, require_own
from spotcheck.tenants.accounts.sessions import end_sessions, new_session_stamp, open_session
from spotcheck.tenants.accounts.vocabulary import LINK_CODE_ALPHABET, LINK_CODE_HOURS, Attempt, LoginRefusedError


@dataclass(frozen=True)
class IdentitySignIn:
    """The outcome of a sign-in through the identity platform: the user and the session's key, or, for a person
    linked to no user, the link code to hand to the administrator (shown once), or the refusal."""

    attempt: Attempt
    link_code: str | None = None
    expires_at: object | None = None


def identity_key(subject: str, stable_claim: str | None) -> str:
    """The key an identity is linked by at its issuer: the ``sub`` claim, or, where the deployment names a stable
    claim (``SPOTCHECK_OIDC_LINK_CLAIM``, e.g. the 身份证号), that claim's keyed digest — never the claim itself."""
    if stable_claim:
        return "digest:" + personal_data.digest(stable_claim.strip().upper())
    return subject


UNUSABLE_CODE = _l("No such link code, or it was used or is older than 24 hours: ask the person for a new one.")


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
            return IdentitySignIn(Attempt(None, refused), link_code=code, expires_at=row.expires_at)
        user = link.user
        why = "inactive" if not user.active else "locked" if user.is_locked else None
        if why is not None:
            audit.record(
                "auth.identity_refused", "user", user.id, actor=user, tenant_id=user.tenant_id, details={"why": why}
            )
            message = (
                _l("This account is deactivated. Ask your administrator.")
                if why == "inactive"
                else _l(
                    "This account is locked after too many failed logins. Try again later or ask your administrator."
                )
            )
            return IdentitySignIn(Attempt(None, LoginRefusedError(message, locked_until=user.locked_until)))
        key = open_session(user, data.get("user_agent"))
        audit.record(
            "auth.login",
            "user",
            user.id,
            actor=user,
            tenant_id=user.tenant_id,
            details={"via": "oidc", "issuer": issuer},
        )
    return IdentitySignIn(Attempt(user, session_key=key))


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


@command(Permission.USERS_MANAGE)
def link_identity(user_id: int, data: dict, *, actor: Actor) -> IdentityLink:
    """Link the identity behind a link code (``code``, 关联码) to a user of the administrator's department (关联统一身份
    认证账号): the code is used once and within 24 hours; an identity already linked to anyone is refused; the user
    may hold no permission beyond the administrator's (:func:`may_link_identity`). The user's sessions end (a new
    way in was added)."""
    user = get_row(User, user_id, _l("No such user."), for_update=True)
    require_own(user, actor)
    if not may_link_identity(user, actor):
        raise ForbiddenError(_l("This user holds permissions you do not hold: you may not link an account to them."))
    entered = _normalised(str((data or {}).get("code") or ""))
    if not entered:
        raise InvalidInputError({"code": [_l("Enter the link code the person was shown.")]})
    with system_access("find a link code"):
        code = db.session.scalar(
            sa.select(LinkCode).where(LinkCode.code_digest == secret_digest(entered)).with_for_update()
        )
        if code is None or code.used_at is not None or as_utc(code.expires_at) <= clock.now():
            raise InvalidInputError({"code": [UNUSABLE_CODE]})
        taken = db.session.scalar(
            sa.select(IdentityLink.id).where(IdentityLink.issuer == code.issuer, IdentityLink.subject == code.subject)
        )
        if taken is not None:
            raise InvalidInputError(
                {"code": [_l("This account of the identity platform is already linked to a user.")]}
            )
        code.used_at = clock.now()
        link = IdentityLink(
            tenant_id=user.tenant_id,
            user_id=user.id,
            issuer=code.issuer,
            subject=code.subject,
            linked_at=code.used_at,
            linked_by_id=actor.id,
        )
        db.session.add(link)
        db.session.flush()
    user.session_stamp = new_session_stamp()
    ended = end_sessions(user)
    audit.record(
        "user.identity_linked",
        "user",
        user.id,
        actor=actor,
        tenant_id=user.tenant_id,
        details={"issuer": code.issuer, "name": code.name, "sessions": ended},
    )
    return link
