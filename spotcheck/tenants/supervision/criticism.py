"""Notices of criticism (通报, seed 001 item 14: "对工作不力的单位及时进行全市通报"): drafted from the
figures of a period by a supervisor, approved (签发) by a leader of the justice bureau, then
delivered to every department named — a PDF copy shared with it, its leaders told in their inbox
and by e-mail. The document (通报文书) is numbered (文号) and written once, inside the approving
command, with the steps of :mod:`spotcheck.tenants.notices.writing` (:func:`write`).

A department is named for: a plan deadline missed or met late, coverage below target, results
published late or not at all, results not reported by their deadline (the same conditions as the
figures; each reason says how many rows and which figure shows them).

A bureau writes only about what it supervises (:func:`named_in`, issue 93): the title names no department outside
its supervision (:class:`~spotcheck.tenants.supervision.levels.Reach`); the text may name the departments of the
findings and the bureau's superiors (根据牡丹江市司法局…), and any other department it names is shown to the
signing leader, who confirms each before approving.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar, cast

import sqlalchemy as sa
from flask_babel import force_locale, lazy_gettext as _l

from spotcheck.core import storage
from spotcheck.core.clock import now, today
from spotcheck.core.commands import in_command
from spotcheck.core.database import db, get_row
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.core.text import clauses
from spotcheck.tenants.accounts import names
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.common.vocabulary import PLAN_HALF
from spotcheck.tenants.notices import delivery, documents
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.notices.vocabulary import NoticeKind
from spotcheck.tenants.notices.writing import AREA, numberer
from spotcheck.tenants.supervision import figures, levels
from spotcheck.tenants.supervision.models import Criticism, CriticismStatus
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.vocabulary import FILING_STATUS


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
            deadline = cast(date, filing.deadline)  # a plan owed has its deadline
            found.append(
                {
                    "code": f"filing_{filing.status}",
                    "figure": "plan_year" if filing.half is None else "plan_half",
                    "count": 1,
                    "text": f"{which}{FILING_STATUS[filing.status]}（截止{deadline.year}年"
                    f"{deadline.month}月{deadline.day}日）",
                }
            )
    for field, name in (("market", "市场监管领域"), ("other", "其他领域")):
        if status.below_target(field):
            coverage = status.coverage(field)
            found.append(
                {
                    "code": f"coverage_{field}",
                    "figure": f"coverage_{field}",
                    "count": 1,
                    "text": f"{name}随机抽查事项覆盖率{coverage.share_percent:g}%，低于{coverage.goal_percent}%"
                    f"（{coverage.cited}）",
                }
            )
    if status.published_late:
        found.append(
            {
                "code": "published_late",
                "figure": "published_late",
                "count": status.published_late,
                "text": f"{status.published_late}户次检查结果未在公示期限内公示",
            }
        )
    if status.reports_overdue:
        found.append(
            {
                "code": "reports_overdue",
                "figure": "reports_overdue",
                "count": status.reports_overdue,
                "text": f"{status.reports_overdue}户次检查结果逾期报送或逾期未报送",
            }
        )
    return found


def default_title(period: Period) -> str:
    return f"关于{period.label}“双随机、一公开”监管工作情况的通报"


def opening(period: Period, bureau: str) -> str:
    """The draft's opening paragraph (the supervisor edits it), naming the issuing bureau as it is named
    (``bureau``: its department's full name, 上城区司法局)."""
    return (
        f"根据“双随机、一公开”监管工作要求，{bureau}对各部门{period.label}“双随机、一公开”工作情况进行了检查。"
        "现将未按要求完成工作任务的部门及存在的问题通报如下："
    )


def closing(bureau: str) -> str:
    """The draft's closing paragraph (the supervisor edits it), naming the issuing bureau."""
    return f"请被通报的部门高度重视，认真查找原因，于收到本通报之日起10个工作日内完成整改，并将整改情况报{bureau}。"


@dataclass
class Attention:
    """What a period's figures call for (the bureau's home page): the departments a notice of
    criticism would name for a plan deadline or for coverage, and the results published late."""

    filing: list[str]
    coverage: list[str]
    late: int
    #: When the figures were counted (UTC; None: just now, or — ``counted`` false — never).
    taken_at: datetime | None = None
    #: Whether the figures were counted at all (the home's figures are the stored ones, which may not be yet).
    counted: bool = True

    #: The figures it is drawn from (:func:`figures.compute`'s ``wanted``): the page counts no others.
    FIGURES: ClassVar[tuple[str, ...]] = (*figures.ITEM_FIGURES, "published_late", "filings")

    @property
    def any(self) -> bool:
        return bool(self.filing or self.coverage or self.late)


def attention(statuses: list[figures.Status], *, taken_at: datetime | None = None, counted: bool = True) -> Attention:
    """What ``statuses`` call for, counted at ``taken_at`` (``counted`` false: not counted yet, nothing to say)."""
    named = [(s, {reason["code"] for reason in reasons_of(s)}) for s in statuses]
    return Attention(
        filing=[s.name for s, codes in named if codes & {"filing_missing", "filing_late"}],
        coverage=[s.name for s, codes in named if codes & {"coverage_market", "coverage_other"}],
        late=sum(s.published_late for s in statuses),
        taken_at=taken_at,
        counted=counted,
    )


@dataclass(frozen=True)
class NamedIn:
    """The departments a notice's free text names beyond what it names freely: in the title, those outside the
    bureau's supervision (``title_outside``: refused); in the text, those neither of the findings, nor the bureau
    itself, nor a bureau above it (``to_confirm``: the signing leader confirms each)."""

    title_outside: list[Tenant]
    to_confirm: list[Tenant]


def named_in(title: str, body: str, findings: list[dict], issuer: Tenant) -> NamedIn:
    """What ``title`` and ``body`` of ``issuer``'s notice name (:func:`~spotcheck.tenants.accounts.names.
    departments_named`: full names, their short forms and short names), against its findings."""
    reach = levels.reach_of(issuer)
    free = {issuer.id, *reach.superiors, *(finding["tenant_id"] for finding in findings)}
    return NamedIn(
        reach.outside(names.departments_named(title, reach.departments)),
        [tenant for tenant in names.departments_named(body, reach.departments) if tenant.id not in free],
    )


def title_refusal(issuer: Tenant, outside: list[Tenant]) -> str:
    """Why a title naming ``outside`` (departments the bureau does not supervise) is refused, citing the rule in
    force for the bureau's level (行政执法监督条例 第二条、第六条)."""
    return str(
        _l(
            "%(rule)s%(bureau)s supervises the departments of %(place)s and of the regions below it: the title names "
            "%(names)s, which it does not supervise. A notice of criticism names in its title only departments the "
            "bureau supervises.",
            rule=levels.rules_of(issuer.id).under("enforcement_supervisor"),
            bureau=issuer.full_name,
            place=issuer.region.name,
            names=names.listed(outside),
        )
    )


def drafts() -> list[Criticism]:
    """The bureau's notices of criticism waiting for approval."""
    return [c for c in list_all() if c.status == CriticismStatus.draft]


def get(criticism_id: int, *, for_update: bool = False) -> Criticism:
    return get_row(Criticism, criticism_id, _l("No such notice of criticism."), for_update=for_update)


def list_all() -> list[Criticism]:
    return list(db.session.scalars(sa.select(Criticism).order_by(Criticism.id.desc())))


# --- the document (通报文书) ---------------------------------------------------------------------


def write(
    issuer: Tenant,
    criticism_id: int,
    *,
    title: str,
    opening: list[str],
    findings: list[dict],
    closing: list[str],
    contact: str,
    link: str,
) -> tuple[str, list[Notice]]:
    """A notice of criticism (通报) of ``issuer`` (the justice bureau): one document with one number,
    a copy shared with each department named in ``findings`` (``{tenant_id, name, reasons}``), and
    its leaders told in their inbox (and by e-mail). Called inside the approving command; returns
    the number and the copies."""
    if not in_command():
        raise RuntimeError("a notice of criticism is written by a command")
    subject = f"criticism:{criticism_id}"
    number = numberer(issuer, NoticeKind.criticism)()
    data = documents.pdf(
        "criticism",
        issuer=issuer.full_name,
        number=number,
        title=title,
        dated=documents.chinese_date(today()),
        opening=opening,
        findings=findings,
        closing=closing,
        contact=contact,
    )
    stored = storage.save_bytes(data, area=AREA, tenant_id=issuer.id, suffix=".pdf")
    copies = []
    for finding in findings:
        notice = Notice(
            kind=NoticeKind.criticism,
            subject=f"{subject}:t{finding['tenant_id']}",
            number=number,
            title=title,
            storage_key=stored.key,
            size=stored.size,
            sha256=stored.sha256,
            receiver_tenant_id=finding["tenant_id"],
            criticism_id=criticism_id,
        )
        db.session.add(notice)
        copies.append(notice)
    db.session.flush()
    for notice, finding in zip(copies, findings, strict=True):  # a copy per finding
        with tenant_scope(finding["tenant_id"]):  # the department's leaders, in its own inboxes
            for user in db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id)):
                if has_permission(user, Permission.SUPERVISION_VIEW):
                    delivery.deliver(
                        user,
                        purpose=f"{subject}:notice",
                        notice=notice,
                        link=link,
                        subject=f"通报：{issuer.full_name} {number}",
                        body=f"{issuer.full_name}印发《{title}》，{finding['name']}被通报："
                        + clauses(reason["text"] for reason in finding["reasons"]),
                    )
            db.session.flush()
    return number, copies


def tell_leaders(criticism: Criticism, issuer: Tenant, drafter: str) -> int:
    """提交局领导签发: each active leader of the issuing bureau who approves notices of criticism is told, in the inbox
    (and by e-mail where they have one), that ``drafter``'s draft waits for them, with the way to it; returns how
    many were told. Called inside the submitting command: each submission tells them anew."""
    if not in_command():
        raise RuntimeError("a draft is submitted by a command")
    told = 0
    for user in db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id)):
        if has_permission(user, Permission.CRITICISM_APPROVE):
            told += bool(
                delivery.deliver(
                    user,
                    purpose=f"criticism:{criticism.id}:submitted:{now().isoformat()}",
                    link=f"/supervision/criticisms/{criticism.id}",
                    subject=f"通报待签发：《{criticism.title}》",
                    body=f"{drafter}（{issuer.full_name}）提交了《{criticism.title}》的草稿，请审核后签发，或写明理由退回修改。",
                )
            )
    return told
