"""the shares of the names' characters readable by the application, so that a name is looked up by its rarest

A search for a name asks the index of the names' characters (0046) for the names holding the text's characters; each
character asked for costs reading the index's list of the names holding it, and a whole name asked for its twelve —
杭 and 州 among them, in nine names of ten — took 20 ms on a slow machine at 100,000 published names, against 1 ms
asked for its three rarest (``LIKE`` checks the whole text either way). Which are the rarest, ANALYZE knows: the
most common elements of each index's expression and their shares. ``pg_stats`` shows the application's role nothing
of an index, so ``spotcheck_character_shares(index)`` reads them as the owner (SECURITY DEFINER) — for the two
indexes of names' characters only, never another table's statistics (their most common values could be a column's
data). PostgreSQL only.

Revision ID: 0053
Revises: 0052
Create Date: 2026-11-27 18:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0053"
down_revision = "0052"
branch_labels = None
depends_on = None

#: The indexes whose characters' shares the function tells (0046's).
INDEXES = ("ix_entity_name_characters", "ix_published_entity_name_characters")

FUNCTION = f"""
CREATE OR REPLACE FUNCTION spotcheck_character_shares(wanted text) RETURNS TABLE (element text, share real)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT common.element, common.share
  FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs) AS common(element, share)
  WHERE schemaname = 'public' AND tablename = wanted AND wanted IN ({", ".join(f"'{name}'" for name in INDEXES)})
$$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS spotcheck_character_shares(text)")
