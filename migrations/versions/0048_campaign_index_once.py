"""a campaign's targets and teams indexed by campaign once: the lone campaign_id B-trees dropped

``campaign_target`` and ``team_member`` each had a B-tree on ``campaign_id`` alone beside indexes that begin with
it (the targets: ``uq_campaign_target_entity`` and ``ix_campaign_target_cell_rank``; the teams:
``uq_team_member_visit``), which serve every look-up by campaign — the lists, the replacement rules, a campaign's
deletion checking its rows — as well. The extra B-tree cost an entry for every drawn target and team member: 15,142
of them at a draw over a million candidates, 151,572 over ten million.

Revision ID: 0048
Revises: 0047
Create Date: 2026-11-26 23:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0048"
down_revision = "0047"
branch_labels = None
depends_on = None

#: The tables whose lone campaign_id index goes.
TABLES = ("campaign_target", "team_member")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_campaign_id"))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_campaign_id"), ["campaign_id"], unique=False)
