"""inspection codes: when the 入企 was recorded (the 入企登记率 of the justice bureau's figures)

``inspection_code.arrival_recorded_at``: the moment the arrival was written down — at the door by the
组长's 入企, or afterwards by a 补录 or a leader's correction (then the moment of that record, whatever
arrival time it states). The figure 入企登记率 counts a visit whose arrival was recorded before its
result was first reported. Filled for the codes before this revision: the arrival where it was recorded at
the door (audited ``visit.arrived``), else the 补录's moment.

Revision ID: 0034
Revises: 0033
Create Date: 2026-11-26 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("inspection_code") as batch:
        batch.add_column(sa.Column("arrival_recorded_at", sa.DateTime(timezone=True), nullable=True))
    # recorded at the door (its 入企 audited as such; a 补录 after it kept that time): the arrival; else the 补录's
    op.execute(
        "UPDATE inspection_code SET arrival_recorded_at = CASE WHEN late_at IS NULL OR EXISTS ("
        "SELECT 1 FROM audit_entry a WHERE a.action = 'visit.arrived' AND a.object_type = 'visit' "
        "AND a.object_id = CAST(inspection_code.visit_id AS VARCHAR(64))) THEN arrived_at ELSE late_at END "
        "WHERE arrived_at IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("inspection_code") as batch:
        batch.drop_column("arrival_recorded_at")
