"""档案变更戳: what a business's kept record (企业检查档案) was built from, stamped whenever it changes, by triggers

``record_stamp`` (kind, key, serial): a stamp per thing a business's record is read from — a visit (``visit``: the
visit, its code, its follow-ups and the business's answers with their files, its recusal requests, its published
results, the complaints and evaluations about it), a campaign (``campaign``: the campaign or a joint campaign, its
items), a business (``entity``: its teams, its register of checks) and the rules and names every record reads
(``global``, key 0: departments, regions, rulebooks and 细则, the official calendar, items, inspectors' names). A
change sets its ``serial`` to the moment of the change (in microseconds; one more than before where the clock has
not moved on) in the writer's transaction, whoever writes — a command, a bulk statement, an import,
the demo's SQL: on PostgreSQL one statement-level trigger a table and change (its rows' keys counted once), on SQLite
one a row. A record is kept under the stamps of what it was read from
(:mod:`spotcheck.tenants.business_record.kept`), so any change of any of them makes it read anew.

A visit's insert stamps nothing (a new visit changes the set of visits the record is read from, which the kept
record's key holds); a campaign's or a department's only by its change or removal. The table holds no department's
row and nothing personal: it is not under row-level security. A later migration that has SQLite rebuild one of the
tables below (a batch alteration) drops its triggers there and must create them again (:func:`create_triggers`);
``tests/commands/test_record_stamps.py`` checks every one is in place on both databases.

Revision ID: 0072
Revises: 0071
Create Date: 2026-11-29 10:00:00

"""

import sqlalchemy as sa
from alembic import op

from spotcheck.platform import rls

# revision identifiers, used by Alembic.
revision = "0072"
down_revision = "0071"
branch_labels = None
depends_on = None

ALL = ("INSERT", "UPDATE", "DELETE")
CHANGED = ("UPDATE", "DELETE")
#: table → (kind, the key of a changed row ``{row}`` as SQL, the changes that stamp it)
STAMPED = {
    "visit": ("visit", "{row}.id", CHANGED),
    "inspection_code": ("visit", "{row}.visit_id", ALL),
    "follow_up": ("visit", "{row}.visit_id", ALL),
    "rectification_answer": ("visit", "(SELECT f.visit_id FROM follow_up f WHERE f.id = {row}.follow_up_id)", ALL),
    "rectification_file": (
        "visit",
        "(SELECT f.visit_id FROM rectification_answer a JOIN follow_up f ON f.id = a.follow_up_id "
        "WHERE a.id = {row}.answer_id)",
        ALL,
    ),
    "recusal_request": ("visit", "{row}.visit_id", ALL),
    "published_result": ("visit", "{row}.visit_id", ALL),
    "complaint": ("visit", "{row}.visit_id", ALL),
    "complaint_forward": ("visit", "(SELECT c.visit_id FROM complaint c WHERE c.id = {row}.complaint_id)", ALL),
    "evaluation": ("visit", "{row}.visit_id", ALL),
    "campaign": ("campaign", "{row}.id", CHANGED),
    "campaign_item": ("campaign", "{row}.campaign_id", ALL),
    "team_member": ("entity", "{row}.entity_id", ALL),
    "inspection_count": ("entity", "{row}.entity_id", ALL),
    "tenant": ("global", "0", ALL),
    "region": ("global", "0", ALL),
    "rules_document": ("global", "0", ALL),
    "rule_version": ("global", "0", ALL),
    "calendar_year": ("global", "0", ALL),
    "official_day": ("global", "0", ALL),
    "item": ("department", "{row}.tenant_id", CHANGED),
    "inspector": ("department", "{row}.tenant_id", CHANGED),
}

#: The moment of a change in microseconds (SQLite's clock counts milliseconds).
SQLITE_NOW = "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)"
PG_STAMP = """
CREATE OR REPLACE FUNCTION spotcheck_record_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format(
    'INSERT INTO record_stamp AS s (kind, key, serial) '
    'SELECT %L, k, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint '
    'FROM (SELECT DISTINCT %s AS k FROM changed) AS keys WHERE k IS NOT NULL '
    'ON CONFLICT (kind, key) DO UPDATE SET serial = greatest(s.serial + 1, EXCLUDED.serial)',
    TG_ARGV[0], replace(TG_ARGV[1], '{row}', 'changed'));
  RETURN NULL;
END $$
"""


def _name(table: str, change: str) -> str:
    return f"{table}_record_stamp_{change.lower()}"


def create_triggers(dialect: str, tables: dict = STAMPED) -> None:
    """The triggers stamping ``tables`` (all of :data:`STAMPED` by default) on ``dialect``."""
    for table, (kind, key, changes) in tables.items():
        for change in changes:
            if dialect == "postgresql":
                rows = "OLD" if change == "DELETE" else "NEW"
                op.execute(
                    f"CREATE TRIGGER {_name(table, change)} AFTER {change} ON {table} "
                    f"REFERENCING {rows} TABLE AS changed FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION spotcheck_record_stamp('{kind}', '{key.replace(chr(39), chr(39) * 2)}')"
                )
                continue
            row = "OLD" if change == "DELETE" else "NEW"
            op.execute(
                f"CREATE TRIGGER {_name(table, change)} AFTER {change} ON {table} BEGIN "
                f"INSERT INTO record_stamp (kind, key, serial) SELECT '{kind}', k, {SQLITE_NOW} FROM "
                f"(SELECT {key.format(row=row)} AS k) WHERE k IS NOT NULL "
                f"ON CONFLICT (kind, key) DO UPDATE SET serial = max(serial + 1, excluded.serial); END"
            )


def drop_triggers(dialect: str, tables: dict = STAMPED) -> None:
    for table, (_kind, _key, changes) in tables.items():
        for change in changes:
            op.execute(
                f"DROP TRIGGER IF EXISTS {_name(table, change)}" + (f" ON {table}" if dialect == "postgresql" else "")
            )


def upgrade():
    op.create_table(
        "record_stamp",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("serial", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_record_stamp")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_STAMP)
    create_triggers(dialect)
    rls.grant_tables(op, ["record_stamp"])


def downgrade():
    dialect = op.get_bind().dialect.name
    drop_triggers(dialect)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS spotcheck_record_stamp()")
    op.drop_table("record_stamp")
