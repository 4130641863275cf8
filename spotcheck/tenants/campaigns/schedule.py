"""A campaign follows its plan (按计划实施检查): its window inside the plan's schedule, its method
among the plan's.

Where the rules require plans (宁安市's 实施方案 第3条: 各级行政执法部门应严格按照年度检查计划确定的内容、
时间、方式等实施检查。未列入计划的，不得擅自检查), a campaign's window lies in the plan's year and in the months
the plan sets for each of its items; its check method is among the methods the plan sets for each of them. What differs
is said exactly: which item, which months, which method. A joint campaign of a field outside
market regulation follows its field's joint plan the same way (the months and methods of any of
its lines).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.plans.filing import rules_of_plan
from spotcheck.tenants.plans.models import Plan

#: Errors by field, as the cleaning functions give them.
Errors = dict[str, list[LazyString]]


def _rule(plan: Plan) -> str:
    """The rule a difference from the plan names: 根据《……》第3条， (the plan's rules)."""
    return rules_of_plan(plan).under("plans_required")


def window_months(start: date, end: date) -> list[tuple[int, int]]:
    """The (year, month) pairs the window touches, in order."""
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _months(values: Iterable[int]) -> str:
    return "、".join(str(m) for m in sorted(values)) or "—"


def _methods(codes: Iterable[str]) -> str:
    return "、".join(reference.CHECK_METHODS.get(code, code) for code in codes) or "—"


def _schedule(
    plan: Plan, rows: Sequence[tuple[str, Sequence[int], Sequence[str]]], start: date, end: date, method: str | None
) -> Errors:
    """Errors by field: ``rows`` are (what, months, methods) that the window and method must fit."""
    errors: Errors = {}
    rule = _rule(plan)
    touched = window_months(start, end)
    outside = [f"{y}-{m:02d}" for y, m in touched if y != plan.year]
    if outside:
        errors.setdefault("window_start", []).append(
            _l(
                "%(rule)sthe checks follow the plan: the window %(start)s – %(end)s must lie in the plan's year "
                "%(year)d (%(plan)s).",
                rule=rule,
                start=start.isoformat(),
                end=end.isoformat(),
                year=plan.year,
                plan=plan.title,
            )
        )
    in_year = sorted({m for y, m in touched if y == plan.year})
    for what, months, methods in rows:
        missing = [m for m in in_year if m not in (months or ())]
        if missing:
            errors.setdefault("window_start", []).append(
                _l(
                    "%(rule)sthe checks follow the plan: %(what)s is planned for the months %(planned)s of "
                    "%(plan)s; the window %(start)s – %(end)s also covers the months %(missing)s.",
                    rule=rule,
                    what=what,
                    planned=_months(months or ()),
                    plan=plan.title,
                    start=start.isoformat(),
                    end=end.isoformat(),
                    missing=_months(missing),
                )
            )
        if method is not None and method not in (methods or ()):
            errors.setdefault("method", []).append(
                _l(
                    "%(rule)sthe checks follow the plan: %(what)s is checked by %(planned)s in %(plan)s, "
                    "not by %(method)s.",
                    rule=rule,
                    what=what,
                    planned=_methods(methods or ()),
                    plan=plan.title,
                    method=reference.CHECK_METHODS.get(method, method),
                )
            )
    return errors


def differences(plan: Plan, items: Iterable[Item], start: date | None, end: date | None, method: str | None) -> Errors:
    """How a campaign of ``items`` with this window and method differs from ``plan`` (errors by
    field; empty when it follows the plan). Every item must have a line in the plan."""
    if start is None or end is None:
        return {}
    lines = {line.item_id: line for line in plan.lines}
    rows = [(f"“{item.name}”", lines[item.id].months, lines[item.id].methods) for item in items]
    return _schedule(plan, rows, start, end, method)


def joint_differences(plan: Plan, start: date | None, end: date | None, method: str | None) -> Errors:
    """How a joint campaign differs from its field's joint plan: its months and method must be
    among those of the plan's lines."""
    if start is None or end is None:
        return {}
    months = sorted({m for line in plan.lines for m in line.months or ()})
    methods = sorted({code for line in plan.lines for code in line.methods or ()})
    return _schedule(plan, [(str(_l("the joint checks")), months, methods)], start, end, method)
