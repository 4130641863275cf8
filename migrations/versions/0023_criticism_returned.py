"""a draft notice of criticism sent back by the bureau's leader with the reason (通报退回修改)

Revision ID: 0023
Revises: 0022
Create Date: 2026-11-24 07:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("criticism", schema=None) as batch_op:
        batch_op.add_column(sa.Column("returned_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("returned_by_name", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("criticism", schema=None) as batch_op:
        batch_op.drop_column("returned_at")
        batch_op.drop_column("returned_by_name")
        batch_op.drop_column("returned_reason")
