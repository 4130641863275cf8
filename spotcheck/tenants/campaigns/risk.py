"""More checks where the risk is higher (加大抽查力度): a campaign's rules per stratum in order.

Where the rules in force say so (``higher_risk_sampled_more``; 宁安市's 第8条: 列入经营异常名录或有严重违法
违规记录等情况的检查对象，要加大抽查力度，提高抽查的比例和频次), the rule for the highest risk class A (高)
is never lower than the rule of any lower class B, C, D (D = 低), and the flagged stratum (重点对象) is
sampled *more* than every risk class: its ratio strictly above the highest ratio of A–D (提高抽查的比例,
not merely keeping it). Where they set a lowest ratio for flagged entities (``flagged_min_ratio``), the
flagged stratum has a ratio at least that high. Rules are compared like with like, without the frame
(DRAW-SPEC: ``{"count": c}`` or ``{"ratio_bp": r, "min": m}``):

- two ratios: neither ``r`` nor ``m`` of the higher stratum is lower (flagged: ``r`` higher);
- two counts: ``c`` of the higher stratum is not lower;
- a rule that takes everything (ratio 10000) is never lower; a lower class that draws nothing
  (count 0, or ratio 0 with minimum 0) is never higher;
- any other mix of a count and a ratio cannot be compared without the frame: refused, asking for
  the same kind of rule.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: The strata that must not be sampled less than the lower classes, and those lower classes.
HIGHER = ("flagged", "A")
LOWER = ("B", "C", "D")
#: The classes each higher stratum is compared with: flagged entities with every risk class.
BELOW = {"flagged": ("A", *LOWER), "A": LOWER}



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
    return str(_l("flagged entities")) if stratum == "flagged" else str(_l("risk class %(code)s", code=stratum))


def problems(strata: dict, rules) -> list:
    """What breaks the rules' order of the sampling rules (one message per pair; for the flagged
    stratum's ratio one message, against the highest ratio of the risk classes), and a flagged stratum
    below the rules' lowest ratio, in the user's language, each naming the document and article."""
    found = []
    if rules.higher_risk_sampled_more:
        rule = rules.under("higher_risk_sampled_more")
        for high in HIGHER:
            if high not in strata:
                continue
            not_more = []
            for low in BELOW[high]:
                if low not in strata:
                    continue
                verdict = compare(strata[high], strata[low], more=high == "flagged")
                if verdict == "not_more":
                    not_more.append(low)
                elif verdict == "lower":
                    found.append(_l("%(rule)sthe rule for %(high)s (%(high_rule)s) may not be lower than the rule for "
                                    "%(low)s (%(low_rule)s).", rule=rule, high=_name(high),
                                    high_rule=describe(strata[high]), low=_name(low), low_rule=describe(strata[low])))
                elif verdict == "mixed":
                    found.append(_l("%(rule)sthe rule for %(high)s (%(high_rule)s) must not be lower than the rule for "
                                    "%(low)s (%(low_rule)s), but a count and a ratio cannot be compared without the "
                                    "frame: use the same kind of rule for both.", rule=rule, high=_name(high),
                                    high_rule=describe(strata[high]), low=_name(low), low_rule=describe(strata[low])))
            if not_more:
                top = max(not_more, key=lambda low: strata[low]["ratio_bp"])
                found.append(not_sampled_more(rule, strata[high], top, strata[top]))
    lowest = rules.flagged_min_ratio_bp
    if lowest is not None:
        flagged = strata.get("flagged")
        if flagged is None or "count" in flagged or flagged.get("ratio_bp", 0) < lowest:
            found.append(_l("%(rule)sflagged entities are sampled apart at a ratio of at least %(ratio)s %%: give the "
                            "flagged stratum a ratio that high.", rule=rules.under("flagged_min_ratio"),
                            ratio=f"{lowest / 100:g}"))
    return found


def not_sampled_more(rule: str, flagged: dict, top: str, top_rule: dict):
    """The refusal of a flagged stratum's ratio not above the highest ratio of the risk classes (提高抽查的比例)."""
    return _l("%(rule)s%(flagged)s are sampled at a higher ratio than every risk class: their ratio (%(ratio)s %%) "
              "must be above %(top_ratio)s %%, the ratio for %(top)s.", rule=rule, flagged=_name("flagged"),
              ratio=f"{flagged['ratio_bp'] / 100:g}", top_ratio=f"{top_rule['ratio_bp'] / 100:g}", top=_name(top))
