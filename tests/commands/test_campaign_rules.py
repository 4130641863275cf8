"""A campaign follows its plan (宁安市's 实施方案 第3条:
各级行政执法部门应严格按照年度检查计划确定的内容、时间、方式等实施检查) and samples higher risk no less (seed 001:
列入经营异常名录或有严重违法违规记录等情况的检查对象，要加大
抽查力度，提高抽查的比例和频次): refused at creation, change and approval, joint parts too, saying what
differs; nothing changes. A property test over random rules."""

from __future__ import annotations

import itertools
import math
from datetime import date

import pytest
import sqlalchemy as sa
from hypothesis import given, settings, strategies as st

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns, risk
from spotcheck.tenants.campaigns.models import Campaign, Draw
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.joint import commands as joint
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.rules import commands as rules_commands, rulebook
from tests.support.campaign_world import CATEGORY, ITEM_BASICS, STRATA, build, campaign_data, leader_of, planner_of
from tests.support.helpers import make_app, user_named
from tests.support.joint_world import world as joint_world
from tests.support.rulebooks import adopt, cited, rules_of_presets
from tests.support.rules_files import changed_department_rules

#: The rule a campaign's schedule follows: 宁安市's 实施方案 第3条.
PLAN_RULE = cited("第3条")
#: The rule that flagged entities are sampled more than every risk class: 宁安市's 实施方案 第8条 (提高抽查的比例).
RISK_RULE = cited("第8条")
#: The national floor's rules every rulebook includes: flagged entities never sampled less (国发〔2019〕5号), and a
#: higher risk never sampled less (国市监信发〔2022〕6号).
FLAGGED_RULE = "（国发〔2019〕5号）关于重点对象加大抽查力度的规定"
ORDER_RULE = "（国市监信发〔2022〕6号）关于分类结果与“双随机、一公开”监管相结合的规定"


def _counts() -> tuple:
    with system_access("test: rows and audit entries"):
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in (Campaign, Draw, AuditEntry)
        )


def _refused(make, *fields: str) -> dict:
    """Run ``make``; it must be refused on ``fields`` and leave every row as it was."""
    before = _counts()
    with pytest.raises(InvalidInputError) as refused:
        make()
    assert set(fields) <= set(refused.value.errors), refused.value.errors
    assert _counts() == before
    return refused.value.errors


@pytest.mark.seconds(2.4)
def test_a_campaign_follows_its_plans_months_and_methods(app):
    with app.app_context():
        world = build()  # the plan: the item in March and April, checked on site
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(world["tenant"]):
            errors = _refused(
                lambda: campaign_commands.create_campaign(campaign_data(world, window_end="2026-05-15"), actor=planner),
                "window_start",
            )
            message = errors["window_start"][0]
            assert PLAN_RULE in message and "危险化学品安全生产检查" in message and "3、4 月" in message
            assert "还包含了 5 月" in message
            errors = _refused(
                lambda: campaign_commands.create_campaign(campaign_data(world, method="document"), actor=planner),
                "method",
            )
            assert (
                PLAN_RULE in errors["method"][0]
                and "实地检查" in errors["method"][0]
                and "书面检查" in errors["method"][0]
            )
            errors = _refused(
                lambda: campaign_commands.create_campaign(
                    campaign_data(world, window_start="2026-04-20", window_end="2027-01-10"), actor=planner
                ),
                "window_start",
            )
            assert any("2026 年内" in m for m in errors["window_start"])
            # an exempt kind keeps its reasoned exemption
            exempt = campaign_commands.create_campaign(
                campaign_data(
                    world, window_end="2026-05-15", exempt_kind="complaint", exempt_reason="群众举报，需立即核查"
                ),
                actor=planner,
            )
            assert exempt.plan_id is None

            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            assert campaign.plan_id == world["plan"]
            campaign_id = campaign.id
            _refused(
                lambda: campaign_commands.update_campaign(campaign_id, {"window_end": "2026-06-30"}, actor=planner),
                "window_start",
            )
            assert str(campaigns.get_campaign(campaign_id).window_end) == "2026-04-30"
            # a draft saved before the rule (its method not the plan's) is refused at approval
            db.session.execute(sa.update(Campaign).where(Campaign.id == campaign_id).values(method="online"))
            db.session.commit()
            _refused(lambda: campaign_commands.approve(campaign_id, actor=leader), "method")
            assert campaigns.get_campaign(campaign_id).status.value == "draft"


@pytest.mark.seconds(2.5)
def test_a_joint_part_follows_its_departments_plan(app):
    with app.app_context():
        ids = joint_world("invited")
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):  # the joint campaign moves to May, outside 应急管理局's plan
            joint.update_joint(ids["campaign"], {"window_start": "2026-05-01", "window_end": "2026-05-31"}, actor=coord)
        planner = user_named("yjj_planner")
        with tenant_scope(ids["yjj"]["tenant"]):
            participant = db.session.get(JointParticipant, ids["participants"]["yjj"])
            joint.accept(participant.id, actor=planner)
            errors = _refused(
                lambda: joint.save_part(
                    ids["participants"]["yjj"],
                    {"item_ids": [ids["yjj"]["item"]], "strata": STRATA},
                    actor=user_named("yjj_planner"),
                ),
                "window_start",
            )
            assert PLAN_RULE in errors["window_start"][0] and "5 月" in errors["window_start"][0]
            assert db.session.get(JointParticipant, ids["participants"]["yjj"]).part["items"] == []


def test_higher_risk_is_never_sampled_less(app):
    """The national floor (国市监信发〔2022〕6号): every pair of risk classes compared, a higher risk never sampled
    less — refused at creation, change and approval, naming each class by its word (高、较高…), never by a letter
    that means the opposite in the document cited; nothing changes."""
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(world["tenant"]):
            lower_a = {**STRATA, "A": {"ratio_bp": 500, "min": 2}}  # A (高) below B (较高) and C (一般)
            errors = _refused(
                lambda: campaign_commands.create_campaign(campaign_data(world, strata=lower_a), actor=planner), "strata"
            )
            assert len(errors["strata"]) == 2 and all(ORDER_RULE in m for m in errors["strata"])
            assert any("风险为“高”的对象" in m and "风险为“较高”的对象" in m for m in errors["strata"])
            assert not any("风险等级A" in m or "A类" in m for m in errors["strata"])
            lower_c = {**STRATA, "C": {"ratio_bp": 200, "min": 0}, "D": {"ratio_bp": 500, "min": 1}}  # 一般 below 低
            errors = _refused(
                lambda: campaign_commands.create_campaign(campaign_data(world, strata=lower_c), actor=planner), "strata"
            )
            [message] = errors["strata"]  # B and C, not only A, are compared with the classes below them
            assert ORDER_RULE in message and "风险为“一般”的对象" in message and "风险为“低”的对象" in message
            mixed = {**STRATA, "flagged": {"count": 3}}  # a count against the ratios of A, B, C, D
            errors = _refused(
                lambda: campaign_commands.create_campaign(campaign_data(world, strata=mixed), actor=planner), "strata"
            )
            assert all("同一种规则" in m and "重点关注对象" in m and RISK_RULE in m for m in errors["strata"])
            assert len(errors["strata"]) == 4
            fine = {**STRATA, "flagged": {"ratio_bp": 10000, "min": 0}}  # taking everything is never lower
            campaign = campaign_commands.create_campaign(campaign_data(world, strata=fine), actor=planner)
            campaign_id = campaign.id
            _refused(
                lambda: campaign_commands.update_campaign(campaign_id, {"strata": lower_a}, actor=planner), "strata"
            )
            assert campaigns.get_campaign(campaign_id).strata["A"] == STRATA["A"]
            db.session.execute(sa.update(Campaign).where(Campaign.id == campaign_id).values(strata=lower_a))
            db.session.commit()  # a draft saved before the rule
            _refused(lambda: campaign_commands.approve(campaign_id, actor=leader), "strata")


def test_flagged_entities_are_sampled_at_a_higher_ratio_than_every_risk_class(app):
    """宁安市's 第8条 (列入经营异常名录或有严重违法违规记录等情况的检查对象，要加大抽查力度，提高抽查的比例): the
    flagged
    stratum's ratio above the highest ratio of the risk classes, not merely as high; below one of them is what the
    national floor forbids too (国发〔2019〕5号), which 宁安市's article restates and is cited for — at creation,
    change and approval, naming the ratio to pass; nothing changes."""
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(world["tenant"]):
            same = {**STRATA, "flagged": {"ratio_bp": 3000, "min": 2}}  # as high as risk class A (30 %), no higher
            errors = _refused(
                lambda: campaign_commands.create_campaign(campaign_data(world, strata=same), actor=planner), "strata"
            )
            [message] = errors["strata"]
            assert RISK_RULE in message and "重点关注对象" in message and "风险为“高”的对象" in message
            assert "30%" in message
            between = {**STRATA, "flagged": {"ratio_bp": 2000, "min": 2}}  # above B, C and D, below A
            errors = _refused(
                lambda: campaign_commands.create_campaign(campaign_data(world, strata=between), actor=planner), "strata"
            )
            [message] = errors["strata"]  # 宁安市's 第8条 says it too (加大抽查力度): cited rather than the floor
            assert RISK_RULE in message and "风险为“高”的对象" in message and "20%" in message and "30%" in message
            higher = {**STRATA, "flagged": {"ratio_bp": 3100, "min": 2}}
            campaign_id = campaign_commands.create_campaign(campaign_data(world, strata=higher), actor=planner).id
            _refused(lambda: campaign_commands.update_campaign(campaign_id, {"strata": same}, actor=planner), "strata")
            assert campaigns.get_campaign(campaign_id).strata["flagged"] == higher["flagged"]
            db.session.execute(sa.update(Campaign).where(Campaign.id == campaign_id).values(strata=same))
            db.session.commit()  # a draft saved before the rule
            _refused(lambda: campaign_commands.approve(campaign_id, actor=leader), "strata")
            assert campaigns.get_campaign(campaign_id).status.value == "draft"


def test_under_a_rulebook_that_restates_neither_the_floor_orders_the_strata(app):
    """城口县's rulebook says nothing of flagged entities or risk classes; the national floor does: a planner's
    flagged entities at 5 % below a class at 20 % are refused at creation, and a draft saved so is refused at
    the leader's approval, citing 国发〔2019〕5号; a higher risk sampled less, citing 国市监信发〔2022〕6号 — nothing
    cites 宁安市's or another place's article. Equal ratios are allowed there (no 提高 is asked)."""
    with app.app_context():
        world = build()
        adopt("城口县", date(2026, 1, 1))
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(world["tenant"]):
            strata = {**STRATA, "A": {"ratio_bp": 2000, "min": 2}}
            below = {**strata, "flagged": {"ratio_bp": 500, "min": 2}}
            errors = _refused(
                lambda: campaign_commands.create_campaign(campaign_data(world, strata=below), actor=planner), "strata"
            )
            assert errors["strata"] and all(FLAGGED_RULE in m for m in errors["strata"])
            assert any("风险为“高”的对象" in m and "5%" in m and "20%" in m for m in errors["strata"])
            inverted = {**strata, "D": {"ratio_bp": 3000, "min": 2}}
            errors = _refused(
                lambda: campaign_commands.create_campaign(campaign_data(world, strata=inverted), actor=planner),
                "strata",
            )
            assert errors["strata"] and all(ORDER_RULE in m for m in errors["strata"])
            for message in [m for ms in errors.values() for m in ms]:
                assert "宁安市" not in message and "第8条" not in message
            as_high = {**strata, "flagged": {"ratio_bp": 2000, "min": 2}}  # not lower: the floor's rule holds
            campaign_id = campaign_commands.create_campaign(campaign_data(world, strata=as_high), actor=planner).id
            db.session.execute(sa.update(Campaign).where(Campaign.id == campaign_id).values(strata=below))
            db.session.commit()  # a draft saved before the rule
            errors = _refused(lambda: campaign_commands.approve(campaign_id, actor=leader), "strata")
            assert all(FLAGGED_RULE in m for m in errors["strata"])
            assert campaigns.get_campaign(campaign_id).status.value == "draft"


def _exempt_reason(kind: str) -> dict:
    return {"exempt_kind": kind, "exempt_reason": "未列入年度计划的专项检查，依据上级通知开展"}


def test_an_exemption_of_a_field_is_claimed_only_for_an_item_of_that_field(app):
    """Seed 001 §3 (宁安市's 第3条): checks outside the plan for 食品药品安全、安全生产、公共安全、环境保护 are
    for the items of that field; those 因发生事故、依法检验检查不合格、投诉举报 or 上级临时部署 for any item. No
    seed maps the kinds to the items' enforcement categories (执法类别): the platform's default does, said
    as such (平台默认), and a department's rules may narrow it, then cited by their article. Refused at
    creation, change and approval, naming the kind, the item and its categories; nothing changes."""
    with app.app_context():
        world = build(file_plan=False)  # no filed plan: every campaign here is outside the plan
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(world["tenant"]):
            food = items.create_item(
                {**ITEM_BASICS, "name": "食品安全专项检查", "inspector_categories": ["food"], "field": "market"},
                actor=admin,
            )
            items.publish_item(food.id, actor=admin)
            db.session.commit()
            # the world's item is of 文化市场 (culture): 食品药品安全 is not its field
            errors = _refused(
                lambda: campaign_commands.create_campaign(
                    campaign_data(world, **_exempt_reason("food_drug")), actor=planner
                ),
                "exempt_kind",
            )
            [message] = errors["exempt_kind"]
            for words in ("食品药品安全", "危险化学品安全生产检查", "文化市场", "食品安全、药品医疗器械", "平台默认"):
                assert words in message, (words, message)
            for kind in ("production_safety", "public_safety", "environment"):
                _refused(
                    lambda kind=kind: campaign_commands.create_campaign(
                        campaign_data(world, **_exempt_reason(kind)), actor=planner
                    ),
                    "exempt_kind",
                )
            for kind in ("accident", "failed_test", "complaint", "order"):  # about the case, for any item
                assert (
                    campaign_commands.create_campaign(
                        campaign_data(world, **_exempt_reason(kind)), actor=planner
                    ).exempt_kind
                    == kind
                )
            campaign_id = campaign_commands.create_campaign(
                campaign_data(world, item_ids=[food.id], **_exempt_reason("food_drug")), actor=planner
            ).id
            db.session.commit()
            errors = _refused(
                lambda: campaign_commands.update_campaign(
                    campaign_id, {"item_ids": [food.id, world["item"]]}, actor=planner
                ),
                "exempt_kind",
            )
            assert len(errors["exempt_kind"]) == 1 and "危险化学品安全生产检查" in errors["exempt_kind"][0]
            assert [i.id for i in campaigns.get_campaign(campaign_id).items] == [food.id]

            # the department's rules narrow 食品药品安全 to 药品医疗器械: the draft is refused at approval, citing them
            text = changed_department_rules(
                world["tenant"], exempt_kind_categories=({"food_drug": ["drug"]}, "四（三）")
            )
            rules_commands.load_department_rules({"text": text}, actor=admin)
            db.session.commit()
            errors = _refused(lambda: campaign_commands.approve(campaign_id, actor=leader), "exempt_kind")
            [message] = errors["exempt_kind"]
            document = rulebook.document_of(rulebook.version_ids(world["tenant"])[1])
            assert (
                f"《{document.title}》四（三）" in message
                and "食品安全专项检查" in message
                and "平台默认" not in message
            )
            assert campaigns.get_campaign(campaign_id).status.value == "draft"


def test_a_joint_part_claims_an_exemption_only_for_an_item_of_its_field(app):
    with app.app_context():
        ids = joint_world("invited")
        planner = user_named("yjj_planner")
        with tenant_scope(ids["yjj"]["tenant"]):
            participant_id = ids["participants"]["yjj"]
            joint.accept(participant_id, actor=planner)
            part = {"item_ids": [ids["yjj"]["item"]], "strata": STRATA, "target_filter": {"categories": [CATEGORY]}}
            errors = _refused(
                lambda: joint.save_part(participant_id, {**part, **_exempt_reason("environment")}, actor=planner),
                "exempt_kind",
            )
            assert "环境保护" in errors["exempt_kind"][0] and "文化市场" in errors["exempt_kind"][0]
            assert db.session.get(JointParticipant, participant_id).part["exempt_kind"] is None
            joint.save_part(participant_id, {**part, **_exempt_reason("complaint")}, actor=planner)
            assert db.session.get(JointParticipant, participant_id).part["exempt_kind"] == "complaint"


# --- the rule over random rules (no database) --------------------------------------------------


def drawn(rule: dict, size: int) -> int:
    """DRAW-SPEC: how many of a stratum of ``size`` a rule draws."""
    if "count" in rule:
        return min(rule["count"], size)
    return min(size, max(rule["min"], math.ceil(rule["ratio_bp"] * size / 10000)))


counts = st.builds(lambda c: {"count": c}, st.integers(0, 40))
ratios = st.builds(
    lambda r, m: {"ratio_bp": r, "min": m},
    st.one_of(st.sampled_from([0, 10000]), st.integers(0, 10000)),
    st.integers(0, 15),
)
rules = st.one_of(counts, ratios)


@given(rules, rules)
@settings(max_examples=400, deadline=None)
def test_an_accepted_higher_rule_never_draws_fewer_than_the_lower_one(high, low):
    verdict = risk.compare(high, low)
    if verdict == "ok":  # whatever the size of the strata (the same size for both)
        assert all(drawn(high, size) >= drawn(low, size) for size in range(0, 80))
    elif verdict == "lower" and "count" in high:  # two counts: a stratum of the lower count's size shows it
        assert drawn(high, low["count"]) < drawn(low, low["count"])
    # the like-with-like table of the rule
    takes_all = "count" not in high and high["ratio_bp"] == 10000
    draws_nothing = low.get("count") == 0 or ("count" not in low and low["ratio_bp"] == 0 and low["min"] == 0)
    if takes_all or draws_nothing:
        assert verdict == "ok"
    elif ("count" in high) != ("count" in low):
        assert verdict == "mixed"
    elif "count" in high:
        assert verdict == ("ok" if high["count"] >= low["count"] else "lower")
    else:
        assert verdict == ("ok" if high["ratio_bp"] >= low["ratio_bp"] and high["min"] >= low["min"] else "lower")


@pytest.fixture(scope="module")
def babel_app():
    return make_app("sqlite://")


@pytest.mark.seconds(1.6)
@given(st.fixed_dictionaries({s: rules for s in "ABCD"}, optional={"flagged": rules}))
@settings(max_examples=150, deadline=None)
def test_a_campaigns_rules_are_refused_exactly_when_a_higher_stratum_is_lower(babel_app, strata):
    """Under 宁安市's rulebook and the floor: one refusal per pair (the flagged stratum against every risk class, and
    every two risk classes) that is lower or cannot be compared, each citing the document that forbids it; one for
    a flagged ratio not above the risk classes' (宁安市's 提高), however many it does not pass."""
    with babel_app.app_context():
        problems = [str(m) for m in risk.problems(strata, rules_of_presets("宁安市"))]
    classes = list(itertools.combinations("ABCD", 2))
    flagged = [("flagged", low) for low in "ABCD"] if "flagged" in strata else []
    plain = {pair: risk.compare(strata[pair[0]], strata[pair[1]]) for pair in classes + flagged}
    not_more = any(
        plain[pair] == "ok" and risk.compare(strata["flagged"], strata[pair[1]], more=True) == "not_more"
        for pair in flagged
    )
    assert len([m for m in problems if ORDER_RULE in m]) == sum(plain[p] in ("lower", "mixed") for p in classes)
    # 宁安市's 第8条 restates the floor's flagged rule and adds 提高: both cite it
    assert (
        len([m for m in problems if RISK_RULE in m]) == sum(plain[p] in ("lower", "mixed") for p in flagged) + not_more
    )
    assert not any(FLAGGED_RULE in m for m in problems)
    assert len(problems) == sum(v in ("lower", "mixed") for v in plain.values()) + not_more


@pytest.mark.seconds(2.2)
@given(st.fixed_dictionaries({s: ratios for s in "ABCD"}), ratios)
@settings(max_examples=200, deadline=None)
def test_a_flagged_ratio_is_accepted_only_above_the_ratio_of_every_risk_class(babel_app, strata, flagged):
    """宁安市's 第8条 (提高抽查的比例): flagged entities at the ratio of a risk class, or below it, are refused;
    a flagged rule that takes every flagged entity (100 %) is never lower."""
    with babel_app.app_context():
        problems = [str(m) for m in risk.problems({**strata, "flagged": flagged}, rules_of_presets("宁安市"))]
        flagged_name = str(risk._name("flagged"))
    others = strata.values()
    accepted = flagged["ratio_bp"] == 10000 or (
        all(flagged["ratio_bp"] > o["ratio_bp"] for o in others)
        and all(flagged["min"] >= o["min"] for o in others if o["ratio_bp"] or o["min"])
    )
    assert accepted == (not any(flagged_name in m for m in problems))


@pytest.mark.parametrize("kind", ["failed_test", "order"])
def test_an_investigation_after_a_failed_test_or_a_superiors_order_needs_no_plan_but_its_reason(app, kind):
    """Seed 001 §3: 因依法检验检查不合格开展的特定调查 and 上级临时部署的行政检查 need no annual plan, but
    each states its reason in writing."""
    with app.app_context():
        world = build(file_plan=False)
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(world["tenant"]):
            _refused(lambda: campaign_commands.create_campaign(campaign_data(world), actor=planner), "item_ids")
            _refused(
                lambda: campaign_commands.create_campaign(campaign_data(world, exempt_kind=kind), actor=planner),
                "exempt_reason",
            )
            made = campaign_commands.create_campaign(
                campaign_data(world, exempt_kind=kind, exempt_reason="抽检不合格，依法开展特定调查"), actor=planner
            )
            assert made.plan_id is None and made.exempt_kind == kind
