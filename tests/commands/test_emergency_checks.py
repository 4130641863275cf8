"""紧急检查事后登记: a check of named businesses made at once, before it could be registered, is registered by a
leader within the rules' days after it, with the reason and the team that went — not drawn, said so, public at
once; too late, too small a team, an inspector without a valid certificate, no reason: refused, nothing saved."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core import events, storage
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.models import Campaign, InspectionCount, TeamMember
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.campaigns.queries import public as publication
from spotcheck.tenants.campaigns.vocabulary import CampaignStatus
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.notices import commands as notice_commands
from spotcheck.tenants.notices.models import Notice, NoticeKind
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.queries import listing
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.documents import pdf_text
from tests.support.helpers import signed_in, user_named
from tests.support.leader_accounts import open_leader_accounts

TODAY = date(2026, 3, 12)


def _data(world, team, overrides=None) -> dict:
    return {
        **campaign_data(world),
        "title": "冷库液氨泄漏事故现场紧急检查",
        "checked_on": "2026-03-10",
        "late_reason": "事故发生后须立即到场排查，来不及事先登记。",
        "team": team,
        "named_targets": [
            {"entity_code": world["codes"][0], "cause": "accident", "reference": "2026年3月10日 液氨泄漏"}
        ],
        **(overrides or {}),
    }


def _team(n: int) -> list[int]:
    return list(db.session.scalars(sa.select(Inspector.id).order_by(Inspector.id).limit(n)))


@pytest.mark.seconds(2.2)
def test_a_leader_registers_a_check_made_two_days_ago_with_the_team_that_went(app):
    with app.app_context(), frozen_at(TODAY):
        world = build()
        leader = leader_of(user_named("yjj_admin"))
        with tenant_scope(world["tenant"]):
            team = _team(2)[::-1]  # the 组长 first
            campaign = campaign_commands.register_emergency(_data(world, team), actor=leader)
            db.session.commit()
            campaign = campaigns.get_campaign(campaign.id)
            assert campaign.code.startswith("应急查〔2026〕") or "查〔2026〕" in campaign.code
            assert campaign.status == CampaignStatus.inspectors_drawn and campaign.late_reason
            assert campaign.window_start == campaign.window_end == date(2026, 3, 10)
            members = db.session.scalars(
                sa.select(TeamMember).where(TeamMember.campaign_id == campaign.id).order_by(TeamMember.position)
            ).all()
            assert [m.inspector_id for m in members] == team and [m.is_leader for m in members] == [True, False]
            assert not publication.withheld(campaign)  # the check is over: public at once
            assert publication.public_draws(campaign) == {}  # nothing was drawn, and nothing says so
            assert [row.counts for row in db.session.scalars(sa.select(InspectionCount))] == [False]  # an accident
            assert "replace_inspector" not in CAMPAIGN_ACTIONS.allowed(campaign, planner_of(leader))
            open_leader_accounts(campaign.id, "yjj")  # only the 组长 records 入企, 离企: the hand-out asks an account
            visits = results.hand_out(campaign.id, actor=planner_of(leader))
            assert len(visits) == 1
            # the check was made on its day: its results are due 5 working days after it, not overdue at once
            assert (visits[0].checked_on, visits[0].checked_until) == (date(2026, 3, 10), date(2026, 3, 10))
            assert visits[0].report_due == date(2026, 3, 17) and listing.flag_of(visits[0]) is None
            visit_id = visits[0].id
            db.session.commit()
        page = app.test_client().get(f"/public/draws/campaigns/{campaign.id}").get_data(as_text=True)
        assert "事后登记" in page and "未经随机抽取" in page
        assert "事故发生后须立即到场排查" not in page  # its reason names the cause: the business's and the bureau's
    with frozen_at(TODAY):  # the visit's own page says it too (signed in outside the test's app context: its
        # CSRF token would be kept there), and the portal does not call every published check random
        visit_page = signed_in(app, "yjj_leader").get(f"/visits/{visit_id}").get_data(as_text=True)
        assert 'id="visit-check-kind"' in visit_page and "事后登记：检查对象未经随机抽取" in visit_page
        assert "不计为随机抽查" in app.test_client().get("/public").get_data(as_text=True)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"checked_on": "2026-03-05"}, "checked_on"),  # 7 days ago: beyond the platform's 3
        ({"checked_on": "2026-03-13"}, "checked_on"),  # tomorrow
        ({"late_reason": ""}, "late_reason"),
        ({"team": "one"}, "team"),
        ({"team": "expired"}, "team"),
        ({"named_targets": []}, "named_targets"),
    ],
)
def test_a_late_registration_is_refused_naming_the_field_and_saves_nothing(app, change, field):
    with app.app_context(), frozen_at(TODAY):
        world = build()
        admin = user_named("yjj_admin")
        leader = leader_of(admin)
        with tenant_scope(world["tenant"]):
            team = _team(2)
            if change.get("team") == "one":
                change = {"team": team[:1]}
            elif change.get("team") == "expired":
                inspectors.update_inspector(team[1], {"cert_expires_on": "2026-03-01"}, actor=admin)
                db.session.commit()
                change = {"team": team}
            with pytest.raises(InvalidInputError) as refused:
                campaign_commands.register_emergency(_data(world, team, change), actor=leader)
            db.session.rollback()
            assert field in refused.value.errors
            if field == "checked_on" and change["checked_on"] == "2026-03-05":
                assert "3" in str(refused.value.errors[field][0])
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Campaign)) == 0


def test_a_planner_cannot_register_a_check_already_made(app):
    with app.app_context(), frozen_at(TODAY):
        world = build()
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(world["tenant"]), pytest.raises(ForbiddenError):
            campaign_commands.register_emergency(_data(world, _team(2)), actor=planner)


def test_a_late_check_is_of_its_days_year_its_team_has_no_conflict_and_stays_as_it_went(app):
    with app.app_context(), frozen_at(TODAY):
        world = build()
        admin = user_named("yjj_admin")
        leader = leader_of(admin)
        with tenant_scope(world["tenant"]):
            team = _team(2)
            with pytest.raises(InvalidInputError) as refused:
                campaign_commands.register_emergency(_data(world, team, {"year": 2025}), actor=leader)
            assert "year" in refused.value.errors
            db.session.rollback()
            entity = db.session.scalar(sa.select(Entity).where(Entity.code == world["codes"][0]))
            inspectors.declare_recusal(team[1], {"entity_id": entity.id, "reason": "其配偶在该企业任职"}, actor=admin)
            db.session.commit()
            with pytest.raises(InvalidInputError) as refused:
                campaign_commands.register_emergency(_data(world, team), actor=leader)
            assert "回避" in str(refused.value.errors["team"][0])
            db.session.rollback()
            campaign = campaign_commands.register_emergency(_data(world, _team(3)[::2]), actor=leader)
            db.session.commit()
            allowed = CAMPAIGN_ACTIONS.allowed(campaigns.get_campaign(campaign.id), planner_of(admin))
            assert not allowed & {"designate_leader", "replace_inspector", "add_expert", "declare_recusal", "cancel"}
            assert campaigns.get_campaign(campaign.id).team_size == 2


@pytest.mark.seconds(1.6)
def test_the_notice_of_a_late_check_tells_the_business_what_was_done_that_day_and_nothing_to_prepare(app):
    with app.app_context(), frozen_at(TODAY):
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(world["tenant"]):
            team = _team(2)
            campaign = campaign_commands.register_emergency(_data(world, team), actor=leader_of(admin))
            open_leader_accounts(campaign.id, "yjj")
            with events.suspended():
                results.hand_out(campaign.id, actor=planner_of(admin))
            notice_commands.write_campaign_notices(campaign.id, actor=planner_of(admin))
            db.session.commit()
            names = [db.session.get(Inspector, i).name for i in team]
            texts = {
                notice.kind: pdf_text(storage.read(notice.storage_key))
                for notice in db.session.scalars(sa.select(Notice).where(Notice.campaign_id == campaign.id))
            }
    notice = texts[NoticeKind.inspection]
    # what was done: on that one day, by whom, why, and that it was registered afterwards
    assert f"本部门执法检查人员{'、'.join(names)}已于2026年3月10日对你单位实施了现场检查" in notice
    assert "因发生事故" in notice and "事后登记" in notice and "事故发生后须立即到场排查" in notice
    # nothing of a visit still to come, and one date for a day
    for future in ("请你单位准备", "检查时将出示", "检查前请扫描", "有权拒绝", "定于", "至2026年3月10日"):
        assert future not in notice, future
    assert "你于2026年3月10日作为实际到场人员" in texts[NoticeKind.assignment]
