"""The public inspector lists (执法检查人员名录) of many departments at once, for the portal's page of a region.

A region's page shows each of its departments' list, its first page: reading each department in its own scope
costs statements in proportion to the departments (a province's 3,000), so this reads them all at once — one
statement counts each department's list, one reads the first page of each. It is the only read of inspectors
outside a department's scope, and it reads only what the public list shows: the inspectors who may be drawn that
day (:func:`~spotcheck.tenants.inspectors.policy.publicly_listed`), and of them only
:data:`~spotcheck.tenants.inspectors.policy.PUBLIC_COLUMNS` — never an ID number or any other personal data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa

from spotcheck.core.database import db, one_of
from spotcheck.core.scoping import system_access
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.inspectors.policy import PUBLIC_COLUMNS, publicly_listed

#: The order of a public list: by name, then certificate number (as a department's own list pages).
ORDER = (Inspector.name, Inspector.cert_no)


def first_pages(tenant_ids: Iterable[int], day: date, per_page: int) -> tuple[dict[int, int], dict[int, list]]:
    """For departments ``tenant_ids``: how many inspectors each lists on ``day``, and the first ``per_page`` of each
    (rows of :data:`PUBLIC_COLUMNS`, in the list's order); a department listing none is in neither."""
    wanted = sorted(set(tenant_ids))
    if not wanted:
        return {}, {}
    listed = sa.and_(publicly_listed(day), one_of(Inspector.tenant_id, wanted))
    rank = sa.func.row_number().over(partition_by=Inspector.tenant_id, order_by=ORDER).label("rank")
    ranked = sa.select(Inspector.tenant_id, *PUBLIC_COLUMNS, rank).where(listed).subquery()
    first = sa.select(ranked).where(ranked.c.rank <= per_page).order_by(ranked.c.tenant_id, ranked.c.rank)
    with system_access("the departments' public inspector lists, for the public"):
        counted = db.session.execute(
            sa.select(Inspector.tenant_id, sa.func.count()).where(listed).group_by(Inspector.tenant_id)
        )
        totals = {tenant_id: total for tenant_id, total in counted}
        rows: dict[int, list] = {}
        for row in db.session.execute(first):
            rows.setdefault(row.tenant_id, []).append(row)
    return totals, rows
