"""区划的数据表: the regions (区划) of the deployment, one tree. Not a department's rows: everyone reads the tree."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.tenants.regions.vocabulary import RegionLevel


def _bytewise(length: int) -> sa.types.TypeEngine:
    """ASCII compared byte by byte on PostgreSQL (as the registry's codes, migration 0047): one B-tree serves equality
    and a prefix (``path LIKE '/500000/500200/%'``). SQLite compares bytes already."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


class Region(Model):
    """A region (区划): a province, city, county or town (省、市、县、乡), under its parent (the root has none).

    ``path`` holds the codes from the root down to the region itself (``/500000/500200/500229/``), so that a region
    and everything below it is one indexed prefix look-up (:func:`spotcheck.tenants.regions.queries.branch_ids`)
    and its chain up to the root is read from it (:func:`~spotcheck.tenants.regions.queries.chain`)."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(_bytewise(12), unique=True)
    name: Mapped[str] = mapped_column(sa.String(50))
    level: Mapped[RegionLevel] = mapped_column(sa.Enum(RegionLevel, name="region_level", native_enum=False, length=16))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"), index=True, nullable=True)
    path: Mapped[str] = mapped_column(_bytewise(255), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)

    @property
    def codes(self) -> list[str]:
        """The codes from the root down to this region."""
        return [code for code in self.path.split("/") if code]

    @property
    def depth(self) -> int:
        """How far below the root (the root: 0)."""
        return len(self.codes) - 1


def path_of(parent_path: str | None, code: str) -> str:
    """The path of a region of ``code`` under a parent of ``parent_path`` (the root: none)."""
    return f"{parent_path or '/'}{code}/"
