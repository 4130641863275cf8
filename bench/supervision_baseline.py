"""The baseline of :mod:`bench.supervision_dashboard`, the common way: the same figures of the year by
fetching the rows and counting them in Python."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta, timezone
from typing import Any

import psycopg
from psycopg.rows import TupleRow

from bench.common import TODAY, Timer
from bench.supervision_data import YEAR
from spotcheck.core.database import db
from spotcheck.core.scoping import cross_tenant
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.common.vocabulary.reference import RESULT_PROBLEM_CATEGORIES
from spotcheck.tenants.rules.rulebook import rules_for_region

#: The figures both ways must agree on (the plans' filing status too); the first six are printed.
COMPARED = (
    "checked",
    "problems",
    "published_on_time",
    "published_late",
    "reports_overdue",
    "campaigns",
    "publish_due",
    "draws",
    "follow_ups_open",
    "items",
    "market_items",
    "market_random",
    "other_items",
    "other_random",
    "entries",
    "inspectors",
    "rules",
    "plan_year",
    "plan_half",
)
START, END = date(YEAR, 1, 1), date(YEAR, 12, 31)
AS_OF = min(END, TODAY)
BEIJING = timezone(timedelta(hours=8))


def count_once(supervisor: User) -> tuple[dict[int, dict[str, Any]], float]:
    """The same figures of the year by fetching the rows and counting them in Python: the same
    connection, role and row-level security as the platform (inside ``cross_tenant``), plain SQL on
    the driver's cursor (no ORM objects: the cheapest form of the common way)."""
    rules = rules_for_region(None, date(YEAR, 1, 1))
    deadlines = {half: rules.plan_deadline(YEAR, half) for half in (None, 1, 2)}
    db.session.remove()
    with cross_tenant(supervisor, "bench"), Timer() as timer:
        driver = db.session.connection().connection.driver_connection
        assert driver is not None  # the session's connection is open: psycopg's own under the pool's
        found = _count_in_python(driver, deadlines)
    db.session.remove()
    return found, timer.seconds


def _count_in_python(
    conn: psycopg.Connection[TupleRow], deadlines: Mapping[int | None, date | None]
) -> dict[int, dict[str, Any]]:
    """``deadlines``: the plans' filing deadlines of the rules in force (half None: the year's plan)."""
    found: dict[int, dict[str, Any]] = {}

    def of(tenant: int) -> dict[str, Any]:
        if tenant not in found:
            found[tenant] = {key: 0 for key in COMPARED}
            found[tenant].update(rules=False, plan_year=None, plan_half=[])
        return found[tenant]

    cursor = conn.cursor()
    for (tenant,) in cursor.execute("SELECT id FROM tenant WHERE active"):
        of(tenant)
    _count_visits(cursor, of)
    _count_the_rest(cursor, of)
    _plan_filings(cursor, found, deadlines)
    return found


def _count_visits(cursor: psycopg.Cursor[TupleRow], of: Callable[[int], dict[str, Any]]) -> None:
    """Checked, problems, publication on time or late, reports overdue."""
    own = set(cursor.execute("SELECT tenant_id, code FROM result_category_choice WHERE problem").fetchall())
    window_end: dict[int, date] = dict(cursor.execute("SELECT id, window_end FROM campaign").fetchall())
    problem = {
        visit
        for visit, tenant, code in cursor.execute(
            "SELECT r.visit_id, c.tenant_id, c.code FROM result_category c JOIN item_result r ON r.id = "
            "c.item_result_id "
            "WHERE c.code = ANY(%s)",
            (sorted(RESULT_PROBLEM_CATEGORIES | {code for _, code in own}),),
        )
        if code in RESULT_PROBLEM_CATEGORIES or (tenant, code) in own
    }
    for tenant, visit, campaign, status, checked, report_due, publish_due, published_at in cursor.execute(
        "SELECT tenant_id, id, campaign_id, status, checked_on, report_due, publish_due, published_at FROM visit"
    ):
        figures = of(tenant)
        if status in ("submitted", "approved", "published") and checked and START <= checked <= END:
            figures["checked"] += 1
            figures["problems"] += visit in problem
        if publish_due and START <= publish_due <= END and publish_due < TODAY:
            figures["publish_due"] += 1
            on_time = published_at is not None and published_at.astimezone(BEIJING).date() <= publish_due
            figures["published_on_time" if on_time else "published_late"] += 1
        due = report_due or window_end[campaign]
        if status in ("assigned", "drafting", "returned") and START <= due <= END and due < TODAY:
            figures["reports_overdue"] += 1


def _count_the_rest(cursor: psycopg.Cursor[TupleRow], of: Callable[[int], dict[str, Any]]) -> None:
    """Campaigns, draws, open follow-ups, items, directory entries, inspectors, rules."""
    for tenant, status, joint, window_start in cursor.execute(
        "SELECT tenant_id, status, joint, window_start FROM campaign"
    ):
        if not joint and status != "draft" and START <= window_start <= END:
            of(tenant)["campaigns"] += 1
    for tenant, drawn_at in cursor.execute("SELECT tenant_id, drawn_at FROM draw"):
        if drawn_at is not None and START <= drawn_at.astimezone(BEIJING).date() <= END:
            of(tenant)["draws"] += 1
    for tenant, opened, closed in cursor.execute("SELECT tenant_id, opened_on, closed_on FROM follow_up"):
        if opened <= AS_OF and (closed is None or closed > AS_OF):
            of(tenant)["follow_ups_open"] += 1
    for tenant, status, field, random_check in cursor.execute(
        "SELECT tenant_id, status, field, random_check FROM item"
    ):
        if status == "published":
            figures = of(tenant)
            kind = "market" if field == "market" else "other"
            figures["items"] += bool(random_check)
            figures[f"{kind}_items"] += 1
            figures[f"{kind}_random"] += bool(random_check)
    for (tenant,) in cursor.execute("SELECT tenant_id FROM directory_entry"):
        of(tenant)["entries"] += 1
    for tenant, active in cursor.execute("SELECT tenant_id, active FROM inspector"):
        of(tenant)["inspectors"] += bool(active)
    for tenant, published in cursor.execute("SELECT tenant_id, published FROM rules_document"):
        of(tenant)["rules"] |= bool(published)


def _plan_filings(
    cursor: psycopg.Cursor[TupleRow], found: dict[int, dict[str, Any]], deadlines: Mapping[int | None, date | None]
) -> None:
    """Each department's year plan and half-year plans: on time, late, missing, pending or not required."""
    plans = {
        (tenant, half): submitted
        for tenant, half, submitted in cursor.execute(
            "SELECT tenant_id, half, submitted_at FROM plan WHERE year = %s", (YEAR,)
        )
    }

    def filing(tenant: int, half: int | None) -> str:
        deadline = deadlines[half]
        if deadline is None:
            return "not_required"
        submitted = plans.get((tenant, half))
        if submitted is not None:
            return "on_time" if submitted.astimezone(BEIJING).date() <= deadline else "late"
        return "missing" if deadline < TODAY else "pending"

    for tenant, figures in found.items():
        figures["plan_year"] = filing(tenant, None)
        figures["plan_half"] = [filing(tenant, half) for half in (1, 2)] if figures["other_items"] else []
