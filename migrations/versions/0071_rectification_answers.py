"""a business answers a rectification order in the platform (整改答复), with files; the department reviews it

``rectification_answer`` is a business's answer to a rectification order (``follow_up``): its text, when given, and
whether after the order's deadline (``late``), by which person of the business's account; its review (accepted: the
order closes as corrected; returned, with the reason). ``rectification_file`` its photos and PDFs, kept as a result's
attachments are (type from the content, SHA-256).

Row-level security: both are the department's rows (its ``tenant_id``, the order's), isolated as every tenant table.
The business reaches them through the record's one audited look-up, then in the department's scope.

Revision ID: 0071
Revises: 0070
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0071"
down_revision = "0070"
branch_labels = None
depends_on = None

TABLES = ["rectification_answer", "rectification_file"]


def upgrade():
    op.create_table(
        "rectification_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("follow_up_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("by_name", sa.String(length=100), nullable=False),
        sa.Column(
            "status",
            sa.Enum("submitted", "accepted", "returned", name="answer_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_name", sa.String(length=100), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["follow_up_id"], ["follow_up.id"], name=op.f("fk_rectification_answer_follow_up_id_follow_up")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["business_person.id"], name=op.f("fk_rectification_answer_person_id_business_person")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_rectification_answer_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_answer")),
    )
    with op.batch_alter_table("rectification_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rectification_answer_follow_up_id"), ["follow_up_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rectification_answer_tenant_id"), ["tenant_id"], unique=False)
    op.create_table(
        "rectification_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=120), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["rectification_answer.id"],
            name=op.f("fk_rectification_file_answer_id_rectification_answer"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_rectification_file_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_file")),
    )
    with op.batch_alter_table("rectification_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rectification_file_answer_id"), ["answer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_rectification_file_tenant_id"), ["tenant_id"], unique=False)
    rls.grant_tables(op, TABLES)
    for table in TABLES:
        rls.enable(op, table)


def downgrade():
    for table in reversed(TABLES):
        rls.disable(op, table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_tenant_id"))
        op.drop_table(table)
