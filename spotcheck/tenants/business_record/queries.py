"""The business's own record (企业检查档案), read for one business (a registry entity) on a day: what is coming
(检查预告), what is under way (检查中), what came of each check (检查结果, as published, with its rectification orders
责令改正), its yearly cap ledger (本年度检查次数台账) and its requests' outcomes (回避申请、投诉、评价) — every
department's at every level.

Read as the public code page is: the business's (department, visit) pairs found once across departments
(:func:`.lookup.find_visits`, the one system look-up), then each department's rows in that department's
scope, restricted to those visits — a constant number of statements a department, however many checks it made
(its visits, their codes and campaigns' items, its teams, its rectification orders, its rules); the public register
(公示) and the register of checks (每户企业年度检查次数) once for the business; the justice bureau's complaints and
evaluations in each bureau's scope; a joint check's mixed team in its joint scope, once a joint campaign. What shows
is :mod:`.policy`'s: a named check (特定对象检查) after its own visit's 离企; a result as published only; of the
follow-ups, rectification orders alone.

What the business may see is decided once (:func:`record_of`): a check shows when it is coming (its inspection notice
issued to the business — 检查通知书已出具 — or, before that, within the rules' notice period before its window; a named
check never ahead), under way or published; the cap ledger counts, and the requests list, only the checks shown.
Each check shown says what the business may do on it from its record (:data:`.policy.RECORD_ACTS`), by the same
commands as the code's page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defaultload, selectinload

from spotcheck.core.actor import Actor
from spotcheck.core.clock import local, today
from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.core.scoping import found_departments, tenant_scope
from spotcheck.tenants.accounts.queries import bureaus_of
from spotcheck.tenants.business_record import kept, lookup
from spotcheck.tenants.business_record.policy import BUSINESS_ACTIONS, RECORD_ACTS, SHOWN_FOLLOW_UPS, named_shown
from spotcheck.tenants.business_record.record import (
    Answer,
    Check,
    ComplaintMade,
    EvaluationGiven,
    Ledger,
    LedgerLine,
    Member,
    PastCheck,
    Record,
    Rectification,
    RecusalAsked,
    Requests,
    ResultItem,
)
from spotcheck.tenants.business_record.vocabulary import Part
from spotcheck.tenants.campaigns import inspection_counts
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, InspectionCount, TeamMember
from spotcheck.tenants.campaigns.team_places import successor
from spotcheck.tenants.campaigns.vocabulary import NAMED_CAUSES, cause_line
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.joint.commands.notices import notice_subject
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.notices.vocabulary import NoticeKind
from spotcheck.tenants.results.codes import business_steps, evaluation_until, state_of
from spotcheck.tenants.results.models import (
    FollowUp,
    InspectionCode,
    PublishedResult,
    RectificationAnswer,
    RecusalRequest,
    Visit,
)
from spotcheck.tenants.results.policy import FOLLOW_UP_ACTIONS
from spotcheck.tenants.results.queries.codes import joint_team
from spotcheck.tenants.results.vocabulary import CheckState, RecusalRequestStatus, grouped
from spotcheck.tenants.rules.rulebook import Rules, rules_for
from spotcheck.tenants.rules.vocabulary import EXEMPT_KIND_NAMES
from spotcheck.tenants.supervision.models import Complaint, ComplaintForward, ComplaintStatus, Evaluation

__all__ = [
    "Answer",
    "Check",
    "ComplaintMade",
    "ComplaintStatus",
    "EvaluationGiven",
    "Ledger",
    "LedgerLine",
    "Member",
    "Order",
    "PastCheck",
    "Record",
    "Rectification",
    "RecusalAsked",
    "Requests",
    "ResultItem",
    "ledger_of",
    "own_check",
    "own_order",
    "own_record",
    "page_part",
    "record_of",
]

_Shown = TypeVar("_Shown", "Check", "PastCheck")

# --- reading it -----------------------------------------------------------------------------------------------


@dataclass
class _Read:
    """What the departments' read gave of one department: its visits shown (named checks after their 离企), its teams
    by campaign, its rectification orders by visit, the requests about its visits; its rules when asked."""

    tenant_id: int
    on: date
    visits: list[Visit] = field(default_factory=list)
    teams: dict[int, list[Member]] = field(default_factory=dict)
    rectifications: dict[int, list[Rectification]] = field(default_factory=dict)
    recusals: list[RecusalRequest] = field(default_factory=list)
    #: A named check's cause by visit (特定对象检查: 投诉举报…), the business's own to read — never the public's.
    causes: dict[int, str] = field(default_factory=dict)
    #: The day each visit's inspection notice (检查通知书) was issued to the business, by visit.
    noticed: dict[int, date] = field(default_factory=dict)

    @cached_property
    def rules(self) -> Rules:
        """The department's rules on the record's day (the stored rulebooks and 细则, no department's rows): asked
        only of a department with a check coming or under way."""
        return rules_for(self.tenant_id, self.on)


def _members(rows: Iterable[TeamMember]) -> dict[int, dict[int, list[Member]]]:
    """Team members by department, then by campaign."""
    teams: dict[int, dict[int, list[Member]]] = defaultdict(lambda: defaultdict(list))
    for member in rows:
        teams[member.tenant_id][member.campaign_id].append(
            Member(member.shown_name, member.shown_cert_no, member.is_leader)
        )
    return teams


def _departments(found: dict[int, list[int]], entity_id: int, on: date, reader: Actor | None) -> list[_Read]:
    """The departments' rows of the business's visits (``found``: department → its visit ids, the look-up's), read
    together in a scope of exactly those departments (:func:`~spotcheck.core.scoping.found_departments`), each read
    restricted to those visits: one statement a kind of row, however many departments checked the business."""
    reads = {tenant_id: _Read(tenant_id, on) for tenant_id in sorted(found)}
    visit_ids = sorted(visit_id for ids in found.values() for visit_id in ids)
    if not visit_ids:
        return []
    with found_departments(reads, lookup.REASON):
        visits = list(
            db.session.scalars(
                sa.select(Visit)
                .where(Visit.id.in_(visit_ids))
                .options(selectinload(Visit.code), defaultload(Visit.campaign).selectinload(Campaign.items))
                .order_by(Visit.id)
            )
        )
        shown = [
            visit
            for visit in visits
            if not visit.campaign.named or named_shown(visit.code, visit.campaign.disclosed_at is not None)
        ]
        for visit in shown:
            reads[visit.tenant_id].visits.append(visit)
        own = sorted({v.campaign_id for v in shown if v.campaign.joint_id is None})
        for tenant_id, teams in _members(
            db.session.scalars(
                sa.select(TeamMember)
                .where(TeamMember.entity_id == entity_id, TeamMember.campaign_id.in_(own), TeamMember.active.is_(True))
                .order_by(TeamMember.campaign_id, TeamMember.is_leader.desc(), TeamMember.position)
            )
            if own
            else []
        ).items():
            reads[tenant_id].teams = teams
        ids = [v.id for v in shown]
        own_ids = [v.id for v in shown if v.campaign.joint_id is None]  # a joint visit's requests: the lead's
        if ids:
            for row in db.session.scalars(
                sa.select(FollowUp)
                .join(Visit, Visit.id == FollowUp.visit_id)
                .where(
                    FollowUp.tenant_id == Visit.tenant_id,  # the visit's department's own, never a transfer shared
                    FollowUp.visit_id.in_(ids),
                    FollowUp.kind.in_(sorted(SHOWN_FOLLOW_UPS)),
                )
                .options(selectinload(FollowUp.answers).selectinload(RectificationAnswer.files))
                .order_by(FollowUp.id)
            ):
                reads[row.tenant_id].rectifications.setdefault(row.visit_id, []).append(_rectification(row, reader))
        for request in _recusal_rows(own_ids) if own_ids else []:
            reads[request.tenant_id].recusals.append(request)
        for tenant_id, visit_id, issued in _notices(own_ids) if own_ids else []:
            reads[tenant_id].noticed[visit_id] = issued
        for visit_id, tenant_id, cause in _causes(entity_id, [v for v in shown if v.campaign.named]):
            reads[tenant_id].causes[visit_id] = cause
    return list(reads.values())


def _causes(entity_id: int, visits: list[Visit]) -> list[tuple[int, int, str]]:
    """The causes of the business's checks of named businesses among ``visits`` (its department's rows, read in the
    departments' scope): (visit, department, the cause as the business reads it — a complaint's number left out)."""
    by_campaign = {visit.campaign_id: visit for visit in visits}
    if not by_campaign:
        return []
    return [
        (by_campaign[campaign_id].id, by_campaign[campaign_id].tenant_id, cause_line(cause, reference, outside=True))
        for campaign_id, cause, reference in db.session.execute(
            sa.select(CampaignTarget.campaign_id, CampaignTarget.cause, CampaignTarget.cause_reference).where(
                CampaignTarget.entity_id == entity_id,
                CampaignTarget.campaign_id.in_(sorted(by_campaign)),
                CampaignTarget.cause != "",
            )
        )
    ]


def _notices(visit_ids: list[int]) -> list[tuple[int, int, date]]:
    """(department, visit, day) of the first inspection notice (检查通知书) issued for each of ``visit_ids`` kept in
    the current scope: a check is announced to the business (检查预告) once its notice is issued."""
    return [
        (tenant_id, visit_id, local(issued).date())
        for tenant_id, visit_id, issued in db.session.execute(
            sa.select(Notice.tenant_id, Notice.visit_id, sa.func.min(Notice.created_at))
            .where(Notice.kind == NoticeKind.inspection, Notice.visit_id.in_(visit_ids))
            .group_by(Notice.tenant_id, Notice.visit_id)
        )
        if visit_id is not None
    ]


def _joint_notice(joint: Campaign, entity_id: int) -> date | None:
    """The day the joint visit's inspection notice (联合检查通知书) was issued to the business, read in the joint
    campaign's scope; None before."""
    subject = notice_subject(joint.id, entity_id)
    issued = db.session.scalar(
        sa.select(sa.func.min(Notice.created_at)).where(
            Notice.kind == NoticeKind.inspection,
            Notice.campaign_id == joint.id,
            sa.or_(Notice.subject == subject, Notice.subject.like(f"{subject}:%")),
        )
    )
    return local(issued).date() if issued is not None else None


def _rectification(row: FollowUp, reader: Actor | None) -> Rectification:
    return Rectification(
        id=row.id,
        details=row.details,
        deadline=row.deadline,
        deadline_provisional=row.deadline_provisional,
        opened_on=row.opened_on,
        closed_on=row.closed_on,
        outcome=row.outcome,
        department_id=row.tenant_id,
        answers=[
            Answer(
                a.text,
                a.answered_at,
                a.by_name,
                a.late,
                a.status,
                a.reviewed_at,
                a.review_note,
                [(f.name, f.size) for f in a.files],
            )
            for a in row.answers
        ],
        actions=FOLLOW_UP_ACTIONS.allowed(row, reader) & BUSINESS_ACTIONS if reader is not None else frozenset(),
    )


def _recusal_rows(visit_ids: list[int]) -> list[RecusalRequest]:
    """The requests about ``visit_ids`` kept in the current scope (a joint visit's: the lead department's)."""
    return list(
        db.session.scalars(
            sa.select(RecusalRequest)
            .where(RecusalRequest.visit_id.in_(visit_ids))
            .order_by(RecusalRequest.requested_at, RecusalRequest.id)
        )
    )


def _replaced_by(request: RecusalRequest) -> str:
    """Who took an accepted request's member's place (:func:`.team_places.successor`)."""
    if request.status != RecusalRequestStatus.accepted:
        return ""
    found = successor(request.member)
    return f"{found.shown_name}（{found.shown_cert_no}）" if found is not None else ""


def _asked(request: RecusalRequest, department: str, campaign_code: str) -> RecusalAsked:
    member = request.member
    return RecusalAsked(
        department=department,
        campaign_code=campaign_code,
        inspector=f"{member.shown_name}（{member.shown_cert_no}）",
        reason=request.reason,
        asked_at=request.requested_at,
        status=request.status,
        decided_at=request.decided_at,
        decision_reason=request.decision_reason,
        replaced_by=_replaced_by(request),
    )


def _notice_days(rules: Rules) -> int:
    return rules.advance_notice_days or 0


def _check(
    visits: list[Visit],
    department: str,
    items: list[tuple[str, str]],
    team: list[Member],
    campaign: Campaign,
    read: _Read,
    on: date,
    noticed: date | None = None,
) -> Check | None:
    """A check (one visit, or a joint check's parts) as coming or under way on ``on``; None when it is neither — not
    yet announced (its notice not issued to the business, ``noticed``, and the rules' notice period before its window
    not begun), expired without an arrival, or its results all published (then it is past)."""
    code = next((v.code for v in visits if v.code is not None), None)
    if code is None or all(v.published_at is not None for v in visits):
        return None
    rules = read.rules  # the department's, read only for a check not yet past
    state = state_of(code, campaign, on)
    named = campaign.named
    told = noticed is not None and noticed <= on
    if code.arrived_at is None:
        if state == CheckState.expired or named:  # a named check is never announced ahead
            return None
        if not told and on < campaign.window_start - timedelta(days=_notice_days(rules)):
            return None
        part = Part.coming
    else:
        part = Part.under_way
    return Check(
        part=part,
        department=department,
        campaign_code=campaign.code or "",
        campaign_title=campaign.title,
        items=items,
        window_start=campaign.window_start,
        window_end=campaign.window_end,
        team=team,
        named=named,
        joint=campaign.joint,
        token=code.token if part == Part.under_way or on >= campaign.window_start else "",
        typed=grouped(code.typed) if part == Part.under_way or on >= campaign.window_start else "",
        state=state,
        arrived_at=code.arrived_at,
        left_at=code.left_at,
        steps=(steps := business_steps(code, on)),
        evaluation_until=evaluation_until(code, rules.business_evaluation_days),
        notice_rule=rules.cite("advance_notice_days") if on < campaign.window_start and not told else "",
        notice_issued=noticed if told else None,
        acts_on=code.token,
        acts=_acts(steps),
        visit_ids=tuple(v.id for v in visits),
        confirmed_at=code.confirmed_at,
    )


def _acts(steps: frozenset[str], evaluated: bool = False) -> frozenset[str]:
    """What the business may do on a check from its record: the code's steps now, 评价 only while not given, and
    投诉 at any time, as on the code's page."""
    acts = set(steps) | {"complain"}
    if evaluated:
        acts.discard("evaluate")
    return frozenset(act for act in RECORD_ACTS if act in acts)


def _past(
    row: PublishedResult,
    department: str,
    rectifications: list[Rectification],
    team: list[Member],
    cause: str,
    code: InspectionCode | None = None,
    read: _Read | None = None,
    on: date | None = None,
) -> PastCheck:
    """A published check as the business reads it: the register's content, and what the register leaves out, the
    business's own to read — the visit's team as it stands where the register withholds it (a blinded draw's,
    ``team_withheld``), and a named check's cause (the public reads only that it had one)."""
    content = row.content
    return PastCheck(
        department=department,
        campaign_code=content.get("campaign_code") or "",
        campaign_title=content.get("campaign_title") or "",
        checked_on=row.checked_on,
        checked_until=row.checked_until,
        published_at=row.published_at,
        corrected=row.corrected,
        method=content.get("method") or "",
        items=[
            ResultItem(item.get("name", ""), list(item.get("categories") or []), item.get("findings", ""))
            for item in content.get("items") or []
        ],
        team=team
        if content.get("team_withheld")
        else [
            Member(member["name"], member.get("cert_no", ""), bool(member.get("leader")))
            for member in content.get("team") or []
            if not member.get("expert")  # of the staff, the inspectors alone
        ],
        named=bool(content.get("named")),
        cause=cause,
        joint_code=content.get("joint_code") or "",
        rectifications=rectifications,
        acts_on=code.token if code is not None else "",
        acts=_acts(business_steps(code, on)) if code is not None and on is not None else frozenset(),
        evaluation_until=evaluation_until(code, read.rules.business_evaluation_days)
        if code is not None and read is not None
        else None,
        visit_id=row.visit_id,
        confirmed_at=code.confirmed_at if code is not None else None,
    )


def _requests_of_bureaus(
    visits: dict[int, Visit], labels: dict[int, str]
) -> tuple[list[ComplaintMade], list[EvaluationGiven]]:
    """The complaints and evaluations about ``visits``, each kept by the justice bureau supervising the visit's
    department: the bureaus' rows read together, in a scope of exactly those bureaus, one statement a kind — and of
    each bureau's rows only those about the visits it supervises."""
    keeper = {
        visit.id: bureau.id
        for tenant_id, bureau in bureaus_of({v.tenant_id for v in visits.values()}).items()
        if bureau is not None
        for visit in visits.values()
        if visit.tenant_id == tenant_id
    }
    if not keeper:
        return [], []
    ids = sorted(keeper)
    with found_departments(set(keeper.values()), lookup.REASON):
        rows = [
            row
            for row in db.session.scalars(
                sa.select(Complaint).where(Complaint.visit_id.in_(ids)).order_by(Complaint.created_at, Complaint.id)
            )
            if keeper.get(row.visit_id) == row.tenant_id
        ]
        forwarded = (
            set(
                db.session.scalars(
                    sa.select(ComplaintForward.complaint_id).where(
                        ComplaintForward.complaint_id.in_([r.id for r in rows])
                    )
                )
            )
            if rows
            else set()
        )
        complaints = [
            ComplaintMade(
                department=labels.get(r.about_tenant_id, r.department_name),
                campaign_code=r.campaign_code,
                made_at=r.created_at,
                text=r.text,
                status=r.status,
                forwarded=r.id in forwarded,
                answer=r.answer,
                answered_at=r.answered_at,
                visit_id=r.visit_id,
            )
            for r in rows
        ]
        evaluations = [
            EvaluationGiven(
                department=labels.get(e.about_tenant_id, ""),
                campaign_code=visits[e.visit_id].campaign.code or "",
                satisfaction=e.satisfaction,
                text=e.text,
                evaluated_at=e.evaluated_at,
                visit_id=e.visit_id,
            )
            for e in db.session.scalars(
                sa.select(Evaluation)
                .where(Evaluation.visit_id.in_(ids))
                .order_by(Evaluation.evaluated_at, Evaluation.id)
            )
            if keeper.get(e.visit_id) == e.tenant_id
        ]
    return complaints, evaluations


def _kind_name(kind: str) -> str:
    return EXEMPT_KIND_NAMES.get(kind) or NAMED_CAUSES.get(kind) or kind


def ledger_of(entity: Entity, on: date, shown: set[str]) -> Ledger:
    """The business's cap ledger of ``on``'s year: the register's rows of the business (every department's, a joint
    check once, an off-site check not at all) of the checks its record shows (``shown``: their register keys,
    ``campaign:<id>`` or ``joint:<id>`` — a check not announced yet, or a named check before its 离企, is neither
    listed nor counted) — counted under the business's own region's rules on ``on``
    (:func:`~spotcheck.tenants.campaigns.inspection_counts.rules_of_business`)."""
    region, rules = inspection_counts.rules_of_business(entity.region_code or "", on)
    rows = db.session.execute(
        sa.select(
            InspectionCount.counted_as,
            InspectionCount.campaign_code,
            InspectionCount.department_id,
            InspectionCount.kind,
            InspectionCount.withheld,
        )
        .where(InspectionCount.entity_id == entity.id, InspectionCount.year == on.year)
        .order_by(InspectionCount.counted_as, InspectionCount.department_id)
    ).all()
    labels = inspection_counts.level_labels({row.department_id for row in rows})
    keys: dict[str, list] = {}
    for row in rows:
        if row.kind is None:  # an off-site check: not a check the cap counts at all
            continue
        if row.counted_as not in shown:  # the record counts only what it shows
            continue
        keys.setdefault(row.counted_as, []).append(row)
    exempt_kinds, counted, exempt = rules.cap_exempt_kinds, [], []
    for key, found in keys.items():
        departments = "、".join(dict.fromkeys(labels.get(r.department_id, "") for r in found))
        kind = found[0].kind
        if kind in exempt_kinds:
            exempt.append(
                LedgerLine(
                    departments, found[0].campaign_code, key, _kind_name(kind), rules.cited["cap_exempt_kinds"].words
                )
            )
        else:
            counted.append(LedgerLine(departments, found[0].campaign_code, key))
    return Ledger(
        year=on.year,
        cap=rules.inspection_cap,
        rule=rules.cite(inspection_counts.TOTAL),
        region=region.name if region is not None else "",
        counted=counted,
        exempt=exempt,
    )


def record_of(entity_id: int, on: date, reader: Actor | None = None, seen: lookup.Found | None = None) -> Record:
    """The record of the business of entity ``entity_id`` on ``on`` (its four parts), across every department and
    level, built anew: :class:`Record`; read by ``reader`` (the business's person), what each order allows it. What
    the business may see is decided once, here: the checks coming, under way and published (:func:`_check`,
    :func:`_past`); the cap ledger counts and the requests list those checks alone — a check not announced yet, or
    a named check not yet shown (:func:`.policy.named_shown`), is in none of its parts. ``seen``: the look-up
    already made."""
    entity = db.session.get(Entity, entity_id)
    if entity is None:
        raise LookupError(entity_id)
    found = (seen or lookup.find_visits(entity_id)).visits
    reads = _departments(found, entity_id, on, reader)
    labels = inspection_counts.level_labels(found)
    visits = {v.id: v for read in reads for v in read.visits}
    coming: list[Check] = []
    under_way: list[Check] = []
    asked: list[tuple[RecusalRequest, str, str]] = []  # (request, department, campaign code)
    by_joint: dict[int, list[tuple[_Read, Visit]]] = defaultdict(list)
    own_teams: dict[int, list[Member]] = {}  # each visit's team, the business's own (a blinded draw's not published)
    joint_code: dict[int, InspectionCode] = {}  # each joint part's visit → the joint visit's one code
    for read in reads:
        for visit in read.visits:
            if visit.campaign.joint_id is not None:
                by_joint[visit.campaign.joint_id].append((read, visit))
                continue
            own_teams[visit.id] = read.teams.get(visit.campaign_id, [])
            department = labels.get(read.tenant_id, "")
            check = _check(
                [visit],
                department,
                [(item.name, item.legal_basis) for item in visit.campaign.items],
                read.teams.get(visit.campaign_id, []),
                visit.campaign,
                read,
                on,
                read.noticed.get(visit.id),
            )
            if check is not None:
                (coming if check.part == Part.coming else under_way).append(check)
        asked += [
            (r, labels.get(read.tenant_id, ""), visits[r.visit_id].campaign.code or "")
            for r in read.recusals
            if r.visit_id in visits
        ]
    for _joint, parts in sorted(by_joint.items()):
        read, first = parts[0]
        joint, members = joint_team(first, read.tenant_id)  # the mixed team, read as a participant
        department = "、".join(dict.fromkeys(labels.get(r.tenant_id, "") for r, _ in parts))
        items = [
            (f"{item.name}（{labels.get(r.tenant_id, '')}）", item.legal_basis)
            for r, v in parts
            for item in v.campaign.items
        ]
        team = [Member(m.shown_name, m.shown_cert_no, m.is_leader) for m in members]
        own_teams.update((v.id, team) for _, v in parts)
        door = next((v.code for _, v in parts if v.code is not None), None)
        if door is not None:
            joint_code.update((v.id, door) for _, v in parts)
        with tenant_scope(joint.tenant_id):  # a joint visit's notice and requests: kept by the lead department
            noticed = _joint_notice(joint, entity_id)
            asked += [(r, department, joint.code or "") for r in _recusal_rows([v.id for _, v in parts])]
        check = _check([v for _, v in parts], department, items, team, joint, read, on, noticed)
        if check is not None:
            (coming if check.part == Part.coming else under_way).append(check)
    published = (
        list(
            db.session.scalars(
                sa.select(PublishedResult)
                .where(PublishedResult.visit_id.in_(sorted(visits)), PublishedResult.current.is_(True))
                .order_by(PublishedResult.published_at.desc(), PublishedResult.id.desc())
            )
        )
        if visits
        else []
    )
    rectifications = {key: value for read in reads for key, value in read.rectifications.items()}
    causes = {key: value for read in reads for key, value in read.causes.items()}
    evaluation_days = {read.tenant_id: read for read in reads}
    past = [
        _past(
            row,
            labels.get(row.tenant_id, ""),
            rectifications.get(row.visit_id, []),
            own_teams.get(row.visit_id, []),
            causes.get(row.visit_id, ""),
            visits[row.visit_id].code or joint_code.get(row.visit_id),
            evaluation_days[row.tenant_id],
            on,
        )
        for row in published
    ]
    # what the business may see, decided once: the checks shown, by visit and by the register's key
    shown_visits = {v for c in coming + under_way for v in c.visit_ids} | {p.visit_id for p in past}
    shown_keys = {_counted_as(visits[v].campaign) for v in shown_visits}
    complaints, evaluations = _requests_of_bureaus({k: v for k, v in visits.items() if k in shown_visits}, labels)
    evaluated = {e.visit_id for e in evaluations}
    evaluated |= {part for part, door in joint_code.items() if door.visit_id in evaluated}  # a joint visit's parts
    return Record(
        entity_id=entity.id,
        name=entity.name,
        code=entity.code,
        on=on,
        coming=sorted((_evaluated(c, evaluated) for c in coming), key=lambda c: (c.window_start, c.campaign_code)),
        under_way=sorted(
            (_evaluated(c, evaluated) for c in under_way), key=lambda c: (c.window_start, c.campaign_code)
        ),
        past=[_evaluated(p, evaluated) for p in past],
        ledger=ledger_of(entity, on, shown_keys),
        requests=Requests(
            [_asked(r, department, code) for r, department, code in asked if r.visit_id in shown_visits],
            complaints,
            evaluations,
        ),
    )


def _counted_as(campaign: Campaign) -> str:
    """The register's key of a campaign's check (a joint part's: its joint campaign's, counted once)."""
    return f"joint:{campaign.joint_id}" if campaign.joint_id is not None else f"campaign:{campaign.id}"


def _evaluated(check: _Shown, evaluated: set[int]) -> _Shown:
    """A check as the business's evaluations leave it: once one of its visits is evaluated, 评价 is not offered."""
    if not evaluated.intersection(check.visits):
        return check
    return replace(check, evaluated=True, acts=check.acts - {"evaluate"})


@query(Permission.BUSINESS_SIGNED_IN)
def own_record(*, reader: Actor) -> Record:
    """The signed-in business's own record (企业检查档案) today (Beijing): the entity its account is, never another's
    — a business names no entity, its account does."""
    account = getattr(reader, "account", None)
    if account is None:
        raise NotFoundError(_l("No business is signed in."))
    entity_id, on = account.entity_id, today()
    seen = lookup.find_visits(entity_id)
    record, key = kept.record(entity_id, on, seen, lambda: record_of(entity_id, on, reader, seen))
    return replace(record, kept_as=key)


def page_part(record: Record, render: Callable[[], str]) -> str:
    """The record's part of the business's page: ``render()``'s, rendered once for the record as kept
    (:func:`.kept.page`) and served again while the record is unchanged."""
    return kept.page(record.entity_id, record.kept_as, render)


#: What a business reads of a check not on its record, whatever it is (another's, a named check before its 离企, one
#: not announced yet): the same words as of no check at all.
NO_CHECK = _l(
    "No such check on your record. A check of named businesses shows there only after the team leaves (离企): until "
    "then, act on the inspection code's page with the notice's business code (企业核验码)."
)


@query(Permission.BUSINESS_SIGNED_IN)
def own_check(check_id: int, *, reader: Actor) -> tuple[Record, Check | PastCheck]:
    """Check ``check_id`` (a visit of it) as the signed-in business's own record shows it (coming, under way, else
    published), with what the business may do on it (``acts``, on its code ``acts_on``); else not found."""
    record = own_record(reader=reader)
    shown: list[Check | PastCheck] = [*record.under_way, *record.coming, *record.past]
    for check in shown:
        if check.acts_on and check_id in check.visits:
            return record, check
    raise NotFoundError(NO_CHECK)


#: What a business reads of an order not on its record, whatever it is (another's, a case, a transfer, an unpublished
#: result's, a named check's not shown yet): the same words as of no order at all.
NO_ORDER = _l("No such rectification order on your record.")


@dataclass(frozen=True)
class Order:
    """A rectification order of the business's record (责令改正), with the check it came of."""

    check: PastCheck
    rectification: Rectification
    on: date  # the record's day


@query(Permission.BUSINESS_SIGNED_IN)
def own_order(follow_up_id: int, *, reader: Actor) -> Order:
    """Rectification order ``follow_up_id`` of the signed-in business's own record, as the record shows it (else not
    found: another business's, a case or a transfer, an order of a result not published)."""
    record = own_record(reader=reader)
    for check in record.past:
        for rectification in check.rectifications:
            if rectification.id == follow_up_id:
                return Order(check, rectification, record.on)
    raise NotFoundError(NO_ORDER)
