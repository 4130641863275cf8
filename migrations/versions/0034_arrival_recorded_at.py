"""inspection codes: when the 入企 was recorded (the 入企登记率 of the justice bureau's figures)

``inspection_code.arrival_recorded_at``: the moment the arrival was written down — at the door by the
组长's 入企, or afterwards by a 补录 or a leader's correction (then the moment of that record, whatever
arrival time it states). The figure 入企登记率 counts a visit whose arrival was recorded before its
result was first reported. Filled for the codes before this revision from what they hold: the 补录's
moment where there was one, else the arrival itself.

Revision ID: 0034
Revises: 0033
Create Date: 2026-11-26 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspection_code') as batch:
        batch.add_column(sa.Column('arrival_recorded_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE inspection_code SET arrival_recorded_at = COALESCE(late_at, arrived_at) "
               "WHERE arrived_at IS NOT NULL")


def downgrade():
    with op.batch_alter_table('inspection_code') as batch:
        batch.drop_column('arrival_recorded_at')
