"""演示特定对象检查: the market bureau's checks of named businesses (非随机) — one made in October on a
complaint, its team's 离企 recorded and its result published (so its businesses, team and inspector proof are
public); one ordered from above for December, its team drawn, not yet carried out (so the public sees its
commitment only)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import NotRequired, TypedDict

import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo import rules as demo_rules
from spotcheck.demo.people import account_of, deployed, leaders_linked, user_named
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.results import commands as results, queries as results_queries


class NamedCheck(TypedDict):
    """A check of named businesses (:data:`NAMED_CHECKS`)."""

    title: str
    items: list[str]
    category: str
    window: tuple[str, str]
    exempt: tuple[str, str]
    causes: list[tuple[str, str]]
    done: bool
    observers: list[str]
    #: The result as the 组长 records it: record, evaluation, opinions, findings (the complaint's by default).
    result: NotRequired[tuple[str, str, str, str]]


#: The result of a complaint's check (:data:`NAMED_CHECKS`'s first).
COMPLAINT_RESULT = (
    "针对投诉反映的后厨卫生问题，现场检查加工操作区、冷藏设施和清洗消毒记录。",
    "后厨卫生基本符合要求，投诉反映的地面积水问题属实。",
    "责令当场清理积水，完善每日清洁记录。",
    "后厨地面积水，已当场责令清理改正。",
)


class EmergencyCheck(TypedDict):
    """A check made at once and registered afterwards (:data:`EMERGENCY_CHECKS`)."""

    title: str
    items: list[str]
    category: str
    days_ago: int
    cause: tuple[str, str]
    exempt: tuple[str, str]
    reason: str


#: Each department's checks of named businesses: the businesses are the first of its directory in
#: ``category`` (by code), one per cause; ``done``: carried out and its result published.
NAMED_CHECKS: dict[str, list[NamedCheck]] = {
    "SCJ": [
        {
            "title": "{year}年10月餐饮服务单位食品安全核查",
            "items": ["食品经营者监督检查"],
            "category": "餐饮服务",
            "window": ("10-12", "10-30"),
            "exempt": ("complaint", "群众通过12315平台投诉反映餐饮单位后厨卫生问题，依法核查。"),
            "causes": [("complaint", "12315-{year}-1008-0087")],
            "done": True,
            "observers": ["observer:市司法局 韩梅 1012"],
        },
        {
            "title": "{year}年12月食品销售单位食品安全核查",
            "items": ["食品经营者监督检查"],
            "category": "食品销售",
            "window": ("12-03", "12-18"),
            "exempt": ("order", "落实省市场监督管理局交办的食品安全问题线索核查。"),
            "causes": [("order", "浙市监交〔{year}〕41号"), ("referral", "西湖区卫健移〔{year}〕5号")],
            "done": False,
            "observers": ["observer:市人大代表 张某 1203"],
        },
    ],
    # the upper level (牡丹江市市场监督管理局) checks in 宁安市 too: the first caterer of its directory is the one
    # 宁安市's bureau checked on the complaint above — a business checked by departments of two levels
    "MDJSCJ": [
        {
            "title": "{year}年10月县（市）餐饮服务单位食品安全督导检查",
            "items": ["食品经营者监督检查"],
            "category": "餐饮服务",
            "window": ("10-20", "10-31"),
            "exempt": ("order", "落实省市场监督管理局部署，对所辖县（市）已处理投诉的餐饮服务单位开展督导检查。"),
            "causes": [("order", "市监督办〔{year}〕9号")],
            "done": True,
            "observers": ["observer:市人大代表 于某 1020"],
            "result": (
                "督导检查县级部门已处理投诉的整改落实情况，现场检查后厨加工操作区和清洁记录。",
                "投诉反映问题已整改，每日清洁记录完整。",
                "继续保持，按规定开展自查。",
                "",
            ),
        },
    ],
}


#: Checks made at once after an accident, registered afterwards by the department's leader (紧急检查事后登记):
#: ``days_ago`` before the demo's day, on the first business of ``category``, by its first two qualified inspectors.
EMERGENCY_CHECKS: dict[str, list[EmergencyCheck]] = {
    "YJJ": [
        {
            "title": "{month}月{day}日冷库液氨泄漏事故现场紧急检查",
            "items": ["涉氨制冷企业安全检查"],
            "category": "工贸企业（冷库）",
            "days_ago": 1,
            "cause": ("accident", "{month}月{day}日 冷库液氨泄漏，1人轻度中毒"),
            "exempt": ("production_safety", "冷库发生液氨泄漏事故，须立即到场排查同类隐患。"),
            "reason": "事故报告后须立即到场排查液氨管道和应急处置情况，来不及事先登记。",
        },
    ],
}


def build(tenants: dict[str, Tenant], *, year: int, today: date) -> None:
    """Each department's named checks of ``year``, and its checks registered after they were made; one that
    exists (found by title) is left as it is."""
    for code, checks in NAMED_CHECKS.items():
        with tenant_scope(tenants[code].id):
            for spec in checks:
                title = spec["title"].format(year=year)
                if db.session.scalar(sa.select(Campaign.id).where(Campaign.year == year, Campaign.title == title)):
                    continue
                _check(tenants[code].code.lower(), spec, title=title, year=year, today=today)
    for code, emergencies in EMERGENCY_CHECKS.items():
        with tenant_scope(tenants[code].id):
            for emergency in emergencies:
                _emergency(tenants[code].code.lower(), emergency, today=today)


def _exemption(spec: NamedCheck | EmergencyCheck, user: User) -> dict[str, str | None]:
    """The check's kind outside the plan and its reason, as the rules in force allow (:func:`demo_rules.exemption`)."""
    assert user.tenant_id is not None  # a department's planner or leader
    kind, reason = demo_rules.exemption(spec["exempt"], user.tenant_id)
    return {"exempt_kind": kind, "exempt_reason": reason}


def _businesses(category: str, count: int) -> list[str]:
    """The first ``count`` businesses of the directory in ``category`` (a small city may have none of it: then the
    first of the directory), those of the town whose food businesses the county's bureau draws this quarter first
    (``@1``, 宁市监抽〔…〕1号): the caterer checked on a complaint — the demo business ``fawu`` — is in that random
    draw's frame too, so that its own check of the draw (/business) shows its row."""
    town = deployed().towns[1][0]
    listed = (
        sa.select(Entity.code)
        .join(DirectoryEntry, DirectoryEntry.entity_id == Entity.id)
        .order_by(sa.case((Entity.region_code.startswith(town), 0), else_=1), Entity.code)
    )
    return list(db.session.scalars(listed.where(DirectoryEntry.category == category).limit(count))) or list(
        db.session.scalars(listed.limit(count))
    )


def _check(code: str, spec: NamedCheck, *, title: str, year: int, today: date) -> None:
    """Registered by the planner, approved by the leader, its inspectors drawn and each team's first drawn
    its 组长; when ``done``, handed out and checked: 入企, 离企 (which publishes it) and a published result."""
    planner, leader, admin = user_named(f"{code}_planner"), user_named(f"{code}_leader"), user_named(f"{code}_admin")
    first, last = (date.fromisoformat(f"{year}-{day}") for day in spec["window"])
    businesses = _businesses(spec["category"], len(spec["causes"]))
    registered_on = min(first - timedelta(days=3), today)
    with clock.frozen_at(datetime(registered_on.year, registered_on.month, registered_on.day, 9, 30)):
        campaign = campaign_commands.create_campaign(
            {
                "title": title,
                "year": year,
                "kind": "named",
                "method": "onsite",
                "team_size": 2,
                "item_ids": list(db.session.scalars(sa.select(Item.id).where(Item.name.in_(spec["items"])))),
                **_exemption(spec, planner),
                "named_targets": [
                    {"entity_code": business, "cause": cause, "reference": reference.format(year=year)}
                    for business, (cause, reference) in zip(businesses, spec["causes"], strict=False)
                ],
                "window_start": first.isoformat(),
                "window_end": last.isoformat(),
            },
            actor=planner,
        )
        campaign_commands.approve(campaign.id, actor=leader)
        campaign_commands.freeze_inspectors(campaign.id, actor=planner)
        campaign_commands.draw_inspectors(campaign.id, {"public_inputs": spec["observers"]}, actor=planner)
        led = set()
        for member in campaigns.list_team_members(campaign):
            if member.entity_id not in led:
                campaign_commands.designate_leader(campaign.id, {"member_id": member.id}, actor=planner)
                led.add(member.entity_id)
    if not spec["done"] or first >= today:
        return
    leaders_linked(code, campaign, admin)  # the hand-out waits for every 组长's account
    with clock.frozen_at(first - timedelta(days=1)):
        visits = results.hand_out(campaign.id, actor=planner)
    checked = first + timedelta(days=1)
    for visit in visits:
        chief = account_of(code, next(m for m in results_queries.team_of(visit) if m.is_leader).inspector, admin)
        with clock.frozen_at(datetime(checked.year, checked.month, checked.day, 9, 0)):
            results.record_arrival(visit.id, actor=chief)
        with clock.frozen_at(datetime(checked.year, checked.month, checked.day, 10, 40)):
            results.record_departure(visit.id, actor=chief)
            record, evaluation, opinions, findings = spec.get("result", COMPLAINT_RESULT)
            results.record_result(
                visit.id,
                {
                    "checked_on": checked.isoformat(),
                    "method": "onsite",
                    "record": record,
                    "evaluation": evaluation,
                    "opinions": opinions,
                    "items": {
                        str(item.id): (
                            {"categories": ["rectified"], "findings": findings}
                            if findings
                            else {"categories": ["no_problem"], "findings": ""}
                        )
                        for item in campaign.items
                    },
                },
                actor=chief,
            )
            results.submit_result(visit.id, actor=chief)
        with clock.frozen_at(datetime(checked.year, checked.month, checked.day, 16, 0)):
            results.approve_result(visit.id, actor=leader)
            results.publish_results([visit.id], actor=planner)


def _emergency(code: str, spec: EmergencyCheck, *, today: date) -> None:
    """Registered by the leader the day after, with the team that went; handed to that team to record the result."""
    day = today - timedelta(days=spec["days_ago"])
    title = spec["title"].format(month=day.month, day=day.day)
    if db.session.scalar(sa.select(Campaign.id).where(Campaign.year == day.year, Campaign.title == title)):
        return
    leader, planner = user_named(f"{code}_leader"), user_named(f"{code}_planner")
    items = list(db.session.scalars(sa.select(Item).where(Item.name.in_(spec["items"]))))
    needed = {c for item in items for c in item.inspector_categories or ()}
    team = [
        i.id
        for i in db.session.scalars(
            sa.select(Inspector)
            .where(
                Inspector.active.is_(True),
                Inspector.is_expert.is_(False),
                Inspector.cert_expires_on.is_(None) | (Inspector.cert_expires_on >= day),
            )
            .order_by(Inspector.id)
        )
        if set(i.categories or ()) & needed
    ][:2]
    cause, reference = spec["cause"]
    with clock.frozen_at(today):
        campaign = campaign_commands.register_emergency(
            {
                "title": title,
                "year": day.year,
                "method": "onsite",
                "team_size": 2,
                "item_ids": [i.id for i in items],
                **_exemption(spec, leader),
                "checked_on": day.isoformat(),
                "late_reason": spec["reason"],
                "team": team,
                "named_targets": [
                    {
                        "entity_code": business,
                        "cause": cause,
                        "reference": reference.format(month=day.month, day=day.day),
                    }
                    for business in _businesses(spec["category"], 1)
                ],
            },
            actor=leader,
        )
        leaders_linked(code, campaign, user_named(f"{code}_admin"))  # the hand-out waits for the 组长's account
        results.hand_out(campaign.id, actor=planner)
