"""the registry's flags and status indexed, for the directory's searches by them

A search of a department's directory by a flag of the registry (经营异常, 严重违法失信, penalised, complained of)
or by a status (revoked, deregistered) walked the directory in id order reading each entity until fifty matched:
for two rare flags at once (abnormal, penalised and complained of: 1.2 s at ten million entries) that is most
of the registry. Each flag now has a partial index of the entities holding it (a few per cent of the registry:
0.1–2 MB a million entities), the status a B-tree, with the statistics the planner reads to choose between
walking the directory and starting from them. A first load builds them after its rows, as the registry's other
indexes (migration 0041).

Revision ID: 0044
Revises: 0043
Create Date: 2026-11-26 08:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0044'
down_revision = '0043'
branch_labels = None
depends_on = None

#: Each flag's partial index and its condition, as ``queries.FLAG_CONDITIONS`` asks it (word for word).
FLAGS = {"ix_entity_abnormal": "abnormal IS true", "ix_entity_blacklisted": "blacklisted IS true",
         "ix_entity_penalized": "penalized_on IS NOT NULL", "ix_entity_complained": "complaints > 0"}


def upgrade():
    for name, condition in FLAGS.items():
        op.create_index(name, "entity", ["id"], postgresql_where=sa.text(condition), sqlite_where=sa.text(condition))
    op.create_index(op.f("ix_entity_status"), "entity", ["status"])


def downgrade():
    op.drop_index(op.f("ix_entity_status"), table_name="entity")
    for name in FLAGS:
        op.drop_index(name, table_name="entity")
