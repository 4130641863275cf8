"""credit-system export (信用信息共享): the outbox of published results, numbered batches per
department with their stored files and manifest, and the delivery log. A department's rows, under
row-level security.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 01:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ["export_batch", "export_record", "export_delivery"]


def upgrade():
    op.create_table(
        "export_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "delivered", "failed", name="export_batch_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("format_version", sa.String(length=16), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("published_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("jsonl_key", sa.String(length=120), nullable=False),
        sa.Column("jsonl_size", sa.BigInteger(), nullable=False),
        sa.Column("jsonl_sha256", sa.String(length=64), nullable=False),
        sa.Column("csv_key", sa.String(length=120), nullable=False),
        sa.Column("csv_size", sa.BigInteger(), nullable=False),
        sa.Column("csv_sha256", sa.String(length=64), nullable=False),
        sa.Column("manifest_key", sa.String(length=120), nullable=False),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_name", sa.String(length=100), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_to", sa.String(length=300), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_export_batch_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_batch")),
        sa.UniqueConstraint("tenant_id", "number", name="uq_export_batch_number"),
    )
    with op.batch_alter_table("export_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_batch_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "export_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("published_result_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["export_batch.id"], name=op.f("fk_export_record_batch_id_export_batch")),
        sa.ForeignKeyConstraint(
            ["corrects_id"], ["export_record.id"], name=op.f("fk_export_record_corrects_id_export_record")
        ),
        sa.ForeignKeyConstraint(
            ["published_result_id"],
            ["published_result.id"],
            name=op.f("fk_export_record_published_result_id_published_result"),
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_export_record_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_export_record_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_record")),
        sa.UniqueConstraint("published_result_id", name="uq_export_record_published_result_id"),
    )
    with op.batch_alter_table("export_record", schema=None) as batch_op:
        batch_op.create_index("ix_export_record_pending", ["tenant_id", "batch_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_export_record_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_export_record_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "export_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("again", sa.Boolean(), nullable=False),
        sa.Column("actor_name", sa.String(length=100), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["export_batch.id"], name=op.f("fk_export_delivery_batch_id_export_batch")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_export_delivery_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_delivery")),
    )
    with op.batch_alter_table("export_delivery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_export_delivery_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_export_delivery_tenant_id"), ["tenant_id"], unique=False)

    rls.grant_tables(op, TABLES)
    for table in TABLES:
        rls.enable(op, table)


def downgrade():
    for table in reversed(TABLES):
        rls.disable(op, table)
    with op.batch_alter_table("export_delivery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_delivery_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_export_delivery_batch_id"))
    op.drop_table("export_delivery")
    with op.batch_alter_table("export_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_record_visit_id"))
        batch_op.drop_index(batch_op.f("ix_export_record_tenant_id"))
        batch_op.drop_index("ix_export_record_pending")
    op.drop_table("export_record")
    with op.batch_alter_table("export_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_export_batch_tenant_id"))
    op.drop_table("export_batch")
