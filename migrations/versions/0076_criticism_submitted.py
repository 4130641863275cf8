"""criticism submitted (通报提交局领导签发): when a draft notice of criticism was submitted to the bureau's leaders

The drafter's 提交局领导签发 tells the leaders once: ``submitted_at`` is set then and cleared when the draft is changed
or sent back, and the policy offers the submit only while it is empty. The drafts already submitted are not known
(the audit trail has them, but a draft may have changed since): every draft may be submitted once more.

Revision ID: 0076
Revises: 0075
Create Date: 2026-12-13 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0076"
down_revision = "0075"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("criticism", schema=None) as batch_op:
        batch_op.add_column(sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("criticism", schema=None) as batch_op:
        batch_op.drop_column("submitted_at")
