"""campaign codes unique in their region (文号在区划内唯一)

A campaign's public code (``<简称>抽〔年〕n号``, ``查``, ``联抽``; a joint campaign's part ``…（简称）``) names its
department by the short name alone, and departments of one kind now sit at several levels: the 应急管理局 of
two counties both issue 应急抽〔2026〕1号. ``campaign.region_id`` records the region a code was issued in (its
department's region then), and the code is unique with it (``uq_campaign_region_code``) instead of in the whole
deployment (``uq_campaign_code``). The numbers come from ``region_counter``, one per region, short name, kind and
year: it starts from the highest number already issued under each short name in each region (the codes themselves,
and the departments' own counters of these kinds), so the numbers go on where they stopped. No code is rewritten;
every campaign with a code takes its department's region. ``document_counter`` keeps its rows (the notices' numbers
go on there).

Downgrade: the departments' own counters take the highest numbers issued since, and the codes become unique in the
deployment again — refused, naming them, where two regions issued the same code.

Revision ID: 0061
Revises: 0060
Create Date: 2026-11-28 13:00:00

"""

import re

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0061"
down_revision = "0060"
branch_labels = None
depends_on = None

#: The kinds of public codes, by the word after the short name (the longest first: 联抽 before 抽).
KINDS = {"联抽": "joint", "抽": "campaign", "查": "named_campaign"}
CODE = re.compile(r"^(?P<prefix>.+?)(?P<word>联抽|抽|查)〔(?P<year>\d{4})〕(?P<n>\d+)号$")

campaign = sa.table(
    "campaign",
    sa.column("id", sa.Integer),
    sa.column("tenant_id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("region_id", sa.Integer),
)
tenant = sa.table(
    "tenant",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("short_name", sa.String),
    sa.column("region_id", sa.Integer),
)
document_counter = sa.table(
    "document_counter",
    sa.column("tenant_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("year", sa.Integer),
    sa.column("last", sa.Integer),
)
region_counter = sa.table(
    "region_counter",
    sa.column("region_id", sa.Integer),
    sa.column("prefix", sa.String),
    sa.column("kind", sa.String),
    sa.column("year", sa.Integer),
    sa.column("last", sa.Integer),
)


def _every_department() -> sa.engine.Connection:
    """Every department's rows (row-level security binds the owner too)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    return bind


def _departments(bind: sa.engine.Connection) -> dict[int, tuple[str, int]]:
    """Each department's prefix (its short name, else its code) and region."""
    return {
        row.id: (row.short_name or row.code, row.region_id)
        for row in bind.execute(sa.select(tenant.c.id, tenant.c.code, tenant.c.short_name, tenant.c.region_id))
    }


def upgrade():
    op.create_table(
        "region_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["region_id"], ["region.id"], name=op.f("fk_region_counter_region_id_region")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_region_counter")),
        sa.UniqueConstraint("region_id", "prefix", "kind", "year", name="uq_region_counter"),
    )
    rls.grant_tables(op, ["region_counter"])
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_campaign_region_id_region"), "region", ["region_id"], ["id"])
        batch_op.drop_constraint("uq_campaign_code", type_="unique")
        batch_op.create_unique_constraint("uq_campaign_region_code", ["region_id", "code"])

    bind = _every_department()
    departments = _departments(bind)
    bind.execute(
        campaign.update()
        .where(campaign.c.code.is_not(None))
        .values(region_id=sa.select(tenant.c.region_id).where(tenant.c.id == campaign.c.tenant_id).scalar_subquery())
    )
    highest: dict[tuple[int, str, str, int], int] = {}

    def seen(region_id: int, prefix: str, kind: str, year: int, number: int) -> None:
        key = (region_id, prefix, kind, year)
        highest[key] = max(highest.get(key, 0), number)

    for tenant_id, code in bind.execute(sa.select(campaign.c.tenant_id, campaign.c.code)):
        match = CODE.match(code or "")
        if match:
            kind = KINDS[match["word"]]
            seen(departments[tenant_id][1], match["prefix"], kind, int(match["year"]), int(match["n"]))
    for tenant_id, kind, year, last in bind.execute(
        sa.select(
            document_counter.c.tenant_id, document_counter.c.kind, document_counter.c.year, document_counter.c.last
        ).where(document_counter.c.kind.in_(sorted(set(KINDS.values()))))
    ):
        prefix, region_id = departments[tenant_id]
        seen(region_id, prefix, kind, year, last)
    if highest:
        bind.execute(
            region_counter.insert(),
            [
                {"region_id": r, "prefix": p, "kind": k, "year": y, "last": n}
                for (r, p, k, y), n in sorted(highest.items())
            ],
        )


def downgrade():
    bind = _every_department()
    shared = (
        bind.execute(
            sa.select(campaign.c.code)
            .where(campaign.c.code.is_not(None))
            .group_by(campaign.c.code)
            .having(sa.func.count() > 1)
        )
        .scalars()
        .all()
    )
    if shared:
        raise RuntimeError(
            "campaign codes issued in two regions cannot be unique in the deployment again: "
            + "、".join(sorted(shared))
        )
    counters = {
        (r, p, k, y): n
        for r, p, k, y, n in bind.execute(
            sa.select(
                region_counter.c.region_id,
                region_counter.c.prefix,
                region_counter.c.kind,
                region_counter.c.year,
                region_counter.c.last,
            )
        )
    }
    kept = {
        (t, k, y): n
        for t, k, y, n in bind.execute(
            sa.select(
                document_counter.c.tenant_id, document_counter.c.kind, document_counter.c.year, document_counter.c.last
            )
        )
    }
    for tenant_id, (prefix, region_id) in _departments(bind).items():
        for (r, p, kind, year), last in counters.items():
            if (r, p) != (region_id, prefix) or kept.get((tenant_id, kind, year), 0) >= last:
                continue
            if (tenant_id, kind, year) in kept:
                bind.execute(
                    document_counter.update()
                    .where(
                        document_counter.c.tenant_id == tenant_id,
                        document_counter.c.kind == kind,
                        document_counter.c.year == year,
                    )
                    .values(last=last)
                )
            else:
                bind.execute(document_counter.insert().values(tenant_id=tenant_id, kind=kind, year=year, last=last))
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_constraint("uq_campaign_region_code", type_="unique")
        batch_op.create_unique_constraint("uq_campaign_code", ["code"])
        batch_op.drop_constraint(batch_op.f("fk_campaign_region_id_region"), type_="foreignkey")
        batch_op.drop_column("region_id")
    op.drop_table("region_counter")
