"""The lead departments of the enforcement fields (执法领域牵头部门).

Seed 001 item 1 and 10: 市场监督管理局 leads the joint checks of the market-regulation field; in the
other fields 其他执法领域开展联合抽查工作由牵头部门制定年度联合抽查工作计划，并报市司法局备案审核. The
market field's lead is always the ``lead`` department; the platform administrator names the lead of
each other field (:func:`name_field_lead`, audited). A field's lead coordinates the joint campaigns
of that field (:mod:`spotcheck.tenants.joint.services`) and plans them in its yearly joint plan.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, events
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.policy import Permission
from spotcheck.tenants.joint.models import FieldLead
from spotcheck.tenants.models import Tenant, TenantKind
from spotcheck.tenants.reference import ENFORCEMENT_FIELDS, MARKET_FIELD


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


def fields_led_by(tenant) -> list[str]:
    """The fields ``tenant`` (a department) leads, in the reference order."""
    if tenant is None:
        return []
    led = set(db.session.scalars(sa.select(FieldLead.field).where(FieldLead.lead_tenant_id == tenant.id)))
    if getattr(tenant, "kind", None) == TenantKind.lead:
        led.add(MARKET_FIELD)
    return [code for code in ENFORCEMENT_FIELDS if code in led]


@events.subscribe("plan.joint_lead_asked")
def _answer_lead(*, actor, tenant, field: str, answer: dict) -> None:
    """Tell the plans whether ``tenant`` leads ``field`` (only a field's lead writes its joint plan)."""
    answer[field] = field in fields_led_by(tenant)


def candidates() -> list[Tenant]:
    """The departments that may lead a field: active, and not the justice bureau (which files the plans)."""
    return list(db.session.scalars(sa.select(Tenant).where(Tenant.active.is_(True), Tenant.kind != TenantKind.supervisor)
                                   .order_by(Tenant.code)))


@command(Permission.TENANTS_MANAGE)
def name_field_lead(field: str, tenant_id: int | None, *, actor) -> FieldLead | None:
    """The platform administrator names the lead department of an enforcement field outside market
    regulation (``tenant_id`` None: the field has no lead any more). Audited in the platform's chain
    and in the department's."""
    errors: dict = {}
    if field not in ENFORCEMENT_FIELDS:
        errors["field"] = [_l("Choose an enforcement field from the list.")]
    elif field == MARKET_FIELD:
        errors["field"] = [_l("The market-regulation field is always led by the market-regulation bureau "
                              "(市场监督管理局).")]
    tenant = None
    if tenant_id not in (None, ""):
        tenant = db.session.get(Tenant, tenant_id) if is_row_id(tenant_id) else None
        if tenant is None or not tenant.active or tenant.kind == TenantKind.supervisor:
            errors["tenant_id"] = [_l("Choose an active department other than the justice bureau.")]
    if errors:
        raise ValidationFailed(errors)
    row = db.session.get(FieldLead, field)
    before = row.lead_tenant_id if row is not None else None
    details = {"field": field, "name": ENFORCEMENT_FIELDS[field], "before": before,
               "lead": tenant.code if tenant is not None else None}
    if tenant is None:
        if row is not None:
            db.session.delete(row)
        row = None
    else:
        if row is None:
            row = FieldLead(field=field)
            db.session.add(row)
        row.lead_tenant_id, row.named_at, row.named_by_name = tenant.id, now(), actor.display_name
    db.session.flush()
    audit.record("field_lead.named", "field_lead", field, actor=actor, tenant_id=None, details=details)
    for department in {before, tenant.id if tenant is not None else None} - {None}:
        audit.record("field_lead.named", "field_lead", field, actor=actor, tenant_id=department, details=details)
    return row
