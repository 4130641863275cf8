"""A PostgreSQL test database made like the template again (重置) without creating it anew.

``CREATE DATABASE … TEMPLATE`` writes the whole database (some 11 MB, catalogs included) through
the write-ahead log each time: seconds on a busy machine. A test changes a few tables; this puts
back only those (rows deleted, the template's rows copied in, sequences set back), found by each
table's row count and newest row version (``xmin``), in one transaction with triggers and foreign
keys off (``session_replication_role = replica``, as a superuser). When the schema itself changed
(the catalogs' newest row version moved), or it cannot be done, the database is created anew.
"""

from __future__ import annotations

import psycopg


def _connect(url: str, database: str):
    base = url.replace("postgresql+psycopg://", "postgresql://").rpartition("/")[0]
    return psycopg.connect(f"{base}/{database}", connect_timeout=3, autocommit=True)


#: Every signature (row count, newest row version) each table had when it held the template's rows:
#: the snapshots of worlds (tests/support/snapshots.py) take such a table as unchanged.
CLEAN: dict[str, set[tuple]] = {}


def signatures(conn, tables) -> dict[str, tuple]:
    """Each table's (row count, newest row version)."""
    if not tables:
        return {}
    query = " UNION ALL ".join(
        f"SELECT '{t}', count(*), coalesce(max(xmin::text::bigint), 0) FROM \"{t}\"" for t in tables
    )
    return {name: (count, newest) for name, count, newest in conn.execute(query).fetchall()}


def _remember(clean: dict[str, tuple]) -> None:
    for table, signature in clean.items():
        CLEAN.setdefault(table, set()).add(signature)


_CATALOGS = (
    "pg_class",
    "pg_attribute",
    "pg_constraint",
    "pg_trigger",
    "pg_policy",
    "pg_proc",
    "pg_type",
    "pg_index",
    "pg_namespace",
    "pg_attrdef",
    "pg_rewrite",
    "pg_extension",
)


def _catalog_signature(conn) -> tuple:
    parts = " UNION ALL ".join(f"SELECT '{c}', coalesce(max(xmin::text::bigint), 0) FROM {c}" for c in _CATALOGS)
    return tuple(conn.execute(parts).fetchall())


def contents(admin_url: str, template: str) -> dict:
    """What a reset puts back: the template's tables, its sequences' values and its rows (read once,
    by the worker that built the template)."""
    with _connect(admin_url, template) as conn:
        tables = [
            r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        ]
        sequences = {}
        for (sequence,) in conn.execute(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename"
        ).fetchall():
            sequences[sequence] = tuple(conn.execute(f'SELECT last_value, is_called FROM "{sequence}"').fetchone())
        rows: dict[str, bytes] = {}
        for table in tables:
            if conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{table}")').fetchone()[0]:
                with conn.cursor().copy(f'COPY "{table}" TO STDOUT (FORMAT binary)') as copy:
                    rows[table] = b"".join(bytes(chunk) for chunk in copy)
    return {"tables": tables, "sequences": sequences, "rows": rows}


class Resetter:
    """Keeps one database (``name``) like ``template`` from test to test."""

    def __init__(self, admin_url: str, template: str, name: str, template_contents: dict):
        self.admin_url, self.template, self.name = admin_url, template, name
        self.tables = template_contents["tables"]
        self.sequences = dict(template_contents["sequences"])
        self.rows: dict[str, bytes] = template_contents["rows"]
        self.clean: dict[str, tuple] | None = None  # each table's signature when it was last made clean
        self.catalogs: tuple | None = None

    def _create(self) -> None:
        with _connect(self.admin_url, self.admin_url.rpartition("/")[2]) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{self.template}"')
        with _connect(self.admin_url, self.name) as conn:
            self.clean = signatures(conn, self.tables)
            _remember(self.clean)
            self.catalogs = _catalog_signature(conn)

    def fresh(self) -> None:
        """Make the database like the template again (creating it the first time)."""
        if self.clean is None:
            return self._create()
        try:
            with _connect(self.admin_url, self.name) as conn:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                if _catalog_signature(conn) != self.catalogs:
                    raise LookupError("the schema changed")
                now = signatures(conn, self.tables)
                dirty = [t for t in self.tables if now.get(t) != self.clean.get(t)]
                sequences = {
                    s: tuple(conn.execute(f'SELECT last_value, is_called FROM "{s}"').fetchone())
                    for s in self.sequences
                }
                moved = [s for s, value in sequences.items() if value != self.sequences[s]]
                if not dirty and not moved:
                    return None
                with conn.transaction():
                    conn.execute("SET LOCAL session_replication_role = replica")
                    if dirty:
                        conn.execute("DELETE FROM " + "; DELETE FROM ".join(f'"{t}"' for t in dirty))
                    for table in dirty:
                        if table in self.rows:
                            with conn.cursor().copy(f'COPY "{table}" FROM STDIN (FORMAT binary)') as copy:
                                copy.write(self.rows[table])
                    for sequence in moved:
                        value, called = self.sequences[sequence]
                        conn.execute(f"SELECT setval('\"{sequence}\"', %s, %s)", (value, called))
                self.clean.update(signatures(conn, dirty))
                _remember(self.clean)
        except Exception:
            self._create()
        return None
