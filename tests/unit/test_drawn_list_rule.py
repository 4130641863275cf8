"""The rule of the list of drawn businesses (抽查对象名单的公布, ``publish_drawn_list``) as a rules file states it:
one of 不公布, 检查结束后, 抽取后 (anything else refused, naming the three); a department's rules may publish the
list sooner than its rulebook says, never later (只能从严); where no document says, the platform's default, 抽取后,
said as such. Read from the documents alone: no database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from spotcheck.core.errors import InvalidInputError
from spotcheck.tenants.rules import presets, rulebook, rulefile
from spotcheck.tenants.rules.documents import Entry
from spotcheck.tenants.rules.ruleset import Rules
from spotcheck.tenants.rules.tightening import department_conflicts

NINGAN = presets.BY_NAME["宁安市"].document
WUSHEN = presets.BY_NAME["乌审旗应急管理局"].document
#: 乌审旗's 方案 二（三）, the clause its preset cites, as the seed writes it.
OPENNESS = (
    "坚持公开透明。坚持在阳光下运行执法权力，公开安全生产监管工作随机抽查对象、程序、事项、结果等，强化社会监督，"
    "切实保障社会公众的知情权，维护当事人的合法权益。"
)


def _setting(document, when: str, article: str):
    return replace(document, entries={**document.entries, "publish_drawn_list": Entry(value=when, article=article)})


def test_a_departments_rules_publish_the_list_sooner_than_their_rulebook_never_later():
    national, city = rulebook.national(), _setting(NINGAN, "after_checks", "第9条")

    def refused(when: str) -> list[str]:
        found = department_conflicts(_setting(WUSHEN, when, "二（三）"), national, [(1, city)])
        return [conflict.message for conflict in found if conflict.key == "publish_drawn_list"]

    assert refused("after_draw") == [] and refused("after_checks") == []
    [said] = refused("never")
    assert "抽查对象名单的公布" in said and "“不公布”" in said and "“检查结束后”" in said and "第9条" in said, said


def test_a_rules_file_names_one_of_the_three_times_or_is_refused_naming_them():
    text = rulefile.write(_setting(WUSHEN, "after_draw", "二（三）"))
    assert rulefile.read(text).entries["publish_drawn_list"].value == "after_draw"  # it reads back as written
    with pytest.raises(InvalidInputError) as bad:
        rulefile.read(text.replace('value = "after_draw"', 'value = "soon"'))
    [said] = bad.value.errors["publish_drawn_list.value"]
    assert all(name in said for name in ("never（不公布）", "after_checks（检查结束后）", "after_draw（抽取后）")), said


def test_wushens_preset_cites_its_clause_of_openness_and_a_silent_rulebook_falls_to_the_platforms_default():
    article = next(a for a in WUSHEN.articles if a.number == "二（三）")
    assert article.text == OPENNESS
    own = Rules(rulebook.national(), [(1, NINGAN)], (2, WUSHEN))
    assert own.publish_drawn_list == "after_draw" and own.cite("publish_drawn_list").endswith("二（三）")
    city = Rules(rulebook.national(), [(1, NINGAN)], None)
    assert city.publish_drawn_list == "after_draw" and city.cited["publish_drawn_list"].source == "platform"
