"""a business's own row of a draw (抽取对象本户记录): worked out once from the draw's key when the business asks

``holder_row`` is a business's row of a drawn target draw, kept by the draw's department: the id the proof holds for
it (a version 3 draw's token), its salt (encrypted with the data key), the frame's cells holding it with its rank and
the cell's size, or why it was left out before the freeze. Row-level security: the draw's department's row.

Revision ID: 0082
Revises: 0080
Create Date: 2026-12-22 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0082"
down_revision = "0080"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "holder_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=64), nullable=False),
        sa.Column("salt_encrypted", sa.Text(), nullable=True),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("excluded", sa.String(length=32), nullable=True),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_holder_row_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["draw_id"], ["draw.id"], name=op.f("fk_holder_row_draw_id_draw")),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_holder_row_entity_id_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holder_row")),
        sa.UniqueConstraint("draw_id", "entity_id", name="uq_holder_row_draw_entity"),
    )
    with op.batch_alter_table("holder_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_holder_row_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_holder_row_draw_id"), ["draw_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_holder_row_entity_id"), ["entity_id"], unique=False)
    rls.grant_tables(op, ["holder_row"])
    rls.enable(op, "holder_row")


def downgrade():
    rls.disable(op, "holder_row")
    with op.batch_alter_table("holder_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holder_row_entity_id"))
        batch_op.drop_index(batch_op.f("ix_holder_row_draw_id"))
        batch_op.drop_index(batch_op.f("ix_holder_row_tenant_id"))
    op.drop_table("holder_row")
