"""the rule a campaign's team leaders (组长) were named by in one step (批量指定组长)

``campaign.leader_rule``: the key of the rule (``first_drawn``, ``balanced``, ``first_with_account``), kept so that
the platform names a visit's new 组长 by the same rule when it replaces a recused one after an accepted request
(回避申请); NULL for a campaign whose leaders were named by hand.

Revision ID: 0089
Revises: 0088
Create Date: 2026-11-29 20:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0089"
down_revision = "0088"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("leader_rule", sa.String(length=24), nullable=True))


def downgrade():
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("leader_rule")
