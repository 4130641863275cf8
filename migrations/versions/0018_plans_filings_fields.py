"""plans and their filings (公开、报备、备案), the enforcement fields' leads and joint plans

A plan is published before it is filed (seed 001): ``plan.published_lines`` keeps the lines as
last published, ``plan.filings`` this submission's decision of each filing authority, and
``plan_review.authority`` which authority (``justice`` 司法局, ``market`` 市场监督管理局) decided.
A plan is of a ``kind``: ``annual`` (the year's or a half-year's), or ``joint``, the yearly joint
plan of an enforcement ``field`` that its lead department writes, with the ``departments`` it
intends to involve (one per department, kind, field, year and half). ``field_lead`` names the lead
department of each field outside market regulation (deployment-wide, no tenant); a joint
campaign records its field (``campaign.joint_field``).

Existing rows: the old ``published`` meant filed then published — now ``filed`` with its lines
kept as published; a plan filed but never published stays ``filed`` without published lines (its
leader may still publish it); joint campaigns are of the market-regulation field. Downgrading
removes the joint plans and maps the statuses back (a published plan not yet submitted becomes a
draft).

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-24 09:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

plan = sa.table(
    "plan",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("kind", sa.String),
    sa.column("published_at", sa.DateTime(timezone=True)),
    sa.column("published_lines", sa.JSON),
)
plan_item = sa.table(
    "plan_item",
    sa.column("plan_id", sa.Integer),
    sa.column("item_id", sa.Integer),
    sa.column("ratio_bp", sa.Integer),
    sa.column("frequency", sa.String),
    sa.column("months", sa.JSON),
    sa.column("methods", sa.JSON),
    sa.column("id", sa.Integer),
)
item = sa.table(
    "item",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
    sa.column("sub_item", sa.String),
    sa.column("field", sa.String),
)


def _all_rows():
    """Every department's rows (row-level security binds the migration too)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    return bind


def _published_lines(bind, plan_id: int) -> list:
    rows = bind.execute(
        sa.select(
            plan_item.c.item_id,
            item.c.code,
            item.c.name,
            item.c.sub_item,
            item.c.field,
            plan_item.c.ratio_bp,
            plan_item.c.frequency,
            plan_item.c.months,
            plan_item.c.methods,
        )
        .join(item, item.c.id == plan_item.c.item_id)
        .where(plan_item.c.plan_id == plan_id)
        .order_by(plan_item.c.id)
    ).all()
    return [
        {
            "item_id": r.item_id,
            "code": r.code,
            "name": r.name,
            "sub_item": r.sub_item,
            "field": r.field,
            "ratio_bp": r.ratio_bp,
            "frequency": r.frequency,
            "months": list(r.months or ()),
            "methods": list(r.methods or ()),
        }
        for r in rows
    ]


def upgrade():
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=8), nullable=False, server_default="annual"))
        batch_op.add_column(sa.Column("field", sa.String(length=16), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("departments", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column("published_lines", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("filings", sa.JSON(), nullable=False, server_default=sa.text("'{}'")))
        batch_op.drop_constraint("uq_plan_tenant_year_half", type_="unique")
        batch_op.create_unique_constraint(
            "uq_plan_tenant_kind_field_year_half", ["tenant_id", "kind", "field", "year", "half"]
        )
    with op.batch_alter_table("plan_review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authority", sa.String(length=16), nullable=False, server_default="justice"))
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("joint_field", sa.String(length=16), nullable=True))

    op.create_table(
        "field_lead",
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("lead_tenant_id", sa.Integer(), nullable=False),
        sa.Column("named_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("named_by_name", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["lead_tenant_id"], ["tenant.id"], name=op.f("fk_field_lead_lead_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("field", name=op.f("pk_field_lead")),
    )
    with op.batch_alter_table("field_lead", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_field_lead_lead_tenant_id"), ["lead_tenant_id"], unique=False)
    rls.grant_tables(op, ["field_lead"])

    bind = _all_rows()
    for (plan_id,) in bind.execute(sa.select(plan.c.id).where(plan.c.status == "published")).all():
        bind.execute(
            plan.update()
            .where(plan.c.id == plan_id)
            .values(status="filed", published_lines=_published_lines(bind, plan_id))
        )
    bind.execute(sa.text("UPDATE campaign SET joint_field = 'market' WHERE joint"))


def downgrade():
    bind = _all_rows()
    joint = sa.select(plan.c.id).where(plan.c.kind == "joint").scalar_subquery()
    bind.execute(
        sa.text("UPDATE campaign SET plan_id = NULL WHERE plan_id IN (SELECT id FROM plan WHERE kind = 'joint')")
    )
    for table in ("plan_review", "plan_item"):
        bind.execute(sa.text(f"DELETE FROM {table} WHERE plan_id IN (SELECT id FROM plan WHERE kind = 'joint')"))
    bind.execute(plan.delete().where(plan.c.id.in_(joint)))
    bind.execute(plan.update().where(plan.c.status == "published").values(status="draft"))
    bind.execute(
        plan.update().where(plan.c.status == "filed", plan.c.published_at.is_not(None)).values(status="published")
    )

    op.drop_table("field_lead")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("joint_field")
    with op.batch_alter_table("plan_review", schema=None) as batch_op:
        batch_op.drop_column("authority")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_constraint("uq_plan_tenant_kind_field_year_half", type_="unique")
        batch_op.create_unique_constraint("uq_plan_tenant_year_half", ["tenant_id", "year", "half"])
        batch_op.drop_column("filings")
        batch_op.drop_column("published_lines")
        batch_op.drop_column("departments")
        batch_op.drop_column("field")
        batch_op.drop_column("kind")
