"""The lead departments of the enforcement fields (执法领域牵头部门).

Seed 001 item 1 and 10: 市场监督管理局 leads the joint checks of the market-regulation field; in the
other fields 其他执法领域开展联合抽查工作由牵头部门制定年度联合抽查工作计划，并报市司法局备案审核. The
market field's lead is always the ``lead`` department; the platform administrator names the lead of
each other field (:func:`spotcheck.tenants.joint.commands.field_leads.name_field_lead`, audited). A
field's lead coordinates the joint campaigns of that field and plans them in its yearly joint plan.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from spotcheck.core import events
from spotcheck.core.actor import Actor, Department
from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.common.vocabulary.reference import ENFORCEMENT_FIELDS, MARKET_FIELD
from spotcheck.tenants.joint.models import FieldLead


@dataclass(frozen=True)
class FieldRow:
    """One enforcement field with its lead department (``None``: none named yet)."""

    code: str
    name: str
    lead: Tenant | None
    named_at: object = None
    named_by_name: str = ""

    @property
    def fixed(self) -> bool:
        """The market field's lead is the market-regulation bureau itself, never named."""
        return self.code == MARKET_FIELD


def _market_lead() -> Tenant | None:
    return db.session.scalar(sa.select(Tenant).where(Tenant.kind == TenantKind.lead))


def field_leads() -> list[FieldRow]:
    """Every enforcement field in the reference order, with its lead department."""
    named = {row.field: row for row in db.session.scalars(sa.select(FieldLead))}
    rows = []
    for code, name in ENFORCEMENT_FIELDS.items():
        if code == MARKET_FIELD:
            rows.append(FieldRow(code, name, _market_lead()))
        elif code in named:
            row = named[code]
            rows.append(FieldRow(code, name, row.lead, row.named_at, row.named_by_name))
        else:
            rows.append(FieldRow(code, name, None))
    return rows


def lead_of(field: str) -> Tenant | None:
    """The lead department of ``field`` (``None``: none named, or no such field)."""
    if field == MARKET_FIELD:
        return _market_lead()
    row = db.session.get(FieldLead, field) if field in ENFORCEMENT_FIELDS else None
    return row.lead if row is not None else None


def fields_led_by(tenant: Department | None) -> list[str]:
    """The fields ``tenant`` (a department) leads, in the reference order."""
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
    """The departments that may lead a field: active, and not the justice bureau (which files the plans)."""
    return list(
        db.session.scalars(
            sa.select(Tenant).where(Tenant.active.is_(True), Tenant.kind != TenantKind.supervisor).order_by(Tenant.code)
        )
    )
