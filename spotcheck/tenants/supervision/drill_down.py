"""The drill-down of the supervision figures (指标明细): the rows a figure counts for one department,
through the same conditions as :mod:`~spotcheck.tenants.supervision.figures`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVarTuple, cast

import sqlalchemy as sa

from spotcheck.core.clock import as_utc, local
from spotcheck.core.database import db
from spotcheck.core.scoping import current_scope, tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, Draw
from spotcheck.tenants.campaigns.policy import is_public
from spotcheck.tenants.campaigns.vocabulary import cause_line
from spotcheck.tenants.common.vocabulary import DRAW_KIND, PLAN_HALF, VISIT_STATUS, campaign_status, reference
from spotcheck.tenants.directory.history import entries_at
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.history import listed_at
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.items.history import items_at
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.joint.statistics import campaign_figures
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.results import deadlines
from spotcheck.tenants.results.models import FollowUp, InspectionCode, RectificationAnswer, Visit
from spotcheck.tenants.results.vocabulary import ANSWER_STATUS_LABELS, SATISFACTION_LABELS
from spotcheck.tenants.rules.models import RulesDocument
from spotcheck.tenants.rules.rulebook import rules_for
from spotcheck.tenants.supervision import conditions as when
from spotcheck.tenants.supervision.conditions import Condition
from spotcheck.tenants.supervision.figures import ITEM_FIGURES, Status, compute, created_on, filing
from spotcheck.tenants.supervision.models import Complaint, ComplaintForward, Evaluation
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.vocabulary import (
    COMPLAINT_STATUS_LABELS,
    COMPLETE,
    DRILL_COLUMNS,
    FILING_STATUS,
    FORWARD_STATUS_LABELS,
    YES_NO,
)

#: The columns of a query, whatever they are (a helper that adds joins keeps them).
Ts = TypeVarTuple("Ts")


@dataclass
class Rows:
    """The rows a figure counts: column headers, the rows (as lists of cells) and how many there are;
    ``refs``, what each row is about (``("visit", id, campaign id, portal campaign id, published)``,
    ``("campaign", id, portal campaign id or None)`` — the portal shows a joint part under its joint
    campaign, a draft not at all —
    ``("plan", id)``, ``("complaint", id, its bureau's id)``, ``("entry", id)`` (a directory entry),
    ``("items",)``, ``("inspectors",)``, ``("rules",)``;
    涉企检查频次's ``("business", code, period code)`` and ``("check", portal campaign id, business code)``),
    for the page to link it."""

    columns: list[str]
    rows: list[list[Any]]
    total: int
    refs: Sequence[tuple[Any, ...] | None] = field(default_factory=list)


def _campaign_ref(campaign: Campaign) -> tuple[str, int, int | None]:
    return ("campaign", campaign.id, (campaign.joint_id or campaign.id) if is_public(campaign) else None)


def _due(day: date | None, provisional: bool) -> str:
    """A due date as the drill-down shows it, marked when provisional (暂按周一至周五计算)."""
    return f"{day.isoformat()}{deadlines.note(provisional)}" if day else ""


def _visit_rows(condition: Condition, limit: int) -> Rows:
    """The visits of ``condition`` (which may name the visit's campaign: it is joined)."""
    total = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Visit)
            .join(Campaign, Campaign.id == Visit.campaign_id)
            .where(condition)
        )
        or 0
    )
    query = (
        sa.select(
            Campaign.code,
            Entity.name,
            Visit.checked_on,
            Visit.status,
            Visit.report_due,
            Visit.report_due_provisional,
            Visit.publish_due,
            Visit.publish_due_provisional,
            Visit.published_at,
            Visit.id,
            Visit.campaign_id,
            sa.func.coalesce(Campaign.joint_id, Campaign.id),
            Visit.first_submitted_at,
            Campaign.window_end,
        )
        .join(Campaign, Campaign.id == Visit.campaign_id)
        .join(Entity, Entity.id == Visit.entity_id)
        .where(condition)
        .order_by(Visit.publish_due, Visit.id)
        .limit(limit)
    )
    rows, refs = [], []
    for (
        code,
        entity,
        checked,
        state,
        report_due,
        report_provisional,
        publish_due,
        publish_provisional,
        published,
        visit_id,
        campaign_id,
        on_portal,
        first_submitted,
        window_end,
    ) in db.session.execute(query):
        late = deadlines.lateness(first_submitted, report_due, window_end)  # 逾期提交, marked wherever it is listed
        status = VISIT_STATUS[state.value] + (f"（{late.words}）" if late else "")
        rows.append(
            [
                code,
                entity,
                checked,
                status,
                _due(report_due, report_provisional),
                _due(publish_due, publish_provisional),
                local(published).strftime("%Y-%m-%d %H:%M") if published else "",
            ]
        )
        refs.append(("visit", visit_id, campaign_id, on_portal, published is not None))
    return Rows(DRILL_COLUMNS["visits"], rows, total, refs)


def _named_visit_rows(condition: Condition, limit: int) -> Rows:
    """The checks of named businesses of ``condition`` (特定对象检查户次), each with the business's cause as its
    supervising bureau reads it (a complaint's number left out: :func:`~spotcheck.tenants.campaigns.vocabulary.
    cause_line`) — the public reads only that the check had a cause (有因检查)."""
    found = _visit_rows(condition, limit)
    visit_ids = [ref[1] for ref in found.refs if ref is not None]
    causes = (
        {
            visit_id: cause_line(cause, cause_reference, outside=True)
            for visit_id, cause, cause_reference in db.session.execute(
                sa.select(Visit.id, CampaignTarget.cause, CampaignTarget.cause_reference)
                .join(
                    CampaignTarget,
                    sa.and_(
                        CampaignTarget.campaign_id == Visit.campaign_id, CampaignTarget.entity_id == Visit.entity_id
                    ),
                )
                .where(Visit.id.in_(visit_ids), CampaignTarget.cause != "")
            )
        }
        if visit_ids
        else {}
    )
    rows = [
        [*row, causes.get(ref[1], "") if ref is not None else ""]
        for row, ref in zip(found.rows, found.refs, strict=True)
    ]
    return Rows(DRILL_COLUMNS["named_visits"], rows, found.total, found.refs)


def _moment(value: datetime | None) -> str:
    return local(value).strftime("%Y-%m-%d %H:%M") if value is not None else ""


def _code_rows(condition: Condition, limit: int) -> Rows:
    """The visits with a code of ``condition`` (扫码入企): when the code was issued, how often it was
    scanned, when the 入企 was recorded (补录 marked) and the result first reported (the evaluations are the
    bureau's rows: :func:`_evaluation_rows`)."""

    def joined(query: sa.Select[*Ts]) -> sa.Select[*Ts]:
        return (
            query.select_from(InspectionCode)
            .join(Visit, Visit.id == InspectionCode.visit_id)
            .join(Campaign, Campaign.id == Visit.campaign_id)
            .where(condition)
        )

    total = db.session.scalar(joined(sa.select(sa.func.count()))) or 0
    query = (
        joined(
            sa.select(
                Campaign.code,
                Entity.name,
                Visit.checked_on,
                Visit.status,
                InspectionCode,
                Visit.first_submitted_at,
                Visit.id,
                Visit.campaign_id,
                sa.func.coalesce(Campaign.joint_id, Campaign.id),
                Visit.published_at,
            )
        )
        .join(Entity, Entity.id == Visit.entity_id)
        .order_by(InspectionCode.issued_at, Visit.id)
        .limit(limit)
    )
    rows, refs = [], []
    for (
        code,
        entity,
        checked,
        state,
        found,
        submitted,
        visit_id,
        campaign_id,
        on_portal,
        published,
    ) in db.session.execute(query):
        entered = (
            "未登记" if found.arrived_at is None else _moment(found.arrived_at) + ("（补录）" if found.late_at else "")
        )
        rows.append(
            [
                code,
                entity,
                checked or "",
                VISIT_STATUS[state.value],
                _moment(found.issued_at),
                found.scans,
                entered,
                _moment(submitted),
            ]
        )
        refs.append(("visit", visit_id, campaign_id, on_portal, published is not None))
    return Rows(DRILL_COLUMNS["codes"], rows, total, refs)


def _evaluation_rows(condition: Condition, limit: int) -> Rows:
    """The businesses' evaluations of ``condition``, one by one (the justice bureau's reading alone: a department
    reads no row of them, :func:`spotcheck.tenants.supervision.policy.reads_evaluations`)."""

    def joined(query: sa.Select[*Ts]) -> sa.Select[*Ts]:
        return (
            query.select_from(Evaluation)
            .join(Visit, Visit.id == Evaluation.visit_id)
            .join(Campaign, Campaign.id == Visit.campaign_id)
            .where(condition)
        )

    total = db.session.scalar(joined(sa.select(sa.func.count()))) or 0
    query = (
        joined(
            sa.select(
                Evaluation,
                Campaign.code,
                Entity.name,
                Visit.id,
                Visit.campaign_id,
                sa.func.coalesce(Campaign.joint_id, Campaign.id),
                Visit.published_at,
            )
        )
        .join(Entity, Entity.id == Visit.entity_id)
        .order_by(Evaluation.evaluated_at, Evaluation.id)
        .limit(limit)
    )
    rows, refs = [], []
    for found, code, entity, visit_id, campaign_id, on_portal, published in db.session.execute(query):
        rows.append(
            [
                _moment(found.evaluated_at),
                code,
                entity,
                f"{found.satisfaction}分（{SATISFACTION_LABELS[found.satisfaction]}）",
                found.text,
            ]
        )
        refs.append(("visit", visit_id, campaign_id, on_portal, published is not None))
    return Rows(DRILL_COLUMNS["evaluations"], rows, total, refs)


def _complaint_rows(condition: Condition, limit: int) -> Rows:
    """The bureau's complaints of ``condition`` — a lower bureau's too, for a bureau above it — never who complained:
    that is on the complaint's own page, its own bureau's alone."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Complaint).where(condition)) or 0
    found = list(db.session.scalars(sa.select(Complaint).where(condition).order_by(Complaint.created_at).limit(limit)))
    return Rows(
        DRILL_COLUMNS["complaints"],
        [
            [
                _moment(c.created_at),
                c.campaign_code,
                c.entity_name,
                c.text,
                str(COMPLAINT_STATUS_LABELS[c.status.value]),
                _moment(c.answered_at),
            ]
            for c in found
        ],
        total,
        [("complaint", c.id, c.tenant_id) for c in found],  # the bureau whose complaint it is
    )


def _forward_rows(condition: Condition, limit: int) -> Rows:
    """A department's complaints of ``condition``: those the bureau forwarded to it, as forwarded."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintForward).where(condition)) or 0
    found = list(
        db.session.scalars(
            sa.select(ComplaintForward).where(condition).order_by(ComplaintForward.forwarded_at).limit(limit)
        )
    )
    return Rows(
        DRILL_COLUMNS["complaint_forwards"],
        [
            [
                _moment(f.forwarded_at),
                f.campaign_code,
                f.entity_name or "（未附企业名称）",
                f.text,
                str(FORWARD_STATUS_LABELS[f.answered_at is not None]),
                _moment(f.answered_at),
            ]
            for f in found
        ],
        total,
        [("complaint_forward", f.id) for f in found],
    )


def _complaints_of(key: str, tenant_id: int, period: Period, limit: int) -> Rows:
    """The complaints a complaint figure counts: the bureau's, or (a department's reading) those forwarded to it."""
    every = current_scope().across
    _model, department, conditions = when.complaints_counted(every, period)
    return (_complaint_rows if every else _forward_rows)(sa.and_(department == tenant_id, conditions[key]), limit)


def _basics_rows(tenant_id: int, period: Period) -> Rows:
    """一单两库一细则: whether the department has each of them — those four figures alone, counted among the
    department's own rows (its scope: a province's bureau does not count every department's to keep one)."""
    tenant = cast(Tenant, db.session.get(Tenant, tenant_id))
    with tenant_scope(tenant_id):
        status = compute(period, [tenant], (*ITEM_FIGURES, "entries", "inspectors", "rules"))[0]
        rules_state = _rules_state(tenant_id, period, status)
    rows: list[list[Any]] = [
        ["随机抽查事项清单", f"{status.items}项", COMPLETE[bool(status.items)]],
        ["检查对象名录库", f"{status.entries}户", COMPLETE[bool(status.entries)]],
        ["执法检查人员名录库", f"{status.inspectors}人", COMPLETE[bool(status.inspectors)]],
        ["实施细则", rules_state, COMPLETE[bool(status.rules)]],
    ]
    if not status.inspects:  # a justice bureau keeping no item of its own does not inspect: none is asked of it
        rows = [[name, state, "不适用"] for name, state, _complete in rows]
    return Rows(DRILL_COLUMNS["basics"], rows, len(rows), [("items",), ("entries",), ("inspectors",), ("rules",)])


def _rules_state(tenant_id: int, period: Period, status: Status) -> str:
    """How the department's 细则 stands: published as its own, published but started from another department's (its
    articles not yet confirmed), or not published."""
    if status.rules:
        return "已公布"
    published = sa.exists().where(
        RulesDocument.tenant_id == tenant_id, RulesDocument.first_published_at < when.end_of(period)
    )
    if not db.session.scalar(sa.select(published)):
        return "未公布"
    started_from = rules_for(tenant_id, when.as_of(period)).department_starting_point
    return f"已公布，但以《{started_from}》为起点，条款尚待本部门确认"


def _item_rows(kept: Callable[[Item], bool], tenant_id: int, end: datetime, limit: int) -> Rows:
    """The items in force at ``end`` that a figure counts (``kept``)."""
    items = [i for i in items_at(end, [tenant_id]) if kept(i)]
    return Rows(
        DRILL_COLUMNS["items"],
        [
            [
                i.code,
                i.name,
                reference.ITEM_FIELDS.get(i.field, i.field),
                YES_NO[bool(i.random_check)],
                "" if i.random_check else i.non_random_reason,
            ]
            for i in items[:limit]
        ],
        len(items),
        [("items",)] * min(len(items), limit),
    )


def _entry_rows(tenant_id: int, end: datetime, limit: int) -> Rows:
    """The directory's entries at ``end``: an entry removed since is listed as it was, with nothing to open."""
    entries = entries_at(end)
    condition = entries.c.tenant_id == tenant_id
    total = db.session.scalar(sa.select(sa.func.count()).select_from(entries).where(condition)) or 0
    listed = db.session.execute(
        sa.select(Entity.code, Entity.name, entries.c.category, entries.c.risk, entries.c.entry_id)
        .join(Entity, Entity.id == entries.c.entity_id)
        .where(condition)
        .order_by(Entity.code)
        .limit(limit)
    ).all()
    return Rows(
        DRILL_COLUMNS["entries"],
        [list(r[:-1]) for r in listed],
        total,
        [("entry", r[-1]) if r[-1] is not None else None for r in listed],
    )


def _inspector_rows(tenant_id: int, end: datetime, limit: int) -> Rows:
    """The inspectors listed at ``end``."""
    condition = sa.and_(Inspector.tenant_id == tenant_id, listed_at(end))
    listed_inspectors = list(db.session.scalars(sa.select(Inspector).where(condition).order_by(Inspector.id)))
    return Rows(
        DRILL_COLUMNS["inspectors"],
        [[i.name, i.agency, i.cert_no] for i in listed_inspectors[:limit]],
        len(listed_inspectors),
        [("inspectors",)] * min(len(listed_inspectors), limit),
    )


def _rules_rows(tenant_id: int, end: datetime) -> Rows:
    """The department's rules (细则): whether published by ``end``, and when it was last published by then."""
    docs = list(db.session.scalars(sa.select(RulesDocument).where(RulesDocument.tenant_id == tenant_id)))
    rows: list[list[Any]] = []
    for d in docs:
        by_end = [m for m in (d.published_at, d.first_published_at) if m is not None and as_utc(m) < end]
        rows.append(
            [
                d.published_title or d.title,
                YES_NO[bool(by_end)],
                local(by_end[0]).strftime("%Y-%m-%d") if by_end else "",
            ]
        )
    return Rows(DRILL_COLUMNS["rules"], rows, len(docs), [("rules",)] * len(docs))


def _plan_rows(year: bool, tenant_id: int, period: Period) -> Rows:
    """The plan deadlines of the period's year: the year's plan (``year``), else the half-years' plans."""
    query = sa.select(Plan).where(Plan.tenant_id == tenant_id, Plan.year == period.year, Plan.kind == "annual")
    query = query.where(Plan.half.is_(None) if year else Plan.half.is_not(None))
    plans = {plan.half: plan for plan in db.session.scalars(query)}
    halves: list[int | None] = [None] if year else list(period.halves)
    rows: list[list[Any]] = []
    refs: list[tuple[Any, ...] | None] = []
    for half in halves:
        filed = filing(tenant_id, period.year, half, plans.get(half), created_on(tenant_id))
        plan = plans.get(half)
        rows.append(
            [
                plan.title if plan else "（无）",
                PLAN_HALF[half],
                filed.deadline or "不要求",
                filed.submitted_on or "",
                FILING_STATUS[filed.status],
                plan.comment if plan else "",
            ]
        )
        refs.append(("plan", plan.id) if plan else None)
    return Rows(DRILL_COLUMNS["plans"], rows, len(rows), refs)


def _campaign_rows(counted: Counted, tenant_id: int, period: Period, limit: int) -> Rows:
    """The campaigns of the period that a figure counts (``counted``: random, or checks of named businesses)."""
    campaigns = list(
        db.session.scalars(
            sa.select(Campaign)
            .where(Campaign.tenant_id == tenant_id, counted(period))
            .order_by(Campaign.window_start, Campaign.id)
        )
    )
    return Rows(
        DRILL_COLUMNS["campaigns"],
        [
            [c.code, c.title, f"{c.window_start} 至 {c.window_end}", campaign_status(c.status, c)]
            for c in campaigns[:limit]
        ],
        len(campaigns),
        [_campaign_ref(c) for c in campaigns[:limit]],
    )


def _draw_rows(tenant_id: int, period: Period, limit: int) -> Rows:
    """The draws of the period."""
    draws = db.session.execute(
        sa.select(
            Campaign.code,
            Campaign.title,
            Draw.kind,
            Draw.drawn_at,
            Draw.seed,
            Campaign.id,
            sa.func.coalesce(Campaign.joint_id, Campaign.id),
        )
        .join(Campaign, Campaign.id == Draw.campaign_id)
        .where(Draw.tenant_id == tenant_id, when.draws(period))
        .order_by(Draw.drawn_at)
    ).all()
    return Rows(
        DRILL_COLUMNS["draws"],
        [
            [
                code,
                title,
                DRAW_KIND[kind.value],
                local(cast(datetime, at)).strftime("%Y-%m-%d %H:%M"),
                (seed or "")[:16] + "…",
            ]
            for code, title, kind, at, seed, *_ in draws[:limit]
        ],
        len(draws),
        [("campaign", campaign_id, on_portal) for *_, campaign_id, on_portal in draws[:limit]],
    )


def _of_visits(statement: sa.Select, columns: list[str], row: Callable[..., list], limit: int) -> Rows:
    """Rows about follow-ups of visits (the statement's own columns, then the visit's campaign, business and the
    visit's link: its id, campaign, the campaign the portal shows and whether published): ``row`` of each row's own
    columns, the first ``limit``."""
    found = db.session.execute(
        statement.add_columns(
            Visit.id, Visit.campaign_id, sa.func.coalesce(Campaign.joint_id, Campaign.id), Visit.published_at
        )
        .join(Visit, Visit.id == FollowUp.visit_id)
        .join(Campaign, Campaign.id == Visit.campaign_id)
        .join(Entity, Entity.id == Visit.entity_id)
    ).all()
    return Rows(
        columns,
        [row(*values[:-4]) for values in found[:limit]],
        len(found),
        [
            ("visit", visit_id, campaign_id, on_portal, published is not None)
            for *_, visit_id, campaign_id, on_portal, published in found[:limit]
        ],
    )


def _follow_up_rows(tenant_id: int, period: Period, limit: int) -> Rows:
    """The follow-ups open at the period's end (or today, while it runs)."""
    return _of_visits(
        sa.select(Campaign.code, Entity.name, FollowUp.kind, FollowUp.opened_on, FollowUp.deadline)
        .select_from(FollowUp)
        .where(FollowUp.tenant_id == tenant_id, when.follow_ups_open(period))
        .order_by(FollowUp.opened_on),
        DRILL_COLUMNS["follow_ups_open"],
        lambda code, entity, kind, opened_on, deadline: [
            code,
            entity,
            reference.FOLLOW_UP_KINDS.get(kind.value, kind.value),
            opened_on,
            deadline or "",
        ],
        limit,
    )


def _answer_rows(late: bool, tenant_id: int, period: Period, limit: int) -> Rows:
    """The businesses' answers to rectification orders given in the period, on time or ``late``, oldest first."""
    return _of_visits(
        sa.select(
            Campaign.code, Entity.name, FollowUp.deadline, RectificationAnswer.answered_on, RectificationAnswer.status
        )
        .select_from(RectificationAnswer)
        .join(FollowUp, FollowUp.id == RectificationAnswer.follow_up_id)
        .where(RectificationAnswer.tenant_id == tenant_id, when.answers_given(period, late))
        .order_by(RectificationAnswer.answered_on, RectificationAnswer.id),
        DRILL_COLUMNS["answers"],
        lambda code, entity, deadline, answered_on, status: [
            code,
            entity,
            deadline or "",
            answered_on,
            str(ANSWER_STATUS_LABELS[status]),
        ],
        limit,
    )


def _joint_rows(with_parts: bool, tenant_id: int, period: Period) -> Rows:
    """The joint campaigns of the period the department led or took part in (``with_parts``), or those it led
    (减少检查户次), each with its figures."""
    joint = when.joint_of(period)
    ids = list(db.session.scalars(sa.select(joint.c.joint).where(joint.c.tenant_id == tenant_id)))
    joint_query = sa.select(Campaign).where(Campaign.id.in_(ids)).order_by(Campaign.window_start)
    if not with_parts:
        joint_query = joint_query.where(Campaign.tenant_id == tenant_id)
    rows: list[list[Any]] = []
    seen: set[int] = set()
    refs: list[tuple[Any, ...] | None] = []
    for campaign in db.session.scalars(joint_query):
        figures = campaign_figures(campaign)
        seen.add(campaign.id)
        rows.append(
            [
                campaign.code,
                campaign.title,
                figures.departments,
                figures.visits,
                figures.checks,
                figures.separate,
                figures.saved,
            ]
        )
        refs.append(_campaign_ref(campaign))
    if with_parts:  # the lead's joint campaign is not the participant's to read: its own part is
        for part in db.session.scalars(
            sa.select(Campaign).where(
                Campaign.joint_id.in_([i for i in ids if i not in seen]), Campaign.tenant_id == tenant_id
            )
        ):
            rows.append([part.code, part.title, "（本部门参加，由牵头部门统计）", None, None, None, None])
            refs.append(_campaign_ref(part))
    return Rows(DRILL_COLUMNS["joint"], rows, len(rows), refs)


#: A figure's condition for a period (one of :mod:`.conditions`).
Counted = Callable[[Period], Condition]
#: The rows of a condition (at most ``limit``).
RowsOf = Callable[[Condition, int], Rows]
#: The rows behind a figure for one department (its id), a period and at most ``limit`` rows.
Drill = Callable[[int, Period, int], Rows]


def _visits(counted: Counted, rows_for: RowsOf = _visit_rows) -> Drill:
    """The department's visits that ``counted`` counts: as visits, or (扫码入企) by their codes (``rows_for``)."""
    return lambda tenant_id, period, limit: rows_for(sa.and_(Visit.tenant_id == tenant_id, counted(period)), limit)


def _evaluations(counted: Counted) -> Drill:
    """The businesses' evaluations about the department that ``counted`` counts (企业评价)."""
    return lambda tenant_id, period, limit: _evaluation_rows(
        sa.and_(Evaluation.about_tenant_id == tenant_id, counted(period)), limit
    )


def _complaints(key: str) -> Drill:
    """The complaints complaint figure ``key`` counts (:func:`_complaints_of`)."""
    return lambda tenant_id, period, limit: _complaints_of(key, tenant_id, period, limit)


def _items(kept: Callable[[Item], bool]) -> Drill:
    """The items in force at the period's end (一单, as it then stood) that a figure counts (``kept``)."""
    return lambda tenant_id, period, limit: _item_rows(kept, tenant_id, when.end_of(period), limit)


#: The rows behind each figure (指标明细), by the figure's key; :func:`rows_of` reads them. The lists (一单两库一细则)
#: are read as they stood at the period's end (:func:`.conditions.end_of`).
ROWS: dict[str, Drill] = {
    # 扫码入企 and the business's voice, by the condition of the rows they count
    "codes_issued": _visits(when.codes_issued, _code_rows),
    "scan_rate": _visits(when.codes_issued, _code_rows),
    "entry_rate": _visits(when.coded_results, _code_rows),
    "evaluations": _evaluations(when.evaluated),
    "satisfaction": _evaluations(when.evaluated),
    # the complaints: the bureau's, or a department's forwards (:func:`.conditions.complaints_counted`)
    "complaints_open": _complaints("complaints_open"),
    "complaints_answered": _complaints("complaints_answered"),
    # the figures whose rows are visits, by the condition of the visits they count
    "checked": _visits(when.checked),
    "problems": _visits(when.problems),
    "named_checked": _visits(when.named_checked, _named_visit_rows),
    "publish_due": _visits(when.publish_due),
    "published_on_time": _visits(lambda period: sa.and_(when.publish_due(period), when.published_by_due())),
    "on_time_rate": _visits(when.publish_due),
    "published_late": _visits(when.published_late),
    "reports_overdue": _visits(when.reports_overdue),
    "provisional": _visits(when.provisional),
    # 一单两库一细则
    "basics": lambda tenant_id, period, _limit: _basics_rows(tenant_id, period),
    "items": _items(lambda i: i.random_check),
    "coverage_market": _items(lambda i: i.field == "market"),
    "coverage_other": _items(lambda i: i.field != "market"),
    "entries": lambda tenant_id, period, limit: _entry_rows(tenant_id, when.end_of(period), limit),
    "inspectors": lambda tenant_id, period, limit: _inspector_rows(tenant_id, when.end_of(period), limit),
    "rules": lambda tenant_id, period, _limit: _rules_rows(tenant_id, when.end_of(period)),
    # plans, campaigns, draws, follow-ups and joint campaigns
    "plan_year": lambda tenant_id, period, _limit: _plan_rows(True, tenant_id, period),
    "plan_half": lambda tenant_id, period, _limit: _plan_rows(False, tenant_id, period),
    "campaigns": lambda tenant_id, period, limit: _campaign_rows(when.campaigns, tenant_id, period, limit),
    "named_campaigns": lambda tenant_id, period, limit: _campaign_rows(when.named_campaigns, tenant_id, period, limit),
    "draws": _draw_rows,
    "follow_ups_open": _follow_up_rows,
    "answers_on_time": lambda tenant_id, period, limit: _answer_rows(False, tenant_id, period, limit),
    "answers_late": lambda tenant_id, period, limit: _answer_rows(True, tenant_id, period, limit),
    "joint": lambda tenant_id, period, _limit: _joint_rows(True, tenant_id, period),
    "visits_saved": lambda tenant_id, period, _limit: _joint_rows(False, tenant_id, period),
}


def rows_of(key: str, tenant_id: int, period: Period, limit: int = 200) -> Rows:
    """The rows behind figure ``key`` of one department (at most ``limit``; ``total`` says how many); KeyError for a
    key with no rows (:data:`ROWS`)."""
    return ROWS[key](tenant_id, period, limit)
