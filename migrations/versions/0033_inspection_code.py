"""检查码 and 企业核验码 of a visit (国办发〔2024〕54号: 扫码入企), with its 入企 and 离企

``inspection_code`` holds, per visit handed out, the token of the QR's public URL (128 random bits),
the 12-character code to type, and the business's code (encrypted, found by its keyed digest); how
many times its page was opened, the team leader's record of arrival and departure, and the
business's confirmation and evaluation; ``recusal_request`` the business's requests that an inspector
withdraw (申请回避), as a leader decides them; ``complaint`` a business's complaint to the justice bureau,
the bureau's row whose copy the department complained about reads, and ``complaint_contact`` who
complained, the bureau's alone (encrypted). A
department's rows (row-level security); the public page finds a code by its token only.

Revision ID: 0033
Revises: 0032
Create Date: 2026-11-25 08:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

#: The departments' rows (row-level security).
TABLES = ["inspection_code", "recusal_request", "complaint_contact"]
#: The bureau's rows shared with the department complained about (its copy).
SHARED = ["complaint"]


def upgrade():
    op.create_table(
        "inspection_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("typed", sa.String(length=12), nullable=False),
        sa.Column("business_encrypted", sa.Text(), nullable=False),
        sa.Column("business_digest", sa.String(length=64), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scans", sa.Integer(), nullable=False),
        sa.Column("first_scanned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrived_by_name", sa.String(length=100), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("left_by_name", sa.String(length=100), nullable=False),
        sa.Column("late_reason", sa.Text(), nullable=False),
        sa.Column("late_by_name", sa.String(length=100), nullable=False),
        sa.Column("late_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("evaluation_text", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_inspection_code_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_inspection_code_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspection_code")),
        sa.UniqueConstraint("business_digest", name=op.f("uq_inspection_code_business_digest")),
        sa.UniqueConstraint("token", name=op.f("uq_inspection_code_token")),
        sa.UniqueConstraint("typed", name=op.f("uq_inspection_code_typed")),
        sa.UniqueConstraint("visit_id", name=op.f("uq_inspection_code_visit_id")),
    )
    with op.batch_alter_table("inspection_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspection_code_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "recusal_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "accepted", "refused", name="recusal_request_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("decided_by_name", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["team_member.id"], name=op.f("fk_recusal_request_member_id_team_member")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_recusal_request_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_recusal_request_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recusal_request")),
    )
    with op.batch_alter_table("recusal_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recusal_request_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recusal_request_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("department_name", sa.String(length=100), nullable=False),
        sa.Column("entity_name", sa.String(length=200), nullable=False),
        sa.Column("campaign_code", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "status", sa.Enum("open", "answered", name="complaint_status", native_enum=False, length=16), nullable=False
        ),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by_name", sa.String(length=100), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("receiver_tenant_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["receiver_tenant_id"], ["tenant.id"], name=op.f("fk_complaint_receiver_tenant_id_tenant")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_complaint_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_complaint_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
    )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_receiver_tenant_id"), ["receiver_tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_complaint_visit_id"), ["visit_id"], unique=False)
    op.create_table(
        "complaint_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("name_encrypted", sa.Text(), nullable=False),
        sa.Column("phone_encrypted", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name=op.f("fk_complaint_contact_complaint_id_complaint")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_complaint_contact_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_contact")),
        sa.UniqueConstraint("complaint_id", name=op.f("uq_complaint_contact_complaint_id")),
    )
    with op.batch_alter_table("complaint_contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_contact_tenant_id"), ["tenant_id"], unique=False)

    rls.grant_tables(op, TABLES + SHARED)
    for table in TABLES:
        rls.enable(op, table)
    for table in SHARED:
        rls.enable_shared_with_receiver(op, table)


def downgrade():
    for table in SHARED:
        rls.disable_shared_with_receiver(op, table)
    for table in reversed(TABLES):
        rls.disable(op, table)
    with op.batch_alter_table("complaint_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_contact_tenant_id"))
    op.drop_table("complaint_contact")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_visit_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_receiver_tenant_id"))
    op.drop_table("complaint")
    with op.batch_alter_table("recusal_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recusal_request_visit_id"))
        batch_op.drop_index(batch_op.f("ix_recusal_request_tenant_id"))
    op.drop_table("recusal_request")
    with op.batch_alter_table("inspection_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspection_code_tenant_id"))
    op.drop_table("inspection_code")
