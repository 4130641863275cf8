"""official document numbers without gaps (文号) and withdrawn campaigns (撤销)

``document_counter`` keeps, per department, kind and year, the last number issued (a department's
rows under row-level security); it starts from the highest number already issued of each kind, so
the numbers go on where they stopped. A campaign's code is issued when it is approved, so
``campaign.code`` may now be empty (a draft, 未编号); the drafts numbered before keep their code.
``campaign.withdrawn_*`` records a campaign cancelled by a leader with the reason (status
``withdrawn``, 已撤销), ``campaign.returned_*`` a draft a leader returned to its planner with the
reason (退回).

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-25 09:00:00

"""

import re

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TABLES = ["document_counter"]

campaign = sa.table(
    "campaign",
    sa.column("tenant_id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("joint", sa.Boolean),
    sa.column("joint_id", sa.Integer),
    sa.column("status", sa.String),
)
notice = sa.table(
    "notice", sa.column("tenant_id", sa.Integer), sa.column("kind", sa.String), sa.column("number", sa.String)
)
counter = sa.table(
    "document_counter",
    sa.column("tenant_id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("year", sa.Integer),
    sa.column("last", sa.Integer),
)
NUMBER = re.compile(r"〔(\d{4})〕(\d+)号$")


def _all_rows():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    return bind


def _highest(rows) -> dict:
    """(tenant, kind, year) → the highest number issued, from (tenant, kind, number) rows."""
    found: dict = {}
    for tenant_id, kind, number in rows:
        match = NUMBER.search(number or "")
        if match:
            key = (tenant_id, kind, int(match.group(1)))
            found[key] = max(found.get(key, 0), int(match.group(2)))
    return found


def upgrade():
    op.create_table(
        "document_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_document_counter_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_counter")),
        sa.UniqueConstraint("tenant_id", "kind", "year", name="uq_document_counter"),
    )
    with op.batch_alter_table("document_counter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_counter_tenant_id"), ["tenant_id"], unique=False)
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.alter_column("code", existing_type=sa.String(length=64), nullable=True)
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by_name", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("returned_by_name", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("return_reason", sa.Text(), nullable=False, server_default=""))
    rls.grant_tables(op, TABLES)
    for table in TABLES:
        rls.enable(op, table)

    bind = _all_rows()
    campaigns = bind.execute(
        sa.select(campaign.c.tenant_id, campaign.c.joint, campaign.c.code).where(campaign.c.joint_id.is_(None))
    ).all()
    rows = [(tenant_id, "joint" if joint else "campaign", code) for tenant_id, joint, code in campaigns]
    rows += bind.execute(sa.select(notice.c.tenant_id, notice.c.kind, notice.c.number)).all()
    highest = _highest(rows)
    if highest:
        bind.execute(
            counter.insert(),
            [{"tenant_id": t, "kind": k, "year": y, "last": n} for (t, k, y), n in sorted(highest.items())],
        )


def downgrade():
    bind = _all_rows()
    bind.execute(campaign.update().where(campaign.c.status == "withdrawn").values(status="approved"))
    bind.execute(sa.text("UPDATE joint_participant SET status = 'declined' WHERE status = 'withdrawn'"))
    bind.execute(sa.text("UPDATE campaign SET code = 'draft-' || CAST(id AS VARCHAR(20)) WHERE code IS NULL"))
    for table in reversed(TABLES):
        rls.disable(op, table)
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("return_reason")
        batch_op.drop_column("returned_by_name")
        batch_op.drop_column("returned_at")
        batch_op.drop_column("withdrawal_reason")
        batch_op.drop_column("withdrawn_by_name")
        batch_op.drop_column("withdrawn_at")
        batch_op.alter_column("code", existing_type=sa.String(length=64), nullable=False)
    op.drop_table("document_counter")
