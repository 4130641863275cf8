"""draws: the reason a draw was made with no observer's input

``draw.no_input_reason``: a draw made with no input from outside the department (无外部监督人输入)
used the department's secret number alone; the planner must now say why, and the reason is recorded
with the draw, in its audit entry, and published on the draw's public page. Empty for a draw with
observers' inputs, and for the draws made before this revision (their pages say no reason was
recorded). The draw's bytes and its proof do not change.

Revision ID: 0030
Revises: 0029
Create Date: 2026-11-25 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("draw") as batch:
        batch.add_column(sa.Column("no_input_reason", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("draw") as batch:
        batch.drop_column("no_input_reason")
