"""the departments' supervision figures as last counted: ``department_figures``; the results not yet published,
oldest due first: ``ix_visit_unpublished``

Counting a province's figures (3,000 departments, a million visits) takes half a minute: the dashboard and the bureau's
home read them as a job last counted them (数据截至), one row a department and period, the department's own row under
row-level security — a bureau reads the rows of its branch, as it reads the departments' other rows. The home's
card of results overdue for publication (逾期未公示) adds up each department's count kept there (``overdue``) and lists
the oldest of them through ``ix_visit_unpublished`` (its department in the index: the branch's rows are told apart
without reading the visit).

Revision ID: 0066
Revises: 0065
Create Date: 2026-12-03 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0066"
down_revision = "0065"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "department_figures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("overdue", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_department_figures_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_figures")),
        sa.UniqueConstraint("period", "tenant_id", name="uq_department_figures_period"),
    )
    with op.batch_alter_table("department_figures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_department_figures_tenant_id"), ["tenant_id"], unique=False)
    rls.grant_tables(op, ["department_figures"])
    rls.enable(op, "department_figures")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_visit_unpublished",
            ["publish_due", "id"],
            unique=False,
            postgresql_include=["tenant_id"],
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_unpublished")
    rls.disable(op, "department_figures")
    with op.batch_alter_table("department_figures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_figures_tenant_id"))
    op.drop_table("department_figures")
