"""experts on teams (专家), recusals after the draw (抽取后申报回避), the leader's "no follow-up
needed" (无需后续处置) and the written reason of an item kept out of random checking (书面说明理由)

``team_expert`` keeps the experts who join a visit's team in addition to the drawn inspectors
(seed 001), a department's rows under row-level security; ``team_member.recusal_id`` marks a
member who declared a conflict after the draw (the conflict is a ``recusal`` row of the inspector
directory); ``visit.no_follow_up_*`` is a leader's reasoned decision that a problem found needs no
follow-up; ``item.non_random_reason`` is versioned with the item's other fields.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-24 09:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

#: The departments' rows (row-level security).
TABLES = ["team_expert"]


def upgrade():
    op.create_table(
        "team_expert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "directory",
                "testing_body",
                "research_institute",
                "scholar",
                name="expert_kind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("inspector_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("expertise", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("added_by_name", sa.String(length=100), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by_name", sa.String(length=100), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_team_expert_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_team_expert_entity_id_entity")),
        sa.ForeignKeyConstraint(["inspector_id"], ["inspector.id"], name=op.f("fk_team_expert_inspector_id_inspector")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_team_expert_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_expert")),
    )
    with op.batch_alter_table("team_expert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_expert_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_team_expert_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_team_expert_inspector_id"), ["inspector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_team_expert_tenant_id"), ["tenant_id"], unique=False)

    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recusal_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_team_member_recusal_id_recusal"), "recusal", ["recusal_id"], ["id"])

    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("no_follow_up_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("no_follow_up_by_name", sa.String(length=100), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("no_follow_up_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("non_random_reason", sa.Text(), nullable=False, server_default=""))

    rls.grant_tables(op, TABLES)
    for table in TABLES:
        rls.enable(op, table)


def downgrade():
    for table in reversed(TABLES):
        rls.disable(op, table)
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_column("non_random_reason")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_column("no_follow_up_at")
        batch_op.drop_column("no_follow_up_by_name")
        batch_op.drop_column("no_follow_up_reason")
    with op.batch_alter_table("team_member", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_team_member_recusal_id_recusal"), type_="foreignkey")
        batch_op.drop_column("recusal_id")
    with op.batch_alter_table("team_expert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_expert_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_team_expert_inspector_id"))
        batch_op.drop_index(batch_op.f("ix_team_expert_entity_id"))
        batch_op.drop_index(batch_op.f("ix_team_expert_campaign_id"))
    op.drop_table("team_expert")
