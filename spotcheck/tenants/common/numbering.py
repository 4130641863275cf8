"""Official document numbers (文号): one counter per issuing department, kind and year.

A number is issued only when its document is issued, inside the issuing command's transaction:
:func:`issue` adds one to the counter row (``UPDATE … SET last = last + 1 … RETURNING last``,
which locks the row until the transaction ends), so a second issuer waits and takes the next
number, and a command that fails or is refused rolls the counter back with everything else — the
number is not lost. Numbers therefore run 1, 2, 3… with no gap and no repeat.

Kinds: ``campaign`` (抽查任务 ``<简称>抽〔年〕n号``), ``joint`` (联合抽查 ``<简称>联抽〔年〕n号``),
and the documents (:class:`~spotcheck.tenants.notices.models.NoticeKind`): ``inspection``,
``assignment``, ``announcement``, ``transfer``, ``criticism``.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.commands import in_command
from spotcheck.core.database import Model, db, dialect_insert, table_of
from spotcheck.core.scoping import TenantOwned


class DocumentCounter(TenantOwned, Model):
    """The last number a department issued of one kind in one year (文号计数)."""

    __tablename__ = "document_counter"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "kind", "year", name="uq_document_counter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    year: Mapped[int] = mapped_column()
    last: Mapped[int] = mapped_column(default=0)


def _ensure_row(tenant_id: int, kind: str, year: int) -> None:
    """The counter row exists (created at 0; two first issuers at once create it once)."""
    db.session.execute(
        dialect_insert(table_of(DocumentCounter))
        .values(tenant_id=tenant_id, kind=kind, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["tenant_id", "kind", "year"])
    )


def issue(tenant_id: int, kind: str, year: int, count: int = 1) -> int:
    """The next number of ``kind`` in ``year`` for the department, taken in the present command's
    transaction (refused outside one: a number taken elsewhere could be lost). With ``count``, the
    next ``count`` numbers at once, for as many documents the command writes: the first is returned."""
    if not in_command():
        raise RuntimeError("a document number is issued by a command")
    if count < 1:
        raise ValueError("count must be at least 1")
    table = table_of(DocumentCounter)
    where = (table.c.tenant_id == tenant_id, table.c.kind == kind, table.c.year == year)
    update = sa.update(table).where(*where).values(last=table.c.last + count).returning(table.c.last)
    last = db.session.execute(update).scalar()
    if last is None:
        _ensure_row(tenant_id, kind, year)
        last = db.session.execute(update).scalar_one()
    return last - count + 1


def last_issued(tenant_id: int, kind: str, year: int) -> int:
    """The last number issued (0: none yet)."""
    table = table_of(DocumentCounter)
    return (
        db.session.scalar(
            sa.select(table.c.last).where(table.c.tenant_id == tenant_id, table.c.kind == kind, table.c.year == year)
        )
        or 0
    )
