"""the departments' 负责人 and 联络员 of 双随机、一公开 (工作负责人和联络员名单)

``department_contact`` keeps each department's two contacts (``role``: ``responsible`` 负责人,
``liaison`` 联络员) with their post and phones, one row per role; a department's rows under
row-level security like every tenant table (the justice bureau reads them through its
cross-department reading).

Revision ID: 0021
Revises: 0018
Create Date: 2026-11-23 16:40:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

#: The departments' rows (row-level security).
TABLES = ["department_contact"]


def upgrade():
    op.create_table(
        "department_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("post", sa.String(length=100), nullable=False),
        sa.Column("office_phone", sa.String(length=32), nullable=False),
        sa.Column("mobile", sa.String(length=16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=100), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_department_contact_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_department_contact")),
        sa.UniqueConstraint("tenant_id", "role", name="uq_department_contact_tenant_role"),
    )
    with op.batch_alter_table("department_contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_department_contact_tenant_id"), ["tenant_id"], unique=False)

    rls.grant_tables(op, TABLES)
    for table in TABLES:
        rls.enable(op, table)


def downgrade():
    for table in reversed(TABLES):
        rls.disable(op, table)
    with op.batch_alter_table("department_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_department_contact_tenant_id"))
    op.drop_table("department_contact")
