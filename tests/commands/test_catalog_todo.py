"""The to-dos (待办事项) of the item list (一单) and of annual plans (年度检查计划): each domain's
``queries.tasks_for`` gives what the home page lists for its kind, for every reader."""

from __future__ import annotations

from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.web import home
from spotcheck.tenants.items import commands as items, queries as item_queries
from spotcheck.tenants.plans import commands as plans, queries as plan_queries
from tests.support.helpers import user_named

READERS = ("scj_admin", "scj_planner", "scj_leader", "scj_inspector")


def _of(tasks, kind):
    return [(task.obj.id, task.actions) for task in tasks if task.kind == kind]


def test_items_and_plans_give_the_tasks_the_home_page_gave(app):
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            items.create_item({"name": "待办测试事项（草稿）"}, actor=admin)
            plans.create_plan(
                {"year": 2031, "half": None, "title": "2031年度待办测试计划"}, actor=user_named("scj_planner")
            )
            for login in READERS:
                reader = user_named(login)
                before = home.tasks_for(reader, limit=1000)
                assert _of(item_queries.tasks_for(reader, 1000), "item") == _of(before, "item"), login
                assert _of(plan_queries.tasks_for(reader, 1000), "plan") == _of(before, "plan"), login
            assert _of(item_queries.tasks_for(admin), "item")  # the draft waits for its publication
