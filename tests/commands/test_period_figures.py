"""Each period's figures as of that period (seed 001: 据实填报、避免前后矛盾): a past quarter's figures,
tables and drill-down count the item list, the two directories and the 细则 as they stood at its end —
not as they stand today — and a department created after a period shows nothing and owes nothing for
it. The history before the directories kept one is taken from what the audit log knows."""

from __future__ import annotations

import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.directory import commands as directory, queries as directory_queries
from spotcheck.tenants.directory.models import RemovedEntry
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.inspectors.models import InspectorTenure
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.rules import commands as rules
from spotcheck.tenants.rules.models import RulesDocument
from spotcheck.tenants.supervision import (
    commands as supervision_commands,
    duties,
    figures,
    queries,
    queries as supervision_queries,
)
from spotcheck.tenants.supervision.periods import parse
from tests.support.campaign_world import ITEM_BASICS, credit_code, id_number
from tests.support.helpers import DEMO_PASSWORD, migrate_to, user_named

Q1 = "2026Q1"  # ends on 31 March 2026
FEB, MARCH, APRIL, MAY = date(2026, 2, 10), date(2026, 3, 10), date(2026, 4, 10), date(2026, 5, 10)


def _entities(numbers) -> list[str]:
    lead = user_named("scj_admin")
    codes = [credit_code(900 + n) for n in numbers]
    with frozen_at(FEB), tenant_scope(lead.tenant_id):
        for n, code in zip(numbers, codes, strict=True):
            directory.create_entity(
                {"code": code, "name": f"时点检查对象{n}", "industry_code": "C2611", "region_code": "231084902"},
                actor=lead,
            )
        db.session.commit()
    return codes


def _inspector(admin, k: int) -> int:
    return inspectors.create_inspector(
        {
            "name": f"时点检查员{k}",
            "sex": "男",
            "post": "科员",
            "id_number": id_number(200 + k),
            "agency": "应急管理局",
            "cert_no": f"YJJ-T{k:03d}",
            "categories": ["culture"],
        },
        actor=admin,
    ).id


def _world() -> dict:
    """应急管理局's lists through the first half of 2026: in February three items published (A and C under
    random checking, both other fields), entries E1, E2, E4 and inspectors I1, I2, I4; in March E2
    removed and I2 deactivated; in April A renamed and taken out of random checking, C retired, B
    published, E1 removed, I1 deactivated, E3, E5, I3, I5 added and the 细则 published. At the end of the
    first quarter: 2 items under random checking, 2 entries (E1, E4), 2 inspectors (I1, I4), no 细则."""
    codes = _entities(range(1, 6))
    admin = user_named("yjj_admin")
    ids: dict = {"tenant": admin.tenant_id, "codes": codes}

    def add(n: int) -> int:
        entity = directory_queries.entity_by_code(codes[n - 1])
        return directory.add_entry({"entity_id": entity.id, "risk": "B", "category": "时点类"}, actor=admin).id

    def item(name: str) -> int:
        made = items.create_item({**ITEM_BASICS, "name": name, "field": "other"}, actor=admin)
        items.publish_item(made.id, actor=admin)
        return made.id

    with tenant_scope(admin.tenant_id):
        with frozen_at(FEB):
            ids["A"], ids["C"] = item("危险化学品经营许可检查"), item("烟花爆竹经营检查")
            entries = {n: add(n) for n in (1, 2, 4)}
            people = {k: _inspector(admin, k) for k in (1, 2, 4)}
            db.session.commit()
        with frozen_at(MARCH):
            directory.remove_entry(entries[2], actor=admin)
            inspectors.update_inspector(people[2], {"active": False}, actor=admin)
            db.session.commit()
        with frozen_at(APRIL):
            items.update_item(
                ids["A"],
                {
                    "name": "危险化学品经营许可证后检查",
                    "random_check": False,
                    "non_random_reason": "改为全覆盖检查",
                    "reason": "检查方式调整",
                },
                actor=admin,
            )
            items.retire_item(ids["C"], {"reason": "事项取消"}, actor=admin)
            ids["B"] = item("非煤矿山安全检查")
            directory.remove_entry(entries[1], actor=admin)
            inspectors.update_inspector(people[1], {"active": False}, actor=admin)
            for n in (3, 5):
                add(n)
            for k in (3, 5):
                _inspector(admin, k)
            rules.save_text({"title": "应急管理局双随机抽查实施细则", "body": "第一条 ……"}, actor=admin)
            rules.publish(actor=admin)
            db.session.commit()
    return ids


def _yjj(statuses):
    return next(s for s in statuses if s.code == "YJJ")


def test_a_past_quarter_shows_its_own_lists_not_todays(app):
    with app.app_context():
        world = _world()
        supervisor = user_named("sfj_supervisor")
        with frozen_at(MAY), tenant_scope(supervisor.tenant_id):
            past = _yjj(queries.statuses(parse(Q1), reader=supervisor))
            now = _yjj(queries.statuses(parse("2026Q2"), reader=supervisor))
            assert (past.items, past.other_items, past.other_random, past.entries, past.inspectors, past.rules) == (
                2,
                2,
                2,
                2,
                2,
                False,
            )
            # published in April, but started from another department's document and not yet confirmed as its own:
            # not counted as its 细则 (its drill-down row says it was published, its title that it awaits confirming)
            assert (now.items, now.other_items, now.other_random, now.entries, now.inspectors, now.rules) == (
                1,
                2,
                1,
                3,
                3,
                False,
            )
            assert (past.coverage_other, now.coverage_other) == (100.0, 50.0)

            # the drill-down lists what was counted: the items as their version then named them, the
            # entries then (one removed since, still listed), the inspectors then, the 细则 not yet published
            items = queries.figure_rows("items", world["tenant"], parse(Q1), reader=supervisor)[1]
            assert [row[1] for row in items.rows] == ["危险化学品经营许可检查", "烟花爆竹经营检查"]
            entries = queries.figure_rows("entries", world["tenant"], parse(Q1), reader=supervisor)[1]
            assert sorted(row[0] for row in entries.rows) == sorted([world["codes"][0], world["codes"][3]])
            assert entries.total == 2
            people = queries.figure_rows("inspectors", world["tenant"], parse(Q1), reader=supervisor)[1]
            assert sorted(row[0] for row in people.rows) == ["时点检查员1", "时点检查员4"]
            rules = queries.figure_rows("rules", world["tenant"], parse(Q1), reader=supervisor)[1]
            assert rules.rows[0][1:] == ["否", ""]
            assert queries.figure_rows("rules", world["tenant"], parse("2026Q2"), reader=supervisor)[1].rows[0][1:] == [
                "是",
                "2026-04-10",
            ]

            job = supervision_commands.request_table("practice", Q1, actor=supervisor)
            sheet = load_workbook(io.BytesIO(supervision_queries.table_file(job.id, supervisor)[0])).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        header = rows[next(i for i, row in enumerate(rows) if row[0] == "序号")]
        line = dict(zip(header, next(row for row in rows if row[1] == "宁安市应急管理局"), strict=True))
        assert (
            line["其他领域检查事项数"],
            line["纳入随机抽查事项数"],
            line["是否制定实施细则"],
            line["检查对象名录库（户）"],
            line["执法检查人员（人）"],
        ) == (2, 2, "否", 2, 2)


def test_a_department_created_after_a_period_shows_nothing_and_owes_nothing_for_it(app):
    with app.app_context():
        with frozen_at(MAY):
            tenant = accounts.create_department(
                {
                    "code": "WHJ",
                    "name": "文化广电旅游局",
                    "kind": "ordinary",
                    "region": "231084",
                    "admin": {"login": "whj_admin", "display_name": "文旅管理员", "password": DEMO_PASSWORD},
                },
                actor=user_named("admin"),
            )
            db.session.commit()
            admin = user_named("whj_admin")
            with tenant_scope(tenant.id):
                accounts.create_user(
                    {"login": "whj_leader", "display_name": "文旅局长", "password": DEMO_PASSWORD, "roles": ["leader"]},
                    actor=admin,
                )
                made = items.create_item({**ITEM_BASICS, "name": "演出场所检查", "field": "other"}, actor=admin)
                items.publish_item(made.id, actor=admin)
                db.session.commit()
        supervisor = user_named("sfj_supervisor")
        with frozen_at(date(2026, 5, 20)):
            with tenant_scope(supervisor.tenant_id):
                assert "WHJ" not in {s.code for s in queries.statuses(parse(Q1), reader=supervisor)}
                assert "WHJ" not in {sc.status.code for sc in queries.scores(parse(Q1), reader=supervisor)}
                assert "YJJ" in {s.code for s in queries.statuses(parse(Q1), reader=supervisor)}
                assert _whj(queries.statuses(parse("2026Q2"), reader=supervisor)).items == 1
                with pytest.raises(InvalidInputError) as refused:  # before every department: no table at all
                    supervision_commands.request_table("progress", "2025H1", actor=supervisor)
                assert "2025年上半年" in str(refused.value.errors["period"][0])
            with tenant_scope(tenant.id):
                leader = user_named("whj_leader")
                with pytest.raises(InvalidInputError) as refused:
                    supervision_commands.request_table("progress", Q1, actor=leader)
                assert set(refused.value.errors) == {"period"}
                assert "2026年5月10日" in str(refused.value.errors["period"][0])
                assert supervision_commands.request_table("progress", "2026H1", actor=leader) is not None
                owed = duties.states_of(db.session.get(type(tenant), tenant.id), years=[2026])
                assert owed and all(state.due.due_on >= MAY for state in owed)


def _whj(statuses):
    return next(s for s in statuses if s.code == "WHJ")


@pytest.mark.seconds(5)
def test_the_history_before_the_migration_is_taken_from_what_is_known(app):
    """Downgraded below the history and upgraded again: an inspector is in the directory from their adding
    to the deactivation the audit log recorded, an entry from its adding to its removal, and a 细则 first
    published at its first publication."""
    with app.app_context():
        _world()
        migrate_to(app, "0026")
        migrate_to(app)
        with system_access("test"):
            tenures = db.session.scalars(sa.select(InspectorTenure)).all()
            removed = db.session.scalars(sa.select(RemovedEntry)).all()
            document = db.session.scalar(sa.select(RulesDocument))
            assert len(tenures) == 5 and sum(1 for t in tenures if t.until is not None) == 2
            assert len(removed) == 2 and document.first_published_at is not None
            with frozen_at(MAY):
                yjj = next(s for s in figures.compute(parse(Q1), figures.departments()) if s.code == "YJJ")
            assert (yjj.entries, yjj.inspectors, yjj.rules) == (2, 2, False)
        db.session.remove()
