"""Every refusal that enforces a rule names its source, from the rules in force for that object: under 城口县's
rulebook nothing cites 宁安市's or another place's article — only 城口县's own, the national floor (or national
law: 《中华人民共和国行政处罚法》第四十二条 for the team of two), or nothing where no document sets the rule; a
department's preset keeps its own articles (唐山高新区商务局's 二（二）4: 如实填写检查记录表)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at, today
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.directory import commands as directory
from spotcheck.tenants.directory.models import DirectorySize
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.plans import commands as plans
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.policy import VISIT_ACTIONS, follow_up_rule
from spotcheck.tenants.rules import commands as rules_commands, presets
from spotcheck.tenants.supervision import queries as supervision
from tests.support.campaign_world import ITEM_BASICS, STRATA, build, campaign_data
from tests.support.helpers import user_named
from tests.support.results_world import complete_result, handed_out, visit
from tests.support.rulebooks import adopt

#: What a refusal under 城口县 may never name: another place's documents.
ELSEWHERE = ("宁安", "赤峰", "乌审旗", "唐山", "第8条", "第3条", "第9条")
CHENGKOU = "《城口县全面推行“双随机、一公开”工作机制的实施方案》"


def _messages(refused) -> list[str]:
    value = refused.value
    if isinstance(value, InvalidInputError):
        return [str(m) for ms in value.errors.values() for m in ms]
    return [str(value)]


def test_under_chengkou_refusals_cite_only_its_rulebook_the_floor_or_nothing(app):
    """市场监督管理局, with no 细则 of its own, under 城口县's rulebook: every refusal below names 城口县's document,
    the
    national floor or national law — and no other place's."""
    with app.app_context():
        adopt("城口县", date(2026, 1, 1))
        world = build("scj", file_plan=False)
        admin, planner = user_named("scj_admin"), user_named("scj_planner")
        said: list[str] = []
        with tenant_scope(world["tenant"]):
            cases = {
                "exempt_kind": campaign_data(world, exempt_kind="complaint", exempt_reason="举报"),
                "strata": campaign_data(world, strata={**STRATA, "flagged": {"ratio_bp": 100, "min": 0}}),
                "team_size": campaign_data(world, team_size=1),
            }
            by_field = {}
            for field, data in cases.items():
                with pytest.raises(InvalidInputError) as refused:
                    campaign_commands.create_campaign(data, actor=planner)
                by_field[field] = [str(m) for m in refused.value.errors[field]]
                said += _messages(refused)
            assert "不要求编制年度检查计划" in by_field["exempt_kind"][0]  # why no exemption applies, citing
            assert "《城口县实施方案》" in by_field["exempt_kind"][0]  # the rulebook that asks no plan
            assert all("国发〔2019〕5号" in m for m in by_field["strata"])
            assert "《中华人民共和国行政处罚法》第四十二条" in by_field["team_size"][0]
            item = items.create_item(
                {
                    **ITEM_BASICS,
                    "name": "未随机抽查的事项",
                    "random_check": False,
                    "inspector_categories": ["market"],
                    "field": "market",
                },
                actor=admin,
            )
            with pytest.raises(InvalidInputError) as refused:
                items.publish_item(item.id, actor=admin)  # no written reason: the platform's own rule, no document
            said += _messages(refused)
            with pytest.raises(ConflictError) as refused:  # 城口县 asks no filing: saying so, by its own document
                plans.submit(world["plan"], actor=user_named("scj_leader"))
            assert "《城口县实施方案》" in str(refused.value)
            said += _messages(refused)
        with tenant_scope(user_named("yjj_admin").tenant_id), pytest.raises(ForbiddenError) as refused:
            plans.review(world["plan"], {"accept": True}, actor=user_named("yjj_leader"))
        said += _messages(refused)
        assert said and not [m for m in said if any(word in m for word in ELSEWHERE)], said


def test_the_follow_up_rule_and_the_team_rule_cite_the_visits_own_rules(app):
    """The rule that a problem found is dealt with before the visit closes cites the department's rules in force
    (its 细则, from 乌审旗's 四（四）) or, under 城口县 without one, 城口县's 二（六）; 谁检查、谁录入 cites 宁安市's
    第9条
    and, where no document says it, no document."""
    with app.app_context():
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            campaign = visit(ids).campaign
            assert "四（四），" in str(follow_up_rule(campaign))
            others = [
                v
                for v in db.session.scalars(sa.select(Visit).where(Visit.campaign_id == ids["campaign"]))
                if VISIT_ACTIONS.by_name["record"].possible(v) and v.id != ids["visit"]
            ]
            stranger = user_named("yjj_inspector")  # on the first visit's team, not on every other
            other = next(v for v in others if not VISIT_ACTIONS.by_name["record"].by_whom(v, stranger))
            with pytest.raises(ForbiddenError) as refused:
                VISIT_ACTIONS.require(other, stranger, "record")
            assert "《宁安市人民政府办公室关于进一步加强和创新“双随机、一公开”监管工作的实施方案》第9条，" in str(
                refused.value
            )
            adopt("城口县", today() + timedelta(days=1))
        with frozen_at(today() + timedelta(days=2)), tenant_scope(ids["tenant"]):
            db.session.expire_all()
            with pytest.raises(ForbiddenError) as refused:  # the campaign keeps the rules of its approval: 宁安市's
                VISIT_ACTIONS.require(db.session.get(Visit, other.id), stranger, "record")
            assert "第9条，" in str(refused.value)


def test_an_empty_record_is_refused_under_tangshans_preset(app):
    """唐山高新区商务局's 二（二）4 (如实填写检查记录表, 做到全程记录): a department under that preset submits no result
    without its record, the refusal citing the article."""
    with app.app_context():
        ids = handed_out()
        admin, chief = user_named("yjj_admin"), user_named("yjj_inspector")
        preset = presets.BY_NAME["唐山高新区商务局"]
        with frozen_at(date(2026, 2, 1)), tenant_scope(ids["tenant"]):
            rules_commands.load_department_rules({"text": preset.text, "preset": preset.name}, actor=admin)
            db.session.commit()
        with tenant_scope(ids["tenant"]):
            results.record_result(visit(ids).id, complete_result(ids, record="  "), actor=chief)
            db.session.commit()
            with pytest.raises(InvalidInputError) as refused:
                results.submit_result(visit(ids).id, actor=chief)
            assert "二（二）4" in refused.value.errors["record"][0]
            assert visit(ids).submitted_at is None


def test_a_directory_not_updated_for_a_year_is_a_to_do_where_the_rules_ask_it(app):
    """城口县's 二（四） (确保一年一更新): a department whose target directory has not changed for a year has a to-do,
    citing it; an entry changed ends it; under 宁安市, which asks nothing of the kind, there is none."""
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")

        def upkeep(on: date) -> list:
            with frozen_at(on), tenant_scope(world["tenant"]):
                return [t for t in supervision.tasks_for(admin) if t.kind == "directory_upkeep"]

        later = today() + timedelta(days=400)
        assert upkeep(later) == []  # 宁安市 asks no yearly update
        adopt("城口县", today() + timedelta(days=1))
        assert upkeep(today() + timedelta(days=2)) == []  # updated today (the world's entries)
        [task] = upkeep(later)
        assert "二（四）" in task.obj.rule and task.obj.since == today()
        with frozen_at(later), tenant_scope(world["tenant"]):
            entry = db.session.scalar(sa.select(directory.DirectoryEntry).limit(1))
            directory.update_entry(entry.id, {"risk": "A" if entry.risk != "A" else "B"}, actor=admin)
            db.session.commit()
        assert upkeep(later) == []
        with system_access("test: sizes"):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(DirectorySize)) > 0
