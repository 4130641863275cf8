"""durable jobs: what to queue again, the run that holds a job, its heartbeat

A job keeps its Celery task's name and keyword arguments, so a periodic check can queue it again
when the broker lost it or its worker died; ``attempt`` names the run that holds it, so a
redelivered message finds the job taken or done and does nothing; ``heartbeat_at`` tells a live
run from a dead one. Rules documents' files move to the shared storage (keys replace the old
names); a document whose old file name cannot be carried over keeps its text and loses the link
to the file (none exists in a deployment yet).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("task", sa.String(length=100), nullable=False, server_default=""))
        batch.add_column(sa.Column("params", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("dispatches", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attempt", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("job") as batch:
        for column in ("task", "params", "dispatches", "attempt"):
            batch.alter_column(column, server_default=None)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    bind.execute(sa.text("UPDATE rules_document SET stored_name = NULL WHERE stored_name NOT LIKE 'rules/%'"))


def downgrade():
    with op.batch_alter_table("job") as batch:
        for column in ("heartbeat_at", "attempt", "dispatched_at", "dispatches", "params", "task"):
            batch.drop_column(column)
