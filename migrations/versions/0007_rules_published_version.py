"""rules documents: the published version kept apart from the working draft

An edit of a published rules document (text or file) is a draft until it is published again;
the public keeps seeing the version published before. Documents already published get their
current fields as their published version.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = (
    ("title", sa.String(length=200)),
    ("body", sa.Text()),
    ("file_name", sa.String(length=200)),
    ("stored_name", sa.String(length=80)),
    ("media_type", sa.String(length=100)),
    ("size", sa.Integer()),
    ("sha256", sa.String(length=64)),
)


def upgrade():
    with op.batch_alter_table("rules_document") as batch:
        for name, type_ in COLUMNS:
            batch.add_column(sa.Column(f"published_{name}", type_, nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    assignments = ", ".join(f"published_{name} = {name}" for name, _ in COLUMNS)
    bind.execute(sa.text(f"UPDATE rules_document SET {assignments} WHERE published"))


def downgrade():
    with op.batch_alter_table("rules_document") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(f"published_{name}")
