"""The yearly assessment (考核; e.g. 宁安市's 实施方案 第14条: 对未如期完成任务的各部门，考核时扣减相应分值):
each department starts from the full score of the rules in force (``assessment``) and loses points
per deduction (扣分项), each as the justice bureau set it
(:class:`~spotcheck.tenants.supervision.models.DeductionRule`, else the rules' default): points per
occurrence, at most ``cap`` per deduction. Every deduction names
the figure whose rows it counts, so the supervisor (and the department, for its own) sees the
reason and the rows behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import current_scope
from spotcheck.tenants.supervision import levels
from spotcheck.tenants.supervision.figures import ITEM_FIGURES, Status
from spotcheck.tenants.supervision.models import DeductionRule
from spotcheck.tenants.supervision.vocabulary import DEDUCTIONS, Deduction


def full_score(bureau_id: int | None = None) -> float:
    """The full score of the rules in force at the level of department ``bureau_id`` (its region's; None: the
    root's) — 平台默认100分 unless a rulebook sets another."""
    return float(levels.rules_of(bureau_id).assessment["full_score"])


def defaults(bureau_id: int | None = None) -> dict[str, tuple[float, float]]:
    """Each deduction's points and cap as the rules in force at the level of department ``bureau_id`` give them."""
    return {code: (points, cap) for code, (points, cap) in levels.rules_of(bureau_id).assessment["deductions"].items()}


#: The figures the deductions count (:data:`~.vocabulary.OCCURRENCES`): the plan deadlines, the items' coverage,
#: 一单两库一细则, the late publications and reports, the checks and the draws — the others are not counted for a score.
FIGURES = (
    "filings",
    *ITEM_FIGURES,
    "entries",
    "inspectors",
    "rules",
    "published_late",
    "reports_overdue",
    "checked",
    "draws",
)


@dataclass(frozen=True)
class Setting:
    deduction: Deduction
    points: float
    cap: float
    active: bool
    updated_by_name: str = ""


def settings(bureau_id: int | None = None) -> list[Setting]:
    """The deductions as the bureau set them (one setting for the deployment, :class:`DeductionRule`), the defaults
    of the rules at the level of department ``bureau_id`` (by default the one in scope) for the rest."""
    rows = {row.code: row for row in db.session.scalars(sa.select(DeductionRule))}
    given = defaults(current_scope().tenant_id if bureau_id is None else bureau_id)
    found = []
    for deduction in DEDUCTIONS:
        row = rows.get(deduction.code)
        points, cap = given[deduction.code]
        found.append(
            Setting(deduction, row.points, row.cap, row.active, row.updated_by_name)
            if row
            else Setting(deduction, points, cap, True)
        )
    return found


@dataclass
class Line:
    setting: Setting
    occurrences: int
    points: float  # taken off


@dataclass
class Score:
    status: Status
    lines: list[Line] = field(default_factory=list)
    full: float = 100.0

    @property
    def deducted(self) -> float:
        return round(sum(line.points for line in self.lines), 1)

    @property
    def score(self) -> float:
        return round(max(0.0, self.full - self.deducted), 1)


def score(status: Status, rules: list[Setting], full: float | None = None) -> Score:
    """A department's score from its figures of the year and the bureau's deductions (out of ``full``: by default
    the full score of the level of the department in scope)."""
    result = Score(status, full=full_score(current_scope().tenant_id) if full is None else full)
    for setting in rules:
        if not setting.active:
            continue
        count = setting.deduction.occurrences(status)
        if count:
            result.lines.append(Line(setting, count, round(min(setting.cap, setting.points * count), 1)))
    return result
