"""Published plans and public campaigns read across departments (一公开), for the portal's pages of a region.

A citizen's page of a region lists what each of the region's departments made public: reading each department in its
own scope costs statements in proportion to the departments (a province's 3,000), so these read the public rows of
the departments named, all of them at once — one statement each. They are the only reads of plans and campaigns
outside a department's scope, and each reads only what the public sees: a plan as last published
(``published_lines``), a campaign from its approval on and never a department's part of a joint campaign
(:func:`~spotcheck.tenants.campaigns.policy.public_campaign_rows`), of departments in service only.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from spotcheck.core.database import db, one_of
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import policy
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.plans.models import Plan

#: A plan is public once published (seed 001: before it is filed), as last published.
PUBLISHED_PLAN = Plan.published_lines.is_not(None)


def department_of(campaign_id: int) -> Tenant | None:
    """The department in service whose public campaign ``campaign_id`` is (None for a draft, a department's part of a
    joint campaign, or no campaign): one look-up by the campaign's key."""
    with system_access("the department of a public campaign, asked by the public who names none"):
        return db.session.scalar(
            sa.select(Tenant)
            .join(Campaign, Campaign.tenant_id == Tenant.id)
            .where(Campaign.id == campaign_id, policy.public_campaign_rows(), Tenant.active.is_(True))
        )


def years(tenant_ids: Iterable[int]) -> set[int]:
    """The years of the published plans and the public campaigns of departments ``tenant_ids``."""
    wanted = sorted(set(tenant_ids))
    if not wanted:
        return set()
    plans = sa.select(Plan.year).where(PUBLISHED_PLAN, one_of(Plan.tenant_id, wanted))
    campaigns = sa.select(Campaign.year).where(policy.public_campaign_rows(), one_of(Campaign.tenant_id, wanted))
    with system_access("the years of the departments' published plans and public campaigns, for the public"):
        return set(db.session.scalars(sa.union(plans, campaigns)))


def plans(tenant_ids: Iterable[int], year: int) -> dict[int, list[Plan]]:
    """The published plans of ``year`` of departments ``tenant_ids``, by department (each department's: the year's,
    the halves, then the joint plans)."""
    wanted = sorted(set(tenant_ids))
    if not wanted:
        return {}
    with system_access("the departments' published plans, for the public"):
        found = db.session.scalars(
            sa.select(Plan)
            .where(PUBLISHED_PLAN, Plan.year == year, one_of(Plan.tenant_id, wanted))
            .order_by(Plan.tenant_id, Plan.kind, Plan.field, Plan.half.is_not(None), Plan.half)
        )
        return _by_department(found)


def campaigns(tenant_ids: Iterable[int], year: int) -> dict[int, list[Campaign]]:
    """The public campaigns of ``year`` of departments ``tenant_ids``, by department, each department's most recently
    approved first (their items read with them)."""
    wanted = sorted(set(tenant_ids))
    if not wanted:
        return {}
    with system_access("the departments' public campaigns, for the public"):
        found = db.session.scalars(
            sa.select(Campaign)
            .where(policy.public_campaign_rows(), Campaign.year == year, one_of(Campaign.tenant_id, wanted))
            .options(selectinload(Campaign.items))
            .order_by(Campaign.tenant_id, Campaign.approved_at.desc(), Campaign.id.desc())
        )
        return _by_department(found)


def _by_department(rows: Iterable[Plan] | Iterable[Campaign]) -> dict:
    grouped: dict[int, list] = {}
    for row in rows:
        grouped.setdefault(row.tenant_id, []).append(row)
    return grouped
