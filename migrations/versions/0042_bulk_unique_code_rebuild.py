"""a first load of the registry builds its unique code once too, after its rows

The functions of migration 0041 now also suspend the registry's unique constraints that no foreign key leans on
(``uq_entity_code``): a first load (:mod:`spotcheck.tenants.directory.bulk`) updates the few entities the registry
already holds through the code, then drops it, writes the new entities with a plain ``INSERT`` (the stage's
codes are distinct and none is held: nothing to conflict with) and adds the constraint again, built sorted — at a
million rows 6.0 s for the merge against 10.3 s with ``ON CONFLICT`` keeping the code's index up row by row. The
constraint comes back with its name and definition; a code written twice would fail the import there, all of it.
The owner's checks of 0041 stay: only the registry, only what ``spotcheck_suspend_indexes`` kept, and a kept
statement is only an index of the registry or a unique constraint of it. Since a dropped constraint is more than
a slow search, a transaction that suspends them and commits without restoring them now fails at its commit (a
deferred check on ``registry_first_load``, where each first load is recorded), whoever calls the functions.
PostgreSQL only.

Revision ID: 0042
Revises: 0041
Create Date: 2026-11-26 07:00:00

"""

from alembic import op

from spotcheck.platform.rls import earlier_migration

# revision identifiers, used by Alembic.
revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None

SUSPEND = """
CREATE OR REPLACE FUNCTION spotcheck_suspend_indexes(wanted text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  found record;
  dropped integer := 0;
BEGIN
  IF wanted IS DISTINCT FROM 'entity' THEN
    RAISE EXCEPTION 'the indexes of % are not suspended', wanted;
  END IF;
  CREATE TEMP TABLE spotcheck_suspended_index (tablename text, definition text) ON COMMIT DROP;
  INSERT INTO registry_first_load DEFAULT VALUES;  -- its check at commit: restored, or nothing is kept
  FOR found IN SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
               FROM pg_index i
               WHERE i.indrelid = 'public.entity'::regclass AND NOT i.indisprimary AND NOT i.indisunique
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) LOOP
    INSERT INTO spotcheck_suspended_index VALUES (wanted, found.definition);
    EXECUTE format('DROP INDEX %s', found.name);
    dropped := dropped + 1;
  END LOOP;
  FOR found IN SELECT c.conname AS name, pg_get_constraintdef(c.oid) AS definition
               FROM pg_constraint c
               WHERE c.conrelid = 'public.entity'::regclass AND c.contype = 'u'
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid) LOOP
    INSERT INTO spotcheck_suspended_index
      VALUES (wanted, format('ALTER TABLE public.entity ADD CONSTRAINT %I %s', found.name, found.definition));
    EXECUTE format('ALTER TABLE public.entity DROP CONSTRAINT %I', found.name);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END $$
"""
#: What makes a transaction that suspended the registry's indexes and did not restore them fail at its commit (and
#: so keep nothing, the dropped indexes and code included), whoever calls the functions: a row of
#: ``registry_first_load`` (a record of the first loads) whose deferred check runs before the kept definitions'
#: temporary table is dropped at the commit — still there, they were not restored.
GUARD = """
CREATE TABLE registry_first_load (id bigserial PRIMARY KEY, started_at timestamptz NOT NULL DEFAULT now());
CREATE FUNCTION spotcheck_indexes_restored() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF to_regclass('pg_temp.spotcheck_suspended_index') IS NOT NULL THEN
    RAISE EXCEPTION 'the registry''s indexes were suspended and not restored: nothing of this transaction is kept';
  END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER spotcheck_indexes_restored AFTER INSERT ON registry_first_load
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION spotcheck_indexes_restored();
"""
RESTORE = """
CREATE OR REPLACE FUNCTION spotcheck_restore_indexes(wanted text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET maintenance_work_mem = '256MB' AS $$
DECLARE
  kept regclass := to_regclass('pg_temp.spotcheck_suspended_index');
  definition text;
  built integer := 0;
BEGIN
  IF kept IS NULL THEN
    RETURN 0;
  END IF;
  IF (SELECT relowner FROM pg_class WHERE oid = kept) <> (SELECT oid FROM pg_roles WHERE rolname = current_user) THEN
    RAISE EXCEPTION 'the suspended indexes were not kept by spotcheck_suspend_indexes';
  END IF;
  FOR definition IN SELECT s.definition FROM spotcheck_suspended_index s WHERE s.tablename = wanted LOOP
    IF definition NOT LIKE 'CREATE INDEX % ON public.entity %'
       AND definition !~ '^ALTER TABLE public\\.entity ADD CONSTRAINT [a-z_]+ UNIQUE \\([a-z_, ]+\\)$' THEN
      RAISE EXCEPTION 'not an index of the registry: %', definition;
    END IF;
    EXECUTE definition;
    built := built + 1;
  END LOOP;
  DROP TABLE spotcheck_suspended_index;  -- a later import of the same transaction may suspend them again
  RETURN built;
END $$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(GUARD)
        op.execute(SUSPEND)
        op.execute(RESTORE)


def downgrade():
    """The functions as migration 0041 wrote them (its text, read from its file: one place for each)."""
    if op.get_bind().dialect.name == "postgresql":
        earlier = earlier_migration(__file__, "0041_bulk_index_rebuild.py")
        op.execute(earlier.SUSPEND)
        op.execute(earlier.RESTORE)
        op.execute("DROP TABLE IF EXISTS registry_first_load")
        op.execute("DROP FUNCTION IF EXISTS spotcheck_indexes_restored()")
