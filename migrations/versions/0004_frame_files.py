"""frozen frames stored once, as frame files; prefix index on entity codes

A draw's frame is kept as its frame file (the sorted lines its digest is taken over, bytes)
instead of JSON rows, and the stored proof leaves the frame out: the published proof file is
the proof with the frame file written in (``spotcheck.draw.proof_file``). Existing draws are
converted and their published SHA-256 recomputed for the new file layout. On PostgreSQL the
frame file is compressed with lz4 when the server has it, and entity codes get a
``text_pattern_ops`` index for prefix search. Drawn targets get an index in the order the
public pages list them (campaign, stratum, rank).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 14:00:00

"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

from spotcheck.draw import proof_file
from spotcheck.platform import rls

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

draw = sa.table(
    "draw",
    sa.column("id", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("frame", sa.JSON),
    sa.column("frame_file", sa.LargeBinary),
    sa.column("proof", sa.JSON),
    sa.column("proof_sha256", sa.String),
)


def _all_rows():
    """Every draw row, whatever the department (row-level security binds the migration too)."""
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
    return bind


def upgrade():
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frame_file", sa.LargeBinary(), nullable=True))
    bind = _all_rows()
    for row in bind.execute(sa.select(draw.c.id, draw.c.kind, draw.c.frame, draw.c.proof)).all():
        if row.frame is None:
            continue
        lines = ["\t".join(r) for r in row.frame] if row.kind == "targets" else list(row.frame)
        file = "".join(line + "\n" for line in sorted(lines)).encode("utf-8")
        values = {"frame_file": file}
        if row.proof is not None:
            proof = {k: v for k, v in row.proof.items() if k != proof_file.FRAME_FIELD[row.kind]}
            values.update(proof=proof, proof_sha256=hashlib.sha256(proof_file.dumps(proof, file)).hexdigest())
        bind.execute(draw.update().where(draw.c.id == row.id).values(**values))
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.drop_column("frame")
    if bind.dialect.name == "postgresql":
        op.execute(
            "DO $$ BEGIN ALTER TABLE draw ALTER COLUMN frame_file SET COMPRESSION lz4; "
            "EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN NULL; END $$"
        )
    rls.pattern_index(op, "entity", "code")
    op.create_index("ix_campaign_target_cell_rank", "campaign_target", ["campaign_id", "stratum", "rank"])


def downgrade():
    op.drop_index("ix_campaign_target_cell_rank", table_name="campaign_target")
    rls.drop_pattern_index(op, "entity", "code")
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.add_column(sa.Column("frame", sa.JSON(), nullable=True))
    bind = _all_rows()
    for row in bind.execute(sa.select(draw.c.id, draw.c.kind, draw.c.frame_file, draw.c.proof)).all():
        if row.frame_file is None:
            continue
        frame = proof_file.frame_value(row.kind, row.frame_file)
        values = {"frame": frame}
        if row.proof is not None:
            proof = dict(row.proof, **{proof_file.FRAME_FIELD[row.kind]: frame})
            text = json.dumps(proof, ensure_ascii=False, indent=1).encode("utf-8")
            values.update(proof=proof, proof_sha256=hashlib.sha256(text).hexdigest())
        bind.execute(draw.update().where(draw.c.id == row.id).values(**values))
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.drop_column("frame_file")
