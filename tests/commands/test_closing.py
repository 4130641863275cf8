"""Closing a visit whose result found a problem (办结, seed 002: 对抽查有问题的监管对象，依法做出处理): only
once a follow-up is recorded, or a leader has recorded, with the reason, that none is needed
(无需后续处置) — for the visit and for its campaign; nobody but a leader records that decision."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignStatus
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS, VISIT_ACTIONS
from tests.support.campaign_world import planner_of
from tests.support.helpers import bearer, post_form, signed_in, user_named
from tests.support.results_world import handed_out, published, visit

TODAY = date(2026, 10, 12)


def _as_if_every_result_published(campaign_id: int):
    """The campaign as if its other results were published too (its first visit is the one tested)."""
    campaign = campaigns.get_campaign(campaign_id)
    campaign.status = CampaignStatus.published
    return campaign


@pytest.mark.seconds(1.7)
def test_a_problem_visit_and_its_campaign_close_only_with_a_leaders_reasoned_decision(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        planner, leader, chief = (
            planner_of(user_named("yjj_admin")),
            user_named("yjj_leader"),
            user_named("yjj_inspector"),
        )
        with tenant_scope(ids["tenant"]):
            published(ids)  # a problem found (发现问题待后续处理), no follow-up recorded
            one = visit(ids)
            assert "close" not in VISIT_ACTIONS.allowed(one, planner)
            with pytest.raises(ConflictError, match="四（四），抽查发现的问题须依法处理"):
                results.close_visit(one.id, actor=planner)
            campaign = _as_if_every_result_published(ids["campaign"])
            assert "close" not in CAMPAIGN_STEPS.allowed(campaign, planner)
            with pytest.raises(ConflictError, match="四（四），抽查发现的问题须依法处理") as refused:
                results.close_campaign(campaign.id, actor=planner)
            assert one.entity.name in str(refused.value)
            db.session.rollback()

            for someone in (planner, chief):  # only a leader decides that no follow-up is needed
                with pytest.raises(ForbiddenError):
                    results.decide_no_follow_up(ids["visit"], {"reason": "当场已改正"}, actor=someone)
            with pytest.raises(InvalidInputError) as unexplained:
                results.decide_no_follow_up(ids["visit"], {"reason": " "}, actor=leader)
            assert set(unexplained.value.errors) == {"reason"}
            assert visit(ids).no_follow_up_at is None and visit(ids).closed_at is None  # nothing changed

            results.decide_no_follow_up(
                ids["visit"], {"reason": "检查中已当场责令改正并复核，无需另行处置。"}, actor=leader
            )
            db.session.commit()
            decided = visit(ids)
            assert decided.no_follow_up_reason.startswith("检查中已当场") and decided.no_follow_up_by_name == "王磊"
            assert (
                "visit.no_follow_up_decided"
                in db.session.scalars(
                    sa.select(AuditEntry.action).where(
                        AuditEntry.object_type == "visit", AuditEntry.object_id == str(ids["visit"])
                    )
                ).all()
            )
            with pytest.raises(ConflictError):  # decided once
                results.decide_no_follow_up(ids["visit"], {"reason": "再次决定"}, actor=leader)
            assert "close" in VISIT_ACTIONS.allowed(decided, planner)
            results.close_visit(decided.id, actor=planner)
            results.close_campaign(_as_if_every_result_published(ids["campaign"]).id, actor=planner)
            db.session.commit()
            assert campaigns.get_campaign(ids["campaign"]).status == CampaignStatus.closed


def test_a_problem_visit_closes_once_its_follow_up_is_recorded(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        planner, leader, chief = (
            planner_of(user_named("yjj_admin")),
            user_named("yjj_leader"),
            user_named("yjj_inspector"),
        )
        with tenant_scope(ids["tenant"]):
            published(ids)
            results.open_follow_up(
                visit(ids).id,
                {"kind": "rectification", "details": "组织应急预案演练", "deadline": "2026-10-30"},
                actor=chief,
            )
            db.session.commit()
            assert "decide_no_follow_up" not in VISIT_ACTIONS.allowed(visit(ids), leader)  # a follow-up is recorded
            with pytest.raises(ConflictError, match="1"):  # still open
                results.close_visit(visit(ids).id, actor=planner)
            [follow_up] = visit(ids).follow_ups
            results.close_follow_up(
                follow_up.id, {"closed_on": "2026-10-12", "outcome": "rectified", "outcome_note": "已演练"}, actor=chief
            )
            results.close_visit(visit(ids).id, actor=planner)
            db.session.commit()
            assert visit(ids).closed_at is not None


@pytest.mark.seconds(2.6)
def test_the_leaders_decision_through_the_visit_page_and_the_api(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            published(ids)
            _as_if_every_result_published(ids["campaign"])
            db.session.commit()
    url = f"/visits/{ids['visit']}"
    planner = signed_in(app, "yjj_planner")
    campaign_page = planner.get(f"/campaigns/{ids['campaign']}").get_data(as_text=True)
    assert 'id="campaign-close-refused"' in campaign_page and 'id="campaign-close"' not in campaign_page
    assert "四（四），抽查发现的问题须依法处理" in campaign_page.split('id="campaign-close-refused"')[1][:400]
    page = planner.get(url).get_data(as_text=True)
    assert (
        'id="needs-follow-up"' in page
        and "四（四），抽查发现的问题须依法处理" in page
        and 'id="close-visit"' not in page
    )
    assert 'id="no-follow-up-form"' not in page  # the planner records a follow-up, a leader the decision
    assert post_form(planner, f"{url}/no-follow-up", {"reason": "无需处置"}, token_from=url).status_code == 403
    leader = signed_in(app, "yjj_leader")
    assert 'id="no-follow-up-form"' in leader.get(url).get_data(as_text=True)
    assert post_form(leader, f"{url}/no-follow-up", {"reason": ""}, token_from=url).status_code == 422
    client = app.test_client()
    assert (
        client.post(
            f"/api/v1/visits/{ids['visit']}/no-follow-up",
            headers=bearer(app, "yjj_inspector"),
            json={"reason": "无需处置"},
        ).status_code
        == 403
    )
    decided = client.post(
        f"/api/v1/visits/{ids['visit']}/no-follow-up",
        headers=bearer(app, "yjj_leader"),
        json={"reason": "当场改正，复核无误"},
    )
    assert decided.status_code == 200 and decided.json["no_follow_up_reason"] == "当场改正，复核无误"
    page = planner.get(url).get_data(as_text=True)
    assert 'id="no-follow-up-decision"' in page and "当场改正，复核无误" in page and 'id="close-visit"' in page
    public = app.test_client().get("/public/results").get_data(as_text=True)
    assert "当场改正，复核无误" not in public  # the department's record, not the public register
