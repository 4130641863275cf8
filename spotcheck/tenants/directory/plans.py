"""What the planner expects of a search (检索的执行计划): its plan and the rows it expects, asked before the
search is made so that it can be made the cheaper way (:mod:`spotcheck.tenants.directory.queries`). PostgreSQL only."""

from __future__ import annotations

import time

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import scoped
from spotcheck.tenants.directory.models import Entity


def plan_of(statement: sa.Select) -> dict:
    """The planner's plan of ``statement`` with the current scope's criteria, as the session would run it
    (``EXPLAIN``: planned for its values, not run — asked under :func:`~spotcheck.core.database.searching`, or a
    prepared statement's generic plan would answer for any values)."""
    compiled = scoped(statement).compile(db.session.get_bind(), compile_kwargs={"render_postcompile": True})
    return (
        db.session.connection()
        .exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params)
        .scalar_one()[0]["Plan"]
    )


def planned_rows(statement: sa.Select) -> float:
    """How many rows the planner expects ``statement`` to give (:func:`plan_of`)."""
    return float(plan_of(statement)["Plan Rows"])


def planned_entities(*conditions: sa.ColumnElement[bool]) -> float:
    """How many registry entities the planner expects to meet ``conditions``."""
    return planned_rows(sa.select(Entity.id).where(*conditions))


def planned_registry() -> float:
    """How many entities the planner's statistics count in the registry (``pg_class.reltuples``, as of the last
    ANALYZE or VACUUM); 0 before the registry was ever analysed."""
    counted = db.session.execute(sa.text("SELECT reltuples FROM pg_class WHERE oid = 'entity'::regclass")).scalar()
    return max(float(counted or 0), 0.0)


#: How long a process keeps the characters' shares before it reads them again (ANALYZE samples them anew as the
#: names change; a share a little out of date only makes a look-up a little slower, never its answer different).
SHARES_KEPT_SECONDS = 600.0
_kept_shares: dict[str, tuple[float, dict[str, float]]] = {}


def character_shares(index: str) -> dict[str, float]:
    """The share of the names holding each of their commonest characters, as ANALYZE last sampled them for ``index``,
    an index of the names' characters (``pg_stats``' most common elements of its expression, migration 0053): 杭
    and 州 in nine names of ten of a city's registry, 有限公司's characters in half. Read once every
    :data:`SHARES_KEPT_SECONDS` a process; empty before the first ANALYZE. A character not among them is rarer than
    any that is."""
    kept = _kept_shares.get(index)
    if kept is not None and time.monotonic() - kept[0] < SHARES_KEPT_SECONDS:
        return kept[1]
    rows = db.session.execute(
        sa.text("SELECT element, share FROM spotcheck_character_shares(:index)"), {"index": index}
    )  # as the indexes' owner (migration 0053)
    shares = {element: float(share) for element, share in rows}
    _kept_shares[index] = (time.monotonic(), shares)
    return shares
