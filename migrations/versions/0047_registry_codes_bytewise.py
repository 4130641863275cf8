"""the registry's codes compared byte by byte: one B-tree each serves equality and prefixes

统一社会信用代码, industry (国民经济行业分类) and region (行政区划) codes are ASCII, where the database's collation
(C.UTF-8) orders exactly as bytes do; but PostgreSQL 15 does not know that, so their B-trees compared through the C
library and could not serve a prefix (``LIKE '9133%'``), which needed a second, ``text_pattern_ops`` B-tree each
(0004, 0044). With the columns in the "C" collation one B-tree does both, and sorts with abbreviated keys: a first
load of the registry, which builds every index again, builds three fewer and the others faster (a million codes:
the unique code 1.4 → 0.9 s, an industry 1.0 → 0.7 s). Orders are unchanged (byte order is the collation's order for
ASCII). PostgreSQL only; SQLite compares bytes already.

Revision ID: 0047
Revises: 0046
Create Date: 2026-11-26 13:00:00

"""
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = '0047'
down_revision = '0046'
branch_labels = None
depends_on = None

#: The codes and their lengths (the model's).
CODES = {"code": 32, "industry_code": 5, "region_code": 6}


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for column in CODES:
        rls.drop_pattern_index(op, "entity", column)
    op.execute("ALTER TABLE entity " + ", ".join(
        f'ALTER COLUMN {column} TYPE varchar({length}) COLLATE "C"' for column, length in CODES.items()))


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE entity " + ", ".join(
        f'ALTER COLUMN {column} TYPE varchar({length}) COLLATE "default"' for column, length in CODES.items()))
    for column in CODES:
        rls.pattern_index(op, "entity", column)
