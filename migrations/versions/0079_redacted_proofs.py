"""redacted proofs (隐去明细的证明): when a version 1 or 2 proof was withdrawn from public view

A proof drawn before blinding (spotcheck-draw/1 or /2) names each business beside its stratum, and an inspector
proof's ``X`` lines name who declared a conflict with which business. ``redacted_at`` says when such a proof was
withdrawn from public view: the public then reads the redacted proof of DRAW-SPEC (its nonce, seed and counts, with
the original's SHA-256), the department and its bureau the full one. ``spotcheck db upgrade`` withdraws them after
this revision, each withdrawal audited in its department's trail (``draw.redacted``); the column itself starts
empty.

Revision ID: 0079
Revises: 0078
Create Date: 2026-12-27 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0079"
down_revision = "0078"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redacted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.drop_column("redacted_at")
