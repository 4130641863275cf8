"""Reading one visit (检查) for its page and the API: whether the reader may see it (written once,
in :func:`~spotcheck.tenants.results.policy.may_see`), its team, its attachments; and why a campaign whose
results are all published is not closed yet. What the reader may do with a visit, the pages ask the policy
(``VISIT_ACTIONS.allowed``); what its submission lacks, its checks."""

from __future__ import annotations

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, TeamMember
from spotcheck.tenants.results import attachments, rectification_answers
from spotcheck.tenants.results.models import Attachment, FollowUp, RectificationFile, Visit
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS, may_see
from spotcheck.tenants.results.present_teams import team_query


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


def attachments_of(visit: Visit) -> list[Attachment]:
    return attachments.list_for(visit)


def attachment_of(visit: Visit, attachment_id: int) -> Attachment:
    return attachments.get(visit, attachment_id)


def answer_file_of(follow_up: FollowUp, file_id: int) -> RectificationFile:
    """A file of the business's answer to a rectification order of a visit the reader may read (整改材料)."""
    return rectification_answers.file_of(follow_up, file_id)


def why_not_closed(campaign: Campaign) -> LazyString | None:
    """Why a campaign whose results are all published cannot be closed yet (the next step to take)."""
    close = CAMPAIGN_STEPS.by_name["close"]
    if campaign.status != CampaignStatus.published or close.possible(campaign):
        return None
    refusal = close.refusal
    return refusal(campaign) if callable(refusal) else refusal
