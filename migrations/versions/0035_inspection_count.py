"""每户企业年度检查次数: the register of draws by business and year, and the capped list of a frame

``inspection_count``: one row per business, year, campaign that drew it (a joint campaign once, whatever
its departments) and department — owned by no department, like ``published_entity``, so that any
department's frame reads every department's draws; ``counts`` says whether the row counts toward the yearly
cap (an on-site check not of a cap-exempt kind). Filled for the draws before this revision from their
selected targets (a joint campaign's under each department that drew the business), the platform's cap-exempt
kinds not counted. ``draw.capped``: the businesses a frame left out at their cap, with the campaigns
that count for each (published beside the frame's counts).

Revision ID: 0035
Revises: 0034
Create Date: 2026-11-26 12:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "inspection_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("counted_as", sa.String(length=32), nullable=False),
        sa.Column("campaign_code", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("counts", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_inspection_count_entity_id_entity")),
        sa.ForeignKeyConstraint(
            ["department_id"], ["tenant.id"], name=op.f("fk_inspection_count_department_id_tenant")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_count")),
        sa.UniqueConstraint("counted_as", "entity_id", "department_id", name="uq_inspection_count"),
    )
    with op.batch_alter_table("inspection_count", schema=None) as batch_op:
        batch_op.create_index("ix_inspection_count_year_entity", ["year", "entity_id"], unique=False)
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capped", sa.JSON(), nullable=True))
    rls.grant_tables(op, ["inspection_count"])
    # the draws so far: a department's campaign counts once per target; a joint campaign once per business, one
    # row per department that drew it (its group), toward the cap as that department's part says
    op.execute(
        "INSERT INTO inspection_count (entity_id, year, counted_as, campaign_code, department_id, counts) "
        "SELECT DISTINCT t.entity_id, c.year, "
        "CASE WHEN c.joint THEN 'joint:' || c.id ELSE 'campaign:' || c.id END, COALESCE(c.code, ''), "
        "COALESCE(p.receiver_tenant_id, c.tenant_id), "
        "c.method = 'onsite' AND COALESCE(pc.exempt_kind, c.exempt_kind, '') NOT IN "
        "('accident', 'failed_test', 'complaint', 'order') "
        "FROM campaign_target t JOIN campaign c ON c.id = t.campaign_id "
        "LEFT JOIN joint_participant p ON c.joint AND p.campaign_id = c.id AND p.group_code = t.group_code "
        "LEFT JOIN campaign pc ON pc.id = p.part_campaign_id "
        "WHERE t.status = 'selected' AND c.joint_id IS NULL"
    )


def downgrade():
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.drop_column("capped")
    with op.batch_alter_table("inspection_count", schema=None) as batch_op:
        batch_op.drop_index("ix_inspection_count_year_entity")
    op.drop_table("inspection_count")
