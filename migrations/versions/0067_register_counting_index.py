"""the register's rows a frame counts, indexed with what its caps ask of each: ``ix_inspection_count_counting``

A frame leaves out the businesses at their yearly cap: it groups the year's register by business and counts the
campaigns of each (``count(DISTINCT counted_as)``), reading the kind of each check (what the business's region leaves
out of its cap) and the department and ``counts`` (the department's own cap); then it lists those it left out with
the campaigns counting for each (their codes). Through ``(year, entity_id)`` that was a visit to the table for every
row of the year — a province's million, 1–3 s each time; this index holds all they read, on the rows a frame reads (a
named check not disclosed yet is not: ``withheld IS false``), so PostgreSQL answers from the index alone (0.4 s).
Elsewhere an index of the same rows on ``(year, entity_id, counted_as)``.

The frame's capped list (``draw.capped``) is stored compactly now (``campaigns.capped_store``: each text once, rows of
indexes — 20 MB of JSON for a province's hundred thousand businesses, where it was 225 MB); on PostgreSQL it is
compressed with LZ4 where the server has it, as the frame file is (0037): a third of the time pglz takes to store it.

Revision ID: 0067
Revises: 0066
Create Date: 2026-12-03 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0067"
down_revision = "0066"
branch_labels = None
depends_on = None

#: As ``campaigns.models.COUNTING`` words it (the frame's statements ask ``withheld IS false``).
COUNTING = "withheld IS false"


def _lz4_available() -> bool:
    """Whether the server compresses with lz4: migration 0037's own test, not a copy of it."""
    return bool(rls.earlier_migration(__file__, "0037_frame_file_lz4.py")._lz4_available())


def upgrade():
    if _lz4_available():
        op.execute("ALTER TABLE draw ALTER COLUMN capped SET COMPRESSION lz4")
    op.create_index(
        "ix_inspection_count_counting",
        "inspection_count",
        ["year", "entity_id", "counted_as"],
        postgresql_include=["kind", "department_id", "counts", "campaign_code"],
        postgresql_where=sa.text(COUNTING),
        sqlite_where=sa.text(COUNTING),
    )


def downgrade():
    op.drop_index("ix_inspection_count_counting", table_name="inspection_count")
    if _lz4_available():
        op.execute("ALTER TABLE draw ALTER COLUMN capped SET COMPRESSION pglz")
