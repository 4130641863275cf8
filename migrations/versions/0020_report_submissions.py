"""report submissions (报表报送): the rulebooks' statistical tables as submitted, frozen and signed

``report_submission`` keeps each version of a department's table for a period: the sheets frozen
as data with their SHA-256, who prepared it, the leader who signed it and when it was submitted.
A department's rows under row-level security.

Revision ID: 0020
Revises: 0018
Create Date: 2026-11-24 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "report_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_code", sa.String(length=8), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("prepared", "submitted", "superseded", name="submission_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("prepared_by_name", sa.String(length=100), nullable=False),
        sa.Column("prepared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=True),
        sa.Column("signed_by_name", sa.String(length=100), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["signed_by_id"], ["app_user.id"], name=op.f("fk_report_submission_signed_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_report_submission_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_submission")),
        sa.UniqueConstraint("tenant_id", "table_code", "period", "version", name="uq_report_submission_version"),
    )
    with op.batch_alter_table("report_submission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_submission_tenant_id"), ["tenant_id"], unique=False)
    rls.grant_tables(op, ["report_submission"])
    rls.enable(op, "report_submission")


def downgrade():
    rls.disable(op, "report_submission")
    op.drop_table("report_submission")
