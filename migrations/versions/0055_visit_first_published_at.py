"""a visit keeps when its result was first published, so that a result published late stays marked late

A result must be published within the rules' ``publish_days`` working days after its check ended; one published
after that is shown, on the staff's pages and in the API, as published N working days late (逾期N个工作日公示),
counted on the official calendar from its publication due date to the day it was first published. ``published_at``
cannot be that day: a correction publishes a new version and moves it. The first publication's moment is kept on
the visit, set by the publication command and never moved; the results published before are given the moment
of their first version in the public register (``published_result``, version 1 or the earliest kept).

Revision ID: 0055
Revises: 0054
Create Date: 2026-11-28 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0055"
down_revision = "0054"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_published_at", sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":  # every department's visits (row-level security binds the owner too)
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    bind.execute(
        sa.text(
            "UPDATE visit SET first_published_at = (SELECT MIN(published_result.published_at) FROM published_result "
            "WHERE published_result.visit_id = visit.id) WHERE version > 0"
        )
    )


def downgrade():
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("first_published_at")
