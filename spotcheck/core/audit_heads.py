"""The audit chains' heads, published (审计链头公示): once a day the head of every chain — how many
entries it holds and the hash of the last — is published on the public portal, and every past head
is kept. Whoever keeps a copy of the page can later check that the chains still extend every head
they saw: a trail truncated or rewritten after its head was published no longer does.

A chain extends a published head when its entry at the head's position (``seq``) still carries the
head's hash: the hashes link each entry to all before it (:mod:`spotcheck.core.audit`), so nothing
up to the head can have changed or gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import iso_utc, now
from spotcheck.core.database import Model, db
from spotcheck.core.scoping import system_access


class AuditHead(Model):
    """A published head of one audit chain (the department's id, 0 for the platform's own)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column(index=True)
    entries: Mapped[int] = mapped_column()  # the last entry's position (seq): how many the chain held
    last_hash: Mapped[str] = mapped_column(sa.String(64))
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)


def current_heads() -> dict[int, tuple[int, str]]:
    """Every chain's head now: chain → (its last position, that entry's hash)."""
    with system_access("read the audit chains' heads"):
        last = (
            sa.select(AuditEntry.chain, sa.func.max(AuditEntry.seq).label("seq")).group_by(AuditEntry.chain).subquery()
        )
        rows = db.session.execute(
            sa.select(AuditEntry.chain, AuditEntry.seq, AuditEntry.hash).join(
                last, sa.and_(last.c.chain == AuditEntry.chain, last.c.seq == AuditEntry.seq)
            )
        )
        return {chain: (seq, digest) for chain, seq, digest in rows}


def publish() -> list[AuditHead]:
    """Add today's head of every chain that moved since its last published head (in the caller's
    command); returns the heads added."""
    published = {head.chain: head for head in latest()}
    moment, added = now(), []
    for chain, (seq, digest) in sorted(current_heads().items()):
        before = published.get(chain)
        if before is None or (before.entries, before.last_hash) != (seq, digest):
            added.append(AuditHead(chain=chain, entries=seq, last_hash=digest, published_at=moment))
    db.session.add_all(added)
    db.session.flush()
    return added


def latest() -> list[AuditHead]:
    """The newest published head of each chain."""
    newest = sa.select(sa.func.max(AuditHead.id)).group_by(AuditHead.chain)
    return list(db.session.scalars(sa.select(AuditHead).where(AuditHead.id.in_(newest)).order_by(AuditHead.chain)))


def every(limit: int = 1000) -> list[AuditHead]:
    """The published heads, newest first (every past head is kept)."""
    return list(db.session.scalars(sa.select(AuditHead).order_by(AuditHead.id.desc()).limit(limit)))


def as_record(head: AuditHead) -> dict[str, Any]:
    """A head as the public page gives it to keep (JSON)."""
    return {
        "chain": head.chain,
        "entries": head.entries,
        "last_hash": head.last_hash,
        "published_at": iso_utc(head.published_at),
    }


@dataclass(frozen=True)
class Mismatch:
    """A published head the local chain no longer extends."""

    chain: int
    entries: int
    reason: str

    def __str__(self) -> str:
        return f"chain {self.chain}: the head published with {self.entries} entries {self.reason}"


def check_against(heads: list[dict[str, Any]]) -> list[Mismatch]:
    """Every published head (``chain``, ``entries``, ``last_hash``) the local chains do not extend."""
    found = []
    with system_access("check the audit chains against their published heads"):
        for head in heads:
            chain, seq, digest = int(head["chain"]), int(head["entries"]), str(head["last_hash"])
            local = db.session.scalar(
                sa.select(AuditEntry.hash).where(AuditEntry.chain == chain, AuditEntry.seq == seq)
            )
            if local is None:
                found.append(Mismatch(chain, seq, "is gone: the chain was cut short"))
            elif local != digest:
                found.append(Mismatch(chain, seq, "no longer matches: the chain was rewritten"))
    return found
