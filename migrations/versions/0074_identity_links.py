"""sign in through the city's identity platform (统一身份认证): the identities linked to users, and the link codes

``identity_link`` is a person of an OpenID Connect provider (its ``issuer``, the person's ``subject`` there, or the
keyed digest of a configured stable claim) linked to a user by an administrator; (issuer, subject) is unique in the
whole deployment. ``identity_link_code`` the one-time link codes (关联码, their SHA-256) shown to a person the provider
signed in but no user is linked to, with the identity each links and when it expires. ``business_identity`` a person
the legal persons' provider signed in for a business (its credit-code claim), and the business's person it became.

Row-level security: a link is its user's department's row (``tenant_id``, none for the platform's own), isolated as
``user_session`` is; the sign-in finds it under the platform's own access. A link code is nobody's yet (no
``tenant_id``), read only by the accounts' commands; a business's identity is no department's either (a business is
no tenant), as the other business tables. The application role is granted all three.

Revision ID: 0074
Revises: 0073
Create Date: 2026-12-10 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0074"
down_revision = "0073"
branch_labels = None
depends_on = None

TABLES = ["identity_link", "identity_link_code", "business_identity"]


def upgrade():
    op.create_table(
        "identity_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("linked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_identity_link_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_identity_link_user_id_app_user")),
        sa.ForeignKeyConstraint(["linked_by_id"], ["app_user.id"], name=op.f("fk_identity_link_linked_by_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_link")),
        sa.UniqueConstraint("issuer", "subject", name="uq_identity_link_issuer_subject"),
    )
    with op.batch_alter_table("identity_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_link_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_identity_link_user_id"), ["user_id"], unique=False)
    op.create_table(
        "identity_link_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_link_code")),
        sa.UniqueConstraint("code_digest", name=op.f("uq_identity_link_code_code_digest")),
    )
    op.create_table(
        "business_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["business_person.id"], name=op.f("fk_business_identity_person_id_business_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_identity")),
        sa.UniqueConstraint("issuer", "subject", name="uq_business_identity_issuer_subject"),
    )
    with op.batch_alter_table("business_identity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_business_identity_person_id"), ["person_id"], unique=False)
    rls.grant_tables(op, TABLES)
    rls.enable(op, "identity_link")


def downgrade():
    with op.batch_alter_table("business_identity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_identity_person_id"))
    op.drop_table("business_identity")
    rls.disable(op, "identity_link")
    op.drop_table("identity_link_code")
    with op.batch_alter_table("identity_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_link_user_id"))
        batch_op.drop_index(batch_op.f("ix_identity_link_tenant_id"))
    op.drop_table("identity_link")
