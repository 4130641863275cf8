"""Every role's home page says what that person has to do next, from the same allowed actions the
commands enforce."""

from __future__ import annotations

import re
from html import unescape

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.web import home
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaign_queries
from spotcheck.tenants.results import commands as results
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import post_form, signed_in, user_named
from tests.support.lateness_world import TODAY, two_submitted
from tests.support.results_world import teams_drawn


def _tasks(client) -> list[tuple[str, str]]:
    page = client.get("/").get_data(as_text=True)
    table = re.search(r'<table class="tasks[^"]*" id="home-tasks">(.*?)</table>', page, re.S)
    if table is None:
        return []
    return [
        (kind, re.sub(r"<[^>]+>", " ", row).split()[-1])
        for kind, row in re.findall(r'<tr data-kind="(\w+)"[^>]*>(.*?)</tr>', table.group(1), re.S)
    ]


def test_the_next_step_moves_from_the_leader_to_the_planner(app):
    with app.app_context():
        world = build(file_plan=True)
        admin = user_named("yjj_admin")
        with tenant_scope(world["tenant"]):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
            campaign_id = campaign.id
    leader, planner = signed_in(app, "yjj_leader"), signed_in(app, "yjj_planner")
    assert ("campaign", "批准") in _tasks(leader)
    assert not [task for task in _tasks(planner) if task[0] == "campaign"]  # a draft waits for the leader
    with app.app_context(), tenant_scope(world["tenant"]):
        campaign_commands.approve(campaign_id, actor=leader_of(user_named("yjj_admin")))
    assert ("campaign", "锁定检查对象抽取范围") in _tasks(planner)
    assert not [task for task in _tasks(leader) if task[0] == "campaign"]


def test_the_supervisor_sees_the_plans_waiting_for_filing(app):
    with app.app_context():
        build(file_plan=False)
    page = signed_in(app, "sfj_supervisor").get("/").get_data(as_text=True)
    assert "等待您备案或退回修改的计划：1 份。" in page and 'href="/plans/review"' in page


def test_the_campaigns_own_to_dos_are_the_home_pages_campaign_to_dos(app):
    """``campaigns.queries.tasks_for`` gives the campaign to-dos the home page lists (kind "campaign")."""

    def same(tasks):
        return [(task.kind, task.obj.id, task.actions) for task in tasks]

    with app.app_context():
        world = build(file_plan=True)
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(world["tenant"]):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            for reader in (planner, leader):
                listed = [task for task in home.tasks_for(reader) if task.kind == "campaign"]
                assert same(campaign_queries.tasks_for(reader)) == same(listed)
            assert same(campaign_queries.tasks_for(leader)) == [("campaign", campaign.id, frozenset({"approve"}))]
            campaign_commands.approve(campaign.id, actor=leader)
            for reader in (planner, leader):
                listed = [task for task in home.tasks_for(reader) if task.kind == "campaign"]
                assert same(campaign_queries.tasks_for(reader)) == same(listed)
            assert same(campaign_queries.tasks_for(planner)) == [
                ("campaign", campaign.id, frozenset({"freeze_targets"}))
            ]


def test_a_campaign_waits_for_team_leaders_only_while_some_visit_has_none(app):
    with app.app_context():
        world = build(file_plan=True)
        campaign_id = teams_drawn(world)
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(world["tenant"]):
            mine = {task.obj.id: task.actions for task in campaign_queries.tasks_for(planner)}
            listed = {task.obj.id: task.actions for task in home.tasks_for(planner) if task.kind == "campaign"}
            assert mine.keys() <= listed.keys()
            assert all(listed[key] - mine[key] <= {"hand_out", "close"} for key in mine)  # the results' steps
            assert "designate_leader" not in listed.get(campaign_id, frozenset())  # every visit has its leader
            assert "hand_out" in listed[campaign_id]  # ready to hand out: the home page says so


def test_my_recent_activity_names_what_each_action_was_about(app):
    client = signed_in(app, "scj_admin")
    added = post_form(
        client,
        "/catalog/items/new",
        {"name": "近期操作测试事项", "field": "market", "kind": "general"},
        token_from="/catalog/items/new",
    )
    assert added.status_code == 302
    home = client.get("/").get_data(as_text=True)
    recent = re.sub(r"<[^>]+>", " ", home.split("我的近期操作")[1].split("</table>")[0])
    assert "近期操作测试事项" in recent, recent  # the item by its name, not "事项" alone


def test_the_same_action_on_the_same_object_in_a_row_is_one_row_of_my_recent_activity(app):
    """A job's batches, or three sign-ins, are one row counted, not a list of identical rows."""
    for _ in range(3):
        client = signed_in(app, "scj_admin")
    recent = client.get("/").get_data(as_text=True).split("我的近期操作")[1].split("</table>")[0]
    rows = [re.sub(r"<[^>]+>", " ", row) for row in recent.split("<tr>")[2:]]
    assert "登录" in rows[0] and "（共 3 次）" in rows[0], rows
    assert sum("登录" in row for row in rows) == 1, rows


def _visit_rows(page: str) -> dict[int, tuple[str, str]]:
    """The home's to-do rows of visits: the visit's id (from its link) -> the row's text and its first link."""
    table = re.search(r'<table class="tasks[^"]*" id="home-tasks">(.*?)</table>', page, re.S)
    found = {}
    for row in re.findall(r'<tr data-kind="visit"[^>]*>(.*?)</tr>', table.group(1) if table else "", re.S):
        link = re.search(r'href="(/visits/(\d+))"', row)
        found[int(link.group(2))] = (re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", row))).strip(), link.group(1))
    return found


def test_the_leaders_and_the_planners_homes_name_the_publications_overdue_and_due_soon(app):
    """Issue 72 §5: on Thursday 7 May the leader's home names the result past its publication due date (29 April)
    and the one due soon (Saturday 9 May, a make-up working day) — business, campaign, the due date, 逾期3个工作日
    or 即将到期, and the step, in words — each a link to the visit where it is reviewed, and counts them beside
    the review list; once approved, the planner's home does the same for publication. The inspector who
    recorded them is shown neither."""
    with app.app_context():
        ids = two_submitted()
    late, soon = ids["late"], ids["soon"]
    expected = {
        late: (ids["late_name"], "公示期限 2026-04-29 逾期3个工作日"),
        soon: (ids["soon_name"], "公示期限 2026-05-09 即将到期"),
    }

    def names_both(login: str, step: str, queue: str) -> None:
        page = signed_in(app, login).get("/").get_data(as_text=True)
        rows = _visit_rows(page)
        for visit_id, (name, due) in expected.items():
            text, link = rows[visit_id]
            assert text.startswith(name) and ids["campaign_code"] in text and due in text, (login, text)
            assert text.endswith(step) and link == f"/visits/{visit_id}", (login, text)
        queues = re.sub(r"<[^>]+>", "", page.split('id="home-queues"')[1].split("</ul>")[0])
        assert f"{queue}：2 项" in queues and "其中已过公示期限 1 项、即将到期 1 项" in queues, queues

    with frozen_at(TODAY):
        names_both("yjj_leader", "审核检查结果", "待审核的检查结果")
        inspector = signed_in(app, "yjj_inspector").get("/").get_data(as_text=True)
        assert not {late, soon} & _visit_rows(inspector).keys()
        assert "逾期3个工作日" not in inspector and "公示期限" not in inspector and 'id="home-queues"' not in inspector
    with app.app_context(), tenant_scope(ids["tenant"]), frozen_at(TODAY):
        for one in (late, soon):
            results.approve_result(one, actor=user_named("yjj_leader"))
        db.session.commit()
    with frozen_at(TODAY):
        names_both("yjj_planner", "公示检查结果", "已批准待公示的检查结果")
        assert not {late, soon} & _visit_rows(signed_in(app, "yjj_leader").get("/").get_data(as_text=True)).keys()
