"""a directory entry keeps its entity's industry, so that a category and an industry that never meet are found at once

A department's search by its own 监管类别 and by the registry's industry (行业, GB/T 4754) — 餐饮服务 and
C36 (汽车制造), 药品经营 and H6210 — mostly finds nothing: the two filters are of two tables, and the planner, taking
them for
independent, expected thousands of entries and walked the whole directory for a page, or looked up every entity of
the industry: 0.4–1.0 s at ten million on 28 Nov (餐饮服务 + C36 707 ms, H6210 + C + 药品经营 1,027), 0.7–1.9 s on a
slower machine — four of the ten slowest of 200 searches (``bench/directory_search.py``).

``directory_entry.entity_industry``: the entity's industry code, kept on each of its entries — set by the bulk
import's own ``INSERT … SELECT`` (which joins the registry anyway), else by a row trigger before the insert, and
moved by a trigger on the registry when an entity's industry changes (as the table's owner, in every department's
directory). With it the directory has an index from the department's category to the industry
(``tenant_id, category, entity_industry``; without the entry's id its keys repeat and are kept once: 68 MB at ten
million, against 1,025 MB with the id) and statistics over the three together (``CREATE STATISTICS``: their most
common combinations and dependencies), so the planner knows a combination that never occurs and finds it empty
through the index (5–9 ms each of those four at ten million, on the same machine). The search asks the industry's
prefix as a range (``>= 'C36' AND < 'C37'``): under row-level security an index is used only through a leakproof
operator, and ``LIKE`` is none. PostgreSQL only; SQLite searches the registry's column as before.

Filling the copy is one ``UPDATE`` of every entry: 816 s for ten million entries on a machine busy with the test
suite besides.

Revision ID: 0054
Revises: 0053
Create Date: 2026-11-28 02:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0054"
down_revision = "0053"
branch_labels = None
depends_on = None

COLUMN = """
ALTER TABLE directory_entry ADD COLUMN entity_industry varchar(5) COLLATE "C";
"""

#: The entries already held get their entity's industry. The tags' update trigger (0043) is left out of this one
#: statement: it changes no tag, and that trigger's tables of every entry's rows before and after would cost
#: minutes at ten million.
FILLED = """
ALTER TABLE directory_entry DISABLE TRIGGER directory_entry_tags_update;
UPDATE directory_entry d SET entity_industry = e.industry_code FROM entity e WHERE e.id = d.entity_id;
ALTER TABLE directory_entry ENABLE TRIGGER directory_entry_tags_update;
"""

#: The entry's copy is read with its entity locked (``FOR SHARE``): an entity whose industry another transaction is
#: changing is waited for, so that a new entry never keeps the industry that change replaced (an insert's foreign
#: key locks only the key, which a change of industry does not take). The registry's trigger moves the copy in every
#: department's directory as the owner; row-level security binds the owner too (FORCE), so the function turns on
#: the cross-department scope for its one statement and sets back what it was — by ``set_config``, as a function's
#: own ``SET app.all_tenants`` would need a superuser to create. It serves the registry's trigger only: nobody else
#: may execute it.
TRIGGERS = """
CREATE FUNCTION spotcheck_directory_entry_industry() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  NEW.entity_industry := (SELECT industry_code FROM entity WHERE id = NEW.entity_id FOR SHARE);
  RETURN NEW;
END $$;
CREATE TRIGGER directory_entry_industry_insert BEFORE INSERT ON directory_entry FOR EACH ROW
  WHEN (NEW.entity_industry IS NULL) EXECUTE FUNCTION spotcheck_directory_entry_industry();
CREATE TRIGGER directory_entry_industry_update BEFORE UPDATE ON directory_entry FOR EACH ROW
  WHEN (NEW.entity_id IS DISTINCT FROM OLD.entity_id OR NEW.entity_industry IS DISTINCT FROM OLD.entity_industry)
  EXECUTE FUNCTION spotcheck_directory_entry_industry();
CREATE FUNCTION spotcheck_entity_industry_moved() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  scope text;
BEGIN
  IF TG_TABLE_NAME <> 'entity' OR TG_TABLE_SCHEMA <> 'public' THEN
    RAISE EXCEPTION 'spotcheck_entity_industry_moved serves the registry (entity) only';
  END IF;
  scope := current_setting('app.all_tenants', true);
  PERFORM set_config('app.all_tenants', 'on', true);
  UPDATE directory_entry SET entity_industry = NEW.industry_code WHERE entity_id = NEW.id;
  PERFORM set_config('app.all_tenants', coalesce(scope, ''), true);
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION spotcheck_entity_industry_moved() FROM PUBLIC;
CREATE TRIGGER entity_industry_moved AFTER UPDATE ON entity FOR EACH ROW
  WHEN (NEW.industry_code IS DISTINCT FROM OLD.industry_code) EXECUTE FUNCTION spotcheck_entity_industry_moved();
"""

SEARCHED = """
CREATE INDEX ix_directory_entry_category_industry ON directory_entry (tenant_id, category, entity_industry);
CREATE STATISTICS st_directory_entry_category_industry (mcv, dependencies)
  ON tenant_id, category, entity_industry FROM directory_entry;
ALTER STATISTICS st_directory_entry_category_industry SET STATISTICS 1000;
ANALYZE directory_entry;
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in (COLUMN, FILLED, TRIGGERS, SEARCHED):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS entity_industry_moved ON entity")
    op.execute("DROP FUNCTION IF EXISTS spotcheck_entity_industry_moved()")
    op.execute("DROP TRIGGER IF EXISTS directory_entry_industry_insert ON directory_entry")
    op.execute("DROP TRIGGER IF EXISTS directory_entry_industry_update ON directory_entry")
    op.execute("DROP FUNCTION IF EXISTS spotcheck_directory_entry_industry()")
    op.execute("DROP STATISTICS IF EXISTS st_directory_entry_category_industry")
    op.execute("ALTER TABLE directory_entry DROP COLUMN IF EXISTS entity_industry")
