"""plans, campaigns, draws

Annual plans and their items; campaigns with their items, draws (one per campaign and kind,
by a unique constraint), drawn targets and teams. All but the campaign–item link belong to one
department (row-level security).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 10:19:47.126136

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

TENANT_OWNED = ["plan", "plan_item", "campaign", "campaign_target", "draw", "team_member"]


# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("half", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "submitted", "returned", "filed", "published", name="plan_status", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("filed_by_name", sa.String(length=100), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_plan_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan")),
        sa.UniqueConstraint("tenant_id", "year", "half", name="uq_plan_tenant_year_half"),
    )
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("exempt_kind", sa.String(length=32), nullable=True),
        sa.Column("exempt_reason", sa.Text(), nullable=False),
        sa.Column("target_filter", sa.JSON(), nullable=False),
        sa.Column("strata", sa.JSON(), nullable=False),
        sa.Column("exclude_checked", sa.Boolean(), nullable=False),
        sa.Column("reserve_size", sa.Integer(), nullable=False),
        sa.Column("team_size", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "approved",
                "targets_drawn",
                "inspectors_drawn",
                "in_progress",
                name="campaign_status",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_campaign_plan_id_plan")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_campaign_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
        sa.UniqueConstraint("code", name="uq_campaign_code"),
    )
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "plan_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("ratio_bp", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=100), nullable=False),
        sa.Column("months", sa.JSON(), nullable=False),
        sa.Column("methods", sa.JSON(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_plan_item_item_id_item")),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_plan_item_plan_id_plan")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_plan_item_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_item")),
        sa.UniqueConstraint("plan_id", "item_id", name="uq_plan_item_plan_item"),
    )
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_item_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_item_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_item_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "campaign_item",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_campaign_item_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_campaign_item_item_id_item")),
        sa.PrimaryKeyConstraint("campaign_id", "item_id", name=op.f("pk_campaign_item")),
    )
    op.create_table(
        "campaign_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("group_code", sa.String(length=16), nullable=False),
        sa.Column("stratum", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("selected", "reserve", "replaced", name="target_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("replacement_reason", sa.String(length=200), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_campaign_target_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_campaign_target_entity_id_entity")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_campaign_target_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_target")),
        sa.UniqueConstraint("campaign_id", "group_code", "entity_id", name="uq_campaign_target_entity"),
    )
    with op.batch_alter_table("campaign_target", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_target_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_target_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_campaign_target_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", sa.Enum("targets", "inspectors", name="draw_kind", native_enum=False, length=16), nullable=False
        ),
        sa.Column("nonce_encrypted", sa.Text(), nullable=False),
        sa.Column("commitment", sa.String(length=64), nullable=False),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frame_digest", sa.String(length=64), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("excluded", sa.JSON(), nullable=True),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("frame", sa.JSON(), nullable=True),
        sa.Column("public_inputs", sa.JSON(), nullable=True),
        sa.Column("seed", sa.String(length=64), nullable=True),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proof", sa.JSON(), nullable=True),
        sa.Column("proof_sha256", sa.String(length=64), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_draw_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_draw_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draw")),
        sa.UniqueConstraint("campaign_id", "kind", name="uq_draw_campaign_kind"),
    )
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_draw_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_draw_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "team_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_leader", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("replacement_reason", sa.String(length=200), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_team_member_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_team_member_entity_id_entity")),
        sa.ForeignKeyConstraint(["inspector_id"], ["inspector.id"], name=op.f("fk_team_member_inspector_id_inspector")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_team_member_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_member")),
        sa.UniqueConstraint("campaign_id", "entity_id", "inspector_id", name="uq_team_member_visit"),
    )
    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_member_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_team_member_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_team_member_inspector_id"), ["inspector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_team_member_tenant_id"), ["tenant_id"], unique=False)

    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("short_name", sa.String(length=16), nullable=False, server_default=""))

    rls.grant_tables(op, ["campaign_item", *TENANT_OWNED])
    for table in TENANT_OWNED:
        rls.enable(op, table)


def downgrade():
    for table in TENANT_OWNED:
        rls.disable(op, table)
    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.drop_column("short_name")

    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_member_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_team_member_inspector_id"))
        batch_op.drop_index(batch_op.f("ix_team_member_entity_id"))
        batch_op.drop_index(batch_op.f("ix_team_member_campaign_id"))

    op.drop_table("team_member")
    with op.batch_alter_table("draw", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_draw_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_draw_campaign_id"))

    op.drop_table("draw")
    with op.batch_alter_table("campaign_target", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_target_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_campaign_target_entity_id"))
        batch_op.drop_index(batch_op.f("ix_campaign_target_campaign_id"))

    op.drop_table("campaign_target")
    op.drop_table("campaign_item")
    with op.batch_alter_table("plan_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_item_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_plan_item_plan_id"))
        batch_op.drop_index(batch_op.f("ix_plan_item_item_id"))

    op.drop_table("plan_item")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_tenant_id"))

    op.drop_table("campaign")
    with op.batch_alter_table("plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_tenant_id"))

    op.drop_table("plan")
