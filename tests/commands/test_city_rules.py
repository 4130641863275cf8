"""One city's own rules (本地规则): the same year of one department under 宁安市's and under 城口县's
实施方案 gives each city's duties, deadlines, to-dos and tables, and only those; a department's 细则
tightens them and is refused when it would loosen them, naming the article of the floor; a version
taking effect mid-year leaves every deadline already given where it was; and the rules file goes out
with ``spotcheck rules show`` and back with ``spotcheck rules load`` unchanged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.calendar import add_working_days
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.rules import county_id
from spotcheck.tenants.campaigns import commands as campaigns
from spotcheck.tenants.items import queries as items
from spotcheck.tenants.results import commands as results, deadlines
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.rules import commands as rules, documents, presets, rulebook, rulefile
from spotcheck.tenants.rules.models import RuleVersion
from spotcheck.tenants.supervision import duties, figures, queries as supervision, tables
from spotcheck.tenants.supervision.periods import Period
from tests.support import campaign_world
from tests.support.helpers import signed_in, tenant_id, user_named
from tests.support.page_text import visible_text
from tests.support.results_world import handed_out
from tests.support.rulebooks import CHENGKOU, NINGAN, adopt, cited

#: The year's statistical tables each city's departments owe (宁安市 第9、10条; 城口县 三（三）).
DUTIES = {
    "宁安市": {"progress/2026H1", "progress/2026H2", "practice/2026H1", "practice/2026H2", "joint/2026"},
    "城口县": {"dept/2026Q1", "dept/2026Q2", "dept/2026Q3", "dept/2026Q4"},
}
#: The tables each city uses (and the platform's own list of contacts).
TABLES = {
    "宁安市": {"plan", "progress", "joint", "halfplan", "practice", "contacts"},
    "城口县": {"area", "dept", "contacts"},
}


def _versions() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RuleVersion))


def _load_department(code: str, document: documents.Document, on: date):
    with frozen_at(on), tenant_scope(tenant_id(code)):
        return rules.load_department_rules({"text": rulefile.write(document)}, actor=CONSOLE)


@pytest.mark.seconds(2.7)
@pytest.mark.parametrize("city", ["宁安市", "城口县"])
def test_a_year_of_one_department_under_each_citys_rulebook(app, city):
    with app.app_context():
        if city == "城口县":
            adopt("城口县", date(2026, 1, 1))
        world_ids = campaign_world.build("yjj", file_plan=False)  # a published item outside market regulation
        yjj, planner = tenant_id("YJJ"), user_named("yjj_planner")
        with frozen_at(date(2026, 6, 20)), tenant_scope(yjj):
            rules_now = rulebook.rules_for(yjj)
            assert rules_now.place == city
            # the duties owed, and those on the planner's to-do list, are the city's only
            owed = {state.due.key for state in duties.states_of(planner.tenant, [2026])}
            assert owed == DUTIES[city]
            reports = {task.obj.due.key for task in supervision.tasks_for(planner) if task.kind == "report"}
            assert reports == (
                {"progress/2026H1", "practice/2026H1"} if city == "宁安市" else {"dept/2026Q1", "dept/2026Q2"}
            )  # Q1 due 29 March: missing, still to do
            [duty] = [s.due.duty for s in duties.states_of(planner.tenant, [2026])][:1]
            assert duty.citation.startswith(f"《{(NINGAN if city == '宁安市' else CHENGKOU).title}》")
            # the plan filing: 宁安市's 1月15日 with its authorities; 城口县 asks none
            status = figures.compute(Period(2026), [planner.tenant])[0]
            assert (status.plan_year.status == "not_required") == (city == "城口县")
            assert (status.plan_year.deadline == date(2026, 1, 15)) == (city == "宁安市")
            # the coverage goals: 城口县's 70 % / 50 %, 宁安市 none
            goals = {c.field: c.goal_percent for c in items.coverage()}
            assert goals == ({"market": None, "other": None} if city == "宁安市" else {"market": 70, "other": 50})
            # the tables offered: the city's
            assert {spec.code for spec in tables.offered(tenant_id=yjj)} == TABLES[city]
            assert tables.title_of(
                "dept" if city == "城口县" else "progress", Period(2026, "half", 1), tenant_id=yjj
            ) == (
                "市直部门2026年度随机抽查工作进展情况统计表"
                if city == "宁安市"
                else "县政府部门、有关单位推行“双随机、一公开”情况统计表"
            )
            # the deadlines of a check that ended today: 应急管理局's own 5 working days (its 细则), 20 to
            # publish (the national floor) — in either city; 市场监督管理局 has no report deadline in either
            ended = date(2026, 6, 19)
            assert deadlines.report_due(ended, yjj).due == add_working_days(ended, 5).due
            assert deadlines.publish_due(ended, yjj).due == add_working_days(ended, 20).due
            assert deadlines.report_due(ended, tenant_id("SCJ")) is None
            # 一单两库一细则 filed: 城口县 asks it (一、三（一）) and 应急管理局's administrator is told what is
            # still missing on the home page; 宁安市 does not ask it
            admin = user_named("yjj_admin")
            basics = [task.obj for task in supervision.tasks_for(admin) if task.kind == "basics"]
            home = visible_text(signed_in(app, "yjj_admin").get("/").get_data(as_text=True))
            if city == "城口县":
                [to_do] = basics
                assert to_do.missing == ("实施细则",) and to_do.rule.startswith(f"《{CHENGKOU.title}》")
                assert "一单两库一细则" in home and "实施细则" in home and to_do.rule in home
            else:
                assert basics == [] and "一单两库一细则" not in home
        # a campaign outside any filed plan: refused in 宁安市 naming its 第3条, made in 城口县
        with frozen_at(date(2026, 2, 1)), tenant_scope(yjj):
            data = campaign_world.campaign_data(world_ids)
            if city == "宁安市":
                with pytest.raises(InvalidInputError) as refused:
                    campaigns.create_campaign(data, actor=planner)
                assert cited("第3条") in str(refused.value.errors["item_ids"][0])
            else:
                assert campaigns.create_campaign(data, actor=planner).plan_id is None


def test_a_stricter_department_rule_applies_and_a_looser_one_is_refused_naming_the_floor(app):
    base = replace(presets.BY_NAME["乌审旗应急管理局"].document, issuer="宁安市应急管理局")  # as the department's own
    with app.app_context():
        yjj, before = tenant_id("YJJ"), _versions()
        # looser than the national floor: refused, the article named, nothing changed
        looser = replace(
            base,
            effective_from=date(2026, 12, 1),
            entries={**base.entries, "publish_days": documents.Entry(25, "四（三）")},
        )
        with pytest.raises(InvalidInputError) as refused:
            _load_department("YJJ", looser, date(2026, 11, 24))
        assert "《企业信息公示暂行条例》第六条、第七条" in refused.value.errors["publish_days"][0]
        # setting what only the rulebook sets: refused
        authorities = replace(
            base,
            effective_from=date(2026, 12, 1),
            entries={**base.entries, "filing_authorities": documents.Entry(["justice"], "四（三）")},
        )
        with pytest.raises(InvalidInputError) as refused:
            _load_department("YJJ", authorities, date(2026, 11, 24))
        assert "由实施方案规定" in refused.value.errors["filing_authorities"][0]
        assert _versions() == before
        # stricter: a report due in 3 working days is due in 3, and a team of 3 is the least
        stricter = replace(
            base,
            effective_from=date(2026, 12, 1),
            entries={
                **base.entries,
                "report_days": documents.Entry(3, "四（三）"),
                "min_team_size": documents.Entry(3, "四（三）"),
            },
        )
        _load_department("YJJ", stricter, date(2026, 11, 24))
        db.session.commit()
        ended = date(2026, 12, 2)
        assert deadlines.report_due(ended, yjj).due == add_working_days(ended, 3).due
        assert rulebook.rules_for(yjj, ended).min_team_size == 3
        assert rulebook.rules_for(yjj, date(2026, 11, 30)).report_days == 5  # the days before keep the 5


def test_a_rulebook_looser_than_the_floor_or_than_what_a_department_keeps_is_refused(app):
    with app.app_context():
        before = _versions()
        loose = replace(
            NINGAN,
            effective_from=date(2027, 1, 1),
            entries={**NINGAN.entries, "publish_days": documents.Entry(30, "第9条")},
        )
        with frozen_at(date(2026, 11, 24)), pytest.raises(InvalidInputError) as refused:
            rules.load_rulebook({"text": rulefile.write(loose), "region": county_id()}, actor=CONSOLE)
        assert "《企业信息公示暂行条例》第六条、第七条" in refused.value.errors["publish_days"][0]
        # a rulebook asking a 3-day report while 应急管理局's rules keep 5: the department is named
        strict = replace(
            NINGAN,
            effective_from=date(2027, 1, 1),
            entries={**NINGAN.entries, "report_days": documents.Entry(3, "第9条")},
        )
        with frozen_at(date(2026, 11, 24)), pytest.raises(InvalidInputError) as refused:
            rules.load_rulebook({"text": rulefile.write(strict), "region": county_id()}, actor=CONSOLE)
        assert any(
            "应急管理局" in message and "检查结果报送期限" in message for message in refused.value.errors["departments"]
        )
        assert _versions() == before


def test_a_version_taking_effect_mid_year_leaves_every_deadline_given_where_it_was(app):
    with app.app_context():
        ids = handed_out()
        yjj = ids["tenant"]
        chief = user_named("yjj_inspector")
        with frozen_at(date(2026, 3, 3)), tenant_scope(yjj):
            results.record_result(
                ids["visit"], {"checked_on": "2026-03-02", "checked_until": "2026-03-02"}, actor=chief
            )
            db.session.commit()
            given = db.session.get(Visit, ids["visit"]).report_due
        assert given == add_working_days(date(2026, 3, 2), 5).due
        # on 10 March the department tightens its rules from 1 April: 3 working days
        base = rulebook.document_of(rulebook.version_ids(yjj, date(2026, 3, 10))[1])  # its own rules, revised
        _load_department(
            "YJJ",
            replace(
                base,
                effective_from=date(2026, 4, 1),
                entries={**base.entries, "report_days": documents.Entry(3, "四（三）")},
            ),
            date(2026, 3, 10),
        )
        db.session.commit()
        with frozen_at(date(2026, 4, 2)), tenant_scope(yjj):
            visit = db.session.get(Visit, ids["visit"])
            assert visit.report_due == given  # given in March, under the rules of March: it stays
            assert deadlines.report_due(date(2026, 4, 2), yjj).due == add_working_days(date(2026, 4, 2), 3).due
        # a rulebook version that drops a duty from 1 July: owed for the first half, not for the second
        dropped = replace(
            NINGAN,
            effective_from=date(2026, 7, 1),
            entries={
                **NINGAN.entries,
                "duties": documents.Entry(
                    [d for d in NINGAN.entries["duties"].value if d["table"] != "practice"], "第9条、第10条"
                ),
            },
        )
        with frozen_at(date(2026, 6, 1)):
            rules.load_rulebook({"text": rulefile.write(dropped), "region": county_id()}, actor=CONSOLE)
        db.session.commit()
        with frozen_at(date(2026, 7, 5)), tenant_scope(yjj):
            owed = {s.due.key for s in duties.states_of(user_named("yjj_leader").tenant, [2026])}
        assert "practice/2026H1" in owed and "practice/2026H2" not in owed and "progress/2026H2" in owed


def test_show_then_load_changes_nothing_and_a_malformed_file_changes_nothing_naming_every_bad_key(app):
    runner = app.test_cli_runner()
    with app.app_context():
        before = _versions()
    shown = runner.invoke(args=["rules", "show", "--region", "231084"])
    assert shown.exit_code == 0 and "[document]" in shown.output and "宁安市" in shown.output
    again = runner.invoke(args=["rules", "load", "-", "--region", "231084"], input=shown.output)
    assert again.exit_code == 0 and "相同" in again.output
    shown = runner.invoke(args=["rules", "show", "--department", "YJJ"])
    assert runner.invoke(args=["rules", "load", "-", "--department", "YJJ"], input=shown.output).exit_code == 0
    bad = (
        runner.invoke(args=["rules", "show", "--region", "231084"])
        .output.replace("effective_from = 2019-05-23", 'effective_from = "明天"')
        .replace("[report_days]", '[report_days]\nvalue = "五天"\narticle = "第99条"', 1)
        + "\n[weekly_visits]\nvalue = 3\n"
    )
    bad = bad.replace('open = "本方案要求“及时录入”检查结果（第9条），未规定报送的工作日数。"\n', "", 1)
    refused = runner.invoke(args=["rules", "load", "-", "--region", "231084"], input=bad)
    assert refused.exit_code == 2
    assert "document.effective_from" in refused.output and "施行日期" in refused.output
    assert "report_days.value" in refused.output and "weekly_visits" in refused.output
    assert "检查结果报送期限（取值）" in refused.output  # each key with its name
    assert "未载入" in refused.output
    history = runner.invoke(args=["rules", "history", "--region", "231084"])
    assert history.exit_code == 0 and "现行" in history.output and "in_force" not in history.output
    syntax = runner.invoke(args=["rules", "load", "-"], input="[document\ntitle = ")
    assert syntax.exit_code == 2 and "TOML" in syntax.output and "第1行" in syntax.output
    with app.app_context():
        assert _versions() == before


def test_a_version_not_yet_in_force_is_replaced_by_another_of_its_day_but_never_by_the_same_file(app):
    with app.app_context():
        coming = replace(
            NINGAN,
            effective_from=date(2027, 1, 1),
            entries={**NINGAN.entries, "publish_days": documents.Entry(15, "第9条")},
        )
        with frozen_at(date(2026, 11, 24)):
            first = rules.load_rulebook({"text": rulefile.write(coming), "region": county_id()}, actor=CONSOLE)
            db.session.commit()
            with pytest.raises(InvalidInputError) as refused:  # the same file again: nothing loaded
                rules.load_rulebook({"text": rulefile.write(coming), "region": county_id()}, actor=CONSOLE)
            assert "内容相同" in str(refused.value.errors["file"][0])
            other = replace(coming, entries={**coming.entries, "publish_days": documents.Entry(10, "第9条")})
            second = rules.load_rulebook({"text": rulefile.write(other), "region": county_id()}, actor=CONSOLE)
            db.session.commit()
        assert db.session.get(RuleVersion, first.id).withdrawn and not db.session.get(RuleVersion, second.id).withdrawn
        assert rulebook.rules_for_region(county_id(), date(2027, 1, 4)).publish_days == 10
        assert rulebook.rules_for_region(county_id(), date(2026, 12, 31)).publish_days == 20  # until then, the floor's
