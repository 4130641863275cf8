"""a second factor for administrators (两步验证): TOTP secrets, the last step used, the recovery codes; a session that
waits for the second factor after a right password

``second_factor`` is a user's TOTP factor: its secret encrypted as the other protected values are (Fernet, the data
key), the last time step a code was accepted for, the SHA-256 digests of the recovery codes left, and when one code
confirmed it. ``user_session.pending`` says what a session still waits for after a right password (``code`` or
``enrol``; empty: signed in), ``user_session.second_factor_at`` when the second factor was given in it.

Row-level security as for the users' sessions and tokens (0006): a department's user's factor is the department's row,
the platform administrator's belongs to no department (``app.platform``).

Revision ID: 0073
Revises: 0072
Create Date: 2026-12-10 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0073"
down_revision = "0072"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "second_factor",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_encrypted", sa.Text(), nullable=False),
        sa.Column("last_step", sa.BigInteger(), nullable=False),
        sa.Column("recovery_digests", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenant.id"], name=op.f("fk_second_factor_tenant_id_tenant")),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_second_factor_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_factor")),
        sa.UniqueConstraint("user_id", name=op.f("uq_second_factor_user_id")),
    )
    with op.batch_alter_table("second_factor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_second_factor_tenant_id"), ["tenant_id"], unique=False)
    rls.grant_tables(op, ["second_factor"])
    rls.enable(op, "second_factor")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pending", sa.String(length=8), server_default="", nullable=False))
        batch_op.add_column(sa.Column("second_factor_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_column("second_factor_at")
        batch_op.drop_column("pending")
    rls.disable(op, "second_factor")
    with op.batch_alter_table("second_factor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_second_factor_tenant_id"))
    op.drop_table("second_factor")
