"""statistical tables: the cells a department fills (由填报单位填写)

``report_entry`` keeps what a department entered, on a table's page, in a cell of a statistical table
the platform holds no data for (城口县's 附件3 and 附件4 ask whether a 实施意见 or 工作方案 was issued, and its
文号): for one table and period, with who entered it and when. A department's rows (row-level security).

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-25 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

#: The departments' rows (row-level security).
TABLES = ["report_entry"]


def upgrade():
    op.create_table(
        "report_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_code", sa.String(length=8), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("cell", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("entered_by_name", sa.String(length=100), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["app_user.id"], name=op.f("fk_report_entry_entered_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_report_entry_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_entry")),
        sa.UniqueConstraint("tenant_id", "table_code", "period", "cell", name="uq_report_entry_cell"),
    )
    with op.batch_alter_table("report_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_entry_tenant_id"), ["tenant_id"], unique=False)

    rls.grant_tables(op, TABLES)
    for table in TABLES:
        rls.enable(op, table)


def downgrade():
    for table in reversed(TABLES):
        rls.disable(op, table)
    with op.batch_alter_table("report_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_entry_tenant_id"))
    op.drop_table("report_entry")
