"""jobs: the database session of the run that holds a job

``job.run_backend_pid`` and ``job.run_backend_started_at`` name the PostgreSQL session (its process
and when it started) in which the run holding the job does its work. The periodic check ends that
session when it takes a job from a run without a sign of life for a lease (a hung worker): the run's
open transaction is rolled back and its locks released, so the run that takes the job over never
waits on them, and the hung run, when it wakes, commits nothing. Empty on SQLite and for a job not
running.

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-25 02:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("run_backend_pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("run_backend_started_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("job") as batch:
        batch.drop_column("run_backend_started_at")
        batch.drop_column("run_backend_pid")
