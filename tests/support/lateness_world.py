"""Two results of one campaign whose publication falls due around the Labour Day holiday of 2026 (official
calendar: 1–5 May off, Saturday 9 May worked): ``late``, checked until Tuesday 31 March, is due for
publication on Wednesday 29 April (Monday 6 April, 清明, off); ``soon``, checked until Wednesday 8 April,
is due on Saturday 9 May, the make-up working day. Both are recorded by their teams and submitted — the
first visit by ``yjj_inspector``, the other by its own team leader, given an account here."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import commands as tenants
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import Visit
from tests.support.helpers import DEMO_PASSWORD, user_named
from tests.support.results_world import complete_result, handed_out

#: Their publication due dates (20 working days after each check, 企业信息公示暂行条例).
LATE_DUE, SOON_DUE = date(2026, 4, 29), date(2026, 5, 9)
#: Thursday 7 May: 30 April, 6 and 7 May are past the first (the holiday between them is not counted);
#: the second is two working days away (8 and 9 May), within the platform's 2 working days of warning.
TODAY = date(2026, 5, 7)


def team_leader(one: Visit):
    """The account of the visit's team leader (组长), given one if the inspector has none."""
    chief = next(member for member in results_queries.team_of(one) if member.is_leader).inspector
    if chief.user_id is None:
        admin = user_named("yjj_admin")
        person = tenants.create_user(
            {
                "login": f"yjj_chief{one.id}",
                "display_name": f"组长{one.id}",
                "password": DEMO_PASSWORD,
                "roles": ["inspector"],
            },
            actor=admin,
        )
        results.link_inspector(chief.id, {"user_id": person.id, "other_name": True}, actor=admin)
    return db.session.get(type(user_named("yjj_admin")), chief.user_id)


def two_submitted() -> dict:
    """The two results, submitted for review (in an app context). Returns the ids (``late``, ``soon``) and
    the names a page shows (``late_name``, ``soon_name``, ``campaign_code``)."""
    ids = handed_out()
    with tenant_scope(ids["tenant"]):
        late, soon = db.session.scalars(sa.select(Visit).order_by(Visit.id).limit(2)).all()
        for one, checked, day in ((late, "2026-03-31", date(2026, 4, 1)), (soon, "2026-04-08", date(2026, 4, 9))):
            chief = team_leader(one)
            with frozen_at(day):
                results.record_result(one.id, complete_result(ids, checked_on=checked), actor=chief)
                results.submit_result(one.id, actor=chief)
        db.session.commit()
        late, soon = db.session.get(Visit, late.id), db.session.get(Visit, soon.id)
        assert (late.publish_due, soon.publish_due) == (LATE_DUE, SOON_DUE)
        return {
            **ids,
            "late": late.id,
            "soon": soon.id,
            "late_name": late.entity.name,
            "soon_name": soon.entity.name,
            "campaign_code": late.campaign.code,
        }
