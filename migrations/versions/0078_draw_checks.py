"""the justice bureau's check of a blinded draw (抽取核验结论)

``draw_check`` is a bureau's verdict on a version 3 draw it checked (DRAW-SPEC "The bureau's check"): the bureau's row,
shared with the department that keeps the draw (a joint campaign's lead), whose public draw page states it — the
whole draw, with the key and the clear file, or (``groups``) a joint draw's rows of the departments a bureau other
than the lead's supervises, with their salts. Each check is a new row.

Revision ID: 0078
Revises: 0077
Create Date: 2026-12-22 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0078"
down_revision = "0077"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "draw_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("draw_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("targets", "inspectors", name="draw_kind", native_enum=False, length=16), nullable=False
        ),
        sa.Column("groups", sa.JSON(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("proof_sha256", sa.String(length=64), nullable=False),
        sa.Column("bureau_name", sa.String(length=100), nullable=False),
        sa.Column("group_names", sa.JSON(), nullable=False),
        sa.Column("checked_by_name", sa.String(length=100), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("receiver_tenant_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_draw_check_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["draw_id"], ["draw.id"], name=op.f("fk_draw_check_draw_id_draw")),
        sa.ForeignKeyConstraint(
            ["receiver_tenant_id"], ["tenant.id"], name=op.f("fk_draw_check_receiver_tenant_id_tenant")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_draw_check_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draw_check")),
    )
    with op.batch_alter_table("draw_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draw_check_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_draw_check_draw_id"), ["draw_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_draw_check_receiver_tenant_id"), ["receiver_tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_draw_check_tenant_id"), ["tenant_id"], unique=False)
    rls.grant_tables(op, ["draw_check"])
    rls.enable_shared_with_receiver(op, "draw_check")


def downgrade():
    rls.disable_shared_with_receiver(op, "draw_check")
    with op.batch_alter_table("draw_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draw_check_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_draw_check_receiver_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_draw_check_draw_id"))
        batch_op.drop_index(batch_op.f("ix_draw_check_campaign_id"))
    op.drop_table("draw_check")
