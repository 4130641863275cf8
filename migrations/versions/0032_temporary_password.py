"""users: a temporary password must be changed at the next sign-in

``app_user.must_change_password``: set when the platform administrator resets a department
administrator's password (a temporary password, shown once); until the user has chosen their own
password on their account page, every other page sends them there. Cleared by the change. False for
every user before this revision.

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-25 11:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade():
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("must_change_password")
