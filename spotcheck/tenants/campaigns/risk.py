"""More checks where the risk is higher (加大抽查力度、分类分级): a campaign's sampling rules per stratum in order.

Three rules of the rules in force, each cited from where it comes from:

- ``flagged_not_sampled_less`` (the national floor, 国发〔2019〕5号: 对投诉举报多、列入经营异常名录或有严重违法违规
  记录等情况的市场主体，要加大抽查力度): the flagged stratum (重点对象) is never sampled less than any risk class;
- ``risk_classes_ordered`` (the national floor, 国市监信发〔2022〕6号: the higher the credit risk, the higher the
  ratio): every pair of risk classes is compared, and the higher-risk one is never sampled less;
- ``higher_risk_sampled_more`` (where a rulebook says so, e.g. 宁安市's 第8条: 提高抽查的比例): the flagged
  stratum's ratio strictly above the highest ratio of the risk classes, not merely not lower;

and ``flagged_min_ratio``, a lowest ratio for the flagged stratum where the rules set one.

The department's risk classes run A (高) … D (低) in this code, while the national credit-risk classes run A =
low risk: a refusal names each class by its word (高、较高、一般、低), never by its letter. Rules are compared
like with like, without the frame (DRAW-SPEC: ``{"count": c}`` or ``{"ratio_bp": r, "min": m}``):

- two ratios: neither ``r`` nor ``m`` of the higher stratum is lower (the flagged one's ``r`` higher where
  ``higher_risk_sampled_more`` holds);
- two counts: ``c`` of the higher stratum is not lower;
- a rule that takes everything (ratio 10000) is never lower; a lower stratum that draws nothing
  (count 0, or ratio 0 with minimum 0) is never higher;
- any other mix of a count and a ratio cannot be compared without the frame: refused, asking for
  the same kind of rule.
"""

from __future__ import annotations

from itertools import combinations

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.tenants.common.vocabulary.reference import RISK_CLASSES, RISK_LABEL_STYLES
from spotcheck.tenants.rules.rulebook import Rules

#: The risk classes from the highest risk down (A = 高 … D = 低 in this code).
BY_RISK = RISK_CLASSES
#: Each class's word: what a refusal calls it.
RISK_WORDS = RISK_LABEL_STYLES["words"]


def _takes_all(rule: dict) -> bool:
    return "count" not in rule and rule.get("ratio_bp") == 10000


def _draws_nothing(rule: dict) -> bool:
    if "count" in rule:
        return rule["count"] == 0
    return rule.get("ratio_bp") == 0 and (rule.get("min") or 0) == 0


def compare(higher: dict, lower: dict, *, more: bool = False) -> str:
    """``ok`` (the higher rule is not lower), ``lower``, or ``mixed`` (a count against a ratio); with
    ``more`` (the flagged stratum), ``not_more`` for a ratio not above the lower one's."""
    if _takes_all(higher):
        return "ok"
    if "count" not in higher and "count" not in lower:
        if (higher.get("min") or 0) < (lower.get("min") or 0) and not _draws_nothing(lower):
            return "lower"
        if more and higher["ratio_bp"] <= lower["ratio_bp"]:
            return "not_more"
        return "ok" if higher["ratio_bp"] >= lower["ratio_bp"] or _draws_nothing(lower) else "lower"
    if _draws_nothing(lower):
        return "ok"
    if "count" in higher and "count" in lower:
        return "ok" if higher["count"] >= lower["count"] else "lower"
    return "mixed"


def describe(rule: dict) -> str:
    """A rule in words: 抽取5户 / 抽取10%，至少2户."""
    if "count" in rule:
        return str(_l("%(n)d entities", n=rule["count"]))
    return str(_l("%(ratio)s %% with at least %(n)d", ratio=f"{rule['ratio_bp'] / 100:g}", n=rule.get("min") or 0))


def _name(stratum: str) -> str:
    """A stratum as a refusal names it: the flagged entities, or a risk class by its word."""
    if stratum == "flagged":
        return str(_l("flagged entities"))
    return str(_l("the %(word)s-risk class", word=RISK_WORDS[stratum]))


def _pairs(strata: dict, rules: Rules) -> list[tuple[str, str, str]]:
    """The (higher, lower, rule key) pairs to compare under ``rules``: the flagged stratum with every risk class,
    and every two risk classes."""
    pairs = []
    if "flagged" in strata and (rules.flagged_not_sampled_less or rules.higher_risk_sampled_more):
        key = "flagged_not_sampled_less" if rules.flagged_not_sampled_less else "higher_risk_sampled_more"
        pairs += [("flagged", low, key) for low in BY_RISK if low in strata]
    if rules.risk_classes_ordered:
        pairs += [
            (high, low, "risk_classes_ordered")
            for high, low in combinations(BY_RISK, 2)
            if high in strata and low in strata
        ]
    return pairs


def problems(strata: dict, rules: Rules) -> list[LazyString]:
    """What breaks the rules' order of the sampling rules, one message per pair (for the flagged stratum's
    ratio not above the risk classes', one message against the highest of them), and a flagged stratum
    below the rules' lowest ratio — in the user's language, each naming its document and article."""
    found = []
    not_more = []
    for high, low, key in _pairs(strata, rules):
        more = high == "flagged" and rules.higher_risk_sampled_more
        verdict = compare(strata[high], strata[low], more=more)
        if verdict == "not_more" and compare(strata[high], strata[low]) == "ok":
            not_more.append(low)  # not lower, yet not higher: refused by the rule that asks for more
            continue
        if verdict in ("lower", "not_more"):
            found.append(_lower(rules.under(key), high, strata[high], low, strata[low]))
        elif verdict == "mixed":
            found.append(
                _l(
                    "%(rule)sthe rule for %(high)s (%(high_rule)s) must not be lower than the rule for "
                    "%(low)s (%(low_rule)s), but a count and a ratio cannot be compared without the "
                    "frame: use the same kind of rule for both.",
                    rule=rules.under(key),
                    high=_name(high),
                    high_rule=describe(strata[high]),
                    low=_name(low),
                    low_rule=describe(strata[low]),
                )
            )
    if not_more:
        top = max(not_more, key=lambda low: strata[low]["ratio_bp"])
        found.append(not_sampled_more(rules.under("higher_risk_sampled_more"), strata["flagged"], top, strata[top]))
    lowest = rules.flagged_min_ratio_bp
    if lowest is not None:
        flagged = strata.get("flagged")
        if flagged is None or "count" in flagged or flagged.get("ratio_bp", 0) < lowest:
            found.append(
                _l(
                    "%(rule)sflagged entities are sampled apart at a ratio of at least %(ratio)s %%: give the "
                    "flagged stratum a ratio that high.",
                    rule=rules.under("flagged_min_ratio"),
                    ratio=f"{lowest / 100:g}",
                )
            )
    return found


def _lower(rule: str, high: str, high_rule: dict, low: str, low_rule: dict) -> LazyString:
    if "count" not in high_rule and "count" not in low_rule and high_rule["ratio_bp"] >= low_rule["ratio_bp"]:
        return _l(
            "%(rule)s%(high)s are never sampled less than %(low)s: the ratio is high enough, but the least number "
            "drawn (%(high_min)d) is below theirs (%(low_min)d) — raise it.",
            rule=rule,
            high=_name(high),
            low=_name(low),
            high_min=high_rule.get("min") or 0,
            low_min=low_rule.get("min") or 0,
        )
    if high == "flagged":
        return _l(
            "%(rule)s%(flagged)s are never sampled less than any risk class: their rule (%(high_rule)s) is "
            "lower than the rule for %(low)s (%(low_rule)s).",
            rule=rule,
            flagged=_name("flagged"),
            high_rule=describe(high_rule),
            low=_name(low),
            low_rule=describe(low_rule),
        )
    return _l(
        "%(rule)sa higher risk is never sampled less than a lower one: the rule for %(high)s (%(high_rule)s) "
        "is lower than the rule for %(low)s (%(low_rule)s).",
        rule=rule,
        high=_name(high),
        high_rule=describe(high_rule),
        low=_name(low),
        low_rule=describe(low_rule),
    )


def not_sampled_more(rule: str, flagged: dict, top: str, top_rule: dict) -> LazyString:
    """The refusal of a flagged stratum's ratio not above the highest ratio of the risk classes (提高抽查的比例)."""
    return _l(
        "%(rule)s%(flagged)s are sampled at a higher ratio than every risk class: their ratio (%(ratio)s %%) "
        "must be above %(top_ratio)s %%, the ratio for %(top)s.",
        rule=rule,
        flagged=_name("flagged"),
        ratio=f"{flagged['ratio_bp'] / 100:g}",
        top_ratio=f"{top_rule['ratio_bp'] / 100:g}",
        top=_name(top),
    )
