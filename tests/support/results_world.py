"""A campaign of the test department whose visits are handed to their teams, with the first
visit's two inspectors linked to user accounts: ``yjj_inspector`` (the team leader, 组长) and
``yjj_inspector2`` (a member), created here through the commands."""

from __future__ import annotations

import io
from contextlib import nullcontext

import openpyxl
import sqlalchemy as sa

from spotcheck.core import events
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import commands as tenants
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results import codes, commands as results, queries as results_queries
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.spreadsheets import queries as sheet_queries
from tests.support.campaign_world import build, campaign_data, planner_of
from tests.support.helpers import DEMO_PASSWORD, user_named
from tests.support.leader_accounts import open_leader_accounts
from tests.support.snapshots import snapshotted


@snapshotted
def teams_drawn(world, department: str = "yjj", **campaign) -> int:
    """A campaign of ``world`` (``campaign``: fields other than the usual ones) by ``department``'s planner and leader,
    with both draws made and a team leader named for every visit, each with an account (``<department>_inspector``
    the first visit's): the hand-out asks it."""
    campaign_id = leaders_named(world, department, **campaign)
    open_leader_accounts(campaign_id, department, first_to=f"{department}_inspector")
    return campaign_id


@snapshotted
def leaders_named(world, department: str = "yjj", **campaign) -> int:
    """:func:`teams_drawn` before its leaders have accounts: its hand-out is refused until they have."""
    planner, leader = user_named(f"{department}_planner"), user_named(f"{department}_leader")
    with tenant_scope(planner.tenant_id):
        campaign = campaign_commands.create_campaign(campaign_data(world, **campaign), actor=planner)
        campaign_commands.approve(campaign.id, actor=leader)
        campaign_commands.freeze_targets(campaign.id, actor=planner)
        campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:人大代表 1234"]}, actor=planner)
        campaign_commands.freeze_inspectors(campaign.id, actor=planner)
        campaign_commands.draw_inspectors(campaign.id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=planner)
        seen = set()
        for member in campaigns.list_team_members(campaign):
            if member.entity_id not in seen:
                seen.add(member.entity_id)
                campaign_commands.designate_leader(campaign.id, {"member_id": member.id}, actor=planner)
        db.session.commit()
        return campaign.id


@snapshotted
def handed_out(*, notices: bool = False, **campaign) -> dict:
    """Build the world, draw, hand out; link two inspectors of the first visit to accounts.
    Returns the ids: campaign, visit, item, tenant, and the team's inspector ids. ``notices``: let
    the hand-out start the notices job (PDFs, seconds a run); the tests of notices ask for it.
    ``campaign``: fields of the campaign other than the usual ones (another window…)."""
    world = build()
    campaign_id = teams_drawn(world, **campaign)
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        campaign = campaigns.get_campaign(campaign_id)
        with nullcontext() if notices else events.suspended():
            visits = results.hand_out(campaign.id, actor=planner_of(admin))
        visit = min(visits, key=lambda v: v.id)
        second = tenants.create_user(
            {"login": "yjj_inspector2", "display_name": "褚明", "password": DEMO_PASSWORD, "roles": ["inspector"]},
            actor=admin,
        )
        team = results_queries.team_of(visit)
        results.link_inspector(
            team[0].inspector_id, {"user_id": user_named("yjj_inspector").id, "other_name": True}, actor=admin
        )
        results.link_inspector(team[1].inspector_id, {"user_id": second.id, "other_name": True}, actor=admin)
        db.session.commit()
        return {
            "campaign": campaign_id,
            "visit": visit.id,
            "item": world["item"],
            "tenant": admin.tenant_id,
            "visits": len(visits),
            "leader_inspector": team[0].inspector_id,
            "member_inspector": team[1].inspector_id,
            "world": world,
        }


def visit(ids) -> Visit:
    return db.session.scalar(sa.select(Visit).where(Visit.id == ids["visit"]).execution_options(populate_existing=True))


def codes_of(ids) -> tuple[str, str, str, int]:
    """The first visit's 检查码 (its token and its 12 characters), 企业核验码 and id, as a business holds them."""
    with tenant_scope(ids["tenant"]):
        one = visit(ids)
        return one.code.token, one.code.typed, codes.business_code(one.code), one.id


def inspector(inspector_id: int) -> Inspector:
    return db.session.get(Inspector, inspector_id)


def complete_result(ids, **overrides) -> dict:
    data = {
        "checked_on": "2026-04-30",
        "method": "onsite",
        "record": "现场检查危化品仓库，台账齐全。",
        "evaluation": "安全管理制度基本落实，应急预案演练不到位。",
        "opinions": "责令限期组织应急预案演练。",
        "items": {str(ids["item"]): {"categories": ["pending_own_rules"], "findings": "应急预案未按规定演练。"}},
    }
    data.update(overrides)
    return data


def published(ids) -> Visit:
    """Take the first visit from recording to a published result (a problem found)."""
    chief, leader = user_named("yjj_inspector"), user_named("yjj_leader")
    results.record_result(visit(ids).id, complete_result(ids), actor=chief)
    results.submit_result(visit(ids).id, actor=chief)
    results.approve_result(visit(ids).id, actor=leader)
    results.publish_results([ids["visit"]], actor=planner_of(user_named("yjj_admin")))
    db.session.commit()
    return visit(ids)


# --- the results workbook (检查结果导入), as a planner fills it offline ----------------------------


def template_rows(campaign) -> tuple[list[str], list[list]]:
    """The campaign's results workbook, downloaded: its headers and its rows (a visit and item each)."""
    stream, name = sheet_queries.results_template(campaign)
    assert name.startswith("抽查检查结果-") and name.endswith(".xlsx")
    sheet = openpyxl.load_workbook(stream).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [str(h) for h in rows[0]], rows[1:]


def filled_workbook(headers, rows, change=None) -> bytes:
    """The workbook filled in: every other visit, and the last, found a problem; ``change(number,
    values)`` alters a row before it is written."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for number, row in enumerate(rows):
        values = dict(zip(headers, row, strict=True))
        problem = number % 2 == 1 or number == len(rows) - 1
        values.update(
            {
                "检查日期": "2026-04-30",
                "核查方式": "实地检查",
                "检查结果": "发现问题待后续处理：违反本部门其他规定" if problem else "未发现问题",
                "检查情况": "应急预案未按规定演练。" if problem else "",
                "检查记录": "现场检查，台账齐全。",
                "对被检查人的评价": "安全管理制度基本落实。",
                "处理意见和建议": "按规定开展自查。",
            }
        )
        if change:
            change(number, values)
        sheet.append([values.get(h) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
