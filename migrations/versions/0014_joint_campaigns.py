"""joint campaigns (联合抽查): participants, parts, mixed teams, and the participants' read policy

A joint campaign is a campaign of the lead department (``joint``); each participating department's
part is a campaign of its own (``joint_id``). ``joint_participant`` is the lead's invitation shared
with the department invited. The joint campaign's own rows (the campaign, its draws, the visit
list, the teams) get a second read policy: visible, inside the joint scope, to the departments
named by its participants.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 04:20:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

#: The joint campaign's shared tables and the column naming the campaign.
SHARED = {"campaign": "id", "draw": "campaign_id", "campaign_target": "campaign_id", "team_member": "campaign_id"}


def upgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(sa.Column("joint", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("joint_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("joint_parts", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_campaign_joint_id_campaign"), "campaign", ["joint_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_campaign_joint_id"), ["joint_id"], unique=False)
    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_code", sa.String(length=16), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("inspector_name", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("cert_no", sa.String(length=64), nullable=False, server_default=""))

    op.create_table(
        "joint_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "invited", "accepted", "approved", "declined", name="participant_status", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("part_campaign_id", sa.Integer(), nullable=True),
        sa.Column("campaign_code", sa.String(length=64), nullable=False),
        sa.Column("campaign_title", sa.String(length=200), nullable=False),
        sa.Column("group_code", sa.String(length=16), nullable=False),
        sa.Column("department_name", sa.String(length=100), nullable=False),
        sa.Column("part", sa.JSON(), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_by_name", sa.String(length=100), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_name", sa.String(length=100), nullable=False),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.Column("part_saved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("part_saved_by_name", sa.String(length=100), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_name", sa.String(length=100), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("receiver_tenant_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_joint_participant_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["part_campaign_id"], ["campaign.id"], name=op.f("fk_joint_participant_part_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(
            ["receiver_tenant_id"], ["tenant.id"], name=op.f("fk_joint_participant_receiver_tenant_id_tenant")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_joint_participant_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_joint_participant")),
        sa.UniqueConstraint("campaign_id", "receiver_tenant_id", name="uq_joint_participant"),
    )
    with op.batch_alter_table("joint_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_joint_participant_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_joint_participant_receiver_tenant_id"), ["receiver_tenant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_joint_participant_tenant_id"), ["tenant_id"], unique=False)

    rls.grant_tables(op, ["joint_participant"])
    rls.enable_shared_with_receiver(op, "joint_participant")
    for table, key in SHARED.items():
        rls.enable_joint_read(op, table, key)


def downgrade():
    for table in SHARED:
        rls.disable_joint_read(op, table)
    rls.disable_shared_with_receiver(op, "joint_participant")
    op.drop_table("joint_participant")
    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.drop_column("cert_no")
        batch_op.drop_column("inspector_name")
        batch_op.drop_column("group_code")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_joint_id"))
        batch_op.drop_constraint(batch_op.f("fk_campaign_joint_id_campaign"), type_="foreignkey")
        batch_op.drop_column("joint_parts")
        batch_op.drop_column("joint_id")
        batch_op.drop_column("joint")
