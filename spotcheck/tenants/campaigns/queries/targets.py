"""A campaign's drawn targets (抽取结果名单) a page at a time, and their teams.

One listing for the campaign page, the API and the public portal: targets in the draw's order
(stratum, then rank in the stratum's ranking), searchable by entity code or name and narrowed to a
stratum and to statuses; what a caller may show decides which statuses it asks for (the public
never sees the reserve). A campaign may draw tens of thousands of targets, so teams are loaded for
the visits of one page only. Works in the current tenant scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, TeamMember
from spotcheck.tenants.campaigns.vocabulary import ALL_STATUSES, PER_PAGE, TargetStatus
from spotcheck.tenants.common.queries import NumberedPage, paginate
from spotcheck.tenants.directory.models import Entity


@dataclass(frozen=True)
class ListedTarget:
    """A drawn target as listed: the entity's code and name, nothing else of it."""

    entity_id: int
    code: str
    name: str
    group_code: str
    stratum: str
    rank: int
    status: TargetStatus
    replacement_reason: str
    #: A named check's target (特定对象检查): why it is checked, and the cause's reference ("" when drawn).
    cause: str = ""
    cause_reference: str = ""

    @classmethod
    def of(cls, target: CampaignTarget) -> ListedTarget:
        return cls(
            target.entity_id,
            target.entity.code,
            target.entity.name,
            target.group_code,
            target.stratum,
            target.rank,
            target.status,
            target.replacement_reason,
            target.cause,
            target.cause_reference,
        )


def targets(
    campaign: Campaign,
    *,
    statuses: Iterable[TargetStatus] = ALL_STATUSES,
    page: int = 1,
    search: str = "",
    stratum: str = "",
    per_page: int = PER_PAGE,
) -> NumberedPage:
    """Page ``page`` of the campaign's targets with one of ``statuses``, by stratum and rank
    (NotFoundError past the last page). ``search``: a code prefix or part of the name; ``stratum``:
    that stratum only."""
    query = (
        sa.select(
            CampaignTarget.entity_id,
            Entity.code,
            Entity.name,
            CampaignTarget.group_code,
            CampaignTarget.stratum,
            CampaignTarget.rank,
            CampaignTarget.status,
            CampaignTarget.replacement_reason,
            CampaignTarget.cause,
            CampaignTarget.cause_reference,
        )
        .join(Entity, Entity.id == CampaignTarget.entity_id)
        .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status.in_(list(statuses)))
        .order_by(CampaignTarget.stratum, CampaignTarget.rank, CampaignTarget.group_code, CampaignTarget.id)
    )
    if search:
        query = query.where(
            sa.or_(
                Entity.code.startswith(search.upper(), autoescape=True), Entity.name.contains(search, autoescape=True)
            )
        )
    if stratum:
        query = query.where(CampaignTarget.stratum == stratum)
    return paginate(query, page=page, per_page=per_page, make=lambda row: ListedTarget(*row))


@dataclass(frozen=True)
class ListedName:
    """A business on a blinded draw's public list (抽查对象名单): its code and name only — no stratum, rank, team
    or status, and the list in the order of the codes (the draw's order would tell its strata)."""

    entity_id: int
    code: str
    name: str


def drawn_names(campaign: Campaign, *, page: int = 1, search: str = "", per_page: int = PER_PAGE) -> NumberedPage:
    """Page ``page`` of the businesses the campaign now checks (selected, each once whatever departments drew it),
    by code (NotFoundError past the last page). ``search``: a code prefix or part of the name."""
    query = (
        sa.select(Entity.id, Entity.code, Entity.name)
        .where(
            Entity.id.in_(
                sa.select(CampaignTarget.entity_id).where(
                    CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected
                )
            )
        )
        .order_by(Entity.code)
    )
    if search:
        query = query.where(
            sa.or_(
                Entity.code.startswith(search.upper(), autoescape=True), Entity.name.contains(search, autoescape=True)
            )
        )
    return paginate(query, page=page, per_page=per_page, make=lambda row: ListedName(*row))


def counts(campaign: Campaign, statuses: Iterable[TargetStatus] = ALL_STATUSES) -> dict[str, dict[str, int]]:
    """Per stratum (in order), how many targets have each of ``statuses``:
    ``{"A": {"selected": 12, "reserve": 3, "replaced": 1}}``."""
    wanted = list(statuses)
    rows = db.session.execute(
        sa.select(CampaignTarget.stratum, CampaignTarget.status, sa.func.count())
        .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status.in_(wanted))
        .group_by(CampaignTarget.stratum, CampaignTarget.status)
        .order_by(CampaignTarget.stratum)
    )
    out: dict[str, dict[str, int]] = {}
    for stratum, status, n in rows:
        out.setdefault(stratum, dict.fromkeys((s.value for s in wanted), 0))[status.value] = n
    return out


def departments_at(campaign: Campaign, entity_ids: Iterable[int]) -> dict[int, list[str]]:
    """Which departments (group codes, in order) check each of the given entities: a joint
    campaign's one visit carries every department that drew the entity (进一次门、查多项事)."""
    wanted = list(entity_ids)
    out: dict[int, list[str]] = {}
    if wanted:
        for entity_id, group in db.session.execute(
            sa.select(CampaignTarget.entity_id, CampaignTarget.group_code)
            .distinct()
            .where(
                CampaignTarget.campaign_id == campaign.id,
                CampaignTarget.entity_id.in_(wanted),
                CampaignTarget.status == TargetStatus.selected,
            )
            .order_by(CampaignTarget.entity_id, CampaignTarget.group_code)
        ):
            out.setdefault(entity_id, []).append(group)
    return out


def teams(campaign: Campaign, entity_ids: Iterable[int]) -> dict[int, list[TeamMember]]:
    """The team members of the given visits (e.g. one page of targets), replaced ones included,
    in pick order per visit. For the department's own staff: the whole member row."""
    wanted = list(entity_ids)
    if not wanted:
        return {}
    out: dict[int, list[TeamMember]] = {}
    for member in db.session.scalars(
        sa.select(TeamMember)
        .where(TeamMember.campaign_id == campaign.id, TeamMember.entity_id.in_(wanted))
        .order_by(TeamMember.entity_id, TeamMember.position, TeamMember.id)
    ):
        out.setdefault(member.entity_id, []).append(member)
    return out
