"""The market-entity registry (市场主体名录, one for the deployment) and each department's
directory entries (检查对象名录) pointing into it."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import TenantOwned


def code_column(length: int) -> sa.types.TypeEngine:
    """A code of ASCII letters and digits, compared byte by byte on PostgreSQL (migration 0047): its B-tree then
    serves a prefix (``LIKE '9133%'``) too. SQLite compares bytes already."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


class Entity(Model):
    """A target that can be inspected: an enterprise or other organisation (by its 统一社会信用代码),
    or a product, project or behaviour with a code of its own. Shared by all departments."""

    __tablename__ = "entity"
    __table_args__ = (
        *(  # each flag's partial index (migration 0044), worded as queries._entity_conditions asks
            sa.Index(name, "id", postgresql_where=sa.text(condition), sqlite_where=sa.text(condition))
            for name, condition in (
                ("ix_entity_abnormal", "abnormal IS true"),
                ("ix_entity_blacklisted", "blacklisted IS true"),
                ("ix_entity_penalized", "penalized_on IS NOT NULL"),
                ("ix_entity_complained", "complaints > 0"),
            )
        ),
        # a region's businesses, by the range of their codes, with their ids (migration 0069): a county's read from
        # the index alone (:func:`located_in`), not from ten million rows of the table
        sa.Index("ix_entity_region_code", "region_code", postgresql_include=["id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(code_column(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    entity_type: Mapped[str] = mapped_column(sa.String(16))
    industry_code: Mapped[str] = mapped_column(code_column(5), index=True)
    region_code: Mapped[str] = mapped_column(code_column(12))  # indexed with the ids (above)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="active", index=True)
    abnormal: Mapped[bool] = mapped_column(default=False)  # 经营异常名录
    blacklisted: Mapped[bool] = mapped_column(default=False)  # 严重违法失信名单
    penalized_on: Mapped[date | None] = mapped_column(sa.Date)  # most recent administrative penalty
    complaints: Mapped[int] = mapped_column(default=0)  # complaints and reports in the last 12 months
    credit_rating: Mapped[str | None] = mapped_column(sa.String(1))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)

    #: Its operating places besides the registered one (一照多址), as entered (read only here: the commands keep them).
    places: Mapped[list[OperatingPlace]] = relationship(
        "OperatingPlace", order_by="OperatingPlace.id", viewonly=True, lazy="select"
    )

    @property
    def places_text(self) -> str:
        """Its operating places one a line (区划代码 地址), as the registry's form shows them."""
        return "\n".join(f"{place.region_code} {place.address}".strip() for place in self.places)


class OperatingPlace(Model):
    """An operating place of a business besides its registered one (一照多址: one licence, several addresses), with
    its own region code: a department reaches the business when its registered place or any operating place lies
    in its branch (:mod:`spotcheck.tenants.directory.jurisdiction`); its yearly cap stays with the registered region.
    Shared by all departments, as the registry is; kept by the registry's keeper with the business (migration 0084)."""

    __tablename__ = "operating_place"
    __table_args__ = (sa.UniqueConstraint("entity_id", "region_code", "address", name="uq_operating_place"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), index=True)
    region_code: Mapped[str] = mapped_column(code_column(12), index=True)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)


def located_in(area: sa.ColumnElement[str]) -> sa.Select[int]:
    """The businesses whose registry code starts with ``area`` (a region's code prefix, a bound parameter): the
    range of the index on ``region_code`` from ``area`` up to ``area`` followed by ``~`` (a code is digits, each
    below it) — what an area's read reads its rows by (:class:`spotcheck.core.scoping.AreaReadable`), as
    row-level security's ``area_read`` does (migration 0068)."""
    return sa.select(Entity.id).where(Entity.region_code >= area, Entity.region_code < area + "~")


#: Each directory entry's copy of its entity's industry (PostgreSQL only, no model attribute: written by the bulk import
#: and by the database's triggers, migration 0054), for the index from the department's category to the industry.
ENTRY_INDUSTRY_COLUMN = "entity_industry"


class DirectoryEntry(TenantOwned, Model):
    """An entity in one department's target directory, with the department's own classification."""

    __tablename__ = "directory_entry"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "entity_id", name="uq_directory_entry_tenant_entity"),
        sa.Index("ix_directory_entry_tenant_category", "tenant_id", "category"),
        sa.Index("ix_directory_entry_tenant_risk", "tenant_id", "risk"),
        sa.Index("ix_directory_entry_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), index=True)
    category: Mapped[str] = mapped_column(sa.String(64), default="")  # 监管类别
    risk: Mapped[str] = mapped_column(sa.String(1), default="C")  # A (high) … D (low)
    tags: Mapped[str] = mapped_column(sa.String(400), default="")  # ",tag1,tag2," for exact LIKE matching
    last_inspected_on: Mapped[date | None] = mapped_column(sa.Date)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)

    entity: Mapped[Entity] = relationship(lazy="joined", innerjoin=True)

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split(",") if t]


class RemovedEntry(TenantOwned, Model):
    """An entry removed from the department's directory (移出检查对象名录库), kept with when it was in
    it (from ``joined_at`` to ``removed_at``) and its classification then: a past period's figures
    count the directory as it stood at the period's end (seed 001: 据实填报). An entry still in the
    directory is its own record, in it since its ``created_at``."""

    __tablename__ = "removed_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), index=True)
    entry_id: Mapped[int] = mapped_column()  # the directory entry's id while it was in the directory
    category: Mapped[str] = mapped_column(sa.String(64), default="")
    risk: Mapped[str] = mapped_column(sa.String(1), default="C")
    joined_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    removed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now, index=True)


class DirectorySize(TenantOwned, Model):
    """检查对象名录库规模（按日）: how many entries joined a department's directory and how many left it on
    each day (Beijing time). Kept by the database's triggers on ``directory_entry`` and ``removed_entry``
    (migration 0040) whoever writes those rows — a command, an import, the demo — so the directory's size at a
    past moment is a sum over days (:func:`history.sizes_at`) rather than a count of every entry, a province's
    millions, at each load of the supervisor's pages."""

    __tablename__ = "directory_size"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "day", name="uq_directory_size_tenant_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date)
    joined: Mapped[int] = mapped_column(default=0)
    removed: Mapped[int] = mapped_column(default=0)
