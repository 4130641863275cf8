"""The seeds' reporting duties (报送义务): which statistical table each department submits, for which
period, by when, to whom — the one statement of the schedule.

* Seed 001 item 9: 每年的1月1日和7月1日前，各部门要将《市直部门ＸＸ年度随机抽查工作进展情况统计表》（附件2）、
  《ＸＸ年度市直部门非市场监管领域推行“双随机、一公开”情况统计表》（附件5）报送市司法局备案 — each half-year's
  table, the first half's by 1 July, the second half's by 1 January of the next year. 附件5 is owed by the
  departments with inspection items outside market regulation (as their half-year plans are).
* Seed 001 item 10: 每年的1月1日前，各部门要将上一年度《ＸＸ年度联合检查工作进展情况统计表》（附件3）报送市司法局备案.
* Seed 003 三(三): 各单位应在每季度倒数第二周内，将本季度落实情况形成表格（附件4）报送县政府法制办 — due on the
  Sunday of the quarter's second-to-last week (Monday–Sunday weeks; the last week is the one holding the
  quarter's last day); 法制办应在每年12月15日前 … 将有关情况汇总形成表格（附件3）… 报市政府法制办 — the justice
  bureau's own duty, to the level above.

A due date is the seed's calendar day, inclusive (submitted on it is on time), as the plan filing
deadlines are read. A duty whose due date came before the department was created is not owed.
The departments that submit are the ordinary ones and the market-regulation bureau; the justice
bureau receives them and itself owes the area-wide table.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from spotcheck.core.clock import local
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.supervision.periods import Period, parse

#: Who submits: every department the justice bureau supervises, or the bureau itself.
DEPARTMENTS = "departments"
BUREAU = "bureau"


@dataclass(frozen=True)
class Duty:
    """One recurring duty: table ``code`` (:data:`spotcheck.tenants.supervision.tables.TABLES`), its name
    as the seed gives it (ＸＸ: the year), the kind of period, who submits, to whom, and the seed's words."""

    code: str
    name: str
    period_kind: str  # half / year / quarter
    submitter: str  # DEPARTMENTS / BUREAU
    recipient: str
    seed: str
    other_fields_only: bool = False  # owed only by departments with items outside market regulation

    def title(self, period: Period) -> str:
        return self.name.replace("ＸＸ", str(period.year))

    def periods(self, year: int) -> list[Period]:
        """The periods of ``year`` this duty is owed for."""
        if self.period_kind == "half":
            return [Period(year, "half", 1), Period(year, "half", 2)]
        if self.period_kind == "quarter":
            return [Period(year, "quarter", q) for q in (1, 2, 3, 4)]
        return [Period(year)]

    def due(self, period: Period) -> date:
        """The due date (inclusive) of the table of ``period``."""
        if self.code == "003-3":
            return date(period.year, 12, 15)
        if self.period_kind == "quarter":
            last = period.end
            return last - timedelta(days=last.weekday()) - timedelta(days=1)
        return period.end + timedelta(days=1)  # 7月1日 after the first half, 1月1日 after the second half or the year

    @property
    def area_wide(self) -> bool:
        return self.submitter == BUREAU


DUTIES: tuple[Duty, ...] = (
    Duty("001-2", "市直部门ＸＸ年度随机抽查工作进展情况统计表", "half", DEPARTMENTS, "市司法局",
         "文件001 第9条：每年的1月1日和7月1日前报送市司法局备案"),
    Duty("001-5", "ＸＸ年度市直部门非市场监管领域推行“双随机、一公开”情况统计表", "half", DEPARTMENTS, "市司法局",
         "文件001 第9条：每年的1月1日和7月1日前报送市司法局备案", other_fields_only=True),
    Duty("001-3", "ＸＸ年度联合检查工作进展情况统计表", "year", DEPARTMENTS, "市司法局",
         "文件001 第10条：每年的1月1日前将上一年度统计表报送市司法局备案"),
    Duty("003-4", "县政府部门、有关单位推行“双随机、一公开”情况统计表", "quarter", DEPARTMENTS, "司法局",
         "文件003 三（三）：每季度倒数第二周内报送"),
    Duty("003-3", "区县推行“双随机、一公开”情况统计表", "year", BUREAU, "上级司法行政部门（市政府法制办）",
         "文件003 三（三）：每年12月15日前汇总形成表格报市政府法制办"),
)
BY_CODE = {duty.code: duty for duty in DUTIES}


@dataclass(frozen=True)
class Due:
    """One duty for one period: what, for when, due by when."""

    duty: Duty
    period: Period

    @property
    def due_on(self) -> date:
        return self.duty.due(self.period)

    @property
    def title(self) -> str:
        return self.duty.title(self.period)

    @property
    def key(self) -> str:
        return f"{self.duty.code}/{self.period.code}"


def submits(tenant: Tenant, duty: Duty) -> bool:
    """Whether ``tenant`` is among those who submit ``duty`` (before the other-fields condition)."""
    if duty.submitter == BUREAU:
        return tenant.kind == TenantKind.supervisor
    return tenant.kind in (TenantKind.ordinary, TenantKind.lead)


def created_on(tenant: Tenant) -> date | None:
    """The Beijing day the department was created."""
    return local(tenant.created_at).date() if tenant.created_at is not None else None


def owed(tenant: Tenant, due: Due) -> bool:
    """Whether the department owes ``due`` by its date: not when the date came before it existed."""
    created = created_on(tenant)
    return created is None or due.due_on >= created


def schedule(years: list[int]) -> list[Due]:
    """Every duty of ``years``, by due date."""
    found = [Due(duty, period) for year in years for duty in DUTIES for period in duty.periods(year)]
    return sorted(found, key=lambda d: (d.due_on, d.duty.code))


def find(code: str, period_code: str) -> Due | None:
    """The duty of table ``code`` for the period written ``period_code`` (``None``: no such duty)."""
    duty, period = BY_CODE.get(code or ""), parse(period_code)
    if duty is None or period is None or period.kind != duty.period_kind:
        return None
    return Due(duty, period)
