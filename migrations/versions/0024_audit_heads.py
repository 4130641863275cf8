"""the audit chains' heads published each day (审计链头公示), every past head kept

Revision ID: 0024
Revises: 0023
Create Date: 2026-11-24 07:10:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chain", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_head_chain"), ["chain"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_head_published_at"), ["published_at"], unique=False)
    rls.grant_tables(op, ["audit_head"])
    rls.append_only(op, "audit_head")  # a published head is never changed or removed


def downgrade():
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_head_published_at"))
        batch_op.drop_index(batch_op.f("ix_audit_head_chain"))
    op.drop_table("audit_head")
