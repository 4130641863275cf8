"""blinded draws (盲化抽取, spotcheck-draw/3): each draw's blinding key, its commitment and the clear frame

A draw committed from now on has a blinding key beside its nonce (``blind_key_encrypted``, under the data key as the
nonce is) whose hash (``blind_commitment``) is published with the nonce's commitment; its frozen frame is the
blinded one (the proof's), and the clear frame with the exclusions by reason (``clear_encrypted``) is kept encrypted
for the department and its bureau. A draw committed before, not yet frozen, gets its key at its freeze; one frozen
already keeps none and is drawn by its version (1, or 2 for inspectors). On PostgreSQL the frozen frame and the
clear file are stored uncompressed (below).

Revision ID: 0077
Revises: 0076
Create Date: 2026-12-20 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0077"
down_revision = "0076"
branch_labels = None
depends_on = None


#: PostgreSQL keeps a frozen frame and a clear file as they are, uncompressed (STORAGE EXTERNAL): a blinded frame of a
#: million tokens is 84 MB that pglz compressed in 2.2 s at the freeze, against 0.56 s written as it is (read back in
#: 0.3 s either way); the encrypted clear file does not compress at all.
LARGE = ("frame_file", "clear_encrypted")


def upgrade():
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blind_key_encrypted", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("blind_commitment", sa.String(64), nullable=True))
        batch_op.add_column(sa.Column("clear_encrypted", sa.Text(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        for column in LARGE:
            op.execute(f"ALTER TABLE draw ALTER COLUMN {column} SET STORAGE EXTERNAL")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE draw ALTER COLUMN frame_file SET STORAGE EXTENDED")
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.drop_column("clear_encrypted")
        batch_op.drop_column("blind_commitment")
        batch_op.drop_column("blind_key_encrypted")
