"""results: a team's result imported by a clerk as a draft; the report's 评价 and 处理意见和建议; late reports; a
method's reason

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-24 22:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    # Existing results keep empty texts: the report's new parts are asked of new submissions only.
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("evaluation", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("opinions", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("method_change_reason", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("recorded_for_team_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("recorded_for_team_by_name", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("recorded_for_team_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            "fk_visit_recorded_for_team_by_id_app_user", "app_user", ["recorded_for_team_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_constraint("fk_visit_recorded_for_team_by_id_app_user", type_="foreignkey")
        batch_op.drop_column("recorded_for_team_at")
        batch_op.drop_column("recorded_for_team_by_name")
        batch_op.drop_column("recorded_for_team_by_id")
        batch_op.drop_column("method_change_reason")
        batch_op.drop_column("opinions")
        batch_op.drop_column("evaluation")
