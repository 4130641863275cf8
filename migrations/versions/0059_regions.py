"""regions (区划): a tree of provinces, cities, counties and towns, every department attached to one

``region`` holds the tree: a code (GB/T 2260, 6 digits, for a province, city or county; the 统计用区划代码, 9 or 12
digits, for a town), a name, a level (省、市、县、乡), the parent (none for the root) and the path of codes from the
root down (``/500000/500200/500229/``), compared byte by byte on PostgreSQL so that one B-tree serves a branch's
prefix look-up. ``tenant.region_id`` replaces ``tenant.region_code``; ``entity.region_code`` widens to 12 characters
(a registry location may be a town's code).

The one-region tree built from what is there (an existing deployment carries over):

* the root takes the region code most departments carry (a tie: the lowest code); its name is the code's GB/T 2260
  name in ``spotcheck/tenants/common/vocabulary/classifications.py`` (330100 → 杭州市) or, where that table lacks the
  code, the place of the rulebook in force (its ``place``, e.g. 宁安市), or else the code itself; its level comes from
  the code's shape: XX0000 a province, XXXX00 a city, any other a county;
* a department whose code differs from the root's gets a region of its own under the root, named and levelled the
  same way (a level not below the root's becomes the level just below it), so that no department's code is lost;
* every department is attached to the region of its code. A database without departments gets no region: the tree is
  loaded (``spotcheck regions load``) before the first department is created.

No audit entry is written or rewritten (the chains are hashed): the tree is what the departments' codes said.
A downgrade gives each department its region's code back (a town's first six digits) and cuts the registry's longer
codes to their first six digits.

Revision ID: 0059
Revises: 0058
Create Date: 2026-11-28 18:00:00

"""

from collections import Counter
from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

from spotcheck.tenants.common.vocabulary.classifications import REGIONS

# revision identifiers, used by Alembic.
revision = "0059"
down_revision = "0058"
branch_labels = None
depends_on = None

LEVELS = ("province", "city", "county", "town")


def _bytewise(length: int) -> sa.types.TypeEngine:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def _every_department() -> None:
    """Every department's rows (row-level security binds the owner too)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT set_config('app.all_tenants', 'on', true)")


def _level(code: str) -> str:
    """The level a code's shape gives (XX0000 a province, XXXX00 a city, 9 or 12 digits a town, else a county)."""
    if len(code) in (9, 12):
        return "town"
    if code.endswith("0000"):
        return "province"
    return "city" if code.endswith("00") else "county"


def _place() -> str:
    """The place of the rulebook in force today (its ``place``), "" without one."""
    content = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT content FROM rule_version WHERE tenant_id IS NULL AND kind = 'rulebook' AND withdrawn = :no "
                "AND effective_from <= :today ORDER BY effective_from DESC, id DESC LIMIT 1"
            ),
            {"no": False, "today": date.today()},
        )
        .scalar()
    )
    if isinstance(content, str):  # SQLite hands JSON back as text
        import json  # only for SQLite's JSON text

        content = json.loads(content)
    return str((content or {}).get("place") or "").strip()


def _build_tree() -> None:
    bind = op.get_bind()
    _every_department()
    codes = [row[0] for row in bind.execute(sa.text("SELECT region_code FROM tenant ORDER BY id"))]
    if not codes:
        return
    counted = Counter(codes)
    root = min(counted, key=lambda code: (-counted[code], code))
    region = sa.table(
        "region",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("level", sa.String),
        sa.column("parent_id", sa.Integer),
        sa.column("path", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    root_level, moment = _level(root), datetime.now(UTC)
    root_id = bind.execute(
        sa.insert(region)
        .values(
            code=root,
            name=REGIONS.get(root) or _place() or root,
            level=root_level,
            parent_id=None,
            path=f"/{root}/",
            created_at=moment,
        )
        .returning(region.c.id)
    ).scalar_one()
    ids = {root: root_id}
    for code in sorted(set(codes) - {root}):
        level = _level(code)
        if LEVELS.index(level) <= LEVELS.index(root_level):
            level = LEVELS[min(LEVELS.index(root_level) + 1, len(LEVELS) - 1)]
        ids[code] = bind.execute(
            sa.insert(region)
            .values(
                code=code,
                name=REGIONS.get(code) or code,
                level=level,
                parent_id=root_id,
                path=f"/{root}/{code}/",
                created_at=moment,
            )
            .returning(region.c.id)
        ).scalar_one()
    for code, region_id in ids.items():
        bind.execute(
            sa.text("UPDATE tenant SET region_id = :region WHERE region_code = :code"),
            {"region": region_id, "code": code},
        )


def upgrade():
    op.create_table(
        "region",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", _bytewise(12), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column(
            "level",
            sa.Enum(*LEVELS, name="region_level", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("path", _bytewise(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["region.id"], name=op.f("fk_region_parent_id_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region")),
        sa.UniqueConstraint("code", name=op.f("uq_region_code")),
    )
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_region_path"), ["path"], unique=False)
    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
    _build_tree()
    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.alter_column("region_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(batch_op.f("fk_tenant_region_id_region"), "region", ["region_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_tenant_region_id"), ["region_id"], unique=False)
        batch_op.drop_column("region_code")
    _entity_codes(12)


def _entity_codes(length: int) -> None:
    """``entity.region_code`` as long as ``length`` (12: a town's code; 6: back to GB/T 2260's, longer codes cut)."""
    if op.get_bind().dialect.name == "postgresql":  # a longer varchar of the same collation: no table rewrite
        op.execute(f'ALTER TABLE entity ALTER COLUMN region_code TYPE varchar({length}) COLLATE "C"')
        return
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.alter_column(
            "region_code", existing_type=sa.String(length=18 - length), type_=sa.String(length=length)
        )


def downgrade():
    _every_department()
    op.execute("UPDATE entity SET region_code = substr(region_code, 1, 6) WHERE length(region_code) > 6")
    _entity_codes(6)
    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_code", sa.String(length=6), nullable=True))
    op.execute(
        "UPDATE tenant SET region_code = "
        "(SELECT substr(region.code, 1, 6) FROM region WHERE region.id = tenant.region_id)"
    )
    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.alter_column("region_code", existing_type=sa.String(length=6), nullable=False)
        batch_op.drop_index(batch_op.f("ix_tenant_region_id"))
        batch_op.drop_constraint(batch_op.f("fk_tenant_region_id_region"), type_="foreignkey")
        batch_op.drop_column("region_id")
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_path"))
        batch_op.drop_index(batch_op.f("ix_region_parent_id"))
    op.drop_table("region")
