"""visits, results and publication: the second half of the cycle (检查、结果、审核、公示)

A visit per drawn target with its result per item (result categories a row each), and the
public register of published results. Visits and results are department rows under row-level
security; the published register is public by nature (read by the portal across departments)
and written only by the publish command. An inspector's directory entry is linked to their user
account (one person, one link). Attachments (photos, PDFs) of a result are kept in the
core storage with their SHA-256.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 13:43:54

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

TENANT_TABLES = ["visit", "item_result", "result_category", "attachment"]


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "assigned",
                "drafting",
                "submitted",
                "returned",
                "approved",
                "published",
                name="visit_status",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("method", sa.String(length=24), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("report_due", sa.Date(), nullable=True),
        sa.Column("publish_due", sa.Date(), nullable=True),
        sa.Column("due_assumed", sa.Boolean(), nullable=False),
        sa.Column("entered_by", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_by_name", sa.String(length=100), nullable=False),
        sa.Column("returned_reason", sa.Text(), nullable=False),
        sa.Column("returned_by_name", sa.String(length=100), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_name", sa.String(length=100), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_name", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["approved_by_id"], ["app_user.id"], name=op.f("fk_visit_approved_by_id_app_user")),
        sa.ForeignKeyConstraint(["campaign_id"], ["campaign.id"], name=op.f("fk_visit_campaign_id_campaign")),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_visit_entity_id_entity")),
        sa.ForeignKeyConstraint(["submitted_by_id"], ["app_user.id"], name=op.f("fk_visit_submitted_by_id_app_user")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_visit_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
        sa.UniqueConstraint("campaign_id", "entity_id", name="uq_visit_campaign_entity"),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visit_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_visit_tenant_status", ["tenant_id", "status"], unique=False)

    op.create_table(
        "item_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_item_result_item_id_item")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_item_result_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_item_result_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_result")),
        sa.UniqueConstraint("visit_id", "item_id", name="uq_item_result_visit_item"),
    )
    with op.batch_alter_table("item_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_result_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_result_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_result_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "published_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("corrected", sa.Boolean(), nullable=False),
        sa.Column("correction_reason", sa.Text(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaign.id"], name=op.f("fk_published_result_campaign_id_campaign")
        ),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_published_result_entity_id_entity")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_published_result_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_published_result_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_published_result")),
        sa.UniqueConstraint("visit_id", "version", name="uq_published_result_version"),
    )
    with op.batch_alter_table("published_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_published_result_campaign_id"), ["campaign_id"], unique=False)
        batch_op.create_index("ix_published_result_entity_current", ["entity_id", "current"], unique=False)
        batch_op.create_index(batch_op.f("ix_published_result_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_published_result_visit_id"), ["visit_id"], unique=False)

    op.create_table(
        "result_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_result_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_result_id"], ["item_result.id"], name=op.f("fk_result_category_item_result_id_item_result")
        ),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_result_category_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_category")),
        sa.UniqueConstraint("item_result_id", "code", name="uq_result_category_code"),
    )
    with op.batch_alter_table("result_category", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_result_category_item_result_id"), ["item_result_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_result_category_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=120), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_name", sa.String(length=100), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_attachment_tenant_id_tenant")),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["app_user.id"], name=op.f("fk_attachment_uploaded_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(["visit_id"], ["visit.id"], name=op.f("fk_attachment_visit_id_visit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachment_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachment_visit_id"), ["visit_id"], unique=False)

    with op.batch_alter_table("inspector", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_inspector_user_id"), ["user_id"])
        batch_op.create_foreign_key(batch_op.f("fk_inspector_user_id_app_user"), "app_user", ["user_id"], ["id"])
    rls.grant_tables(op, [*TENANT_TABLES, "published_result"])
    for table in TENANT_TABLES:
        rls.enable(op, table)
    rls.enable_public_read(op, "published_result")


def downgrade():
    rls.disable_public_read(op, "published_result")
    for table in TENANT_TABLES:
        rls.disable(op, table)
    with op.batch_alter_table("inspector", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_inspector_user_id_app_user"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_inspector_user_id"), type_="unique")
        batch_op.drop_column("user_id")

    with op.batch_alter_table("attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachment_visit_id"))
        batch_op.drop_index(batch_op.f("ix_attachment_tenant_id"))
    op.drop_table("attachment")

    with op.batch_alter_table("result_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_result_category_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_result_category_item_result_id"))

    op.drop_table("result_category")
    with op.batch_alter_table("published_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_published_result_visit_id"))
        batch_op.drop_index(batch_op.f("ix_published_result_tenant_id"))
        batch_op.drop_index("ix_published_result_entity_current")
        batch_op.drop_index(batch_op.f("ix_published_result_campaign_id"))

    op.drop_table("published_result")
    with op.batch_alter_table("item_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_result_visit_id"))
        batch_op.drop_index(batch_op.f("ix_item_result_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_item_result_item_id"))

    op.drop_table("item_result")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index("ix_visit_tenant_status")
        batch_op.drop_index(batch_op.f("ix_visit_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_visit_entity_id"))
        batch_op.drop_index(batch_op.f("ix_visit_campaign_id"))

    op.drop_table("visit")
