"""Finding a business's visits across departments (企业检查档案的跨部门查找): the one read of its record outside a
department's scope — the (department, visit) pairs of its entity, every department of every level, and nothing else
of any row. Everything else is read in each department's own scope (:mod:`.queries`), as the public code page does
(:func:`spotcheck.tenants.results.code_lookup.locate`)."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.results.models import Visit

#: Why the record reads across departments (the scope's reason, as the audit trail names it).
REASON = "a business's own record: the visits of its entity in every department, then those departments' rows of them"


def visits_by_department(entity_id: int) -> dict[int, list[int]]:
    """The ids of the visits of entity ``entity_id``, by department (检查部门), each department's in id order."""
    with system_access(REASON):
        rows = db.session.execute(
            sa.select(Visit.tenant_id, Visit.id).where(Visit.entity_id == entity_id).order_by(Visit.tenant_id, Visit.id)
        ).all()
    found: dict[int, list[int]] = defaultdict(list)
    for tenant_id, visit_id in rows:
        found[tenant_id].append(visit_id)
    return dict(found)
