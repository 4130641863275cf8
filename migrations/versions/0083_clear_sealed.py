"""a blinded draw's clear file sealed as raw bytes (明文抽取范围，AES-256-GCM)

A version 3 draw frozen from now on keeps its clear file in ``clear_sealed``: raw bytes under AES-256-GCM with a key
derived from the data key (19 MB a million codes, the cells in token order so that a drawn token's code is a look-up),
where ``clear_encrypted`` held Fernet's base64 of a JSON text (38 MB). A draw frozen before keeps its
``clear_encrypted``, still read. Its frozen frame is kept as raw tokens (``frame_file`` starting with a marker: the
published bytes are the same). On PostgreSQL the sealed file is stored uncompressed, as the frame is (it does not
compress).

Revision ID: 0083
Revises: 0082
Create Date: 2026-12-23 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0083"
down_revision = "0082"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clear_sealed", sa.LargeBinary(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE draw ALTER COLUMN clear_sealed SET STORAGE EXTERNAL")


def downgrade():
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.drop_column("clear_sealed")
