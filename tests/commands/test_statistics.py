"""统计信息刷新: after a bulk write of hundreds of rows, the planner's statistics of the tables written are
refreshed as soon as the command has committed (PostgreSQL: ANALYZE through the owner's function of migration
0038, as the application's role, which owns no table), so that the next page does not plan for empty tables;
a small write leaves it to autovacuum; a refusal refreshes nothing."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core import statistics
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.models import ItemResult, ResultCategory, Visit
from spotcheck.tenants.results.vocabulary import NO_PROBLEM, VisitStatus
from tests.support.helpers import make_app, user_named
from tests.support.results_world import handed_out

TODAY = date(2026, 5, 6)


def _submitted(ids) -> list[int]:
    chief, leader_id = user_named("yjj_inspector"), user_named("yjj_leader").id
    visits = list(db.session.scalars(sa.select(Visit).where(Visit.campaign_id == ids["campaign"]).order_by(Visit.id)))
    for visit in visits:
        result = ItemResult(visit_id=visit.id, item_id=ids["item"], findings="现场检查。", tenant_id=visit.tenant_id)
        result.categories = [ResultCategory(code=NO_PROBLEM, tenant_id=visit.tenant_id)]
        db.session.add(result)
        visit.status, visit.checked_on, visit.checked_until = (
            VisitStatus.submitted,
            date(2026, 4, 30),
            date(2026, 4, 30),
        )
        visit.submitted_by_id, visit.entered_by = chief.id, [chief.id]
    assert leader_id not in {visit.submitted_by_id for visit in visits}
    # as the first record would have: the campaign is under way (进行中) once a result is entered
    db.session.get(Campaign, ids["campaign"]).status = CampaignStatus.in_progress
    db.session.commit()
    return [visit.id for visit in visits]


def _analyzed_rows(table: str) -> float:
    """What the planner believes the table holds (pg_class.reltuples: -1 before any ANALYZE)."""
    return db.session.scalar(sa.text("SELECT reltuples FROM pg_class WHERE oid = CAST(:t AS regclass)"), {"t": table})


@pytest.mark.postgres
def test_a_bulk_approval_refreshes_the_statistics_of_what_it_wrote(postgres_url, monkeypatch):
    with make_app(postgres_url).app_context(), frozen_at(TODAY):
        ids = handed_out()
        monkeypatch.setattr(statistics, "REFRESH_FROM_ROWS", 2)  # the test's campaign has a few visits, not hundreds
        with tenant_scope(ids["tenant"]):
            visit_ids = _submitted(ids)
            db.session.execute(sa.text("SELECT 1"))  # nothing analyzed the new rows yet
            before = _analyzed_rows("visit")
            results.approve_results(visit_ids, actor=user_named("yjj_leader"))
            every = db.session.scalar(sa.text("SELECT count(*) FROM visit"))  # as the owner's ANALYZE counts them
        assert before != every and _analyzed_rows("visit") == every


@pytest.mark.seconds(1.4)
def test_a_small_write_or_a_refused_one_leaves_the_statistics_to_autovacuum(app, monkeypatch):
    refreshed: list = []
    monkeypatch.setattr(statistics, "refresh", refreshed.append)
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            visit_ids = _submitted(ids)
            results.approve_results(visit_ids[:1], actor=user_named("yjj_leader"))  # below REFRESH_FROM_ROWS
            monkeypatch.setattr(statistics, "REFRESH_FROM_ROWS", 1)
            with pytest.raises(InvalidInputError):
                results.approve_results(visit_ids, actor=user_named("yjj_leader"))  # the first is approved already
            results.approve_results(visit_ids[1:], actor=user_named("yjj_leader"))
            large = db.engine.dialect.name == "postgresql"
    assert refreshed == ([["visit"]] if large else [])  # SQLite plans without them
