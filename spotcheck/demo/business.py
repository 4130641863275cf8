"""演示企业账户: the caterer checked by departments of two levels — 宁安市市场监督管理局's check on a complaint and
牡丹江市市场监督管理局's supervision check (:data:`spotcheck.demo.named.NAMED_CHECKS`) — claims its account with its
notice's 企业核验码. Its record then shows both levels' checks, its cap line, the rectification order 宁安市's bureau
gives it after its published result (to answer in the platform, due in ten working days) and its complaint to the
justice bureau with the bureau's answer (:func:`spotcheck.demo.supervision.complaint`)."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.demo.people import user_named
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.businesses import commands as businesses
from spotcheck.tenants.businesses.models import BusinessAccount, BusinessPerson
from spotcheck.tenants.campaigns.models import Campaign, CampaignKind
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.results import codes, commands as results
from spotcheck.tenants.results.models import FollowUp, Visit
from spotcheck.tenants.results.vocabulary import FollowUpKind

#: The business's first person, the holder of its account (持有人), and the password the demo prints.
HOLDER_LOGIN, HOLDER_NAME, PASSWORD = "fawu", "陈店长", "Qiye-2026-demo"
#: What 宁安市's bureau orders after its check on the complaint (责令改正), in working days.
ORDER = "后厨地面排水沟堵塞、积水反复出现：疏通排水沟，加装防返水地漏，建立每日排水设施检查记录，并报送整改情况和照片。"
ORDER_DAYS = 10


class DemoBusiness(NamedTuple):
    """The demo business's login, as the console prints it."""

    name: str
    credit_code: str
    login: str
    password: str


def two_level_visits(tenants: dict[str, Tenant]) -> tuple[Visit, Visit] | None:
    """The county market bureau's visit and the city market bureau's visit of the caterer both checked: the city's
    named check's business, checked by the county's bureau too (None before the named checks are made)."""
    county, city = tenants.get("SCJ"), tenants.get("MDJSCJ")
    if county is None or city is None:
        return None
    with tenant_scope(city.id):
        upper = db.session.scalar(
            sa.select(Visit)
            .join(Campaign, Campaign.id == Visit.campaign_id)
            .where(Campaign.kind == CampaignKind.named)
            .limit(1)
        )
    if upper is None:
        return None
    with tenant_scope(county.id):
        own = db.session.scalar(
            sa.select(Visit)
            .join(Campaign, Campaign.id == Visit.campaign_id)
            .where(
                Visit.entity_id == upper.entity_id, Campaign.kind == CampaignKind.named, Visit.published_at.is_not(None)
            )
            .limit(1)
        )
    return (own, upper) if own is not None else None


def build(tenants: dict[str, Tenant], *, today: date) -> None:
    """The county bureau's rectification order after its published check, and the business's account claimed with
    the 企业核验码 of the city bureau's notice, both on the demo's ``today``; each left alone once made."""
    found = two_level_visits(tenants)
    if found is None:
        return
    own, upper = found
    county = tenants["SCJ"]
    with tenant_scope(county.id):
        ordered = db.session.scalar(
            sa.select(FollowUp.id).where(FollowUp.visit_id == own.id, FollowUp.kind == FollowUpKind.rectification)
        )
        if ordered is None:
            with clock.frozen_at(datetime(today.year, today.month, today.day, 9, tzinfo=clock.SHANGHAI)):
                results.open_follow_up(
                    own.id,
                    {"kind": FollowUpKind.rectification.value, "details": ORDER, "deadline_days": ORDER_DAYS},
                    actor=user_named("scj_planner"),
                )
    with system_access("the demo business"):
        entity = db.session.get(Entity, upper.entity_id)
        assert entity is not None  # its visit names it
        claimed = db.session.scalar(sa.select(BusinessAccount.id).where(BusinessAccount.entity_id == entity.id))
    if claimed is None and upper.code is not None:  # its notice's code: the team went in and left
        with tenant_scope(tenants["MDJSCJ"].id):
            business_code = codes.business_code(upper.code)
        with clock.frozen_at(datetime(today.year, today.month, today.day, 10, tzinfo=clock.SHANGHAI)):
            businesses.claim_account(
                {
                    "credit_code": entity.code,
                    "business_code": business_code,
                    "display_name": HOLDER_NAME,
                    "login": HOLDER_LOGIN,
                    "password": PASSWORD,
                    "client": "demo",
                    "user_agent": "spotcheck demo",
                }
            )


def login_of() -> DemoBusiness | None:
    """The demo business's login as the console prints it, once its account is claimed (the password the demo set)."""
    with system_access("the demo business's login"):
        found = db.session.execute(
            sa.select(BusinessAccount.name, BusinessAccount.credit_code)
            .join(BusinessPerson, BusinessPerson.account_id == BusinessAccount.id)
            .where(BusinessPerson.login == HOLDER_LOGIN, BusinessPerson.holder.is_(True))
            .order_by(BusinessAccount.id)
            .limit(1)
        ).first()
    return DemoBusiness(found.name, found.credit_code, HOLDER_LOGIN, PASSWORD) if found is not None else None
