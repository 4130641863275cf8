"""the registry's names indexed by their two-character runs, for a search of two characters

A search of a department's directory by two characters of a name (a brand, 钱顺; a place, 临安) walked the
directory reading each entity's name until fifty matched: pg_trgm's trigrams need three characters, and a rare
pair read most of the registry (0.7–1.0 s at ten million entries). ``ix_entity_name_bigrams`` indexes each name's
runs of two characters, as the public register's names are since 0039: a name contains two characters exactly
when they are one of its runs (``queries._name_contains``). The trigram index stays for three characters and more.

``spotcheck_bigrams`` is now computed by regular expressions — every other pair from the first character, then
from the second — rather than one ``substr`` a character: 2.3 against 7.4 µs a name (a million names read both
ways), which a first load of the registry pays for each entity when it builds the index. Its pairs are split on
U+0001, a control character the platform refuses in any text it stores (``spotcheck.core.text``); the runs are
no longer sorted or made distinct, which an index of them and ``@>`` do not need. The public register's index is
built again with it. The name's statistics are sampled ten times as widely (``NAME_STATISTICS``). PostgreSQL only.

Revision ID: 0045
Revises: 0044
Create Date: 2026-11-26 09:00:00

"""

from alembic import op

from spotcheck.platform.rls import earlier_migration

# revision identifiers, used by Alembic.
revision = "0045"
down_revision = "0044"
branch_labels = None
depends_on = None

BIGRAMS = """
CREATE OR REPLACE FUNCTION spotcheck_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
  SELECT array_remove(string_to_array(regexp_replace(t, '(..)|.', E'\\\\1\\x01', 'g'), E'\\x01')
                      || string_to_array(regexp_replace(substr(t, 2), '(..)|.', E'\\\\1\\x01', 'g'), E'\\x01'), '')
$$
"""
#: How many names ANALYZE samples into its histogram (ten times the default): the planner judges how many names
#: contain a text (``LIKE '%网络科技%'``) by the share of the histogram's names that do. From 100 it guessed 992 of ten
#: million for 网络科技 (there are 253,000) and read them all to sort them, 1.4–2.0 s; from 1,000 it guesses 253,405 and
#: walks the directory to the first fifty, 4 ms. ANALYZE of the registry then takes 12 s at ten million.
NAME_STATISTICS = 1000


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(BIGRAMS)
    op.execute("REINDEX INDEX ix_published_entity_name_bigrams")
    op.execute("CREATE INDEX ix_entity_name_bigrams ON entity USING gin (spotcheck_bigrams(name))")
    op.execute(f"ALTER TABLE entity ALTER COLUMN name SET STATISTICS {NAME_STATISTICS}")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE entity ALTER COLUMN name SET STATISTICS -1")
    op.execute("DROP INDEX IF EXISTS ix_entity_name_bigrams")
    op.execute(earlier_migration(__file__, "0039_published_entity_name.py").BIGRAMS)
    op.execute("REINDEX INDEX ix_published_entity_name_bigrams")
