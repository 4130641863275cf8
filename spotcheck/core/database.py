"""The database (数据库): the one SQLAlchemy object every layer works through, bound to the
application by the app factory, and the naming convention of the schema."""

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, cast

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import DeclarativeBase

from spotcheck.core.errors import NotFoundError

T = TypeVar("T")

#: Constraint names fixed so migrations are the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: Objects stay readable after commit: a command commits, then the caller shows what it committed.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})

if TYPE_CHECKING:
    #: The models' base class (``db.Model``), named so that a type checker can see it is ``Base``.
    Model = Base
else:
    Model = db.Model


def dialect() -> str:
    """``postgresql`` or ``sqlite``: the database the current session works on."""
    return db.session.get_bind().dialect.name


def dialect_insert(table: sa.Table) -> Any:
    """An INSERT into ``table`` in the current database's own form, which can say what a conflicting row does
    (``on_conflict_do_nothing``, ``on_conflict_do_update``)."""
    return (postgresql.insert if dialect() == "postgresql" else sqlite.insert)(table)


#: Where a SQLite connection keeps its count of changes when its transaction began.
_CHANGES_AT_BEGIN = "spotcheck_sqlite_changes_at_begin"


#: Where a SQLite connection keeps how long a writer waits for the lock: by default, and now.
_BUSY_DEFAULT, _BUSY_NOW = "spotcheck_sqlite_busy_ms", "spotcheck_sqlite_busy_now"
#: How long the writer of the current context waits on SQLite, when it must not wait the default.
_patience: ContextVar[int | None] = ContextVar("spotcheck_sqlite_patience", default=None)


def sqlite_connected(dbapi_connection: Any, info: dict[str, Any], busy_ms: int) -> None:
    """A new SQLite connection: a writer on it waits ``busy_ms`` for the lock unless told otherwise."""
    dbapi_connection.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    info[_BUSY_DEFAULT] = info[_BUSY_NOW] = busy_ms


def sqlite_begin(connection: sa.Connection, *, writing: bool) -> None:
    """Begin a transaction on SQLite (单写者): a command's as the writer (``BEGIN IMMEDIATE``, which
    waits its turn behind another writer for the busy timeout, or as long as :func:`impatient`
    says), any other as a reader."""
    if writing:
        wanted = _patience.get() or connection.info.get(_BUSY_DEFAULT)
        if wanted and connection.info.get(_BUSY_NOW) != wanted:
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(wanted)}")
            connection.info[_BUSY_NOW] = wanted
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
    connection.info[_CHANGES_AT_BEGIN] = cast(Any, connection.connection.dbapi_connection).total_changes


@contextmanager
def impatient(milliseconds: int) -> Iterator[None]:
    """Writes begun inside wait at most ``milliseconds`` for SQLite's one writer (then fail as locked)."""
    token = _patience.set(milliseconds)
    try:
        yield
    finally:
        _patience.reset(token)


def is_locked(error: Exception) -> bool:
    """Whether ``error`` is SQLite's "database is locked": the writer's turn did not come in time."""
    return isinstance(error, sa.exc.OperationalError) and "database is locked" in str(error)


def end_reading(session: sa.orm.Session) -> None:
    """Before a command on SQLite: end the transaction in which the request has only read, so that
    the command's own begins as the writer. SQLite does not let a reader wait to become a writer
    while another writer commits (it would deadlock): it answers "database is locked" at once,
    which a page would show as a server error. A transaction that has written already keeps its
    place; so does one with changes not yet flushed (the command will write them)."""
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if connection.info.get(_CHANGES_AT_BEGIN) == cast(Any, connection.connection.dbapi_connection).total_changes:
        session.commit()  # nothing was written: this only lets go of the read lock


#: The largest id (and whole number) a row holds: PostgreSQL ``integer``. A larger number from a
#: request names nothing; it must never reach a query the database would refuse.
MAX_ROW_ID = 2**31 - 1


def is_row_id(value: object) -> bool:
    """Whether ``value`` is a whole number that can be a row's id."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ROW_ID


#: How many values one ``IN (…)`` list of a bulk step holds (well under any driver's limit).
IN_LIST = 2000

#: Above how many values :func:`one_of` (and the scope's criterion on the departments a read opened,
#: :mod:`spotcheck.core.scoping`) names them by one bound parameter rather than ``IN (…)``: a province's branch is
#: 3,000 departments, whose 3,000 parameters cost every statement tens of milliseconds to build, convert and send
#: (psycopg caches no conversion of so long a statement) — an array is one parameter, and its values still reach
#: the planner's estimates.
ONE_PARAMETER_OVER = 100


def in_chunks(values: list[T], size: int = IN_LIST) -> Iterator[list[T]]:
    """``values`` in slices of ``size``: the ``IN (…)`` lists of a bulk step over thousands of rows."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def get_row(model: type[T], row_id: object, missing: object, *, for_update: bool = False) -> T:
    """The row of ``model`` with id ``row_id`` in the current scope, or NotFoundError with the message
    ``missing`` (also for an id no row can have). ``for_update``: locked and read afresh — against
    other writers of the row, not against rows being inserted that refer to it (``FOR NO KEY
    UPDATE`` on PostgreSQL: a job writing a visit's documents does not hold up its result)."""

    query = sa.select(model).where(cast(Any, model).id == row_id) if is_row_id(row_id) else None
    if query is not None and for_update:
        query = query.with_for_update(of=model, key_share=True).execution_options(populate_existing=True)
    row = db.session.scalar(query) if query is not None else None
    if row is None:
        raise NotFoundError(missing)
    return row


def among(column: Any, values: sa.Select[Any]) -> Any:
    """SQL: ``column`` is one of the values the statement ``values`` selects. On PostgreSQL they are read now and given
    as one array (``column = ANY(…)``), which parallel workers can test themselves — a subquery over a table under
    row-level security is not parallel-safe (its policies' own subqueries), so the condition, and all that uses it,
    waits for the leader; run the statement with a plan made for its values (``plan_cache_mode`` at
    ``force_custom_plan``), where the array is one hashed look-up a row. Elsewhere the subquery itself. Integers come
    and go as one text (``string_agg``, then ``string_to_array`` folded into the plan's array): a province's 130,000
    businesses at their cap are one value to read and one to send, not a row and an array element each in Python."""
    if dialect() != "postgresql":
        return column.in_(values)
    if isinstance(column.type, sa.Integer):
        read = values.subquery()
        listed = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.string_agg(sa.cast(next(iter(read.c)), sa.Text), ","), ""))
        )
        return column == sa.any_(sa.cast(sa.func.string_to_array(listed, ","), postgresql.ARRAY(column.type)))
    found = sorted(set(db.session.scalars(values)))
    return column == sa.any_(sa.literal(found, postgresql.ARRAY(column.type)))


def one_of(column: Any, values: Iterable[Any]) -> Any:
    """SQL: ``column`` is one of ``values`` — as a plain ``IN (…)`` for a short list, and as **one** bound parameter
    for a long one (a frame leaving out 100,000 businesses at their cap): a PostgreSQL array (``column = ANY(…)``),
    SQLite's ``json_each`` of a JSON list — no driver's limit on bound parameters (65,535; 32,766) is reached."""
    found = sorted(set(values))
    if len(found) <= ONE_PARAMETER_OVER:
        return column.in_(found)
    if dialect() == "postgresql":
        return column == sa.any_(sa.literal(found, postgresql.ARRAY(column.type)))
    listed: sa.Select[Any] = sa.select(sa.literal_column("value")).select_from(
        sa.func.json_each(sa.literal(json.dumps(found)))
    )
    return column.in_(listed)


def table_of(model: type[Any]) -> sa.Table:
    """The table of a mapped class (``Model.__table__``), for Core statements over many rows."""
    return cast(sa.Table, model.__table__)


def changed(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (its result's ``rowcount``)."""
    return cast(sa.CursorResult[Any], result).rowcount


@contextmanager
def local_setting(name: str, value: str) -> Iterator[None]:
    """PostgreSQL: one of the server's settings (``work_mem``, ``lock_timeout``, ``parallel_tuple_cost``…) at
    ``value`` for the statements run inside (:func:`local_settings`)."""
    with local_settings({name: value}):
        yield


@contextmanager
def local_settings(values: dict[str, str]) -> Iterator[None]:
    """PostgreSQL: the server's settings at ``values`` for the statements run inside, in this transaction only, and
    back to what they were afterwards (one statement to read them, one to set them, one to restore them); nothing
    elsewhere. Restored only when they succeed: after a failure the transaction (or the savepoint) is ended by its
    rollback, which undoes the settings too (a statement to restore them would fail again, and hide the first
    error — a lost connection then looks like a programming error)."""
    if dialect() != "postgresql" or not values:
        yield
        return
    names = list(values)
    params = {f"n{i}": name for i, name in enumerate(names)}
    before = db.session.execute(
        sa.text("SELECT " + ", ".join(f"current_setting(:n{i})" for i in range(len(names)))), params
    ).one()
    _set_locally(params, list(values.values()))
    yield
    _set_locally(params, list(before))


def _set_locally(params: dict[str, str], values: list[str]) -> None:
    db.session.execute(
        sa.text("SELECT " + ", ".join(f"set_config(:n{i}, :v{i}, true)" for i in range(len(values)))),
        {**params, **{f"v{i}": value for i, value in enumerate(values)}},
    )


#: What a search's statements run with (PostgreSQL), for them only. Planned for the values searched: the driver
#: prepares a statement it has run five times, and PostgreSQL could then keep one plan for any values — for a
#: directory search by 号店, which every name holds, a plan made for no name in particular read every name through an
#: index (4.7 s against 6 ms at a million). Not for every statement: planning a look-up afresh costs it some 40 µs
#: (a row written by the ORM: 0.76 → 0.94 ms). And the memory a search's bitmaps of matching rows may take: at the
#: server's default of 4 MB, the bitmap of a filter matching 300,000 of ten million entities turns lossy — whole
#: pages instead of rows — and every name on those pages is read again: 6.6 s for 面馆 among the deregistered,
#: against 0.14 s at 32 MB.
SEARCH_SETTINGS = {"plan_cache_mode": "force_custom_plan", "work_mem": "32MB"}


@contextmanager
def searching() -> Iterator[None]:
    """The statements of a search run with :data:`SEARCH_SETTINGS`."""
    with local_settings(SEARCH_SETTINGS):
        yield


def stored_bytes(column: Any, row_id: int) -> bytes | None:
    """The bytes held in ``column`` (a model's ``LargeBinary`` attribute) of its row ``row_id``, read in the
    session's own transaction; on PostgreSQL in the binary protocol, where a ``bytea`` of megabytes comes as
    its bytes rather than as hexadecimal text twice its size decoded on the client (a frame file of a million
    rows: 0.04 s against 0.17 s). ``None`` when there is no such row. On PostgreSQL it is read past the ORM's
    tenant criteria (row-level security still applies): give only the id of a row the caller has read through
    its domain's scoped query."""
    statement = sa.select(column).where(column.class_.id == row_id)
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        return db.session.scalar(statement)  # through the ORM: its tenant criteria apply
    compiled = statement.compile(dialect=connection.dialect)
    cursor = connection.connection.cursor(binary=True)
    try:
        row = cursor.execute(str(compiled), compiled.params).fetchone()
    finally:
        cursor.close()
    return row[0] if row else None


def ping() -> None:
    """One round trip to the database (readiness); raises when it is unreachable."""
    db.session.execute(sa.text("SELECT 1"))


#: SQLSTATEs of a server that cannot serve now (连接异常): class 08 (connection exception), shutting
#: down or starting up (57P01–57P03), too many connections (53300).
_UNAVAILABLE_STATES = ("08", "57P01", "57P02", "57P03", "53300")
#: What SQLite says when its file cannot be reached (not "no such table": that is a programming error).
_SQLITE_UNREACHABLE = ("unable to open database file", "disk I/O error")


#: The errors :func:`is_unreachable` tells apart (the web layer answers the unreachable ones 503).
DATABASE_ERRORS = (sa.exc.DBAPIError, sa.exc.TimeoutError)


def is_unreachable(error: BaseException) -> bool:
    """Whether ``error`` says the database cannot be reached now (数据库暂时无法访问): a refused or
    lost connection, a server shutting down or starting up, no connection free in the pool — a
    503 to try again, unlike a programming error (a 500)."""
    if isinstance(error, sa.exc.TimeoutError):  # the pool had no connection to give in time
        return True
    if not isinstance(error, sa.exc.DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if not isinstance(error, sa.exc.OperationalError):
        return False
    state = getattr(error.orig, "sqlstate", None)
    if type(error.orig).__module__.startswith("psycopg"):
        # a connection that could not be made has no SQLSTATE; a lock or statement timeout has its own
        return state is None or state.startswith(_UNAVAILABLE_STATES)
    return any(said in str(error.orig) for said in _SQLITE_UNREACHABLE)
