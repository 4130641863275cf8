"""The lead departments of the enforcement fields (执法领域牵头部门), region by region.

Seed 001 item 1 and 10: 市场监督管理局 leads the joint checks of the market-regulation field; in the
other fields 其他执法领域开展联合抽查工作由牵头部门制定年度联合抽查工作计划，并报市司法局备案审核. In each
region the market field's lead is the region's market-regulation lead (the ``lead`` department of the region, or of
the nearest region above that has one); the platform administrator names a region's lead of each other field, a
department of that region (:func:`spotcheck.tenants.joint.commands.field_leads.name_field_lead`, audited). A region
with no lead of its own for a field follows the nearest region above that has one. A field's lead coordinates the
joint campaigns of that field and plans them in its yearly joint plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from spotcheck.core import events
from spotcheck.core.actor import Actor, Department
from spotcheck.core.database import db
from spotcheck.tenants.accounts import queries as accounts
from spotcheck.tenants.accounts.models import INSPECTING, Tenant, TenantKind
from spotcheck.tenants.common.vocabulary.reference import ENFORCEMENT_FIELDS, MARKET_FIELD
from spotcheck.tenants.joint.models import FieldLead
from spotcheck.tenants.regions import queries as regions


@dataclass(frozen=True)
class FieldRow:
    """One enforcement field with its lead department for a region (``None``: none named there or above);
    ``region_id``: the region whose lead it is (the region asked about, or one above it)."""

    code: str
    name: str
    lead: Tenant | None
    named_at: datetime | None = None
    named_by_name: str = ""
    region_id: int | None = None

    @property
    def fixed(self) -> bool:
        """The market field's lead is the market-regulation bureau itself, never named."""
        return self.code == MARKET_FIELD


def _nearest_rows(region_id: int, fields: list[str]) -> dict[str, FieldLead]:
    """The leads named for ``fields`` in region ``region_id`` or, for a field it has none of, the nearest region
    above that has one."""
    order = regions.chain_ids(region_id)
    found: dict[str, dict[int, FieldLead]] = {}
    for row in db.session.scalars(
        sa.select(FieldLead).where(FieldLead.region_id.in_(order), FieldLead.field.in_(fields))
    ):
        found.setdefault(row.field, {})[row.region_id] = row
    return {field: lead for field, rows in found.items() if (lead := regions.nearest(order, rows)) is not None}


def field_leads(region_id: int) -> list[FieldRow]:
    """Every enforcement field in the reference order, with its lead department for region ``region_id``."""
    named = _nearest_rows(region_id, list(ENFORCEMENT_FIELDS))
    market = accounts.nearest_of_kind(TenantKind.lead, region_id)
    rows = []
    for code, name in ENFORCEMENT_FIELDS.items():
        if code == MARKET_FIELD:
            rows.append(FieldRow(code, name, market, region_id=market.region_id if market else None))
        elif code in named:
            row = named[code]
            rows.append(FieldRow(code, name, row.lead, row.named_at, row.named_by_name, row.region_id))
        else:
            rows.append(FieldRow(code, name, None))
    return rows


def lead_of(field: str, tenant_id: int) -> Tenant | None:
    """The lead department of ``field`` for department ``tenant_id``: named for its region, or for the nearest
    region above that has one; the market field's, the region's market-regulation lead (``None``: none, or no such
    field)."""
    if field == MARKET_FIELD:
        return accounts.lead_of(tenant_id)
    if field not in ENFORCEMENT_FIELDS:
        return None
    row = _nearest_rows(accounts.get_tenant(tenant_id).region_id, [field]).get(field)
    return row.lead if row is not None else None


def fields_led_by(tenant: Department | None) -> list[str]:
    """The fields ``tenant`` (a department) leads in its region, in the reference order."""
    if tenant is None:
        return []
    led = set(db.session.scalars(sa.select(FieldLead.field).where(FieldLead.lead_tenant_id == tenant.id)))
    if getattr(tenant, "kind", None) == TenantKind.lead:
        led.add(MARKET_FIELD)
    return [code for code in ENFORCEMENT_FIELDS if code in led]


@events.subscribe("plan.joint_lead_asked")
def _answer_lead(*, actor: Actor, tenant: Department | None, field: str, answer: dict[str, bool]) -> None:
    """Tell the plans whether ``tenant`` leads ``field`` (only a field's lead writes its joint plan)."""
    answer[field] = field in fields_led_by(tenant)


def candidates() -> list[Tenant]:
    """The departments that may lead a field: active, and not a justice bureau (which files the plans)."""
    return list(db.session.scalars(sa.select(Tenant).where(INSPECTING).order_by(Tenant.code)))
