"""The national floor (国家规定), dated article by article: every rulebook includes it and none may drop it, and
an article applies only from the day it is in force, so that a rule added now changes no earlier period's
rules, figures or citations."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import system_access
from spotcheck.tenants.campaigns import frames
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.rules import documents, presets, rulebook, rulefile, tightening
from spotcheck.tenants.rules.ruleset import Rules
from tests.support.campaign_world import build
from tests.support.rulebooks import rules_of_presets


def test_an_article_applies_only_from_the_day_it_is_in_force():
    """Before 国发〔2019〕5号 the floor set only the 20 working days; the flagged rule comes in 2019, the order of
    the risk classes in 2022, 54号's rules in 2025, 《行政执法监督条例》 on 1 February 2026 — a day before each
    is the floor as it was, the citations of the parameters it already set unchanged."""
    floor = rulebook.national()
    before_2019 = Rules(floor.as_of(date(2018, 12, 31)), [(1, presets.BY_NAME["城口县"].document)], None)
    assert not before_2019.flagged_not_sampled_less and not before_2019.risk_classes_ordered
    assert before_2019.values["recusal"] is None and before_2019.left_open_against_floor("inspection_cap") is None
    assert before_2019.publish_days == 20 and "企业信息公示暂行条例" in before_2019.cite("publish_days")
    in_2023 = Rules(floor.as_of(date(2023, 6, 30)), [(1, presets.BY_NAME["城口县"].document)], None)
    assert in_2023.flagged_not_sampled_less and in_2023.risk_classes_ordered and in_2023.values["recusal"] is None
    assert in_2023.cite("publish_days") == before_2019.cite("publish_days")
    on_the_eve = Rules(floor.as_of(date(2026, 1, 31)), None, None)
    assert not on_the_eve.enforcement_supervisor and on_the_eve.under("enforcement_supervisor") == ""
    assert on_the_eve.left_open_against_floor("inspection_cap") is not None  # 54号: in force since 2025
    in_force = Rules(floor.as_of(date(2026, 2, 1)), None, None)
    assert "《行政执法监督条例》（国务院令第825号）第二条、第六条" in in_force.under("enforcement_supervisor")


def test_no_rulebook_drops_the_floor_and_the_floor_is_not_loaded_by_a_rulebook():
    """A rulebook that turns off the floor's flagged rule is refused naming 国发〔2019〕5号; a file still naming the
    merged yearly_cap is told where it went; a rulebook may not carry dated national articles."""
    document = presets.BY_NAME["城口县"].document
    entries = {**document.entries, "flagged_not_sampled_less": documents.Entry(value=False, article="一")}
    text = rulefile.write(replace(document, entries=entries))
    conflicts = rules_commands_conflicts(text)
    assert any("国发〔2019〕5号" in message and "宽松" in message for message in conflicts["flagged_not_sampled_less"])
    merged = rulefile.write(document).replace("[inspection_cap]", "[yearly_cap]")
    with pytest.raises(InvalidInputError) as refused:
        rulefile.read(merged)
    assert (
        "inspection_cap" in refused.value.errors["yearly_cap"][0] and "已并入" in refused.value.errors["yearly_cap"][0]
    )


def rules_commands_conflicts(text: str) -> dict:
    return {c.key: [c.message] for c in tightening.rulebook_conflicts(rulefile.read(text), rulebook.national())}


def test_a_campaign_keeps_the_floor_of_its_approval_day(app):
    """A campaign approved before an article came into force keeps the floor of that day; one approved after it
    is under it — the rules of a past approval are never rewritten."""
    with app.app_context():
        floor = rulebook.national()
        assert rulebook.epoch(date(2026, 1, 31)) == date(2025, 1, 3) and rulebook.epoch(date(2026, 2, 1)) == date(
            2026, 2, 1
        )
        assert "enforcement_supervisor" not in rulebook.national_on(date(2026, 1, 31)).entries
        assert "enforcement_supervisor" in rulebook.national_on(date(2026, 2, 1)).entries
        assert floor.entries.keys() >= rulebook.national_on(date(2026, 2, 1)).entries.keys()
        assert not rulebook.rules_for_region(None, date(2026, 1, 31)).enforcement_supervisor
        assert rulebook.rules_for_region(None, date(2026, 2, 1)).enforcement_supervisor


def test_the_penalty_window_is_the_rules_not_the_codes(app):
    """受到行政处罚 (乌审旗's 四（一）) carries no time limit: its preset says so, and a business penalised two years
    ago
    is flagged (and kept in the frame though checked this year); elsewhere the platform's default of a year
    applies, said as such, and it is not."""
    wushen = rules_of_presets("宁安市", "乌审旗应急管理局")
    assert wushen.penalty_window_days is None and wushen.say("penalty_window_days") == "不限期限"
    assert "四（一）" in wushen.cite("penalty_window_days")
    ningan = rules_of_presets("宁安市")
    assert ningan.penalty_window_days == 365 and ningan.cited["penalty_window_days"].source == "platform"
    on = date(2026, 6, 1)
    with app.app_context():
        world = build()
        with system_access("test: two penalties on record"):
            db.session.execute(
                sa.update(Entity).where(Entity.code == world["codes"][0]).values(penalized_on=on - timedelta(days=800))
            )
            db.session.execute(
                sa.update(Entity).where(Entity.code == world["codes"][1]).values(penalized_on=on - timedelta(days=100))
            )
            db.session.commit()

        def flagged(rules) -> list[str]:
            return list(
                db.session.scalars(
                    sa.select(Entity.code)
                    .where(Entity.code.in_(world["codes"]), frames.flagged(on, rules))
                    .order_by(Entity.code)
                )
            )

        def kept(rules) -> list[str]:
            return list(
                db.session.scalars(
                    sa.select(Entity.code)
                    .where(Entity.code.in_(world["codes"]), frames.kept(frozenset({"penalized"}), on, rules))
                    .order_by(Entity.code)
                )
            )

        assert flagged(wushen) == kept(wushen) == sorted(world["codes"][:2])
        assert flagged(ningan) == kept(ningan) == [world["codes"][1]]
