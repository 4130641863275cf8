"""Official document numbers (文号): one counter per issuing department, kind and year; for the campaigns' public
codes, one per region, short name, kind and year.

A number is issued only when its document is issued, inside the issuing command's transaction:
:func:`issue` adds one to the counter row (``UPDATE … SET last = last + 1 … RETURNING last``,
which locks the row until the transaction ends), so a second issuer waits and takes the next
number, and a command that fails or is refused rolls the counter back with everything else — the
number is not lost. Numbers therefore run 1, 2, 3… with no gap and no repeat.

A department's documents (:class:`~spotcheck.tenants.notices.models.NoticeKind`: ``inspection``, ``assignment``,
``announcement``, ``transfer``, ``criticism``) are numbered by :func:`issue`, from the department's counter
(:class:`DocumentCounter`). A campaign's public code (``campaign``: 抽查任务 ``<简称>抽〔年〕n号``; ``named_campaign``:
特定对象检查 ``<简称>查〔年〕n号``; ``joint``: 联合抽查 ``<简称>联抽〔年〕n号``) names its department by the short name
alone, and departments of the same kind sit at several levels (两个应急管理局): it is numbered by
:func:`issue_in_region`, from the counter of the short name in the department's region (:class:`RegionCounter`),
so that a code is unique in its region, whichever department of the region used the short name.
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


class RegionCounter(Model):
    """The last public code (文号) of one kind a region issued in one year under one short name (区划内文号计数): the
    departments of the region that use the short name number from it. Not a department's row (the codes it counts
    are public): no tenant of its own."""

    __tablename__ = "region_counter"
    __table_args__ = (sa.UniqueConstraint("region_id", "prefix", "kind", "year", name="uq_region_counter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(sa.ForeignKey("region.id"))
    #: The short name the codes begin with (简称, e.g. 应急; a department without one: its code).
    prefix: Mapped[str] = mapped_column(sa.String(16))
    kind: Mapped[str] = mapped_column(sa.String(16))
    year: Mapped[int] = mapped_column()
    last: Mapped[int] = mapped_column(default=0)


def _take(model: type[Model], key: dict[str, object], count: int) -> int:
    """The next ``count`` numbers of the counter row ``key`` names (created at 0 the first time; two first issuers at
    once create it once), in the present command's transaction: the first is returned."""
    if not in_command():
        raise RuntimeError("a document number is issued by a command")
    if count < 1:
        raise ValueError("count must be at least 1")
    table = table_of(model)
    where = [table.c[name] == value for name, value in key.items()]
    update = sa.update(table).where(*where).values(last=table.c.last + count).returning(table.c.last)
    last = db.session.execute(update).scalar()
    if last is None:
        db.session.execute(dialect_insert(table).values(**key, last=0).on_conflict_do_nothing(index_elements=list(key)))
        last = db.session.execute(update).scalar_one()
    return int(last) - count + 1


def _last(model: type[Model], key: dict[str, object]) -> int:
    table = table_of(model)
    return db.session.scalar(sa.select(table.c.last).where(*[table.c[n] == v for n, v in key.items()])) or 0


def issue(tenant_id: int, kind: str, year: int, count: int = 1) -> int:
    """The next number of ``kind`` in ``year`` for the department, taken in the present command's
    transaction (refused outside one: a number taken elsewhere could be lost). With ``count``, the
    next ``count`` numbers at once, for as many documents the command writes: the first is returned."""
    return _take(DocumentCounter, {"tenant_id": tenant_id, "kind": kind, "year": year}, count)


def last_issued(tenant_id: int, kind: str, year: int) -> int:
    """The last number issued (0: none yet)."""
    return _last(DocumentCounter, {"tenant_id": tenant_id, "kind": kind, "year": year})


def issue_in_region(region_id: int, prefix: str, kind: str, year: int) -> int:
    """The next public code's number of ``kind`` in ``year`` under the short name ``prefix`` in the region, taken in
    the present command's transaction, as :func:`issue`."""
    return _take(RegionCounter, {"region_id": region_id, "prefix": prefix, "kind": kind, "year": year}, 1)


def last_issued_in_region(region_id: int, prefix: str, kind: str, year: int) -> int:
    """The last public code's number issued (0: none yet)."""
    return _last(RegionCounter, {"region_id": region_id, "prefix": prefix, "kind": kind, "year": year})
