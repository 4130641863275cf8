"""Joint campaigns' reads (联合抽查查询): a department's joint campaigns and invitations, one joint
campaign's page as a participant reads it (inside its :class:`~spotcheck.core.queries.Joint`
scope, recorded), the fields' lead departments, the year's statistics, and the home's to-dos.

The page and the API call the same queries; the lookups the commands use (:func:`get_joint`,
:func:`get_participant`, :func:`part_of`) are plain functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.database import db, get_row, is_row_id
from spotcheck.core.errors import NotFoundError
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.queries import query
from spotcheck.core.scoping import current_tenant_id, joint_scope
from spotcheck.core.todo import Task
from spotcheck.tenants.accounts.models import tenant_of
from spotcheck.tenants.campaigns.draw_stages import draw_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, Draw, TeamMember
from spotcheck.tenants.campaigns.policy import is_public
from spotcheck.tenants.campaigns.queries import public as publication
from spotcheck.tenants.campaigns.team_gaps import leaders_to_open, unlinked_leaders, visits_without_leader
from spotcheck.tenants.campaigns.vocabulary import TEAMS_OPEN
from spotcheck.tenants.common.queries import NumberedPage
from spotcheck.tenants.joint import figures, leads, statistics
from spotcheck.tenants.joint.models import (  # also the domain's nouns, for the pages' annotations
    FieldLead as FieldLead,
    JointParticipant as JointParticipant,
)
from spotcheck.tenants.joint.participants import (  # RegionGroup: also the API's, for its annotation
    RegionGroup as RegionGroup,
    by_region,
    invitable,
    participants_of,
    parts_of,
    pending,
    reading_invited,
)
from spotcheck.tenants.joint.policy import (
    JOINT_ACTIONS,
    PARTICIPANT_ACTIONS,
    in_campaign,
    of_joint_visit,
    reads_statistics,
    require_statistics_reader,
)
from spotcheck.tenants.joint.visits import team_of, teams, visit_groups, visit_page
from spotcheck.tenants.joint.vocabulary import DRAW_KINDS, ParticipantStatus
from spotcheck.tenants.results.codes import RECUSAL_REQUEST_ACTIONS
from spotcheck.tenants.results.models import RecusalRequest, Visit
from spotcheck.tenants.results.policy import may_see
from spotcheck.tenants.results.queries.todo import LeaderAccounts

# The fields' lead departments and the year's table, read as they are (deployment-wide reference data).
field_leads, lead_of, fields_led_by, candidates = (
    leads.field_leads,
    leads.lead_of,
    leads.fields_led_by,
    leads.candidates,
)
FieldRow = leads.FieldRow
COLUMNS, NUMERIC = statistics.COLUMNS, statistics.NUMERIC
Table = statistics.Table  # on a line of its own: a type checker takes it for the class
statistics_years = statistics.years


# --- lookups of the commands ---------------------------------------------------------------------


def get_joint(campaign_id: int, *, for_update: bool = False) -> Campaign:
    """A joint campaign readable in the present scope (the lead's, or a participant's joint scope)."""
    campaign = get_row(Campaign, campaign_id, _l("No such joint campaign."), for_update=for_update)
    if not campaign.joint:
        raise NotFoundError(_l("No such joint campaign."))
    return campaign


def get_participant(participant_id: int, *, for_update: bool = False) -> JointParticipant:
    return get_row(JointParticipant, participant_id, _l("No such invitation."), for_update=for_update)


def part_of(participant: JointParticipant) -> Campaign | None:
    """The department's own campaign for its part (read in the department's scope)."""
    if participant.part_campaign_id is None:
        return None
    return db.session.scalar(sa.select(Campaign).where(Campaign.id == participant.part_campaign_id))


def summary(part: Campaign) -> dict:
    """What the lead and the other departments may read of a part: its items by code and name
    with the inspectors' categories they need, rules, filter, plan or exemption."""
    return {
        "items": [{"code": i.code, "name": i.name, "categories": sorted(i.inspector_categories)} for i in part.items],
        "categories": sorted({c for i in part.items for c in i.inspector_categories}),
        "strata": part.strata,
        "target_filter": part.target_filter,
        "exempt_kind": part.exempt_kind,
        "exempt_reason": part.exempt_reason,
        "plan_id": part.plan_id,
    }


def invitations() -> list[JointParticipant]:
    """The department's invitations to joint campaigns, newest first (its rows as receiver)."""
    return list(
        db.session.scalars(
            sa.select(JointParticipant)
            .where(JointParticipant.receiver_tenant_id == current_tenant_id())
            .order_by(JointParticipant.id.desc())
        )
    )


def led_campaigns() -> list[Campaign]:
    """The joint campaigns the department leads, newest first."""
    return list(db.session.scalars(sa.select(Campaign).where(Campaign.joint.is_(True)).order_by(Campaign.id.desc())))


def _mine(campaign_id: int) -> JointParticipant | None:
    return next((p for p in invitations() if p.campaign_id == int(campaign_id)), None)


# --- the department's joint campaigns --------------------------------------------------------------


@dataclass
class Index:
    """The joint campaigns the department leads (for its coordinator) and its invitations."""

    led: list[Campaign]
    invitations: list[JointParticipant]
    statuses: dict[int, CampaignStatus] = field(default_factory=dict)  # each led campaign's status shown


@query(Permission.JOINT_VIEW)
def index(*, reader: Actor) -> Index:
    led = led_campaigns() if has_permission(reader, Permission.JOINT_MANAGE) else []
    return Index(
        led=led,
        invitations=invitations(),
        statuses={campaign.id: figures.progress_status(campaign) for campaign in led},
    )


@query(Permission.JOINT_MANAGE)
def departments_to_invite(*, reader: Actor) -> list[RegionGroup]:
    """The departments the reader's joint campaigns may invite, grouped by region: those of its department's region
    and of the regions below it (本级及下级), its own included (it takes part with its own items), the top region
    first (:func:`spotcheck.tenants.joint.participants.invitable`)."""
    return by_region(invitable(tenant_of(reader)))


@query(Permission.SIGNED_IN)
def my_invitation(campaign_id: int, *, reader: Actor) -> JointParticipant:
    """The reader's department's invitation to the joint campaign; NotFoundError if it is not invited."""
    mine = _mine(campaign_id)
    if mine is None:
        raise NotFoundError(_l("Your department is not invited to this joint campaign."))
    return mine


# --- one joint campaign, as a participant reads it ------------------------------------------------------


@dataclass(frozen=True)
class CampaignView:
    """A joint campaign as one participant reads it (联合抽查): the campaign, its own invitation and part,
    the lead's list of participants, the actions the reader may take, the draws, the visits of one page
    with their departments, teams and published parts, and the savings. Built once by
    :func:`campaign_view`; its page and the API read its named fields."""

    campaign: Campaign
    #: The reader's department leads the joint campaign (its coordinator and leaders).
    lead: bool
    #: The reader's department's invitation, and its part (its own campaign), if it is invited.
    mine: JointParticipant | None
    part: Campaign | None
    #: Every invitation (the lead only; empty for the others).
    participants: list[JointParticipant]
    #: What the reader may do with the joint campaign (``JOINT_ACTIONS``), and with its invitation
    #: (``PARTICIPANT_ACTIONS``).
    actions: frozenset[str]
    my_actions: frozenset[str]
    #: The two draws by kind (``None`` before each is committed).
    draws: dict[str, Draw | None]
    #: 进一次门、查多项事: the visits the joint draw saves (``None`` before the targets are drawn).
    savings: figures.Savings | None
    #: Each visit (entity id) with the departments that drew it.
    groups: dict[int, list[str]]
    #: The visit list's page (``None`` before the target draw, or when no page was asked for), the mixed teams
    #: and the departments whose result is published, by visit (entity id).
    visits: NumberedPage | None
    teams: dict[int, list[TeamMember]]
    published: dict[int, set[str]]
    #: Visits whose every department has published its result.
    complete: int
    #: Its draws are on the public page.
    public: bool
    #: Visits whose mixed team has no leader (组长) yet.
    leaderless: int
    #: The status shown: its progress once handed out (:func:`figures.progress_status`); its row's own is
    #: ``campaign.status``.
    status: CampaignStatus
    #: The businesses' requests that a member of a mixed team withdraw (回避申请), with what the reader may do.
    recusal_requests: list[tuple[RecusalRequest, frozenset[str]]]
    #: Before the hand-out, the mixed teams' leaders (组长) with no account, "name（department）", for the warning
    #: (the lead's coordinator only).
    leaders_without_account: list[str]


@query(Permission.JOINT_VIEW, scope=in_campaign)
def campaign_view(campaign_id: int, page: int | None = 1, *, reader: Actor) -> CampaignView:
    """The joint campaign's page (``page``: of its visit list; ``None``: no visit list), read in
    its joint scope."""
    campaign = get_joint(campaign_id)
    mine = _mine(campaign_id)
    lead = campaign.tenant_id == reader.tenant_id
    groups = visit_groups(campaign)
    complete = figures.complete_visits(campaign) if groups else 0
    return CampaignView(
        campaign=campaign,
        lead=lead,
        mine=mine,
        part=part_of(mine) if mine is not None else None,
        participants=participants_of(campaign) if lead else [],
        actions=JOINT_ACTIONS.allowed(campaign, reader),
        my_actions=PARTICIPANT_ACTIONS.allowed(mine, reader) if mine is not None else frozenset(),
        draws={kind: draw_of(campaign, kind) for kind in DRAW_KINDS},
        savings=figures.savings(campaign),
        groups=groups,
        visits=visit_page(groups, page) if page is not None else None,
        teams=teams(campaign) if page is not None else {},
        published=figures.published_parts(campaign) if page is not None else {},
        complete=complete,
        public=is_public(campaign),
        leaderless=visits_without_leader(campaign) if campaign.status in TEAMS_OPEN else 0,
        status=figures.progress_status(campaign, complete if groups else None),
        recusal_requests=_recusal_requests(campaign, reader) if lead else [],
        leaders_without_account=_leaders_without_account(campaign, reader) if lead else [],
    )


def _leaders_without_account(campaign: Campaign, reader: Actor) -> list[str]:
    """The mixed teams' leaders (组长) whose inspector entry, in their own department, has no account (无账号的组长):
    "name（department）" in department and name order, while the hand-out is to come and the reader may hand out or
    name the leaders — read on the coordinator's path to the departments the campaign invited, and no other."""
    if campaign.status not in TEAMS_OPEN or not {"hand_out", "designate_leader"} & JOINT_ACTIONS.allowed(
        campaign, reader
    ):
        return []
    invited = parts_of(campaign)
    with reading_invited(invited, reader, "the mixed teams' leaders without an account, for the hand-out's warning"):
        found = unlinked_leaders(campaign)
    return [f"{name}（{(invited.get(group) or {}).get('name', group)}）" for name, group in found]


def _recusal_requests(campaign: Campaign, reader: Actor) -> list[tuple[RecusalRequest, frozenset[str]]]:
    """The joint visits' requests that an inspector withdraw (the lead's rows), pending first."""
    found = db.session.scalars(
        sa.select(RecusalRequest)
        .join(TeamMember, TeamMember.id == RecusalRequest.member_id)
        .where(TeamMember.campaign_id == campaign.id)
        .order_by(RecusalRequest.decided_at.is_not(None), RecusalRequest.id)
    )
    return [(request, RECUSAL_REQUEST_ACTIONS.allowed(request, reader)) for request in found]


@dataclass(frozen=True)
class MixedMember:
    """A member of a joint visit's mixed team, as every member reads it: name, department, certificate."""

    name: str
    department: str
    cert_no: str
    is_leader: bool
    recused: bool = False  # declared a conflict after the draw: every department's part waits for the replacement


@query(Permission.SIGNED_IN, scope=of_joint_visit)
def mixed_team(visit_id: int, *, reader: Actor) -> list[MixedMember]:
    """联合检查组: the whole mixed team of a joint visit — every department's members, each with its
    department, the leader first — for whoever may see the visit; empty for a visit of one department."""
    visit = db.session.get(Visit, visit_id) if is_row_id(visit_id) else None
    if visit is None or visit.campaign.joint_id is None or not may_see(visit, reader):
        return []
    campaign = get_joint(visit.campaign.joint_id)
    names = {group: part.get("name", group) for group, part in (campaign.joint_parts or {}).items()}
    return [
        MixedMember(
            member.inspector_name,
            names.get(member.group_code, member.group_code),
            member.cert_no,
            member.is_leader,
            member.recused,
        )
        for member in team_of(campaign, visit.entity_id)
    ]


def public_savings(campaign: Campaign) -> figures.Savings | None:
    """A joint campaign's visits against the checks and the expected visits of separate draws, as
    the public portal shows them (``None`` for a campaign of one department, or before the draw)."""
    return figures.savings(campaign) if campaign.joint else None


@query(Permission.JOINT_VIEW, scope=in_campaign)
def draw_record(campaign_id: int, kind: str, *, reader: Actor) -> tuple[Campaign, Draw | None]:
    """The joint campaign and its draw of ``kind`` (for the draw's facts)."""
    campaign = get_joint(campaign_id)
    return campaign, draw_of(campaign, kind)


@query(Permission.JOINT_VIEW, scope=in_campaign)
def full_proof(campaign_id: int, kind: str, *, reader: Actor) -> tuple[Campaign, bytes]:
    """The joint campaign's full proof file of ``kind``, for its departments: a proof drawn before blinding and
    withdrawn from public view (隐去明细) included."""
    campaign = get_joint(campaign_id)
    return campaign, publication.full_proof_file(campaign, kind)


@query(Permission.JOINT_VIEW, scope=in_campaign)
def full_proof_checked(campaign_id: int, kind: str, *, reader: Actor) -> tuple[Campaign, publication.Verification]:
    """The checks of the joint campaign's full proof file of ``kind`` (as ``spotcheck draw verify`` prints them)."""
    campaign = get_joint(campaign_id)
    return campaign, publication.verify_proof(campaign, kind, full=True)


# --- the year's statistics -----------------------------------------------------------------------

#: Whether the reader reads the lead department's statistics (the joint page's link asks), and the refusal otherwise
#: (the statistics page asks before reading the year).
reads_statistics, require_statistics_reader = reads_statistics, require_statistics_reader


@query(Permission.JOINT_VIEW)
def statistics_table(
    period: statistics.Period, *, reader: Actor, progress: statistics.Progress | None = None
) -> statistics.Table:
    """The lead department's joint-inspection table of ``period`` (the one the justice bureau reads
    for it); Forbidden for anyone but the lead department's readers (:func:`policy.reads_statistics`).
    ``progress`` is told the joint campaigns read (the export job's:
    :mod:`spotcheck.tenants.joint.commands.statistics`)."""
    require_statistics_reader(reader)
    return statistics.build(period, reader.tenant_id, tenant_of(reader).name, progress=progress)


# --- to-dos ----------------------------------------------------------------------------------------

NEXT_STEPS = {
    "joint": (
        "approve",
        "freeze_targets",
        "draw_targets",
        "freeze_inspectors",
        "draw_inspectors",
        "designate_leader",
        "hand_out",
    ),
    "invitation": ("accept", "edit_part", "approve_part"),
}
OPEN = (CampaignStatus.draft, CampaignStatus.approved, CampaignStatus.targets_drawn, CampaignStatus.inspectors_drawn)


def tasks_for(reader: Actor, limit: int = 20) -> list[Task]:
    """The reader's next steps on the joint campaigns the department leads (kind ``joint``) and on
    its invitations (kind ``invitation``), as the actions tables allow them."""
    found: list[Task] = []
    for campaign in db.session.scalars(
        sa.select(Campaign)
        .where(Campaign.joint.is_(True), Campaign.status.in_(OPEN))
        .order_by(Campaign.id.desc())
        .limit(limit)
    ):
        allowed = JOINT_ACTIONS.allowed(campaign, reader) & set(NEXT_STEPS["joint"])
        if "designate_leader" in allowed and not visits_without_leader(campaign):
            allowed = allowed - {"designate_leader"}  # every team has its leader: not a next step
        if allowed:
            found.append(Task("joint", campaign, frozenset(allowed)))
    for participant in invitations():
        if participant.status not in (ParticipantStatus.invited, ParticipantStatus.accepted):
            continue
        allowed = PARTICIPANT_ACTIONS.allowed(participant, reader) & set(NEXT_STEPS["invitation"])
        if (participant.part or {}).get("items"):
            allowed = allowed - {"edit_part"}  # the part is there: the leader approves it next
        if allowed:
            found.append(Task("invitation", participant, frozenset(allowed)))
    return (found + _leader_accounts(reader))[:limit]


def _leader_accounts(reader: Actor) -> list[Task]:
    """For the department's administrator, each joint campaign waiting for its hand-out whose mixed teams are led
    by a member of the department with no account (为这些组长开通账号): one to-do per department, read in the
    department's scope as a participant (its own inspectors, the lead's mixed teams)."""
    if not has_permission(reader, Permission.USERS_MANAGE):
        return []
    tasks = []
    for participant in invitations():
        if participant.status != ParticipantStatus.approved:
            continue
        with joint_scope(participant.receiver_tenant_id, participant.campaign_id):
            joint = db.session.get(Campaign, participant.campaign_id)
            if joint is None or joint.status != CampaignStatus.inspectors_drawn:
                continue
            leaders = leaders_to_open(joint, participant.group_code)
        if leaders:
            tasks.append(
                Task(
                    "leader_accounts",
                    LeaderAccounts.of(
                        f"j{participant.campaign_id}", participant.campaign_code, participant.campaign_title, leaders
                    ),
                    frozenset({"open_accounts"}),
                )
            )
    return tasks


#: The states in which a joint campaign may wait on the departments or on the teams.
WAITING = (*OPEN, CampaignStatus.notified, CampaignStatus.in_progress, CampaignStatus.results_in)


@dataclass
class UnderWay:
    """A joint campaign the department leads that waits on others (进行中的联合抽查): the departments
    still to answer or to approve their part (draft), or its teams at work (handed out)."""

    campaign: Campaign
    waiting_for: list[JointParticipant]
    awaiting_approval: bool = False  # every part approved: the lead's leader approves the whole next


@query(Permission.JOINT_MANAGE)
def under_way(*, reader: Actor, limit: int = 10) -> list[UnderWay]:
    """The led joint campaigns with nothing for the coordinator to do now, and what they wait for."""
    busy = {task.obj.id for task in tasks_for(reader) if task.kind == "joint"}
    found = []
    for campaign in db.session.scalars(
        sa.select(Campaign)
        .where(Campaign.joint.is_(True), Campaign.status.in_(WAITING))
        .order_by(Campaign.id.desc())
        .limit(limit)
    ):
        if campaign.id not in busy and figures.progress_status(campaign) != CampaignStatus.published:
            draft = campaign.status == CampaignStatus.draft
            found.append(
                UnderWay(
                    campaign,
                    pending(campaign) if draft else [],
                    draft and JOINT_ACTIONS.by_name["approve"].possible(campaign),
                )
            )
    return found


def joint_sizes(campaign_id: int) -> Job | None:
    """The newest size estimate of the joint campaign, for whoever of the lead department reads its
    page (the coordinator asks for it, the leader reads it before approving)."""
    return next(
        (
            job
            for job in db.session.scalars(
                sa.select(Job)
                .where(Job.kind == "joint.sizes")
                .order_by(Job.id.desc())
                .limit(50)
                .execution_options(populate_existing=True)
            )
            if (job.params or {}).get("campaign_id") == campaign_id
        ),
        None,
    )
