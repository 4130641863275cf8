"""A leader reviews results as a list filtered by category (批量审核): those that found no problem
are approved many at once, each checked as the single approval checks it, all or nothing with each
refused result named; a result that found a problem is never approved unseen."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.models import ItemResult, ResultCategory, Visit
from spotcheck.tenants.results.vocabulary import NO_PROBLEM, VisitStatus
from tests.support.campaign_world import planner_of
from tests.support.helpers import post_form, signed_in, user_named
from tests.support.results_world import handed_out

TODAY = date(2026, 5, 6)


def _submitted(ids, codes: list[str]) -> list[int]:
    """The campaign's first visits submitted for review by the team's inspector, one per code."""
    chief = user_named("yjj_inspector")
    visits = list(db.session.scalars(sa.select(Visit).where(Visit.campaign_id == ids["campaign"]).order_by(Visit.id)))
    for visit, code in zip(visits, codes, strict=False):
        result = ItemResult(visit_id=visit.id, item_id=ids["item"], findings="现场检查。", tenant_id=visit.tenant_id)
        result.categories = [ResultCategory(code=code, tenant_id=visit.tenant_id)]
        db.session.add(result)
        visit.status, visit.checked_on, visit.checked_until = (
            VisitStatus.submitted,
            date(2026, 4, 30),
            date(2026, 4, 30),
        )
        visit.submitted_by_id, visit.entered_by = chief.id, [chief.id]
    db.session.commit()
    return [visit.id for visit in visits[: len(codes)]]


def _statuses(visit_ids) -> list[str]:
    return [db.session.get(Visit, i, populate_existing=True).status.value for i in visit_ids]


@pytest.mark.seconds(1.1)
def test_results_that_found_nothing_are_approved_at_once_and_a_problem_refuses_the_whole_step(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        leader = user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):
            clean = _submitted(ids, [NO_PROBLEM, NO_PROBLEM, NO_PROBLEM, "pending_own_rules"])
            *fine, problem = clean
            with pytest.raises(InvalidInputError) as refused:
                results.approve_results(clean, actor=leader)
            rows = refused.value.errors["rows"]
            assert len(rows) == 2 and db.session.get(Visit, problem).entity.name in rows[1]
            assert _statuses(clean) == ["submitted"] * 4  # nothing changed
            authored = db.session.get(Visit, fine[1])
            authored.entered_by = [*authored.entered_by, leader.id]
            db.session.commit()
            with pytest.raises(InvalidInputError) as own:  # its author may not approve it, in a batch either
                results.approve_results(fine, actor=leader)
            assert len(own.value.errors["rows"]) == 2 and authored.entity.name in own.value.errors["rows"][1]
            authored.entered_by = [i for i in authored.entered_by if i != leader.id]
            db.session.commit()
            with pytest.raises(ForbiddenError):
                results.approve_results(fine, actor=planner_of(user_named("yjj_admin")))
            with pytest.raises(InvalidInputError):
                results.approve_results([], actor=leader)
            approved = results.approve_results(fine + fine[:1], actor=leader)  # each once
            assert len(approved) == 3 and _statuses(fine) == ["approved"] * 3
            with pytest.raises(ConflictError):  # approved already: a selection of one is refused as the single one is
                results.approve_results(fine[:1], actor=leader)
            with pytest.raises(InvalidInputError) as again:
                results.approve_results(fine[:2], actor=leader)
            assert db.session.get(Visit, fine[0]).entity.name in again.value.errors["rows"][1]
            results.approve_result(problem, actor=leader)  # on its own page: seen, approved
            assert _statuses([problem]) == ["approved"]


@pytest.mark.seconds(1.0)
def test_the_review_list_filters_by_category_and_approves_the_ticked_results(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            fine, other, problem = _submitted(ids, [NO_PROBLEM, NO_PROBLEM, "pending_own_rules"])
    with frozen_at(TODAY):
        client = signed_in(app, "yjj_leader")
        page = client.get("/visits/review").get_data(as_text=True)
        assert f'value="{fine}"' in page and f'value="{problem}"' not in page and "problem-tag" in page
        only = client.get(f"/visits/review?category={NO_PROBLEM}").get_data(as_text=True)
        assert f'data-visit="{fine}"' in only and f'data-visit="{problem}"' not in only
        found = client.get("/visits/review?category=problem").get_data(as_text=True)  # any category that found one
        assert f'data-visit="{problem}"' in found and f'data-visit="{fine}"' not in found
        assert '<option value="problem" selected>发现问题的结果（全部类别）</option>' in found
        response = post_form(
            client,
            "/visits/review/approve",
            {"visit_ids": [str(fine), str(other)], "category": NO_PROBLEM},
            token_from="/visits/review",
        )
        assert response.status_code in (302, 303) and f"category={NO_PROBLEM}" in response.headers["Location"]
    with app.app_context(), tenant_scope(ids["tenant"]):
        assert _statuses([fine, other, problem]) == ["approved", "approved", "submitted"]


@pytest.mark.seconds(1.3)
def test_all_of_a_campaigns_list_is_approved_then_published_in_one_confirmed_step_each(app):
    """批量审核、批量公示 of a whole list: the page says how many results one step takes (no problem
    found, not the leader's own), the step runs as a job, and a list that changed since the page was
    read is shown again rather than acted on."""
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        leader = user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):
            *fine, own, problem = _submitted(ids, [NO_PROBLEM, NO_PROBLEM, NO_PROBLEM, "pending_own_rules"])
            authored = db.session.get(Visit, own)
            authored.entered_by = [*authored.entered_by, leader.id]
            db.session.commit()
    campaign = ids["campaign"]
    with frozen_at(TODAY):
        client = signed_in(app, "yjj_leader")
        page = client.get(f"/visits/review?campaign={campaign}").get_data(as_text=True)
        assert 'id="queue-campaign"' in page and f'<option value="{campaign}" selected>' in page
        assert "全部批准（2 条）" in page and 'name="count" value="2"' in page and "data-confirm=" in page
        stale = post_form(
            client,
            "/visits/review/approve",
            {"together": "1", "count": "3", "campaign": str(campaign)},
            token_from="/visits/review",
        )
        assert stale.status_code == 302 and "/jobs/" not in stale.headers["Location"]
        assert "列表在您打开后已有变化" in client.get(stale.headers["Location"]).get_data(as_text=True)
        with app.app_context(), tenant_scope(ids["tenant"]):
            assert _statuses([*fine, own, problem]) == ["submitted"] * 4
        done = post_form(
            client,
            "/visits/review/approve",
            {"together": "1", "count": "2", "campaign": str(campaign)},
            token_from="/visits/review",
        )
        assert done.status_code == 302 and "/jobs/" in done.headers["Location"]
        outcome = client.get(done.headers["Location"]).get_data(as_text=True)
        assert "批量审核检查结果" in outcome and "已审核通过 2 条检查结果" in outcome, outcome[-3000:]
        with app.app_context(), tenant_scope(ids["tenant"]):
            assert _statuses([*fine, own, problem]) == ["approved", "approved", "submitted", "submitted"]
        assert "全部批准" not in client.get(f"/visits/review?campaign={campaign}").get_data(as_text=True)

        client = signed_in(app, "yjj_planner")  # the planner publishes
        queue = client.get(f"/visits/publication?campaign={campaign}").get_data(as_text=True)
        assert "全部公示（2 条）" in queue and "不能撤回" in queue
        published = post_form(
            client,
            "/visits/publish",
            {"together": "1", "count": "2", "campaign": str(campaign)},
            token_from="/visits/publication",
        )
        assert published.status_code == 302 and "/jobs/" in published.headers["Location"]
        assert "已公示 2 条检查结果" in client.get(published.headers["Location"]).get_data(as_text=True)
        with app.app_context(), tenant_scope(ids["tenant"]):
            assert _statuses(fine) == ["published", "published"]
