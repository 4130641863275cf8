"""What a visit allows, and to whom (检查结果的流程规则).

assigned / drafting / returned → (the team records; the team leader 组长 submits) → submitted →
(a leader approves, or returns with reasons) → approved → (a planner publishes) → published →
(a correction 更正 starts a new version) → drafting … → published again.

Who: only members of the visit's team record its result; only its 组长 submits; nobody who
recorded or submitted a result may approve or return it (审核与录入分离). :data:`VISIT_ACTIONS` is
the one statement of these rules: the commands require its actions, the pages and the API show
what it allows.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actions import Action, Actions
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.tenants import labels
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results import categories
from spotcheck.tenants.results.models import FollowUp, FollowUpKind, Visit, VisitStatus

#: A result can be recorded in these states.
OPEN = (VisitStatus.assigned, VisitStatus.drafting, VisitStatus.returned)


def team_query(visit: Visit) -> sa.Select:
    """The visit's present team (replaced members left out), the 组长 first, then in pick order."""
    return (sa.select(TeamMember).where(TeamMember.campaign_id == visit.campaign_id,
                                        TeamMember.entity_id == visit.entity_id, TeamMember.active.is_(True))
            .order_by(TeamMember.is_leader.desc(), TeamMember.position))


def membership(visit: Visit, actor) -> TeamMember | None:
    """The actor's place on the visit's team (through their linked inspector entry), or ``None``."""
    user_id = getattr(actor, "id", None)
    if user_id is None:
        return None
    return db.session.scalar(team_query(visit).join(Inspector, Inspector.id == TeamMember.inspector_id)
                             .where(Inspector.user_id == user_id))


def _on_team(visit: Visit, actor) -> bool:
    return membership(visit, actor) is not None


def _leads_team(visit: Visit, actor) -> bool:
    member = membership(visit, actor)
    return member is not None and member.is_leader


def _not_its_author(visit: Visit, actor) -> bool:
    user_id = getattr(actor, "id", None)
    return user_id is not None and user_id not in (visit.entered_by or []) and user_id != visit.submitted_by_id


def _found_problem(visit: Visit) -> bool:
    """A follow-up needs a problem found: a recorded category that says so."""
    return visit.status != VisitStatus.assigned and any(
        set(result.category_codes) & categories.problem_codes() for result in visit.results)


def _on_team_or_planner(visit: Visit, actor) -> bool:
    return "planner" in (getattr(actor, "roles", None) or ()) or _on_team(visit, actor)


def open_follow_ups(visit: Visit) -> list[FollowUp]:
    return [follow_up for follow_up in visit.follow_ups if follow_up.is_open]


def _closable(visit: Visit) -> bool:
    return visit.status == VisitStatus.published and visit.closed_at is None and not open_follow_ups(visit)


def _close_refusal(visit: Visit):
    if open := open_follow_ups(visit):
        return _l("A visit with an open follow-up cannot be closed (%(n)d open).", n=len(open))
    if visit.closed_at is not None:
        return _l("This visit is already closed.")
    return _l("A visit is closed once its result is published.")


def _dates_refusal(visit: Visit):
    if visit.status == VisitStatus.published:
        return _l("The result is published: start a correction of it first, then correct its check dates.")
    return _l("Until the result is submitted, the team records its check dates.")


def _state_refusal(visit: Visit):
    return _l("This is not possible while the result is %(status)s.",
              status=labels.name(labels.VISIT_STATUS, visit.status))


VISIT_ACTIONS = Actions(
    Action("record", Permission.RESULTS_ENTER, lambda v: v.status in OPEN, _state_refusal,
           who=_on_team, who_refusal=_l("Only the members of this visit's team may record its result.")),
    # A result entered offline, imported by the department (arrives submitted, never approved).
    Action("import", Permission.CAMPAIGNS_EDIT, lambda v: v.status in OPEN, _state_refusal),
    Action("submit", Permission.RESULTS_ENTER,
           lambda v: v.status in (VisitStatus.drafting, VisitStatus.returned), _state_refusal,
           who=_leads_team, who_refusal=_l("Only the team leader submits the result.")),
    Action("approve", Permission.RESULTS_REVIEW, lambda v: v.status == VisitStatus.submitted, _state_refusal,
           who=_not_its_author, who_refusal=_l("You recorded or submitted this result: someone else must review it.")),
    Action("return", Permission.RESULTS_REVIEW, lambda v: v.status == VisitStatus.submitted, _state_refusal,
           who=_not_its_author, who_refusal=_l("You recorded or submitted this result: someone else must review it.")),
    Action("publish", Permission.RESULTS_PUBLISH, lambda v: v.status == VisitStatus.approved, _state_refusal),
    Action("correct", Permission.RESULTS_PUBLISH, lambda v: v.status == VisitStatus.published, _state_refusal),
    # 检查日期更正: once submitted, the check dates change only by a leader's correction with a reason.
    Action("correct_dates", Permission.RESULTS_REVIEW,
           lambda v: v.first_submitted_at is not None and v.status != VisitStatus.published, _dates_refusal),
    Action("follow_up", Permission.RESULTS_FOLLOW_UP, _found_problem,
           _l("A follow-up needs a recorded result that found a problem."),
           who=_on_team_or_planner,
           who_refusal=_l("Only the visit's team or the department's planners follow up its problems.")),
    Action("close", Permission.RESULTS_PUBLISH, _closable, _close_refusal),
)


def _receives(follow_up: FollowUp, actor) -> bool:
    return follow_up.receiver_tenant_id is not None and follow_up.receiver_tenant_id == getattr(actor, "tenant_id", None)


def _owns(follow_up: FollowUp, actor) -> bool:
    return follow_up.tenant_id == getattr(actor, "tenant_id", None)


FOLLOW_UP_ACTIONS = Actions(
    # The re-check, the case's conclusion, the police's acceptance: recorded by the department.
    Action("close", Permission.RESULTS_FOLLOW_UP,
           lambda f: f.is_open and f.kind != FollowUpKind.transfer,
           lambda f: (_l("A transfer is closed when the receiving department acknowledges it.")
                      if f.kind == FollowUpKind.transfer else _l("This follow-up is already closed.")),
           who=lambda f, actor: _owns(f, actor) and _on_team_or_planner(f.visit, actor),
           who_refusal=_l("Only the visit's team or the department's planners close its follow-ups.")),
    # A transfer: acknowledged (签收) by the department it was sent to, nobody else.
    Action("acknowledge", Permission.TRANSFERS_RECEIVE,
           lambda f: f.is_open and f.kind == FollowUpKind.transfer,
           _l("This transfer is already acknowledged."),
           who=_receives, who_refusal=_l("Only the receiving department acknowledges a transfer.")),
)
