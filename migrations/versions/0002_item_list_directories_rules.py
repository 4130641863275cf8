"""item list, registry, directories, rules document

The entity registry is shared by all departments (no row-level security); every other new
table belongs to one department. On PostgreSQL, entity names get a trigram index when the
pg_trgm extension can be had, for name search over a million entities.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 10:09:40.654764

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

TENANT_OWNED = ["directory_entry", "inspector", "item", "item_version", "rules_document", "recusal"]


# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "entity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("entity_type", sa.String(length=16), nullable=False),
        sa.Column("industry_code", sa.String(length=5), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("abnormal", sa.Boolean(), nullable=False),
        sa.Column("blacklisted", sa.Boolean(), nullable=False),
        sa.Column("penalized_on", sa.Date(), nullable=True),
        sa.Column("complaints", sa.Integer(), nullable=False),
        sa.Column("credit_rating", sa.String(length=1), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity")),
        sa.UniqueConstraint("code", name=op.f("uq_entity_code")),
    )
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_industry_code"), ["industry_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_entity_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_entity_region_code"), ["region_code"], unique=False)

    op.create_table(
        "directory_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("risk", sa.String(length=1), nullable=False),
        sa.Column("tags", sa.String(length=400), nullable=False),
        sa.Column("last_inspected_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_directory_entry_entity_id_entity")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_directory_entry_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_entry")),
        sa.UniqueConstraint("tenant_id", "entity_id", name="uq_directory_entry_tenant_entity"),
    )
    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_directory_entry_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index("ix_directory_entry_tenant_category", ["tenant_id", "category"], unique=False)
        batch_op.create_index(batch_op.f("ix_directory_entry_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_directory_entry_tenant_risk", ["tenant_id", "risk"], unique=False)

    op.create_table(
        "inspector",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=False),
        sa.Column("id_encrypted", sa.Text(), nullable=False),
        sa.Column("id_digest", sa.String(length=64), nullable=False),
        sa.Column("id_masked", sa.String(length=18), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("post", sa.String(length=100), nullable=False),
        sa.Column("cert_no", sa.String(length=32), nullable=False),
        sa.Column("cert_expires_on", sa.Date(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("expertise", sa.String(length=200), nullable=False),
        sa.Column("is_expert", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_inspector_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspector")),
        sa.UniqueConstraint("tenant_id", "cert_no", name="uq_inspector_tenant_cert_no"),
        sa.UniqueConstraint("tenant_id", "id_digest", name="uq_inspector_tenant_id_digest"),
    )
    with op.batch_alter_table("inspector", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspector_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", "retired", name="item_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sub_item", sa.String(length=200), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("checking_body", sa.String(length=200), nullable=False),
        sa.Column("target_type", sa.String(length=200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("methods", sa.JSON(), nullable=False),
        sa.Column("ratio", sa.String(length=100), nullable=False),
        sa.Column("frequency", sa.String(length=100), nullable=False),
        sa.Column("inspector_categories", sa.JSON(), nullable=False),
        sa.Column("inspector_requirements", sa.Text(), nullable=False),
        sa.Column("result_use", sa.Text(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("random_check", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_item_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item")),
        sa.UniqueConstraint("tenant_id", "code", name="uq_item_tenant_code"),
    )
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "rules_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("stored_name", sa.String(length=80), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_rules_document_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rules_document")),
        sa.UniqueConstraint("tenant_id", name="uq_rules_document_tenant_id"),
    )
    with op.batch_alter_table("rules_document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rules_document_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "item_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "published", "retired", name="item_status", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_name", sa.String(length=100), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["app_user.id"], name=op.f("fk_item_version_changed_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_item_version_item_id_item")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_item_version_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_version")),
        sa.UniqueConstraint("item_id", "version", name="uq_item_version_item_id"),
    )
    with op.batch_alter_table("item_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_version_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_version_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "recusal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inspector_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=True),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["declared_by_id"], ["app_user.id"], name=op.f("fk_recusal_declared_by_id_app_user")),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_recusal_entity_id_entity")),
        sa.ForeignKeyConstraint(["inspector_id"], ["inspector.id"], name=op.f("fk_recusal_inspector_id_inspector")),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_recusal_tenant_id_tenant")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recusal")),
        sa.UniqueConstraint("inspector_id", "entity_id", name="uq_recusal_inspector_entity"),
    )
    with op.batch_alter_table("recusal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recusal_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recusal_inspector_id"), ["inspector_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recusal_tenant_id"), ["tenant_id"], unique=False)

    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk_labels", sa.String(length=8), nullable=False, server_default="letters"))

    rls.grant_tables(op, ["entity", *TENANT_OWNED])
    for table in TENANT_OWNED:
        rls.enable(op, table)
    rls.trigram_index(op, "entity", "name")


def downgrade():
    rls.drop_trigram_index(op, "entity", "name")
    for table in TENANT_OWNED:
        rls.disable(op, table)
    with op.batch_alter_table("tenant", schema=None) as batch_op:
        batch_op.drop_column("risk_labels")

    with op.batch_alter_table("recusal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recusal_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_recusal_inspector_id"))
        batch_op.drop_index(batch_op.f("ix_recusal_entity_id"))

    op.drop_table("recusal")
    with op.batch_alter_table("item_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_version_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_item_version_item_id"))

    op.drop_table("item_version")
    with op.batch_alter_table("rules_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rules_document_tenant_id"))

    op.drop_table("rules_document")
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_tenant_id"))

    op.drop_table("item")
    with op.batch_alter_table("inspector", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspector_tenant_id"))

    op.drop_table("inspector")
    with op.batch_alter_table("directory_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_directory_entry_tenant_risk")
        batch_op.drop_index(batch_op.f("ix_directory_entry_tenant_id"))
        batch_op.drop_index("ix_directory_entry_tenant_category")
        batch_op.drop_index(batch_op.f("ix_directory_entry_entity_id"))

    op.drop_table("directory_entry")
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_region_code"))
        batch_op.drop_index(batch_op.f("ix_entity_name"))
        batch_op.drop_index(batch_op.f("ix_entity_industry_code"))

    op.drop_table("entity")
