"""the register's kind of each check: ``inspection_count.kind``

A business's yearly cap (每户企业每年涉企行政检查次数上限) and the kinds left out of it (``cap_exempt_kinds``) are
those of the business's own region's rules, no longer the drawing department's: the register keeps what kind of
check each row is, so that the kinds a region leaves out are applied when the business's checks are counted.
``kind``: NULL for a check that never counts (off-site); ``""`` for an on-site check on no cause; else the cause or
exempt kind (事故、投诉举报…). Rows counted so far keep what they said: a counting row becomes ``""``, any other NULL
(its kind was not kept).

Revision ID: 0065
Revises: 0063
Create Date: 2026-12-02 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0065"
down_revision = "0063"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("inspection_count", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=32), nullable=True))
    op.execute("UPDATE inspection_count SET kind = '' WHERE counts")


def downgrade():
    with op.batch_alter_table("inspection_count", schema=None) as batch_op:
        batch_op.drop_column("kind")
