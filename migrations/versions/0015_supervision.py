"""supervision (监督): the filing archive, the assessment's deductions and notices of criticism

``plan_review`` keeps every decision on a submitted plan (备案 or 退回) with its comment and the
plan as it was (the department's rows); ``deduction_rule`` is the justice bureau's setting of the
assessment (考核), one for the deployment; ``criticism`` its notices of criticism (通报). All are a department's rows
under row-level security.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-23 07:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

#: The departments' rows (row-level security); ``deduction_rule`` is the deployment's one setting.
TABLES = ["plan_review", "criticism"]


def upgrade():
    op.create_table(
        "plan_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("half", sa.Integer(), nullable=True),
        sa.Column("plan_title", sa.String(length=200), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("reviewer_tenant_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_name", sa.String(length=100), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name=op.f("fk_plan_review_plan_id_plan")),
        sa.ForeignKeyConstraint(
            ["reviewer_tenant_id"], ["tenant.id"], name=op.f("fk_plan_review_reviewer_tenant_id_tenant")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_plan_review_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_review")),
    )
    with op.batch_alter_table("plan_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_review_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_review_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "deduction_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("cap", sa.Float(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_by_name", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deduction_rule")),
        sa.UniqueConstraint("code", name=op.f("uq_deduction_rule_code")),
    )

    op.create_table(
        "criticism",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "approved", "withdrawn", name="criticism_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("drafted_by_name", sa.String(length=100), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_by_name", sa.String(length=100), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_criticism_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criticism")),
    )
    with op.batch_alter_table("criticism", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criticism_tenant_id"), ["tenant_id"], unique=False)

    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.add_column(sa.Column("criticism_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_notice_criticism_id_criticism"), "criticism", ["criticism_id"], ["id"]
        )

    rls.grant_tables(op, [*TABLES, "deduction_rule"])
    for table in TABLES:
        rls.enable(op, table)


def downgrade():
    for table in reversed(TABLES):
        rls.disable(op, table)
    with op.batch_alter_table("notice", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_notice_criticism_id_criticism"), type_="foreignkey")
        batch_op.drop_column("criticism_id")
    op.drop_table("criticism")
    op.drop_table("deduction_rule")
    op.drop_table("plan_review")
