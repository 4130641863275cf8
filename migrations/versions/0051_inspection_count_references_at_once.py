"""the register of inspections checks its businesses and departments once a statement, not once a row

A target draw counts each selected business in ``inspection_count`` (每户企业年度检查次数) in one statement: 15,122
rows at a million entities, 151,000 at ten million. Its two foreign keys checked them one row at a time — a query
and a row lock for each, on the business and on the department (the same department every time): 0.30–0.44 s of
the statement's 0.53–0.62 s at a million on a slow machine, a tenth of the whole ceremony, and none of it the
draw's floor (the drawn rows written once).

On PostgreSQL the same rule is kept by statement triggers: after an insert or update, the businesses and the
departments of the statement's rows (its transition table), each taken once in the order of their ids, are locked
as a foreign key locks them (``FOR KEY SHARE``, so that no other transaction can delete one until this one ends)
and must all be found: the statement took 0.19–0.35 s against 0.48–0.63 s with the keys, in eight ceremonies at
a million run in turn one way and the other (the whole draw step 1.72–2.39 s against 2.32–2.70 s). A business or a
department still counted cannot be deleted (a statement trigger on the deletion) nor given another id (a row
trigger). The error is a foreign key's (``foreign_key_violation``, naming the constraint the key had). Like a
foreign key these checks run as the owner of the tables (``SECURITY DEFINER``); unlike one they rely on the
application's isolation, READ COMMITTED, in which a deletion waiting for a count's transaction sees that count once
it is committed. SQLite keeps no foreign key in force (the application does not turn them on), so the keys are
dropped there too.

Revision ID: 0051
Revises: 0050
Create Date: 2026-11-27 14:00:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0051"
down_revision = "0050"
branch_labels = None
depends_on = None

#: The register's references: column, the table it refers to, the foreign key it had, what a row counts there.
REFERENCES = (
    ("entity_id", "entity", "fk_inspection_count_entity_id_entity", "business"),
    ("department_id", "tenant", "fk_inspection_count_department_id_tenant", "department"),
)

#: A statement's rows referring to ``table`` through ``column``: each referred-to row once, in id order, locked as a
#: foreign key locks it, and all of them found.
REFERENCE_CHECK = """
  wanted := ARRAY(SELECT DISTINCT {column} FROM counted ORDER BY 1);
  IF (SELECT count(*) FROM (SELECT FROM {table} WHERE id = ANY (wanted) FOR KEY SHARE) AS held)
     < cardinality(wanted) THEN
    RAISE foreign_key_violation USING CONSTRAINT = '{key}', TABLE = 'inspection_count',
      MESSAGE = 'insert or update on table "inspection_count" violates foreign key constraint "{key}": '
                'a counted {what} is not in table "{table}"';
  END IF;"""

CHECKS = """
CREATE FUNCTION spotcheck_inspection_count_references() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  wanted integer[];
BEGIN{checks}
  RETURN NULL;
END $$;
CREATE TRIGGER inspection_count_references_inserted AFTER INSERT ON inspection_count
  REFERENCING NEW TABLE AS counted FOR EACH STATEMENT EXECUTE FUNCTION spotcheck_inspection_count_references();
CREATE TRIGGER inspection_count_references_updated AFTER UPDATE ON inspection_count
  REFERENCING NEW TABLE AS counted FOR EACH STATEMENT EXECUTE FUNCTION spotcheck_inspection_count_references();
""".format(
    checks="".join(
        REFERENCE_CHECK.format(column=column, table=table, key=key, what=what)
        for column, table, key, what in REFERENCES
    )
)

#: The referred-to side: ``TG_ARGV[0]`` is the register's column, ``TG_ARGV[1]`` the foreign key it stands for.
REFERRED_CHECK = """
CREATE FUNCTION spotcheck_inspection_count_referred() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  referred boolean;
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM inspection_count WHERE %I = $1)', TG_ARGV[0])
      INTO referred USING OLD.id;
  ELSE
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM inspection_count c JOIN gone g ON c.%I = g.id)', TG_ARGV[0])
      INTO referred;
  END IF;
  IF referred THEN
    RAISE foreign_key_violation USING CONSTRAINT = TG_ARGV[1], TABLE = TG_TABLE_NAME,
      MESSAGE = format('update or delete on table "%s" violates foreign key constraint "%s" on table '
                       '"inspection_count": the register of inspections still counts it',
                       TG_TABLE_NAME, TG_ARGV[1]);
  END IF;
  RETURN NULL;
END $$;
"""

#: Per referred-to table: a deletion checked once a statement, a change of id once a row (ids are never changed).
REFERRED = """
CREATE TRIGGER inspection_count_referred_deleted AFTER DELETE ON {table} REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION spotcheck_inspection_count_referred('{column}', '{key}');
CREATE TRIGGER inspection_count_referred_renumbered AFTER UPDATE OF id ON {table}
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION spotcheck_inspection_count_referred('{column}', '{key}');
"""


def upgrade():
    with op.batch_alter_table("inspection_count", schema=None) as batch_op:
        for _column, _table, key, _what in REFERENCES:
            batch_op.drop_constraint(key, type_="foreignkey")
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CHECKS)
    op.execute(REFERRED_CHECK)
    for column, table, key, _what in REFERENCES:
        op.execute(REFERRED.format(table=table, column=column, key=key))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for _column, table, _key, _what in REFERENCES:
            op.execute(f"DROP TRIGGER IF EXISTS inspection_count_referred_deleted ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS inspection_count_referred_renumbered ON {table}")
        op.execute("DROP TRIGGER IF EXISTS inspection_count_references_inserted ON inspection_count")
        op.execute("DROP TRIGGER IF EXISTS inspection_count_references_updated ON inspection_count")
        op.execute("DROP FUNCTION IF EXISTS spotcheck_inspection_count_referred()")
        op.execute("DROP FUNCTION IF EXISTS spotcheck_inspection_count_references()")
    with op.batch_alter_table("inspection_count", schema=None) as batch_op:
        for column, table, key, _what in REFERENCES:
            batch_op.create_foreign_key(key, table, [column], ["id"])
