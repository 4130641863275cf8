"""特定对象检查 (非随机): a campaign's kind, its named targets with their causes, and when a named check is disclosed

``campaign.kind``: ``random`` (every campaign so far) or ``named``; ``campaign.named_targets``: a named draft's
list of targets with their causes; ``campaign.disclosed_at``: when a named campaign's teams and targets became
public (after 离企); ``campaign.late_reason``: a named check made before it was registered (紧急检查事后登记), why.
``inspection_count.withheld``: a named check's count, read by no frame until it is disclosed.
``campaign_target.cause`` and ``cause_reference``: why a named target is checked.

Revision ID: 0036
Revises: 0035
Create Date: 2026-11-25 13:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum("random", "named", name="campaign_kind", native_enum=False, length=16),
                server_default="random",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("named_targets", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("disclosed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("late_reason", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("inspection_count", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withheld", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("campaign_target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cause", sa.String(length=16), server_default="", nullable=False))
        batch_op.add_column(sa.Column("cause_reference", sa.String(length=100), server_default="", nullable=False))


def downgrade():
    with op.batch_alter_table("inspection_count", schema=None) as batch_op:
        batch_op.drop_column("withheld")
    with op.batch_alter_table("campaign_target", schema=None) as batch_op:
        batch_op.drop_column("cause_reference")
        batch_op.drop_column("cause")
    with op.batch_alter_table("campaign", schema=None) as batch_op:
        batch_op.drop_column("late_reason")
        batch_op.drop_column("disclosed_at")
        batch_op.drop_column("named_targets")
        batch_op.drop_column("kind")
