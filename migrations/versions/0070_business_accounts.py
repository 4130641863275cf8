"""a business signs in as itself: its account (企业账户, one per 统一社会信用代码), its people, their sessions and
tokens, the 企业核验码 that claimed it, and the slowing of wrong attempts

``business_account`` is the registry entity's own (``entity_id``, ``credit_code`` unique); ``business_person`` the
people signed in under it (its holder, 持有人, and the others the holder adds), each with a password and a session
stamp; ``business_session`` and ``business_token`` as the staff's ``user_session`` and ``api_token``, of a person;
``business_claim`` the keyed digest of each 企业核验码 that claimed an account (unique: a code claims once);
``business_throttle`` the wrong attempts per credit code and client (a keyed digest), which slow a client down and
never lock an account.

Row-level security: none of these rows is a department's (no ``tenant_id``): a business is no tenant, and its rows
are read by this domain's commands and queries only (the business itself, the platform administrator). The
application role is granted them as every table.

Revision ID: 0070
Revises: 0069
Create Date: 2026-12-07 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0070"
down_revision = "0069"
branch_labels = None
depends_on = None

TABLES = [
    "business_account",
    "business_person",
    "business_session",
    "business_token",
    "business_claim",
    "business_throttle",
]


def upgrade():
    op.create_table(
        "business_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reset_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_business_account_entity_id_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_account")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_business_account_credit_code")),
        sa.UniqueConstraint("entity_id", name=op.f("uq_business_account_entity_id")),
    )
    op.create_table(
        "business_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=32), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("holder", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_stamp", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["business_account.id"], name=op.f("fk_business_person_account_id_business_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_person")),
        sa.UniqueConstraint("account_id", "login", name="uq_business_person_account_login"),
    )
    with op.batch_alter_table("business_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_business_person_account_id"), ["account_id"], unique=False)
    for table in ("business_session", "business_token"):
        secret = "key_hash" if table == "business_session" else "token_hash"
        columns = (
            [
                sa.Column("key_hash", sa.String(length=64), nullable=False),
                sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
                sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
                sa.Column("user_agent", sa.String(length=200), nullable=False),
            ]
            if table == "business_session"
            else [
                sa.Column("name", sa.String(length=100), nullable=False),
                sa.Column("prefix", sa.String(length=16), nullable=False),
                sa.Column("token_hash", sa.String(length=64), nullable=False),
                sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
                sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
                sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
            ]
        )
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("person_id", sa.Integer(), nullable=False),
            *columns,
            sa.ForeignKeyConstraint(
                ["person_id"], ["business_person.id"], name=op.f(f"fk_{table}_person_id_business_person")
            ),
            sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
            sa.UniqueConstraint(secret, name=op.f(f"uq_{table}_{secret}")),
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_person_id"), ["person_id"], unique=False)
    op.create_table(
        "business_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["business_account.id"], name=op.f("fk_business_claim_account_id_business_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_business_claim")),
        sa.UniqueConstraint("code_digest", name=op.f("uq_business_claim_code_digest")),
    )
    with op.batch_alter_table("business_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_business_claim_account_id"), ["account_id"], unique=False)
    op.create_table(
        "business_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_business_throttle")),
    )
    rls.grant_tables(op, TABLES)


def downgrade():
    for table in reversed(TABLES):
        op.drop_table(table)
