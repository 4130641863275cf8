"""The results' policy (检查结果的流程规则与可见范围): what a visit allows, and to whom; who may see it.

assigned / drafting / returned → (the team records; its 组长 submits) → submitted → (a leader approves,
or returns with reasons) → approved → (a planner publishes) → published → (更正) drafting … again.

Who: only members of the visit's team record its result; only its 组长 submits; nobody who
recorded or submitted a result may approve or return it (审核与录入分离). :data:`VISIT_ACTIONS` is
the one statement of these rules: the commands require its actions, the pages and the API ask it what
a visit allows (``VISIT_ACTIONS.allowed``). :data:`FOLLOW_UP_ACTIONS` holds what a follow-up allows;
:data:`CAMPAIGN_STEPS` the steps of a campaign that are about its visits (检查任务下达, 检查结果导入, 办结);
:data:`OWN_ACTIONS` what a team member declares of their own; and :func:`visible_visits` / :func:`may_see`
who may read a visit, for the page and the API alike. Who is on a team is read in :mod:`.present_teams`, what
of a campaign still waits in :mod:`.waiting`.
"""

from __future__ import annotations

from collections.abc import Callable, Container

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core.actions import Action, Actions
from spotcheck.core.actor import Actor
from spotcheck.core.policy import Permission, has_permission
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus
from spotcheck.tenants.campaigns.policy import (
    TEAMS_OPEN,
    Possible,
    Refusal,
    Step,
    leader_rule,
    named_visits,
    recusal_rule,
    refusing_withdrawn,
)
from spotcheck.tenants.campaigns.team_gaps import teams_named, unled_teams, visits_with_recusal, visits_without_leader
from spotcheck.tenants.common import vocabulary as labels
from spotcheck.tenants.results import categories, recusals, waiting
from spotcheck.tenants.results.models import FollowUp, Visit
from spotcheck.tenants.results.present_teams import leads_team, membership, on_team_of_visit, recused_members
from spotcheck.tenants.results.vocabulary import OPEN_STATUSES, FollowUpKind, VisitStatus

#: A result can be recorded in these states.
OPEN = OPEN_STATUSES


def _on_team(visit: Visit, actor: Actor) -> bool:
    return membership(visit, actor) is not None


def awaits_confirmation(visit: Visit) -> bool:
    """A draft imported on the team's behalf (代为录入) that its 组长 has not confirmed (submitted) yet."""
    return visit.status == VisitStatus.drafting and visit.recorded_for_team_at is not None


def not_its_author(visit: Visit | sa.Row[int, list[int], int | None], actor: Actor) -> bool:
    """Whether ``actor`` may review the result: they did not record or submit it (``visit`` may be a
    row of those two columns)."""
    user_id = getattr(actor, "id", None)
    return user_id is not None and user_id not in (visit.entered_by or []) and user_id != visit.submitted_by_id


def found_problem(visit: Visit) -> bool:
    """A recorded category of the result says a problem was found (发现问题): a follow-up needs one,
    and such a result is approved only on its own page, never in a batch unseen."""
    return visit.status != VisitStatus.assigned and any(
        set(result.category_codes) & categories.problem_codes() for result in visit.results
    )


def _on_team_or_planner(visit: Visit, actor: Actor) -> bool:
    return "planner" in (getattr(actor, "roles", None) or ()) or _on_team(visit, actor)


def open_follow_ups(visit: Visit) -> list[FollowUp]:
    return [follow_up for follow_up in visit.follow_ups if follow_up.is_open]


def awaits_follow_up(visit: Visit) -> bool:
    """A result that found a problem with neither a follow-up recorded nor a leader's reasoned
    decision that none is needed (无需后续处置): the visit cannot be closed yet."""
    return found_problem(visit) and not visit.follow_ups and visit.no_follow_up_at is None


def follow_up_rule(campaign: Campaign) -> LazyString:
    """The refusal naming the rule (``follow_up_required``: 对抽查发现的违法违规行为依法处理, from the campaign's
    rules in force — e.g. 宁安市's 第9条, 城口县's 二（六）, 乌审旗's 四（四）)."""
    return _l(
        "%(rule)sa problem found is dealt with according to law: a visit whose result found one is closed only "
        "once a follow-up is recorded, or a leader has recorded that none is needed, with the reason.",
        rule=rules_of(campaign).under("follow_up_required"),
    )


def _closable(visit: Visit) -> bool:
    return (
        visit.status == VisitStatus.published
        and visit.closed_at is None
        and not open_follow_ups(visit)
        and not awaits_follow_up(visit)
    )


def _close_refusal(visit: Visit) -> LazyString:
    if open := open_follow_ups(visit):
        return _l("A visit with an open follow-up cannot be closed (%(n)d open).", n=len(open))
    if visit.closed_at is not None:
        return _l("This visit is already closed.")
    if visit.status == VisitStatus.published and awaits_follow_up(visit):
        return follow_up_rule(visit.campaign)
    return _l("A visit is closed once its result is published.")


def _dates_refusal(visit: Visit) -> LazyString:
    if visit.status == VisitStatus.published:
        return _l("The result is published: start a correction of it first, then correct its check dates.")
    return _l("Until the result is submitted, the team records its check dates.")


def _decidable(visit: Visit) -> bool:
    return (
        visit.status in (VisitStatus.approved, VisitStatus.published)
        and visit.closed_at is None
        and awaits_follow_up(visit)
    )


def _decide_refusal(visit: Visit) -> LazyString:
    if not found_problem(visit):
        return _l("The result found no problem: no decision about a follow-up is needed.")
    if visit.follow_ups:
        return _l("A follow-up is recorded for this visit.")
    if visit.no_follow_up_at is not None:
        return _l("A leader has already decided that no follow-up is needed.")
    return _l("A leader decides on the follow-up once the result is approved.")


def _state_refusal(visit: Visit) -> LazyString:
    return _l(
        "This is not possible while the result is %(status)s.", status=labels.name(labels.VISIT_STATUS, visit.status)
    )


def _open_unless_recused(statuses: Container[VisitStatus]) -> Callable[[Visit], bool]:
    """Possible in ``statuses`` while no member of the team waits to be replaced after a recusal."""
    return lambda visit: visit.status in statuses and not recused_members(visit)


def _recorded_refusal(visit: Visit) -> LazyString:
    if recused := recused_members(visit):
        return recusals.refusal(visit, recused)
    return _state_refusal(visit)


VISIT_ACTIONS = Actions(
    Action(
        "record",
        Permission.RESULTS_ENTER,
        _open_unless_recused(OPEN),
        _recorded_refusal,
        who=_on_team,
        who_refusal=_l("Only the members of this visit's team may record its result."),
        who_rule="inspectors_record",
    ),
    # A result entered offline, imported by the department: a draft on the team's behalf until its 组长
    # confirms it (submitted at once when the importer is the 组长); never approved.
    Action("import", Permission.CAMPAIGNS_EDIT, _open_unless_recused(OPEN), _recorded_refusal),
    Action(
        "submit",
        Permission.RESULTS_ENTER,
        _open_unless_recused((VisitStatus.drafting, VisitStatus.returned)),
        _recorded_refusal,
        who=leads_team,
        who_refusal=_l("Only the team leader submits the result."),
    ),
    Action(
        "approve",
        Permission.RESULTS_REVIEW,
        lambda v: v.status == VisitStatus.submitted,
        _state_refusal,
        who=not_its_author,
        who_refusal=_l("You recorded or submitted this result: someone else must review it."),
    ),
    Action(
        "return",
        Permission.RESULTS_REVIEW,
        lambda v: v.status == VisitStatus.submitted,
        _state_refusal,
        who=not_its_author,
        who_refusal=_l("You recorded or submitted this result: someone else must review it."),
    ),
    Action("publish", Permission.RESULTS_PUBLISH, lambda v: v.status == VisitStatus.approved, _state_refusal),
    Action("correct", Permission.RESULTS_PUBLISH, lambda v: v.status == VisitStatus.published, _state_refusal),
    # 检查日期更正: once submitted, the check dates change only by a leader's correction with a reason.
    Action(
        "correct_dates",
        Permission.RESULTS_REVIEW,
        lambda v: v.first_submitted_at is not None and v.status != VisitStatus.published,
        _dates_refusal,
    ),
    Action(
        "follow_up",
        Permission.RESULTS_FOLLOW_UP,
        found_problem,
        _l("A follow-up needs a recorded result that found a problem."),
        who=_on_team_or_planner,
        who_refusal=_l("Only the visit's team or the department's planners follow up its problems."),
    ),
    Action("close", Permission.RESULTS_PUBLISH, _closable, _close_refusal),
    # 无需后续处置: a leader's reasoned decision that a problem found needs no follow-up.
    Action("decide_no_follow_up", Permission.RESULTS_REVIEW, _decidable, _decide_refusal),
    rules_of=lambda visit: rules_of(visit.campaign),
)


def _receives(follow_up: FollowUp, actor: Actor) -> bool:
    return follow_up.receiver_tenant_id is not None and follow_up.receiver_tenant_id == getattr(
        actor, "tenant_id", None
    )


def _owns(follow_up: FollowUp, actor: Actor) -> bool:
    return follow_up.tenant_id == getattr(actor, "tenant_id", None)


def _own_team_or_planner(follow_up: FollowUp, actor: Actor) -> bool:
    """The department's own follow-up, and the reader on its visit's team or one of the department's planners."""
    return _owns(follow_up, actor) and _on_team_or_planner(follow_up.visit, actor)


def _answerable(follow_up: FollowUp) -> bool:
    return (
        follow_up.kind == FollowUpKind.rectification
        and follow_up.is_open
        and follow_up.visit.published_at is not None
        and follow_up.pending_answer is None
    )


def _answer_refusal(follow_up: FollowUp) -> LazyString:
    if follow_up.kind != FollowUpKind.rectification:
        return _l("Only a rectification order is answered by the business.")
    if not follow_up.is_open:
        return _l("This rectification order is already closed.")
    if follow_up.visit.published_at is None:
        return _l("This check's result is not published yet.")
    return _l("Your answer is waiting for the department's review: wait for its decision before answering again.")


FOLLOW_UP_ACTIONS = Actions(
    # The re-check, the case's conclusion, the police's acceptance: recorded by the department.
    Action(
        "close",
        Permission.RESULTS_FOLLOW_UP,
        lambda f: f.is_open and f.kind != FollowUpKind.transfer and f.pending_answer is None,
        lambda f: (
            _l("A transfer is closed when the receiving department acknowledges it.")
            if f.kind == FollowUpKind.transfer
            else _l("This follow-up is already closed.")
            if not f.is_open
            else _l("The business's answer waits for review: accept it (which closes the order) or return it first.")
        ),
        who=_own_team_or_planner,
        who_refusal=_l("Only the visit's team or the department's planners close its follow-ups."),
    ),
    # 整改答复: the business of the visit answers an open rectification order once its result is published, one answer
    # at a time (after the deadline too: counted late); the department's team or planners review it.
    Action(
        "answer",
        Permission.BUSINESS_SIGNED_IN,
        _answerable,
        _answer_refusal,
        who=lambda f, actor: getattr(getattr(actor, "account", None), "entity_id", None) == f.visit.entity_id,
        who_refusal=_l("Only the business the order was given to answers it."),
    ),
    Action(
        "review_answer",
        Permission.RESULTS_FOLLOW_UP,
        lambda f: f.is_open and f.pending_answer is not None,
        _l("No answer of the business is waiting for review."),
        who=_own_team_or_planner,
        who_refusal=_l("Only the visit's team or the department's planners review the business's answers."),
    ),
    # A transfer: acknowledged (签收) by the department it was sent to, nobody else.
    Action(
        "acknowledge",
        Permission.TRANSFERS_RECEIVE,
        lambda f: f.is_open and f.kind == FollowUpKind.transfer,
        _l("This transfer is already acknowledged."),
        who=_receives,
        who_refusal=_l("Only the receiving department acknowledges a transfer."),
    ),
)


# --- a team member's own declaration (抽取后申报回避) ------------------------------------------


def _recusable(visit: Visit) -> bool:
    """A department's own visit, or its part of a joint visit (the mixed team's coordinator replaces)."""
    return not visit.campaign.joint and visit.campaign.status in TEAMS_OPEN and visit.status in OPEN


def _recusal_refusal(visit: Visit) -> LazyString:
    return _l(
        "The result of this visit is already submitted: its team no longer changes (a leader may return the "
        "result first)."
    )


#: What a visit allows its own team member to declare.
OWN_ACTIONS = Actions(
    Action(
        "declare_own_recusal",
        Permission.RESULTS_ENTER,
        _recusable,
        _recusal_refusal,
        who=lambda visit, actor: membership(visit, actor) is not None,
        who_refusal=_l("Only a member of this visit's team declares their own conflict."),
    ),
)


# --- the campaign's steps about its visits (检查任务下达, 办结) ------------------------------------


def _can_hand_out(campaign: Campaign) -> bool:
    return (
        campaign.status == CampaignStatus.inspectors_drawn
        and visits_without_leader(campaign) == 0
        and not visits_with_recusal(campaign)
        and not unled_teams(campaign)
    )


def unled_refusal(unled: list[tuple[str, str, str]]) -> LazyString:
    """Why a hand-out waits for its leaders' accounts: only the 组长 records 入企 and 离企 (:data:`CODE_ACTIONS`);
    the teams named (:func:`~spotcheck.tenants.campaigns.team_gaps.unled_teams`)."""
    return _l(
        "Only the team leader (组长) records the arrival and the departure, and these teams' leaders have no "
        "account yet: %(teams)s. The administrator of each leader's department opens their accounts in one "
        "step (为这些组长开通账号, on the administrator's home), or name as leaders the first drawn members with "
        "an account.",
        teams=teams_named(unled),
    )


def _hand_out_refusal(campaign: Campaign) -> LazyString:
    if campaign.status == CampaignStatus.inspectors_drawn and (recused := visits_with_recusal(campaign)):
        return _l("%(rule)s Replace first: %(visits)s.", rule=recusal_rule(campaign), visits=named_visits(recused))
    if campaign.status == CampaignStatus.inspectors_drawn and (missing := visits_without_leader(campaign)):
        return leader_rule(campaign, missing)
    if campaign.status == CampaignStatus.inspectors_drawn and (unled := unled_teams(campaign)):
        return unled_refusal(unled)
    return _l("The visits are handed to the teams once the inspectors are drawn, and only once.")


def _can_import(campaign: Campaign) -> bool:
    return waiting.any_result_open(campaign)


def _can_close(campaign: Campaign) -> bool:
    return (
        campaign.status == CampaignStatus.published
        and waiting.open_follow_ups_of(campaign) == 0
        and not waiting.any_awaiting_follow_up(campaign)
    )


def _campaign_close_refusal(campaign: Campaign) -> LazyString:
    if campaign.status == CampaignStatus.published and (open := waiting.open_follow_ups_of(campaign)):
        return _l("A visit with an open follow-up cannot be closed (%(n)d open).", n=open)
    if campaign.status == CampaignStatus.published and (awaiting := waiting.awaiting_follow_up_of(campaign)):
        return _l(
            "%(rule)s Waiting: %(visits)s.",
            rule=follow_up_rule(campaign),
            visits="、".join(f"{visit.entity.name}（{visit.entity.code}）" for visit in awaiting[:5])
            + ("…" if len(awaiting) > 5 else ""),
        )
    return _l("A campaign is closed once every result is published.")


def _own(possible: Possible, refusal: Refusal | LazyString, *, parts: bool = False) -> Step:
    """A step of a department's own campaign, not of a joint campaign (whose steps are the joint
    ones), nor of a department's part of one, except where ``parts`` allows it (closing the part
    once its results are published)."""

    def why(campaign: Campaign) -> LazyString:
        if campaign.joint or campaign.joint_id is not None:
            return _l("This is done on the joint campaign's page.")
        return refusal(campaign) if callable(refusal) else refusal

    return (lambda c: not c.joint and (parts or c.joint_id is None) and possible(c)), why


#: A campaign's steps about its visits: hand them to the teams (检查任务下达), import the results
#: entered offline (检查结果导入, a department's part of a joint campaign too), close them all (办结).
CAMPAIGN_STEPS = Actions(
    *refusing_withdrawn(
        Action("hand_out", Permission.CAMPAIGNS_EDIT, *_own(_can_hand_out, _hand_out_refusal)),
        Action(
            "import_results",
            Permission.CAMPAIGNS_EDIT,
            *_own(_can_import, _l("No result of this campaign waits to be recorded."), parts=True),
        ),
        Action("close", Permission.CAMPAIGNS_EDIT, *_own(_can_close, _campaign_close_refusal, parts=True)),
    )
)


# --- who may see a visit ----------------------------------------------------------------------


def sees_every_visit(reader: Actor) -> bool:
    """A reader of the department's campaigns sees each of its visits; anyone else only their own."""
    return has_permission(reader, Permission.CAMPAIGNS_VIEW)


def visible_visits(reader: Actor) -> sa.ColumnElement:
    """SQL: the visits ``reader`` may see — every one of the department for a reader of its
    campaigns, else only the visits whose team they are on."""
    return sa.true() if sees_every_visit(reader) else on_team_of_visit(reader)


def may_see(visit: Visit, reader: Actor) -> bool:
    """Whether ``reader`` may see ``visit`` (:func:`visible_visits` for one loaded visit)."""
    return sees_every_visit(reader) or membership(visit, reader) is not None
