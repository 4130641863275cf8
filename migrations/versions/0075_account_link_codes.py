"""account link codes (账号关联码): a link code an administrator issues for an account made without a password

Where the city's identity platform signs the staff in, the accounts made for many inspectors at once get no
password but a one-time link code each, on the hand-out sheet; the person signs in through the identity platform and
enters it, which links their identity to the account. Such a code is a row of ``identity_link_code`` with the
account's ``user_id`` (indexed) and no identity yet (``issuer`` and ``subject`` become nullable); ``failures``
counts the wrong account codes entered by the person a code of the other kind was shown to (too many spend it).
No row is rewritten: the existing codes keep their identity, none has a user.

Revision ID: 0075
Revises: 0074
Create Date: 2026-12-12 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0075"
down_revision = "0074"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("identity_link_code", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("failures", sa.Integer(), server_default="0", nullable=False))
        batch_op.alter_column("issuer", existing_type=sa.String(length=255), nullable=True)
        batch_op.alter_column("subject", existing_type=sa.String(length=255), nullable=True)
        batch_op.create_index(batch_op.f("ix_identity_link_code_user_id"), ["user_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_identity_link_code_user_id_app_user"), "app_user", ["user_id"], ["id"]
        )


def downgrade():
    op.execute("DELETE FROM identity_link_code WHERE user_id IS NOT NULL")
    with op.batch_alter_table("identity_link_code", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_identity_link_code_user_id_app_user"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_identity_link_code_user_id"))
        batch_op.alter_column("subject", existing_type=sa.String(length=255), nullable=False)
        batch_op.alter_column("issuer", existing_type=sa.String(length=255), nullable=False)
        batch_op.drop_column("failures")
        batch_op.drop_column("user_id")
