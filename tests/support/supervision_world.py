"""The results world seen by the supervision (监督世界): 应急管理局's campaign handed out on 20
February 2026 (its plan submitted late), one visit's result published and another's approved on
12 March."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import commands as tenants
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import Visit
from tests.support.campaign_world import planner_of
from tests.support.helpers import DEMO_PASSWORD, user_named
from tests.support.results_world import complete_result, handed_out, visit
from tests.support.snapshots import snapshotted

#: The day the supervisor reads the figures.
TODAY = datetime(2026, 11, 20, 10, 0)


@snapshotted
def supervision_world() -> dict:
    """The results world built on 20 February 2026 (its plan submitted late, after 15 January; the
    draws made that day); on 12 March one visit's result (a problem found) is approved and
    published the same day, another's (no problem) approved and never published."""
    with frozen_at(date(2026, 2, 20)):
        ids = handed_out()
    chief, leader = user_named("yjj_inspector"), user_named("yjj_leader")
    with tenant_scope(ids["tenant"]), frozen_at(date(2026, 3, 12)):
        first = visit(ids)
        results.record_result(first.id, complete_result(ids, checked_on="2026-03-10"), actor=chief)
        results.submit_result(visit(ids).id, actor=chief)
        results.approve_result(visit(ids).id, actor=leader)
        results.publish_results([ids["visit"]], actor=planner_of(user_named("yjj_admin")))
        linked = {ids["leader_inspector"], ids["member_inspector"]}
        second = next(
            v
            for v in db.session.scalars(
                sa.select(Visit)
                .where(Visit.id != ids["visit"], Visit.campaign_id == ids["campaign"])
                .order_by(Visit.id)
            )
            if not {m.inspector_id for m in results_queries.team_of(v)} & linked
        )
        chief = next(m for m in results_queries.team_of(second) if m.is_leader)
        admin = user_named("yjj_admin")
        account = tenants.create_user(
            {"login": "yjj_inspector3", "display_name": "钟毅", "password": DEMO_PASSWORD, "roles": ["inspector"]},
            actor=admin,
        )
        results.link_inspector(chief.inspector.id, {"user_id": account.id, "other_name": True}, actor=admin)
        chief = account
        data = complete_result(
            ids, checked_on="2026-03-11", items={str(ids["item"]): {"categories": ["no_problem"], "findings": ""}}
        )
        results.record_result(second.id, data, actor=chief)
        results.submit_result(second.id, actor=chief)
        results.approve_result(second.id, actor=leader)
        db.session.commit()
        ids["second"] = second.id
    return ids
