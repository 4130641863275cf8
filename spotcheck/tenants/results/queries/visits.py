"""Reading one visit (检查) for its page and the API: whether the reader may see it (written once,
in :func:`~spotcheck.tenants.results.policy.may_see`), its team, what the reader may do with it
and its follow-ups now, what its submission still needs, its attachments; and the campaign's
steps about its visits (检查任务下达, 办结)."""

from __future__ import annotations

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, TeamMember
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.results import attachments, checks, deadlines
from spotcheck.tenants.results.models import Attachment, FollowUp, Visit
from spotcheck.tenants.results.policy import (
    CAMPAIGN_STEPS,
    FOLLOW_UP_ACTIONS,
    OWN_ACTIONS,
    VISIT_ACTIONS,
    awaits_confirmation,
    awaits_follow_up,
    may_see,
    membership,
    recused_members,
)
from spotcheck.tenants.results.present_teams import team_query
from spotcheck.tenants.results.vocabulary import VisitStatus

__all__ = ["awaits_confirmation", "awaits_follow_up", "membership", "recused_members"]


def get_visit(visit_id: int) -> Visit:
    """The department's visit (NotFoundError otherwise), whoever reads: a lookup for commands and jobs."""
    return get_row(Visit, visit_id, _l("No such visit."))


@query(Permission.SIGNED_IN)
def visit_for(visit_id: int, *, reader: Actor) -> Visit:
    """The visit, for a member of its team or a reader of the department's campaigns; for anyone
    else it does not exist (NotFoundError) — the one rule the page and the API both apply."""
    visit = get_visit(visit_id)
    if not may_see(visit, reader):
        raise NotFoundError(_l("No such visit."))
    return visit


def team_of(visit: Visit) -> list[TeamMember]:
    """The visit's present team, the 组长 first."""
    return list(db.session.scalars(team_query(visit)))


def allowed_actions(visit: Visit, reader: Actor) -> frozenset[str]:
    """What ``reader`` may do with the visit now."""
    return VISIT_ACTIONS.allowed(visit, reader)


def own_actions(visit: Visit, reader: Actor) -> frozenset[str]:
    """What ``reader`` may declare on their own visit (their conflict, 回避)."""
    return OWN_ACTIONS.allowed(visit, reader)


def follow_up_actions(follow_up: FollowUp, reader: Actor) -> frozenset[str]:
    """What ``reader`` may do with the follow-up (or received transfer) now."""
    return FOLLOW_UP_ACTIONS.allowed(follow_up, reader)


def missing_for_submission(visit: Visit) -> dict[str, list]:
    """What must be filled before the result can be submitted, by field (empty: complete)."""
    return checks.missing_for_submission(visit)


def planned_method_names(visit: Visit) -> str:
    """The check methods the campaign (and its plan) set, by name: a result by another says why."""
    return "、".join(reference.CHECK_METHODS.get(code, code) for code in checks.methods_without_reason(visit))


def method_changed(visit: Visit) -> bool:
    """The result names a method the campaign (and its plan) did not set (检查方式变更)."""
    return bool(visit.method) and visit.method not in checks.methods_without_reason(visit)


def deadline_rules(visit: Visit) -> dict[str, str]:
    """Where each due date of the visit comes from, in words (检查结束后5个工作日（《……》四（三））)."""
    return {field: deadlines.rule_of(visit, field) for field in deadlines.DUE_FIELDS}


def attachments_of(visit: Visit) -> list[Attachment]:
    return attachments.list_for(visit)


def attachment_of(visit: Visit, attachment_id: int) -> Attachment:
    return attachments.get(visit, attachment_id)


def campaign_steps(campaign: Campaign, reader: Actor) -> frozenset[str]:
    """Which of the campaign's steps about its visits (``hand_out``, ``import_results``, ``close``)
    ``reader`` may take now."""
    return CAMPAIGN_STEPS.allowed(campaign, reader)


def why_not_closed(campaign: Campaign) -> LazyString | None:
    """Why a campaign whose results are all published cannot be closed yet (the next step to take)."""
    close = CAMPAIGN_STEPS.by_name["close"]
    if campaign.status != CampaignStatus.published or close.possible(campaign):
        return None
    refusal = close.refusal
    return refusal(campaign) if callable(refusal) else refusal


def still_drafting(visit: Visit) -> bool:
    return visit.status in (VisitStatus.drafting, VisitStatus.returned)
