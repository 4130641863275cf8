"""a first load builds the registry's unique code before its other indexes

A first load into a registry holding none of its codes (:mod:`spotcheck.tenants.directory.bulk`) now writes the
staged rows as they come, without first keeping the later of two rows with the same code, and lets the unique code
(``uq_entity_code``), built again after the rows, tell whether a code came twice: then that attempt is rolled back
to its savepoint and the rows written the careful way. ``spotcheck_restore_indexes`` builds the unique constraints
first, so that such a file is refused after one index, not eleven (at a million rows 1 s against 13 s). Otherwise
the function is 0042's: the owner's checks, ``maintenance_work_mem``, the kept definitions dropped at the end.
PostgreSQL only.

Revision ID: 0049
Revises: 0048
Create Date: 2026-11-27 02:00:00

"""

from alembic import op

from spotcheck.platform.rls import earlier_migration

# revision identifiers, used by Alembic.
revision = "0049"
down_revision = "0048"
branch_labels = None
depends_on = None

#: 0042's function with its loop ordered: the unique constraints (kept as ``ALTER TABLE``) before the indexes.
EARLIER_LOOP = "FOR definition IN SELECT s.definition FROM spotcheck_suspended_index s WHERE s.tablename = wanted LOOP"
LOOP = EARLIER_LOOP.replace(" LOOP", " ORDER BY s.definition LIKE 'ALTER TABLE %' DESC LOOP")


def _earlier():
    return earlier_migration(__file__, "0042_bulk_unique_code_rebuild.py")


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        restore = _earlier().RESTORE
        assert restore.count(EARLIER_LOOP) == 1, "0042's loop is not where this migration expects it"
        op.execute(restore.replace(EARLIER_LOOP, LOOP))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_earlier().RESTORE)
