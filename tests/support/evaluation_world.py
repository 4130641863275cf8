"""A department's inspections of 2026 evaluated by their businesses (评价世界): 应急管理局's campaign handed out on
20 February 2026 with seventeen visits, eleven of which the businesses evaluate with the 企业核验码 of their notices
through the command, the day after the team left — five in the first quarter (scores 5, 4, 4, 3, 5), one in the
second (2), five in the third (all 4), none in the fourth. What each figure then is, for the justice bureau and
for the department, is :data:`KNOWN`."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from spotcheck.core.clock import SHANGHAI, frozen_at, now
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import codes
from spotcheck.tenants.results.models import InspectionCode, Visit
from spotcheck.tenants.supervision import commands as supervision
from tests.support.results_world import handed_out
from tests.support.snapshots import snapshotted

#: Every risk class drawn at 40 % (no class less than a lower one), six visits an inspector: seventeen visits.
STRATA = {kind: {"ratio_bp": 4000, "min": 1} for kind in "ABCD"}
#: When each business evaluates (Beijing, 10:00) and how satisfied it is: the quarters' days of 2026.
GIVEN = [
    (date(2026, 2, 25), 5),
    (date(2026, 3, 2), 4),
    (date(2026, 3, 9), 4),
    (date(2026, 3, 16), 3),
    (date(2026, 3, 23), 5),
    (date(2026, 4, 15), 2),
    (date(2026, 7, 6), 4),
    (date(2026, 7, 20), 4),
    (date(2026, 8, 3), 4),
    (date(2026, 8, 17), 4),
    (date(2026, 9, 7), 4),
]
#: Each period's count and average as the justice bureau reads them (every evaluation).
KNOWN = {
    "2026Q1": (5, 4.2),
    "2026H1": (6, 3.83),
    "2026Q2": (1, 2.0),
    "2026Q3": (5, 4.0),
    "2026": (11, 3.91),
    "2026H2": (5, 4.0),
    "2026Q4": (0, None),
}


def text_of(number: int) -> str:
    """What business ``number`` writes (told apart from anything else a page shows)."""
    return f"第{number + 1}号企业的评价：检查人员用时合理。"


@snapshotted
def evaluated_world() -> dict:
    """The world of the module's docstring; returns the results world's ids, with the evaluated visits
    (``evaluated``, in the order of :data:`GIVEN`) and each one's token and 企业核验码 (``codes``)."""
    with frozen_at(date(2026, 2, 20)):
        ids = handed_out(strata=STRATA, capacity=6)
    with tenant_scope(ids["tenant"]):
        found = (
            db.session.execute(
                sa.select(InspectionCode)
                .join(Visit, Visit.id == InspectionCode.visit_id)
                .where(Visit.campaign_id == ids["campaign"])
                .order_by(Visit.id)
            )
            .scalars()
            .all()
        )
        held = [(code.visit_id, code.token, codes.business_code(code)) for code in found[: len(GIVEN)]]
    for (visit_id, token, business), (day, score) in zip(held, GIVEN, strict=True):
        at = datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)
        with frozen_at(at - timedelta(days=1)), tenant_scope(ids["tenant"]):
            # the team's 入企 and 离企 as its 组长 records them at the door (a shortcut: the visits' 组长 have no
            # account)
            code = db.session.scalar(sa.select(InspectionCode).where(InspectionCode.visit_id == visit_id))
            code.arrived_at = code.arrival_recorded_at = now() - timedelta(hours=2)
            code.left_at = now()
            db.session.commit()
        with frozen_at(at):
            supervision.evaluate_visit(
                token,
                {"business_code": business, "satisfaction": str(score), "text": text_of(len(ids.get("evaluated", [])))},
            )
        ids.setdefault("evaluated", []).append(visit_id)
        ids.setdefault("codes", []).append((token, business))
    return ids
