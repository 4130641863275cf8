"""notices (文书) as PDF, the inbox (站内消息) and deliveries (送达记录); users' e-mail and mobile

A generated document per visit, inspector, campaign announcement or transfer (a transfer letter
shared with the receiving department, as its follow-up is); a message per person in the inbox; a
delivery per message, person and channel under a unique idempotency key. All are a department's
rows under row-level security.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 02:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "inspection", "assignment", "announcement", "transfer", name="notice_kind", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("inspector_id", sa.Integer(), nullable=True),
        sa.Column("follow_up_id", sa.Integer(), nullable=True),
        sa.Column("storage_key", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("receiver_tenant_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_notice_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["follow_up_id"], ["follow_up.id"], name=op.f("fk_notice_follow_up_id_follow_up")),
        sa.ForeignKeyConstraint(["inspector_id"], ["inspector.id"], name=op.f("fk_notice_inspector_id_inspector")),
        sa.ForeignKeyConstraint(
            ["receiver_tenant_id"], ["tenant.id"], name=op.f("fk_notice_receiver_tenant_id_tenant")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_notice_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_notice_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice")),
        sa.UniqueConstraint("tenant_id", "kind", "subject", name="uq_notice_subject"),
    )
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.create_index("ix_notice_campaign", ["tenant_id", "campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_follow_up_id"), ["follow_up_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_inspector_id"), ["inspector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_receiver_tenant_id"), ["receiver_tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notice_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "inbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=200), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_inbox_message_notice_id_notice")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_inbox_message_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_inbox_message_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_message")),
    )
    with op.batch_alter_table("inbox_message", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_message_user_unread", ["user_id", "read_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_inbox_message_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("recipient_name", sa.String(length=100), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("inbox", "email", "sms", name="delivery_channel", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=200), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "sent", "failed", name="delivery_status", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["notice_id"], ["notice.id"], name=op.f("fk_delivery_notice_id_notice")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_delivery_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_delivery_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint("key", name="uq_delivery_key"),
    )
    with op.batch_alter_table("delivery", schema=None) as batch_op:
        batch_op.create_index("ix_delivery_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=120), server_default="", nullable=False))
        batch_op.add_column(sa.Column("mobile", sa.String(length=16), server_default="", nullable=False))

    rls.grant_tables(op, ["notice", "inbox_message", "delivery"])
    rls.enable_shared_with_receiver(op, "notice")
    rls.enable(op, "inbox_message")
    rls.enable(op, "delivery")


def downgrade():
    rls.disable(op, "delivery")
    rls.disable(op, "inbox_message")
    rls.disable_shared_with_receiver(op, "notice")
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("mobile")
        batch_op.drop_column("email")
    op.drop_table("delivery")
    op.drop_table("inbox_message")
    op.drop_table("notice")
