"""企业账户的查询: the business's home (its name, the holder, the people, and the trail of claims, changes of
holder and uses of its codes), one's own access tokens, the platform administrator's look-up of an account, and the
identity look-ups behind a business's session cookie or access token (会话、令牌)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import NotFoundError
from spotcheck.core.passwords import secret_digest
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.core.scoping import system_access
from spotcheck.core.session_rows import still_active, token_used
from spotcheck.tenants.businesses.models import BusinessAccount, BusinessPerson, BusinessSession, BusinessToken
from spotcheck.tenants.businesses.vocabulary import TOKEN_PREFIX, SessionCheck

#: What the holder reads of the account's trail (the platform's chain): its claims, changes of holder and later uses
#: of its codes, its people added and removed, the access tokens its people make and revoke, resets.
SHOWN_TO_HOLDER = (
    "business.claimed",
    "business.holder_changed",
    "business.code_reused",
    "business.code_used",
    "business.person_added",
    "business.person_removed",
    "business.token_issued",
    "business.token_revoked",
    "business.reset",
)


@dataclass(frozen=True)
class AccountHome:
    """A business's home (企业首页): the account, its holder, its people in service and its trail."""

    account: BusinessAccount
    holder: BusinessPerson | None
    people: list[BusinessPerson]
    trail: list[AuditEntry]


def _trail(account_id: int) -> list[AuditEntry]:
    with system_access("a business account's own entries on the platform's audit chain"):
        return list(
            db.session.scalars(
                sa.select(AuditEntry)
                .where(
                    AuditEntry.chain == 0,
                    AuditEntry.object_type == "business_account",
                    AuditEntry.object_id == str(account_id),
                    AuditEntry.action.in_(SHOWN_TO_HOLDER),
                )
                .order_by(AuditEntry.seq.desc())
                .limit(200)
            )
        )


def _home(account: BusinessAccount) -> AccountHome:
    people = list(
        db.session.scalars(
            sa.select(BusinessPerson)
            .where(BusinessPerson.account_id == account.id, BusinessPerson.active.is_(True))
            .order_by(BusinessPerson.holder.desc(), BusinessPerson.id)
        )
    )
    return AccountHome(account, next((p for p in people if p.holder), None), people, _trail(account.id))


@query(Permission.BUSINESS_SIGNED_IN)
def own_account(*, reader: Actor) -> AccountHome:
    """The reader's own business's account: never another's (the reader is a business's person)."""
    account = db.session.get(BusinessAccount, getattr(reader, "account_id", None) or 0)
    if account is None:
        raise NotFoundError(_l("No such business account."))
    return _home(account)


@query(Permission.BUSINESS_SIGNED_IN)
def own_tokens(*, reader: Actor) -> list[BusinessToken]:
    """The reader's own access tokens (访问令牌), newest first, revoked ones too: name, prefix, created, last used,
    revoked — never the secret, never another person's."""
    person_id = getattr(reader, "id", None) if getattr(reader, "business_place", None) else None
    return list(
        db.session.scalars(
            sa.select(BusinessToken)
            .where(BusinessToken.person_id == (person_id or 0))
            .order_by(BusinessToken.id.desc())
        )
    )


@query(Permission.BUSINESSES_RESET)
def account_of(credit_code: str, *, reader: Actor) -> AccountHome:
    """The account of ``credit_code``, for the platform administrator who may reset it."""
    code = (credit_code or "").strip().upper()
    account = db.session.scalar(sa.select(BusinessAccount).where(BusinessAccount.credit_code == code[:18]))
    if account is None:
        raise NotFoundError(_l("No business account has this credit code."))
    return _home(account)


# --- who is asking --------------------------------------------------------------------------------


def is_business_session(session_id: str) -> bool:
    """Whether a Flask-Login id is a business person's (``b:<id>:<stamp>``), not a staff user's."""
    return session_id.startswith("b:")


def session_person(session_id: str, session_key: str | None, *, idle: timedelta) -> SessionCheck:
    """The person of a business behind a Flask-Login id ``b:<id>:<stamp>`` and the session's key, if the session is
    still open on the server (not signed out, not ended by a removal or a reset, used within ``idle``)."""
    try:
        kind, person_part, stamp = session_id.split(":")
        person_id = int(person_part)
    except (ValueError, AttributeError):
        return SessionCheck(None, "ended")
    if kind != "b" or not session_key or not is_row_id(person_id):
        return SessionCheck(None, "ended")
    person = db.session.get(BusinessPerson, person_id)
    row = db.session.scalar(sa.select(BusinessSession).where(BusinessSession.key_hash == secret_digest(session_key)))
    if (
        person is None
        or row is None
        or row.person_id != person.id
        or row.revoked_at is not None
        or person.session_stamp != stamp
        or not person.active
    ):
        return SessionCheck(None, "ended")
    if not still_active(row, person, idle, "business session"):
        return SessionCheck(None, "idle")
    return SessionCheck(person)


def person_for_token(secret: str) -> BusinessPerson | None:
    """The person in service owning an unrevoked business access token, or ``None``."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(sa.select(BusinessToken).where(BusinessToken.token_hash == secret_digest(secret)))
    if token is None or token.revoked_at is not None:
        return None
    person = db.session.get(BusinessPerson, token.person_id)
    if person is None or not person.active:
        return None
    token_used(token, person, "business token")
    return person
