"""企业人员的会话: opening and ending a business person's sessions and tokens on the server, inside a command."""

from __future__ import annotations

import secrets

import sqlalchemy as sa

from spotcheck.core.clock import now
from spotcheck.core.database import db
from spotcheck.core.passwords import secret_digest
from spotcheck.tenants.businesses.models import BusinessPerson, BusinessSession, BusinessToken


def new_session_stamp() -> str:
    return secrets.token_hex(8)


def open_session(person: BusinessPerson, user_agent: str) -> str:
    """A new session of ``person``: its key (kept in the signed cookie; its SHA-256 here)."""
    key, moment = secrets.token_urlsafe(32), now()
    person.last_login_at = moment
    db.session.add(
        BusinessSession(
            person_id=person.id,
            key_hash=secret_digest(key),
            created_at=moment,
            last_seen_at=moment,
            user_agent=user_agent[:200],
        )
    )
    db.session.flush()
    return key


def end_access(person: BusinessPerson) -> None:
    """End every session and token of ``person``, with a new stamp (removed, reset, demoted by a new claim)."""
    moment = now()
    person.session_stamp = new_session_stamp()
    db.session.execute(
        sa.update(BusinessSession)
        .where(BusinessSession.person_id == person.id, BusinessSession.revoked_at.is_(None))
        .values(revoked_at=moment)
    )
    db.session.execute(
        sa.update(BusinessToken)
        .where(BusinessToken.person_id == person.id, BusinessToken.revoked_at.is_(None))
        .values(revoked_at=moment)
    )
    db.session.flush()
