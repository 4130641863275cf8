"""The yearly assessment (考核, seed 001 item 14: "对未如期完成任务的各部门，考核时扣减相应分值"):
each department starts from :data:`FULL_SCORE` and loses points per deduction (扣分项), each as
the justice bureau set it (:class:`~spotcheck.tenants.supervision.models.DeductionRule`, else
the default here): points per occurrence, at most ``cap`` per deduction. Every deduction names
the figure whose rows it counts, so the supervisor (and the department, for its own) sees the
reason and the rows behind it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.tenants.supervision.definitions import COVERAGE_TARGETS
from spotcheck.tenants.supervision.figures import Status
from spotcheck.tenants.supervision.models import DeductionRule

FULL_SCORE = 100.0


@dataclass(frozen=True)
class Deduction:
    code: str
    label: str
    points: float  # per occurrence (default)
    cap: float  # at most (default)
    definition: str
    figure: str  # the figure whose rows are the occurrences (drill-down)

    def occurrences(self, status: Status) -> int:
        return OCCURRENCES[self.code](status)


OCCURRENCES = {
    "missed_filing": lambda s: sum(1 for f in s.filings if f.status == "missing"),
    "late_filing": lambda s: sum(1 for f in s.filings if f.status == "late"),
    "coverage_market": lambda s: int(s.below_target("market")),
    "coverage_other": lambda s: int(s.below_target("other")),
    "late_publication": lambda s: s.published_late,
    "overdue_report": lambda s: s.reports_overdue,
    "no_basics": lambda s: int(not s.basics),
    "no_ceremony": lambda s: int(s.checked > 0 and s.draws == 0),
}

DEDUCTIONS: tuple[Deduction, ...] = (
    Deduction("missed_filing", "检查计划未报备", 5, 10, "截止日已过仍未报备的年度计划或非市场监管领域半年计划，每份扣分。", "plan_year"),
    Deduction("late_filing", "检查计划逾期报备", 2, 6, "截止日之后才报备的年度计划或半年计划，每份扣分。", "plan_year"),
    Deduction("coverage_market", "市场监管领域覆盖率未达标", 5, 5,
              f"市场监管领域纳入随机抽查的事项低于{COVERAGE_TARGETS['market']}%。", "coverage_market"),
    Deduction("coverage_other", "其他领域覆盖率未达标", 5, 5,
              f"其他领域纳入随机抽查的事项低于{COVERAGE_TARGETS['other']}%。", "coverage_other"),
    Deduction("late_publication", "检查结果逾期公示", 0.5, 10, "超过20个工作日公示期限才公示或仍未公示的检查户次，每户次扣分。",
              "published_late"),
    Deduction("overdue_report", "检查结果逾期未报送", 0.2, 5, "报送期限已过仍未报送检查结果的检查户次，每户次扣分。", "reports_overdue"),
    Deduction("no_basics", "一单两库一细则不齐备", 5, 5, "随机抽查事项清单、两库、实施细则有一项缺失或未公布。", "basics"),
    Deduction("no_ceremony", "检查未经平台随机抽取", 5, 5,
              "统计期内有检查结果、却没有在平台上完成任何随机抽取（检查对象未经平台的抽取程序产生）。", "draws"),
)
BY_CODE = {d.code: d for d in DEDUCTIONS}


@dataclass(frozen=True)
class Setting:
    deduction: Deduction
    points: float
    cap: float
    active: bool
    updated_by_name: str = ""


def settings() -> list[Setting]:
    """The deductions as the bureau in scope set them (its own rows), defaults for the rest."""
    rows = {row.code: row for row in db.session.scalars(sa.select(DeductionRule))}
    found = []
    for deduction in DEDUCTIONS:
        row = rows.get(deduction.code)
        found.append(Setting(deduction, row.points, row.cap, row.active, row.updated_by_name) if row
                     else Setting(deduction, deduction.points, deduction.cap, True))
    return found


@command(Permission.SUPERVISION_MANAGE)
def configure(code: str, *, points, cap, active: bool, actor) -> Setting:
    """Set one deduction (扣分项设置): points per occurrence and the most it takes off (0–100)."""
    if code not in BY_CODE:
        raise ValidationFailed({"code": [_l("No such deduction.")]})
    errors, values = {}, {}
    for name, raw, label in (("points", points, _l("Points per occurrence")), ("cap", cap, _l("Most points taken off"))):
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = None
        if value is None or not 0 <= value <= 100:  # NaN fails the comparison too
            errors[name] = [_l("%(field)s: enter a number from 0 to 100.", field=label)]
        else:
            values[name] = value
    if errors:
        raise ValidationFailed(errors)
    row = db.session.scalar(sa.select(DeductionRule).where(DeductionRule.code == code))
    if row is None:
        row = DeductionRule(code=code)
        db.session.add(row)
    row.points, row.cap, row.active = values["points"], values["cap"], bool(active)
    row.updated_by_name, row.updated_at = actor.display_name, now()
    db.session.flush()
    audit.record("assessment.configured", "deduction_rule", row.id, actor=actor,
                 details={"code": code, "points": row.points, "cap": row.cap, "active": row.active})
    return Setting(BY_CODE[code], row.points, row.cap, row.active, row.updated_by_name)


@dataclass
class Line:
    setting: Setting
    occurrences: int
    points: float  # taken off


@dataclass
class Score:
    status: Status
    lines: list[Line] = field(default_factory=list)

    @property
    def deducted(self) -> float:
        return round(sum(line.points for line in self.lines), 1)

    @property
    def score(self) -> float:
        return round(max(0.0, FULL_SCORE - self.deducted), 1)


def score(status: Status, rules: list[Setting]) -> Score:
    """A department's score from its figures of the year and the bureau's deductions."""
    result = Score(status)
    for setting in rules:
        if not setting.active:
            continue
        count = setting.deduction.occurrences(status)
        if count:
            result.lines.append(Line(setting, count, round(min(setting.cap, setting.points * count), 1)))
    return result
