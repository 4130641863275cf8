"""a business's operating places (一照多址: one licence, several addresses)

``operating_place`` holds the operating places of a registry business besides its registered one, each with its own
region code: a department reaches the business when any of its places lies in the department's branch (管辖, the
national floor's ``jurisdiction_by_place``). Shared by all departments, as ``entity`` is: no row-level security.

Revision ID: 0084
Revises: 0082
Create Date: 2026-12-23 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0084"
down_revision = "0082"
branch_labels = None
depends_on = None


def _code(length: int) -> sa.types.TypeEngine:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


def upgrade():
    op.create_table(
        "operating_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("region_code", _code(12), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entity_id"], ["entity.id"], name=op.f("fk_operating_place_entity_id_entity")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operating_place")),
        sa.UniqueConstraint("entity_id", "region_code", "address", name="uq_operating_place"),
    )
    with op.batch_alter_table("operating_place", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_operating_place_entity_id"), ["entity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_operating_place_region_code"), ["region_code"], unique=False)
    rls.grant_tables(op, ["operating_place"])


def downgrade():
    with op.batch_alter_table("operating_place", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_operating_place_region_code"))
        batch_op.drop_index(batch_op.f("ix_operating_place_entity_id"))
    op.drop_table("operating_place")
