"""演示抽查任务: each department's campaigns (抽查任务) at every stage — approved, drawn with the
observers' inputs (双随机), teams named — and the first visits' results (检查结果) taken through
every step, with experts, notices and follow-ups (后续处置)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import date, datetime, timedelta
from typing import cast

import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo import city as demo_city, rules as demo_rules
from spotcheck.demo.people import account_of, deployed, leaders_linked, user_named
from spotcheck.demo.place import Town
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, TargetStatus
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.notices import commands as notices
from spotcheck.tenants.results import codes, commands as results, queries as results_queries
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.supervision import commands as supervision


def department_campaigns(tenants: dict[str, Tenant], *, year: int, size: int, today: date) -> None:
    """Each department's campaigns of ``year`` (:data:`demo_city.CAMPAIGNS`), each created and
    taken to its stage once; one that exists (found by title) is left as it is."""
    scale = -(-size // demo_city.CAPACITY_CITY)  # visits grow with the city, the inspectors do not
    towns = deployed().towns
    names = {f"town{n}": town[1] for n, town in enumerate(towns)}
    for code, specs in demo_city.CAMPAIGNS.items():
        with tenant_scope(tenants[code].id):
            for spec in specs:
                title = spec["title"].format(year=year, **names)
                spec = _in_towns(spec, towns)
                exists = sa.select(Campaign.id).where(Campaign.year == year, Campaign.title == title)
                if db.session.scalar(exists) is None:
                    _campaign(tenants[code].code.lower(), spec, title=title, year=year, scale=scale, today=today)


def _in_towns(spec: demo_city.CampaignSpec, towns: tuple[Town, ...]) -> demo_city.CampaignSpec:
    """The campaign's regions as the towns' codes (``@1`` → 东京城镇's)."""
    regions = [towns[int(r[1:])][0] if r.startswith("@") else r for r in spec["target_filter"]["regions"]]
    return {**spec, "target_filter": {**spec["target_filter"], "regions": regions}}


def _campaign(code: str, spec: demo_city.CampaignSpec, *, title: str, year: int, scale: int, today: date) -> None:
    """Create the campaign as the planner, have the leader approve it, then the ceremony: freeze,
    draw with the observers' inputs, and name each team's leader (组长): the first drawn."""
    planner, leader = user_named(f"{code}_planner"), user_named(f"{code}_leader")
    stage = demo_city.CAMPAIGN_STAGES.index(spec["stage"])
    first, last = spec["window"]
    with _before_the_window(date.fromisoformat(f"{year}-{first}"), date.fromisoformat(f"{year}-{last}"), today):
        campaign = _prepared(planner, leader, spec, stage, title=title, year=year, scale=scale)
    if stage >= 6 and campaign.window_start < today:
        _results(code, campaign, today=today)


def _before_the_window(first: date, last: date, today: date) -> AbstractContextManager[object]:
    """A window that ended before ``today`` was prepared before it opened (a campaign is neither saved nor approved
    once its window is over): three days before its first day, 9:30, as the named checks are registered; a window
    still open or to come, today."""
    if last >= today:
        return nullcontext()
    day = first - timedelta(days=3)
    return clock.frozen_at(datetime(day.year, day.month, day.day, 9, 30))


def _prepared(
    planner: User, leader: User, spec: demo_city.CampaignSpec, stage: int, *, title: str, year: int, scale: int
) -> Campaign:
    """The campaign created by the planner and taken to its stage, up to its teams' leaders named."""
    exempt_kind, exempt_reason = demo_rules.exemption(spec["exempt"], cast(int, planner.tenant_id))
    first, last = spec["window"]
    campaign = campaign_commands.create_campaign(
        {
            "title": title,
            "year": year,
            "method": spec["method"],
            "target_filter": spec["target_filter"],
            "item_ids": list(db.session.scalars(sa.select(Item.id).where(Item.name.in_(spec["items"])))),
            "exempt_kind": exempt_kind,
            "exempt_reason": exempt_reason,
            "strata": spec["strata"],
            "reserve_size": spec["reserve_size"],
            "team_size": 2,
            "capacity": spec["capacity"] * scale,
            "window_start": f"{year}-{first}",
            "window_end": f"{year}-{last}",
        },
        actor=planner,
    )
    if stage >= 1:
        campaign_commands.approve(campaign.id, actor=leader)
    if stage >= 2:
        campaign_commands.freeze_targets(campaign.id, actor=planner)
    if stage >= 3:
        campaign_commands.draw_targets(campaign.id, {"public_inputs": spec["observers"]}, actor=planner)
    if stage >= 4:
        campaign_commands.freeze_inspectors(campaign.id, actor=planner)
        campaign_commands.draw_inspectors(campaign.id, {"public_inputs": spec["inspector_observers"]}, actor=planner)
    if stage >= 5:
        led = set()
        for member in campaigns.list_team_members(campaign):
            if member.entity_id not in led:
                campaign_commands.designate_leader(campaign.id, {"member_id": member.id}, actor=planner)
                led.add(member.entity_id)
    return campaign


def _results(code: str, campaign: Campaign, *, today: date) -> None:
    """Hand the visits to the teams and take the first ones through the result's steps
    (:data:`demo_city.RESULT_STAGES`) as the people concerned would: the 组长 records and
    submits, the leader returns once or approves, the planner publishes and corrects one. Each
    visit's 组长 is linked to a user account: ``<code>_inspector`` first, then one more account
    per further 组长 (named after the inspector)."""
    planner, leader, admin = user_named(f"{code}_planner"), user_named(f"{code}_leader"), user_named(f"{code}_admin")
    _experts(campaign, planner)
    returned = demo_city.RESULT_STAGES.index("returned")  # the demo's inspector login has a returned result to fix
    leaders_linked(code, campaign, admin, first=returned)  # the hand-out waits for every 组长's account
    with clock.frozen_at(campaign.window_start - timedelta(days=1)):  # the codes are issued before the window opens
        visits = sorted(results.hand_out(campaign.id, actor=planner), key=lambda v: v.id)
    first_item = campaign.items[0]

    def chief_of(visit: Visit) -> Inspector:
        return next(m for m in results_queries.team_of(visit) if m.is_leader).inspector

    def on(day: date) -> AbstractContextManager[object]:
        """Each step on its own day (9:00) when that day is past: the dashboard's deadlines are real."""
        return clock.frozen_at(day) if day < today else nullcontext()

    for number, (visit, stage) in enumerate(zip(visits, demo_city.RESULT_STAGES, strict=False)):
        chief = account_of(code, chief_of(visit), admin)
        checked = min(campaign.window_start + timedelta(days=3 * number + 2), today)
        reviewed, published = checked + timedelta(days=2), checked + timedelta(days=6)
        problem = number % 2 == 1
        _at_the_door(visit, chief, checked, today, evaluated=number == 0)
        with on(checked):
            results.record_result(
                visit.id,
                {
                    "checked_on": checked.isoformat(),
                    "method": "onsite",
                    "record": "检查人员出示执法证件，现场检查经营场所、进货查验记录和从业人员健康证明。",
                    "evaluation": "进货查验制度基本落实，个别记录不全。"
                    if problem
                    else "经营行为规范，相关制度落实到位。",
                    "opinions": "责令补全进货查验记录，列入下次抽查重点。" if problem else "继续保持，按规定开展自查。",
                    "items": {
                        str(item.id): {
                            "categories": ["pending_own_rules"] if problem else ["no_problem"],
                            "findings": "部分食品进货查验记录不全，已当场指出。" if problem else "",
                        }
                        for item in campaign.items
                    },
                },
                actor=chief,
            )
        if stage == "drafted":
            continue
        with on(checked):
            results.submit_result(visit.id, actor=chief)
        if stage == "returned":
            with on(reviewed):
                results.return_result(visit.id, {"reason": "请补充现场检查照片，并写明责令整改的期限。"}, actor=leader)
            continue
        if stage == "submitted":
            continue
        with on(reviewed):
            results.approve_result(visit.id, actor=leader)
        if stage == "approved":
            continue
        with on(published):
            results.publish_results([visit.id], actor=planner)
        if stage == "corrected":
            results.start_correction(visit.id, {"reason": "原公示的检查结果类别录入有误，予以更正。"}, actor=planner)
            results.record_result(
                visit.id,
                {
                    "items": {
                        str(first_item.id): {
                            "categories": ["rectified"],
                            "findings": "进货查验记录不全，经责令已当场改正。",
                        }
                    }
                },
                actor=chief,
            )
            results.submit_result(visit.id, actor=chief)
            results.approve_result(visit.id, actor=leader)
            results.publish_results([visit.id], actor=planner)
            _follow_ups(visit, chief, planner)
    waiting = visits[len(demo_city.RESULT_STAGES) :]
    if waiting and waiting[0].code is not None:
        _asks_recusal(waiting[0])
    _notices(campaign, planner)


def _at_the_door(visit: Visit, chief: User, checked: date, today: date, *, evaluated: bool) -> None:
    """扫码入企: the 组长 records 入企 at 9:00 and 离企 at 11:30 of the check's day (when that day is
    past); the first visit's business scans its code before, then confirms the inspection and evaluates it."""
    if visit.code is None or checked >= today:
        return
    if evaluated:  # the business scans the notice's QR before letting the team in (扫码核验)
        with clock.frozen_at(datetime(checked.year, checked.month, checked.day, 8, 50)):
            results.count_scans({visit.code.token: 1})
    with clock.frozen_at(datetime(checked.year, checked.month, checked.day, 9, 0)):
        results.record_arrival(visit.id, actor=chief)
    with clock.frozen_at(datetime(checked.year, checked.month, checked.day, 11, 30)):
        results.record_departure(visit.id, actor=chief)
    if evaluated:
        business = codes.business_code(visit.code)
        with clock.frozen_at(datetime(checked.year, checked.month, checked.day, 14, 0)):
            results.confirm_visit(visit.code.token, {"business_code": business})
            supervision.evaluate_visit(
                visit.code.token,
                {
                    "business_code": business,
                    "satisfaction": "5",
                    "text": "检查人员出示执法证件，说明检查事项，用时较短，不影响经营。",
                },
            )


def _asks_recusal(visit: Visit) -> None:
    """A business not yet visited asks, with the code of its notice, that an inspector withdraw (申请回避):
    the department leader's to-do."""
    code = visit.code
    assert code is not None  # asked for a visit that has its codes (its inspection may take place)
    member = results_queries.team_of(visit)[-1]
    results.request_recusal(
        code.token,
        {
            "business_code": codes.business_code(code),
            "cert_no": member.shown_cert_no,
            "reason": "该检查人员的近亲属在本店担任店长。",
        },
    )


def _experts(campaign: Campaign, planner: User) -> None:
    """专家 (seed 001): the first visit's team takes, in addition to its drawn inspectors, an expert
    of the inspector directory and a testing institute named with its person — before the hand-out,
    so its inspection notice names them; its result, published, names them too."""
    first = db.session.scalar(
        sa.select(CampaignTarget.entity_id)
        .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected)
        .order_by(CampaignTarget.stratum, CampaignTarget.rank)
        .limit(1)
    )
    expert = db.session.scalar(
        sa.select(Inspector)
        .where(Inspector.is_expert.is_(True), Inspector.active.is_(True))
        .order_by(Inspector.cert_no)
        .limit(1)
    )
    if first is None:
        return
    if expert is not None:
        results.add_expert(
            campaign.id,
            {"entity_id": first, "kind": "directory", "inspector_id": expert.id, "expertise": "食品安全风险评估"},
            actor=planner,
        )
    results.add_expert(
        campaign.id,
        {
            "entity_id": first,
            "kind": "testing_body",
            "name": demo_city.EXPERT_PERSON,
            "organisation": demo_rules.placed(demo_city.EXPERT_INSTITUTE, upper=True),
            "expertise": "食品快速检测",
        },
        actor=planner,
    )


def _notices(campaign: Campaign, planner: User) -> None:
    """The campaign's documents: its notices were written when the visits were handed out, before
    the 组长 were linked to their accounts — written again, each linked inspector is told in the
    inbox (nothing is written twice); and the result announcement of what is published."""
    notices.write_campaign_notices(campaign.id, actor=planner)
    notices.write_announcement(campaign.id, actor=planner)


def _follow_ups(visit: Visit, chief: User, planner: User) -> None:
    """后续处置 of the corrected visit: a rectification to re-check (open; 限30个工作日内改正, counted on
    the official calendar — provisional while it runs into a year not entered yet, as at the end of
    2026), a transfer to 应急管理局 that it has acknowledged (签收), and one still waiting in its inbox."""
    receiver = db.session.scalar(sa.select(Tenant).where(Tenant.code == "YJJ"))
    results.open_follow_up(
        visit.id,
        {
            "kind": "rectification",
            "details": "补齐近三个月的食品进货查验记录，并建立索证索票台账。",
            "deadline_days": demo_city.RECTIFICATION_DAYS,
        },
        actor=chief,
    )
    if receiver is None:
        return
    acknowledged = results.open_follow_up(
        visit.id,
        {
            "kind": "transfer",
            "receiver_tenant_id": receiver.id,
            "details": "检查中发现其仓库存放瓶装液化石油气，涉及安全生产，抄告应急管理局依法处理。",
        },
        actor=planner,
    )
    results.open_follow_up(
        visit.id,
        {
            "kind": "transfer",
            "receiver_tenant_id": receiver.id,
            "details": "后厨燃气管道未安装泄漏报警装置，抄告应急管理局。",
        },
        actor=planner,
    )
    with tenant_scope(receiver.id):
        results.acknowledge_transfer(
            acknowledged.id, {"note": "已签收，转执法监察支队核查。"}, actor=user_named("yjj_planner")
        )
