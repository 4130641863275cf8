"""A visit as its page and the API show it (检查页面): :class:`VisitSummary`, what a list row of the API and
the page's head show of a visit — its team and experts, what the reader may do, its deadlines — and
:class:`VisitPage`, the page's whole picture: that, and what the reader may declare or do at the door, what
its submission still lacks, its attachments and follow-ups.

Each is a frozen dataclass with named fields, built once by the query (:func:`summary_of`, :func:`visit_page`):
the visit's own columns are read as ``page.visit.checked_on``. The visit's page and the API's ``VisitSchema``
read the same fields, so what a reader sees of a visit is the same on the page and through the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

import sqlalchemy as sa
from flask_babel import LazyString

from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.queries import query
from spotcheck.core.records import fields_of
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import TeamExpert, TeamMember
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.common import vocabulary as labels
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.results import (
    categories,
    checks,
    codes,
    deadlines,
    inputs,
    policy,
    rectification_answers,
    recusals,
    vocabulary,
)
from spotcheck.tenants.results.categories import Category
from spotcheck.tenants.results.models import Attachment, InspectionCode, ItemResult, RecusalRequest, Visit
from spotcheck.tenants.results.present_teams import membership, recused_members
from spotcheck.tenants.results.queries import follow_ups, listing, teams, visits
from spotcheck.tenants.results.vocabulary import CheckState, VisitStatus


@dataclass(frozen=True)
class VisitSummary:
    """One visit for one reader, as a list row of the API and the head of its page show it (检查概况)."""

    visit: Visit
    team: list[TeamMember]
    experts: list[TeamExpert]
    #: What the reader may do with the visit now (``VISIT_ACTIONS``).
    actions: frozenset[str]
    #: A draft imported on the team's behalf (代为录入), waiting for its 组长's confirmation.
    awaits_confirmation: bool
    #: The result names a method the campaign (and its plan) did not set (检查方式变更).
    method_changed: bool
    #: The deadline that matters now, whether it is provisional, and its flag (``overdue`` / ``due_soon``).
    due: date | None
    due_provisional: bool
    flag: str | None
    #: 逾期提交: how late the report was first submitted.
    late: deadlines.Late | None
    #: 逾期N个工作日 past the deadline that matters now.
    overdue: deadlines.Overdue | None
    #: 逾期未公示: working days past the publication due date, the result not published yet.
    publication_overdue: deadlines.Overdue | None
    #: 逾期公示: working days past its due date the result was first published (kept after corrections).
    published_late: deadlines.Overdue | None

    # the same figures as numbers, for the API (VisitSchema)

    @property
    def due_overdue_working_days(self) -> int | None:
        return self.overdue.days if self.overdue else None

    @property
    def publish_overdue_working_days(self) -> int | None:
        return self.publication_overdue.days if self.publication_overdue else None

    @property
    def published_late_working_days(self) -> int | None:
        """N working days late, 0 published in time, None not published yet (or given no due date)."""
        if self.visit.first_published_at is None or self.visit.publish_due is None:
            return None
        return self.published_late.days if self.published_late else 0

    @property
    def publication_lateness_provisional(self) -> bool:
        """Whether the working days late were counted through a year without an official calendar."""
        late = self.publication_overdue or self.published_late
        return bool(late and late.provisional)


@dataclass(frozen=True)
class DoorCode:
    """The visit's 检查码 as the team shows it at the door: its row (``code``: 入企, 离企, 补录, scans, the
    business's confirmation), its URL and QR, its 12 characters as typed, and its state today."""

    code: InspectionCode
    url: str
    typed: str
    qr_svg: str
    state: CheckState


@dataclass(frozen=True)
class VisitPage(VisitSummary):
    """One visit for one reader, as its page shows it (检查页面): the summary, and the rest of the page."""

    #: The result's fields, their labels and limits (检查结果的录入项), and the methods to choose from.
    fields: ClassVar[Mapping[str, inputs.ResultField]] = inputs.BY_NAME
    methods: ClassVar[Mapping[str, str] | None] = inputs.BY_NAME["method"].choices
    #: The words of a follow-up's forms (后续处置).
    follow_up_kinds: ClassVar[Mapping[str, str]] = reference.FOLLOW_UP_KINDS
    detail_labels: ClassVar[Mapping[str, LazyString]] = labels.FOLLOW_UP_DETAIL_LABELS
    close_labels: ClassVar[Mapping[str, LazyString]] = labels.FOLLOW_UP_CLOSE_LABELS
    note_labels: ClassVar[Mapping[str, LazyString]] = labels.FOLLOW_UP_NOTE_LABELS
    recheck_outcomes: ClassVar[Mapping[str, str]] = reference.RECHECK_OUTCOMES

    today: date
    #: The reader's place on the team, or ``None``.
    me: TeamMember | None
    #: The members who declared a conflict and wait to be replaced, and why the visit waits for them (the rule
    #: cited; ``None`` while nobody waits).
    recused: list[TeamMember]
    recusal_note: LazyString | None
    #: What the reader may declare on their own visit (回避, ``OWN_ACTIONS``).
    own_actions: frozenset[str]
    #: The campaign's team steps (replace a member, name the 组长), for its planners.
    team_actions: frozenset[str]
    #: 入企 and 离企, for the 组长 (``codes.CODE_ACTIONS``).
    code_actions: frozenset[str]
    #: Why 登记入企 is not offered to a member of the team yet (before the window, another member leads…);
    #: ``None`` when it is offered, or once the arrival is recorded.
    arrival_note: object
    #: The 检查码 (never the business's code, nor its evaluation); ``None`` before the hand-out or without one.
    check: DoorCode | None
    #: The business's requests that an inspector withdraw (回避申请), each with what the reader may do.
    recusal_requests: list[tuple[RecusalRequest, frozenset[str]]]
    #: The items' results by item id (the visit's ``results`` stay its list).
    results_by_item: dict[int, ItemResult]
    #: What must be filled before the result can be submitted, by field (empty: complete, or not a draft).
    missing: dict[str, list]
    #: The methods the campaign (and its plan) set, by name: a result by another says why.
    planned_names: str
    categories: dict[str, Category]
    attachments: list[Attachment]
    #: Where each due date of the visit comes from, in words (检查结束后5个工作日（《……》四（三））).
    deadline_rules: dict[str, str]
    #: A result that found a problem waits for a follow-up or a leader's decision; why (the rule cited).
    awaits_follow_up: bool
    follow_up_rule: LazyString
    #: What the reader may do with each follow-up, by its id (``FOLLOW_UP_ACTIONS``).
    follow_up_actions: dict[int, frozenset[str]]
    #: The departments a transfer can be sent to, and their names by id.
    receivers: list[Tenant]
    receiver_names: dict[int, str]


def summary_of(visit: Visit, reader: Actor) -> VisitSummary:
    """What a list row of the API (and the head of the page) shows of a visit the reader was allowed to see."""
    return VisitSummary(
        visit=visit,
        team=visits.team_of(visit),
        experts=teams.experts_of_visit(visit),
        actions=policy.VISIT_ACTIONS.allowed(visit, reader),
        awaits_confirmation=policy.awaits_confirmation(visit),
        method_changed=bool(visit.method) and visit.method not in checks.methods_without_reason(visit),
        due=listing.due_of(visit),
        due_provisional=listing.due_provisional(visit),
        flag=listing.flag_of(visit),
        late=deadlines.report_lateness(visit),
        overdue=listing.overdue_of(visit),
        publication_overdue=deadlines.publication_overdue(visit),
        published_late=deadlines.published_late(visit),
    )


def _door_code(visit: Visit, day: date) -> DoorCode | None:
    code = visit.code
    if code is None:
        return None
    url = codes.public_url(code.token)
    return DoorCode(
        code=code,
        url=url,
        typed=vocabulary.grouped(code.typed),
        qr_svg=codes.qr_svg(url),
        state=codes.state_of(code, visit.campaign, day),
    )


def _arrival_note(visit: Visit, me: TeamMember | None, allowed: frozenset[str]) -> object:
    """Why a member of the team is not offered 登记入企 now: the state's refusal (the window, a conflict
    waiting), else that the 组长 records it; ``None`` when it is offered, recorded, or no code to record it on."""
    if me is None or "arrive" in allowed or visit.code is None or visit.code.arrived_at is not None:
        return None
    return codes.CODE_ACTIONS.refusal(visit, "arrive") or codes.CODE_ACTIONS.by_name["arrive"].who_refusal


def _recusal_requests(visit: Visit, reader: Actor) -> list[tuple[RecusalRequest, frozenset[str]]]:
    found = db.session.scalars(
        sa.select(RecusalRequest).where(RecusalRequest.visit_id == visit.id).order_by(RecusalRequest.id)
    )
    return [(request, codes.RECUSAL_REQUEST_ACTIONS.allowed(request, reader)) for request in found]


def page_of(visit: Visit, reader: Actor) -> VisitPage:
    """The page's picture of a visit the reader was already allowed to see."""
    summary = summary_of(visit, reader)
    day = today()
    rectification_answers.load_for(visit.follow_ups)  # the business's answers and their files, in one read
    recused = recused_members(visit)
    receivers = follow_ups.receivers(visit.tenant_id)
    drafting = visit.status in (VisitStatus.drafting, VisitStatus.returned)
    me, code_actions = membership(visit, reader), codes.CODE_ACTIONS.allowed(visit, reader)
    return VisitPage(
        **fields_of(summary),
        today=day,
        me=me,
        recused=recused,
        recusal_note=recusals.refusal(visit, recused) if recused else None,
        own_actions=policy.OWN_ACTIONS.allowed(visit, reader),
        team_actions=CAMPAIGN_ACTIONS.allowed(visit.campaign, reader)
        if has_permission(reader, Permission.CAMPAIGNS_EDIT)
        else frozenset(),
        code_actions=code_actions,
        arrival_note=_arrival_note(visit, me, code_actions),
        check=_door_code(visit, day),
        recusal_requests=_recusal_requests(visit, reader),
        results_by_item={result.item_id: result for result in visit.results},
        missing=checks.missing_for_submission(visit) if drafting else {},
        planned_names="、".join(
            reference.CHECK_METHODS.get(code, code) for code in checks.methods_without_reason(visit)
        ),
        categories=categories.offered(),
        attachments=visits.attachments_of(visit),
        deadline_rules={field: deadlines.rule_of(visit, field) for field in deadlines.DUE_FIELDS},
        awaits_follow_up=policy.awaits_follow_up(visit),
        follow_up_rule=policy.follow_up_rule(visit.campaign),
        follow_up_actions={f.id: policy.FOLLOW_UP_ACTIONS.allowed(f, reader) for f in visit.follow_ups},
        receivers=receivers,
        receiver_names={tenant.id: tenant.full_name for tenant in receivers},
    )


@query(Permission.SIGNED_IN)
def visit_page(visit_id: int, *, reader: Actor) -> VisitPage:
    """The visit's page for ``reader`` (NotFoundError for one who may not see it, as
    :func:`~spotcheck.tenants.results.queries.visits.visit_for`)."""
    return page_of(visits.visit_for(visit_id, reader=reader), reader)
