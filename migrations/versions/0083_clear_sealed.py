"""a blinded draw's clear file sealed as raw bytes (明文抽取范围，AES-256-GCM)

A version 3 draw frozen from now on keeps its clear file in ``clear_sealed``: raw bytes under AES-256-GCM with a key
derived from the data key (19 MB a million codes, the cells in token order so that a drawn token's code is a look-up),
where ``clear_encrypted`` held Fernet's base64 of a JSON text (38 MB). A draw frozen before keeps its
``clear_encrypted``, still read. Its frozen frame is kept as raw tokens (``frame_file`` starting with a marker: the
published bytes are the same). On PostgreSQL the sealed file is stored uncompressed, as the frame is (it does not
compress).

Revision ID: 0083
Revises: 0089
Create Date: 2026-12-23 10:00:00

"""

import json

import sqlalchemy as sa
from alembic import op

from spotcheck.core import personal_data
from spotcheck.draw import token_frames
from spotcheck.tenants.campaigns import clear_store

# revision identifiers, used by Alembic.
revision = "0083"
down_revision = "0089"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clear_sealed", sa.LargeBinary(), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE draw ALTER COLUMN clear_sealed SET STORAGE EXTERNAL")


#: The draw's columns the downgrade writes back (a draw at a time: a frame of millions is tens of megabytes).
DRAW = sa.table(
    "draw",
    sa.column("id", sa.Integer),
    sa.column("frame_file", sa.LargeBinary),
    sa.column("clear_sealed", sa.LargeBinary),
    sa.column("clear_encrypted", sa.Text),
)


def downgrade():
    """Each draw frozen since kept as it was kept before: its frame as the published lines, its clear file as
    Fernet over JSON (``frame_file`` and ``excluded``)."""
    bind = op.get_bind()
    keys = personal_data.keys_of(personal_data.configured_key())  # the migration's own connection: no other read
    for (draw_id,) in bind.execute(sa.select(DRAW.c.id).where(DRAW.c.clear_sealed.is_not(None))).all():
        frame, sealed = bind.execute(
            sa.select(DRAW.c.frame_file, DRAW.c.clear_sealed).where(DRAW.c.id == draw_id)
        ).one()
        clear = clear_store.opened(sealed, keys)
        text = json.dumps({"frame_file": clear.frame_file, "excluded": clear.excluded}, ensure_ascii=False)
        values = {"clear_sealed": None, "clear_encrypted": keys.fernet.encrypt(text.encode("utf-8")).decode("ascii")}
        if frame is not None and token_frames.is_packed(frame):
            values["frame_file"] = token_frames.expand(frame)
        bind.execute(sa.update(DRAW).where(DRAW.c.id == draw_id).values(**values))
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.drop_column("clear_sealed")
