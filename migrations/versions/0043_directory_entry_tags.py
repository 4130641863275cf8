"""a directory's search finds a tag through a table of the directory's tags (标签)

On 1,000,000 entries of one department (``bench/directory_search.py``) a rare tag was the slowest kind of first
page (特种设备, 粉尘涉爆, 有限空间作业: 0.2–0.4 s; 1.8 s at ten million): ``tags LIKE '%,粉尘涉爆,%'`` can use no
index, so the search walked the whole directory for the few entries holding it.

``directory_entry_tag``: each tag of each directory entry a row, kept by the directory's own triggers (a
statement's rows at once, through its transition tables; a deleted entry's rows go with it by the foreign key),
found by its primary key (department, tag, entry), under row-level security as the directory. Not a GIN index on
the directory's tags: under row-level security the planner uses an index only through a leakproof operator —
``=`` is one, ``LIKE`` and an array's ``@>`` are not (tried: such an index was never used). PostgreSQL only;
SQLite searches the column as before.

Revision ID: 0043
Revises: 0042
Create Date: 2026-11-26 08:00:00

"""

from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None

#: The table, its triggers, and its rows for the entries already held.
TAGS = """
CREATE TABLE directory_entry_tag (
  tenant_id integer NOT NULL,
  tag text NOT NULL,
  entry_id integer NOT NULL REFERENCES directory_entry (id) ON DELETE CASCADE,
  PRIMARY KEY (tenant_id, tag, entry_id));
CREATE INDEX ix_directory_entry_tag_entry_id ON directory_entry_tag (entry_id);
CREATE FUNCTION spotcheck_directory_entry_tags() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    DELETE FROM directory_entry_tag t USING earlier e JOIN later l ON l.id = e.id
     WHERE t.entry_id = e.id AND e.tags IS DISTINCT FROM l.tags;
    INSERT INTO directory_entry_tag (tenant_id, tag, entry_id)
      SELECT l.tenant_id, tag, l.id FROM later l JOIN earlier e ON e.id = l.id,
             unnest(string_to_array(l.tags, ',')) AS tag
       WHERE tag <> '' AND e.tags IS DISTINCT FROM l.tags
      ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO directory_entry_tag (tenant_id, tag, entry_id)
      SELECT l.tenant_id, tag, l.id FROM later l, unnest(string_to_array(l.tags, ',')) AS tag WHERE tag <> ''
      ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER directory_entry_tags_insert AFTER INSERT ON directory_entry REFERENCING NEW TABLE AS later
  FOR EACH STATEMENT EXECUTE FUNCTION spotcheck_directory_entry_tags();
CREATE TRIGGER directory_entry_tags_update AFTER UPDATE ON directory_entry
  REFERENCING OLD TABLE AS earlier NEW TABLE AS later FOR EACH STATEMENT EXECUTE FUNCTION
  spotcheck_directory_entry_tags();
INSERT INTO directory_entry_tag (tenant_id, tag, entry_id)
  SELECT d.tenant_id, tag, d.id FROM directory_entry d, unnest(string_to_array(d.tags, ',')) AS tag WHERE tag <> ''
  ON CONFLICT DO NOTHING;
ANALYZE directory_entry_tag;
"""


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(TAGS)
    rls.grant_tables(op, ["directory_entry_tag"])
    rls.enable(op, "directory_entry_tag")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS directory_entry_tag")
    op.execute("DROP FUNCTION IF EXISTS spotcheck_directory_entry_tags() CASCADE")
