"""a job's items done of its total (作业进度: 已完成 / 总数), shown beside its progress bar

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-23 23:55:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("items_done", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("items_total", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("job", schema=None) as batch_op:
        batch_op.drop_column("items_total")
        batch_op.drop_column("items_done")
