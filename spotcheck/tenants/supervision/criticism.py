"""Notices of criticism (通报, seed 001 item 14: "对工作不力的单位及时进行全市通报"): drafted from the
figures of a period by a supervisor, approved (签发) by a leader of the justice bureau, then
delivered to every department named — a PDF copy shared with it, its leaders told in their inbox
and by e-mail.

A department is named for: a plan deadline missed or met late, coverage below target, results
published late or not at all, results not reported by their deadline (the same conditions as the
figures; each reason says how many rows and which figure shows them).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actions import Action, Actions
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.tenants.labels import PLAN_HALF
from spotcheck.tenants.models import Tenant
from spotcheck.tenants.notices import writing as notices
from spotcheck.tenants.supervision import access, figures
from spotcheck.tenants.supervision.definitions import COVERAGE_TARGETS, FILING_STATUS
from spotcheck.tenants.supervision.models import Criticism, CriticismStatus
from spotcheck.tenants.supervision import periods
from spotcheck.tenants.supervision.periods import Period

CRITICISM_ACTIONS = Actions(
    Action("edit", Permission.SUPERVISION_MANAGE, lambda c: c.status == CriticismStatus.draft,
           _l("Only a draft can be changed.")),
    Action("approve", Permission.CRITICISM_APPROVE, lambda c: c.status == CriticismStatus.draft and bool(c.findings),
           _l("Only a draft that names at least one department can be approved.")),
    Action("withdraw", Permission.SUPERVISION_MANAGE, lambda c: c.status == CriticismStatus.draft,
           _l("Only a draft can be withdrawn.")),
)


def reasons_of(status: figures.Status) -> list[dict]:
    """Why a department would be named, from its figures: ``{code, text, count, figure}`` each; the
    text is the document's, in Chinese whatever the reader's language."""
    with force_locale("zh_CN"):
        return _reasons(status)


def _reasons(status: figures.Status) -> list[dict]:
    found = []
    for filing in status.filings:
        if filing.status in ("missing", "late"):
            which = "年度检查计划" if filing.half is None else f"{PLAN_HALF[filing.half]}非市场监管领域抽查工作计划"
            found.append({"code": f"filing_{filing.status}", "figure": "plan_year" if filing.half is None else "plan_half",
                          "count": 1, "text": f"{which}{FILING_STATUS[filing.status]}（截止{filing.deadline.year}年{filing.deadline.month}月{filing.deadline.day}日）"})
    for field, name in (("market", "市场监管领域"), ("other", "其他领域")):
        if status.below_target(field):
            value = getattr(status, f"coverage_{field}")
            found.append({"code": f"coverage_{field}", "figure": f"coverage_{field}", "count": 1,
                          "text": f"{name}随机抽查事项覆盖率{value:g}%，低于{COVERAGE_TARGETS[field]}%"})
    if status.published_late:
        found.append({"code": "published_late", "figure": "published_late", "count": status.published_late,
                      "text": f"{status.published_late}户次检查结果未在20个工作日内公示"})
    if status.reports_overdue:
        found.append({"code": "reports_overdue", "figure": "reports_overdue", "count": status.reports_overdue,
                      "text": f"{status.reports_overdue}户次检查结果逾期未报送"})
    return found


def default_title(period: Period) -> str:
    return f"关于{period.label}“双随机、一公开”监管工作情况的通报"


def _opening(period: Period) -> str:
    return (f"根据“双随机、一公开”监管工作要求，市司法局对各部门{period.label}“双随机、一公开”工作情况进行了检查。"
            "现将未按要求完成工作任务的部门及存在的问题通报如下：")


CLOSING = ("请被通报的部门高度重视，认真查找原因，于收到本通报之日起10个工作日内完成整改，并将整改情况报市司法局。"
           "整改情况将纳入年度法治政府建设考核。")


@command(Permission.SUPERVISION_MANAGE)
def draft(period, *, actor) -> Criticism:
    """Draft a notice of criticism for ``period`` from every department's figures (起草通报)."""
    period = periods.required(period)
    with access.reading(actor, "criticism draft", period=period):
        statuses = figures.compute(period, figures.departments())
    findings = [{"tenant_id": s.tenant_id, "name": s.name, "reasons": reasons}
                for s in statuses if s.tenant_id != actor.tenant_id and (reasons := reasons_of(s))]
    criticism = Criticism(period=period.code, title=default_title(period),
                          body="\n\n".join([_opening(period), CLOSING]), findings=findings,
                          drafted_by_name=actor.display_name, drafted_at=now())
    db.session.add(criticism)
    db.session.flush()
    audit.record("criticism.drafted", "criticism", criticism.id, actor=actor,
                 details={"period": period.code, "departments": [f["tenant_id"] for f in findings]})
    return criticism


@dataclass
class Attention:
    """What a period's figures call for (the bureau's home page): the departments a notice of
    criticism would name for a plan deadline or for coverage, and the results published late."""

    filing: list[str]
    coverage: list[str]
    late: int

    @property
    def any(self) -> bool:
        return bool(self.filing or self.coverage or self.late)


def attention(statuses: list[figures.Status]) -> Attention:
    named = [(s, {reason["code"] for reason in reasons_of(s)}) for s in statuses]
    return Attention(filing=[s.name for s, codes in named if codes & {"filing_missing", "filing_late"}],
                     coverage=[s.name for s, codes in named if codes & {"coverage_market", "coverage_other"}],
                     late=sum(s.published_late for s in statuses))


def drafts() -> list[Criticism]:
    """The bureau's notices of criticism waiting for approval."""
    return [c for c in list_all() if c.status == CriticismStatus.draft]


def get(criticism_id) -> Criticism:
    return get_row(Criticism, criticism_id, _l("No such notice of criticism."))


def list_all() -> list[Criticism]:
    return list(db.session.scalars(sa.select(Criticism).order_by(Criticism.id.desc())))


def _paragraphs(body: str) -> list[str]:
    return [p.strip() for p in (body or "").split("\n\n") if p.strip()]


@command(Permission.SUPERVISION_MANAGE)
def update(criticism_id, *, title: str, body: str, leave_out: list[int] | None = None, actor) -> Criticism:
    """Change a draft: its title, its text (paragraphs split by an empty line), and the departments
    left out of it (a supervisor may judge a reason excused)."""
    criticism = get(criticism_id)
    CRITICISM_ACTIONS.require(criticism, actor, "edit")
    title, errors = (title or "").strip(), {}
    if not title or len(title) > 200:
        errors["title"] = [_l("Enter a title of at most 200 characters.")]
    if not _paragraphs(body):
        errors["body"] = [_l("Write the text of the notice.")]
    if errors:
        raise ValidationFailed(errors)
    out = {int(x) for x in (leave_out or ())}
    criticism.title, criticism.body = title, body.strip()
    criticism.findings = [f for f in criticism.findings if f["tenant_id"] not in out]
    audit.record("criticism.changed", "criticism", criticism.id, actor=actor,
                 details={"left_out": sorted(out)})
    return criticism


@command(Permission.SUPERVISION_MANAGE)
def withdraw(criticism_id, *, actor) -> Criticism:
    criticism = get(criticism_id)
    CRITICISM_ACTIONS.require(criticism, actor, "withdraw")
    criticism.status = CriticismStatus.withdrawn
    audit.record("criticism.withdrawn", "criticism", criticism.id, actor=actor)
    return criticism


@command(Permission.CRITICISM_APPROVE)
def approve(criticism_id, *, actor) -> Criticism:
    """签发: number the notice, write its PDF, and deliver a copy to each department named."""
    criticism = get(criticism_id)
    CRITICISM_ACTIONS.require(criticism, actor, "approve")
    issuer = db.session.get(Tenant, criticism.tenant_id)
    paragraphs = _paragraphs(criticism.body)
    number, _ = notices.write_criticism(
        issuer, criticism.id, title=criticism.title, opening=paragraphs[:1], findings=criticism.findings,
        closing=paragraphs[1:], contact=f"{criticism.drafted_by_name}（{issuer.name}）", link="/supervision/received")
    criticism.status, criticism.number = CriticismStatus.approved, number
    criticism.approved_by_name, criticism.approved_at = actor.display_name, now()
    audit.record("criticism.approved", "criticism", criticism.id, actor=actor,
                 details={"number": number, "departments": [f["tenant_id"] for f in criticism.findings]})
    return criticism
