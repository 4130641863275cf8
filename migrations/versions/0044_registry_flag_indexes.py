"""the registry's flags, status, industry and region indexed as the directory's searches ask for them

A search of a department's directory by a flag of the registry (经营异常, 严重违法失信, penalised, complained of)
or by a status (revoked, deregistered) walked the directory in id order reading each entity until fifty matched:
for two rare flags at once (abnormal, penalised and complained of: 1.2 s at ten million entries) that is most
of the registry. The industry and the region, searched by their start (``LIKE 'C36%'``), had B-trees the
database's collation kept from serving a prefix: they walked the registry too (an industry of 1,796 entities in a
million: 0.1 s a page). They now have ``text_pattern_ops`` B-trees, as the code has (0004). Each flag now has a partial
index of the entities holding it (a few per cent of the registry:
0.1–2 MB a million entities), the status a B-tree, with the statistics the planner reads to choose between
walking the directory and starting from them. A first load builds them after its rows, as the registry's other
indexes (migration 0041).

Revision ID: 0044
Revises: 0043
Create Date: 2026-11-26 08:30:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None

#: The columns searched by their start (an industry's GB/T 4754 prefix, a region's GB/T 2260 prefix): their plain
#: B-trees follow the database's collation, which ``LIKE 'C36%'`` cannot use unless it is "C" (C.UTF-8 is not).
PREFIXED = ("industry_code", "region_code")
#: Each flag's partial index and its condition, as ``queries.FLAG_CONDITIONS`` asks it (word for word).
FLAGS = {
    "ix_entity_abnormal": "abnormal IS true",
    "ix_entity_blacklisted": "blacklisted IS true",
    "ix_entity_penalized": "penalized_on IS NOT NULL",
    "ix_entity_complained": "complaints > 0",
}


def upgrade():
    for column in PREFIXED:
        rls.pattern_index(op, "entity", column)
    for name, condition in FLAGS.items():
        op.create_index(name, "entity", ["id"], postgresql_where=sa.text(condition), sqlite_where=sa.text(condition))
    op.create_index(op.f("ix_entity_status"), "entity", ["status"])


def downgrade():
    for column in PREFIXED:
        rls.drop_pattern_index(op, "entity", column)
    op.drop_index(op.f("ix_entity_status"), table_name="entity")
    for name in FLAGS:
        op.drop_index(name, table_name="entity")
