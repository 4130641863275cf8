"""The audit trail (全程留痕): an append-only, hash-chained log of every state change.

Each tenant has its own chain (the platform's actions form chain 0). An entry's hash covers
its content and the previous entry's hash, so editing, deleting or reordering any entry
breaks the chain from there on; :func:`verify` finds the first break. On PostgreSQL the
application role may only SELECT and INSERT this table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.actor import Actor
from spotcheck.core.clock import iso_utc, now
from spotcheck.core.database import Model, db, table_of
from spotcheck.core.scoping import TenantOwned, current_tenant_id, system_access

GENESIS = "0" * 64
_LOCK_NAMESPACE = 0x5C0A  # first key of pg_advisory_xact_lock(int, int): "audit chain"


class AuditEntry(TenantOwned, Model):
    __tablename__ = "audit_entry"
    __table_args__ = (sa.UniqueConstraint("chain", "seq", name="uq_audit_entry_chain_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column()
    seq: Mapped[int] = mapped_column()
    tenant_id: Mapped[int | None] = mapped_column(  # type: ignore[assignment]  # the platform's chain has none
        sa.ForeignKey("tenant.id"), index=True, nullable=True
    )
    actor_id: Mapped[int | None] = mapped_column()
    actor_login: Mapped[str | None] = mapped_column(sa.String(64))
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64))

    def digest(self) -> str:
        return entry_hash(self)


def entry_hash(entry: AuditEntry) -> str:
    body = {
        "chain": entry.chain,
        "seq": entry.seq,
        "tenant_id": entry.tenant_id,
        "actor_id": entry.actor_id,
        "actor_login": entry.actor_login,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "details": entry.details or {},
        "created_at": iso_utc(entry.created_at),
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{entry.prev_hash}\n{canonical}".encode()).hexdigest()


def hold_chain(tenant_id: int | None) -> None:
    """Take the department's audit chain for the rest of the transaction (PostgreSQL: the lock every
    append takes; a no-op elsewhere) — to learn, under a lock timeout, whether it is free now."""
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:ns, :chain)"), {"ns": _LOCK_NAMESPACE, "chain": tenant_id or 0}
        )


def record(
    action: str,
    obj_type: str,
    obj_id: object = None,
    *,
    actor: Actor | None = None,
    tenant_id: int | str | None = "current",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry to the tenant's chain in the current transaction (committed with it).

    ``tenant_id`` defaults to the current tenant; ``None`` writes to the platform's chain.
    """
    return record_many(action, obj_type, [(obj_id, details)], actor=actor, tenant_id=tenant_id)[0]


def record_many(
    action: str,
    obj_type: str,
    entries: Sequence[tuple[object, dict[str, Any] | None]],
    *,
    actor: Actor | None = None,
    tenant_id: int | str | None = "current",
) -> list[AuditEntry]:
    """Append one entry per ``(obj_id, details)`` to the tenant's chain, in order, in the current
    transaction: the chain's head read and locked once, so a bulk command of thousands of rows
    records each of them without a round trip per row (批量留痕)."""
    if tenant_id == "current":
        tenant_id = current_tenant_id()
    chain = tenant_id or 0
    session = db.session
    session.flush()  # pending rows are stamped with the current tenant, not inside the system access below
    written: list[AuditEntry] = []
    with system_access("append to the audit chain"):
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                sa.text("SELECT pg_advisory_xact_lock(:ns, :chain)"), {"ns": _LOCK_NAMESPACE, "chain": chain}
            )
        head = session.execute(
            sa.select(AuditEntry.seq, AuditEntry.hash)
            .where(AuditEntry.chain == chain)
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        ).first()
        seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
        moment = now()
        for obj_id, details in entries:
            seq += 1
            entry = AuditEntry(
                chain=chain,
                seq=seq,
                tenant_id=tenant_id,
                actor_id=getattr(actor, "id", None),
                actor_login=getattr(actor, "login", None),
                action=action,
                object_type=obj_type,
                object_id=None if obj_id is None else str(obj_id),
                details=details or {},
                created_at=moment,
                prev_hash=prev,
            )
            entry.hash = prev = entry_hash(entry)
            written.append(entry)
        if len(written) < MANY:
            session.add_all(written)
            session.flush()
        else:  # one executemany, no ids read back: the entries returned stay outside the session
            session.execute(
                sa.insert(table_of(AuditEntry)),
                [{column: getattr(entry, column) for column in _COLUMNS} for entry in written],
            )
    return written


#: From how many entries :func:`record_many` writes them in one executemany instead of through the ORM.
MANY = 50
_COLUMNS = (
    "chain",
    "seq",
    "tenant_id",
    "actor_id",
    "actor_login",
    "action",
    "object_type",
    "object_id",
    "details",
    "created_at",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class Break:
    """The first entry at which a chain stops verifying."""

    entry_id: int
    chain: int
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"audit entry id={self.entry_id} (chain {self.chain}, seq {self.seq}): {self.reason}"


def verify(chain: int | None = None) -> tuple[int, list[Break]]:
    """Check every chain (or one): returns the number of entries read and the first break of each chain."""
    checked, breaks = 0, list[Break]()
    with system_access("verify the audit chain"):
        query = sa.select(AuditEntry).order_by(AuditEntry.chain, AuditEntry.seq)
        if chain is not None:
            query = query.where(AuditEntry.chain == chain)
        current_chain, broken = None, False
        for entry in _stream(query):
            if entry.chain != current_chain:
                current_chain, broken = entry.chain, False
                expected_seq, expected_prev, last_id = 1, GENESIS, 0
            checked += 1
            if broken:
                continue
            reason = None
            if entry.seq != expected_seq:
                reason = f"sequence jumps from {expected_seq - 1} to {entry.seq} (entries deleted)"
            elif entry.prev_hash != expected_prev:
                reason = "previous-hash link does not match the entry before it (entries deleted or reordered)"
            elif entry.id <= last_id:
                reason = "entry stored out of order (reordered)"
            elif entry.hash != entry_hash(entry):
                reason = "content does not match its hash (entry edited)"
            if reason:
                breaks.append(Break(entry.id, entry.chain, entry.seq, reason))
                broken = True
                continue
            expected_seq, expected_prev, last_id = entry.seq + 1, entry.hash, entry.id
    return checked, breaks


def _stream(query: sa.Select[AuditEntry]) -> Iterator[AuditEntry]:
    result = db.session.execute(query.execution_options(yield_per=1000))
    yield from result.scalars()
