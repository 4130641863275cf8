"""The departments of a joint campaign (联合抽查的参加部门): those it may invite (its coordinator's branch, 本级及下级),
those invited, in group order, where each stands (invited, accepted, its part approved) and the parts the lead's
leader approves — the lead's rows, read in its scope."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass

import sqlalchemy as sa

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import Scope, cross_tenant
from spotcheck.tenants.accounts.models import INSPECTING, Tenant
from spotcheck.tenants.accounts.queries import departments_in_branch
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.joint.vocabulary import ParticipantStatus
from spotcheck.tenants.regions.models import Region

# --- whom a joint campaign may invite: the coordinator's branch ---------------------------------------


def invitable(tenant: Tenant) -> list[Tenant]:
    """The departments a joint campaign coordinated by ``tenant`` may invite: the active departments (a justice bureau
    never: it supervises, it does not check) of ``tenant``'s region and of every region below it — its branch (本级及
    下级), the coordinator's own department included (it takes part with its own items). A city's coordinator invites
    a county's or a town's departments; a county's, never the city's nor a sibling county's. From the top of the
    branch down, region by region (the tree's order), then by code."""
    branch = departments_in_branch(tenant.region_id)
    return list(
        db.session.scalars(
            sa.select(Tenant)
            .join(Tenant.region)
            .where(Tenant.id.in_(sorted(branch)), INSPECTING)
            .order_by(Region.path, Tenant.code)
        )
    )


def outside_branch(tenant: Tenant, departments: Iterable[Tenant]) -> list[Tenant]:
    """Those of ``departments`` outside ``tenant``'s branch (its region and the regions below it)."""
    branch = departments_in_branch(tenant.region_id)
    return [department for department in departments if department.id not in branch]


@dataclass(frozen=True)
class RegionGroup:
    """The departments of one region of the branch, as a picker groups them (the region's name, then its
    departments)."""

    region_id: int
    name: str
    departments: list[Tenant]


def by_region(departments: list[Tenant]) -> list[RegionGroup]:
    """``departments`` (in :func:`invitable`'s order) grouped by their region, in the same order."""
    groups: list[RegionGroup] = []
    for department in departments:
        if not groups or groups[-1].region_id != department.region_id:
            groups.append(RegionGroup(department.region_id, department.region.name, []))
        groups[-1].departments.append(department)
    return groups


# --- the departments invited --------------------------------------------------------------------------


def participants_of(campaign: Campaign) -> list[JointParticipant]:
    """The departments invited to the joint campaign, in group order (the lead's rows)."""
    return list(
        db.session.scalars(
            sa.select(JointParticipant)
            .where(JointParticipant.campaign_id == campaign.id)
            .order_by(JointParticipant.group_code)
        )
    )


def pending(campaign: Campaign) -> list[JointParticipant]:
    """Departments that have not finished: invited (no answer) or accepted (part not approved)."""
    return [p for p in participants_of(campaign) if p.status in (ParticipantStatus.invited, ParticipantStatus.accepted)]


def approved_parts(campaign: Campaign) -> list[JointParticipant]:
    return [p for p in participants_of(campaign) if p.status == ParticipantStatus.approved]


def parts_of(campaign: Campaign) -> dict[str, dict]:
    """The departments' parts (group code → part, in group order): those the approval fixed on the
    campaign, or before it the parts approved so far (what the leader will approve)."""
    if campaign.joint_parts:
        return dict(sorted(campaign.joint_parts.items()))
    return dict(
        sorted(
            (
                p.group_code,
                {
                    "name": p.department_name,
                    "tenant_id": p.receiver_tenant_id,
                    "part_campaign_id": p.part_campaign_id,
                    **(p.part or {}),
                },
            )
            for p in approved_parts(campaign)
        )
    )


def reading_invited(parts: dict[str, dict], actor: Actor, reason: str) -> AbstractContextManager[Scope]:
    """The coordinator's cross-department path for a joint campaign (a draw's frame, a replacement's lists): the
    departments the campaign invited (``parts``, :func:`parts_of`), and no other."""
    departments = [part["tenant_id"] for part in parts.values()]
    return cross_tenant(actor, reason, permission=Permission.JOINT_MANAGE, departments=departments)
