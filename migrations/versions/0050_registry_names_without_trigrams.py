"""the registry's names searched through their characters alone: the pg_trgm index of the names dropped

A search of a name fragment went two ways: one or two characters through the index of the names' characters
(0046), three or more through pg_trgm's trigrams (0002). At a first load of the registry the trigram index was the
slowest of the eleven indexes built again after the merge — 14.6–17.8 s of a 64 s import of a million names, on one
core whatever the memory — and every entity written since kept it up too. The characters serve every length:
``name_holds`` finds the names holding each character of the fragment, and ``LIKE`` checks them; at a million names
a rare fragment of four characters took 2–14 ms that way against 1–9 ms through the trigrams, and a common one is
walked in either case (``directory.queries._common_in_names``). The extension stays: a database may use it
elsewhere. PostgreSQL only.

Revision ID: 0050
Revises: 0049
Create Date: 2026-11-27 05:00:00

"""

from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0050"
down_revision = "0049"
branch_labels = None
depends_on = None


def upgrade():
    rls.drop_trigram_index(op, "entity", "name")


def downgrade():
    rls.trigram_index(op, "entity", "name")
