"""The demo city of ``spotcheck demo`` (演示城市) as a world: loaded through the demo's own commands
once per run and database kind, copied for every further test that looks at it."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo import CAMPAIGNS_FROM, load_demo
from spotcheck.demo.people import account_of
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.vocabulary import VisitStatus
from tests.support.helpers import user_named
from tests.support.snapshots import snapshotted


@snapshotted
def demo_city(entities: int | None = None, today: str = "2026-11-21") -> None:
    """The demo loaded as ``spotcheck demo`` loads it on ``today`` (ISO date), with ``entities``
    registry entities (default: the fewest that give every campaign something to draw)."""
    load_demo(entities=entities or CAMPAIGNS_FROM, today=date.fromisoformat(today), actor=CONSOLE)


def reported_unpublished(today: str = "2026-11-21") -> str:
    """The demo's one visit still to be recorded — 应急管理局's check registered after the accident, made the day
    before ``today`` — recorded and reported (报送) by its 组长, not yet reviewed: a business checked whose result
    is not published. Returns its code."""
    day = date.fromisoformat(today)
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id), frozen_at(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)):
        visit = db.session.scalar(sa.select(Visit).where(Visit.status == VisitStatus.assigned).order_by(Visit.id))
        chief = account_of("yjj", next(m for m in results_queries.team_of(visit) if m.is_leader).inspector, admin)
        results.record_result(
            visit.id,
            {
                "checked_on": (day - timedelta(days=1)).isoformat(),
                "method": "onsite",
                "record": "现场排查液氨管道。",
                "evaluation": "应急处置基本到位。",
                "opinions": "完善巡检记录。",
                "items": {
                    str(item.id): {"categories": ["no_problem"], "findings": ""} for item in visit.campaign.items
                },
            },
            actor=chief,
        )
        results.submit_result(visit.id, actor=chief)
        db.session.commit()
        return visit.entity.code
