"""a complaint reaches the department complained about only as the justice bureau forwards it

``complaint`` becomes the bureau's row alone: ``receiver_tenant_id`` (which let the department complained about read
it) is renamed ``about_tenant_id``, kept for the bureau's figures per department and read by nobody else, and the
row-level security that shared the row is dropped; ``checked_on`` keeps the day of the check complained about.
``complaint_forward`` is the bureau's forward (转办): shared with the department, which reads the text as the bureau
forwarded it — with the business's name, campaign and check date, or without any of them — and answers the bureau
there. Complaints made before this revision are not forwarded: the bureau decides, for each, whether to forward it.

Revision ID: 0058
Revises: 0057
Create Date: 2026-11-28 16:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0058"
down_revision = "0057"
branch_labels = None
depends_on = None

STATUS = ("open", "forwarded", "answered")


def _every_department() -> None:
    """Every department's rows for the data moved here (row-level security binds the owner too)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT set_config('app.all_tenants', 'on', true)")


def upgrade():
    rls.disable_shared_with_receiver(op, "complaint")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_receiver_tenant_id"))
        batch_op.drop_constraint("fk_complaint_receiver_tenant_id_tenant", type_="foreignkey")
        batch_op.alter_column(
            "receiver_tenant_id", new_column_name="about_tenant_id", existing_type=sa.Integer(), nullable=False
        )
        batch_op.add_column(sa.Column("checked_on", sa.Date(), nullable=True))
        batch_op.alter_column(
            "status",
            existing_type=sa.Enum("open", "answered", name="complaint_status", native_enum=False, length=16),
            type_=sa.Enum(*STATUS, name="complaint_status", native_enum=False, length=16),
            existing_nullable=False,
        )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_complaint_about_tenant_id_tenant"), "tenant", ["about_tenant_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_complaint_about_tenant_id"), ["about_tenant_id"], unique=False)
    _every_department()
    op.execute(
        "UPDATE complaint SET checked_on = (SELECT visit.checked_on FROM visit WHERE visit.id = complaint.visit_id)"
    )
    rls.enable(op, "complaint")

    op.create_table(
        "complaint_forward",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("named", sa.Boolean(), nullable=False),
        sa.Column("department_name", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("entity_name", sa.String(length=200), nullable=False),
        sa.Column("campaign_code", sa.String(length=64), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("forwarded_by_name", sa.String(length=100), nullable=False),
        sa.Column("forwarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by_name", sa.String(length=100), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("receiver_tenant_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaint.id"], name=op.f("fk_complaint_forward_complaint_id_complaint")
        ),
        sa.ForeignKeyConstraint(
            ["receiver_tenant_id"], ["tenant.id"], name=op.f("fk_complaint_forward_receiver_tenant_id_tenant")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_complaint_forward_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_complaint_forward_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_forward")),
        sa.UniqueConstraint("complaint_id", name=op.f("uq_complaint_forward_complaint_id")),
    )
    with op.batch_alter_table("complaint_forward", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_complaint_forward_receiver_tenant_id"), ["receiver_tenant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_complaint_forward_tenant_id"), ["tenant_id"], unique=False)
    rls.grant_tables(op, ["complaint_forward"])
    rls.enable_shared_with_receiver(op, "complaint_forward")


def downgrade():
    rls.disable_shared_with_receiver(op, "complaint_forward")
    with op.batch_alter_table("complaint_forward", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_forward_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_complaint_forward_receiver_tenant_id"))
    op.drop_table("complaint_forward")
    rls.disable(op, "complaint")
    _every_department()
    op.execute("UPDATE complaint SET status = 'open' WHERE status = 'forwarded'")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_about_tenant_id"))
        batch_op.drop_constraint("fk_complaint_about_tenant_id_tenant", type_="foreignkey")
        batch_op.alter_column(
            "status",
            existing_type=sa.Enum(*STATUS, name="complaint_status", native_enum=False, length=16),
            type_=sa.Enum("open", "answered", name="complaint_status", native_enum=False, length=16),
            existing_nullable=False,
        )
        batch_op.drop_column("checked_on")
        batch_op.alter_column(
            "about_tenant_id", new_column_name="receiver_tenant_id", existing_type=sa.Integer(), nullable=True
        )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_complaint_receiver_tenant_id_tenant"), "tenant", ["receiver_tenant_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_complaint_receiver_tenant_id"), ["receiver_tenant_id"], unique=False)
    rls.enable_shared_with_receiver(op, "complaint")
