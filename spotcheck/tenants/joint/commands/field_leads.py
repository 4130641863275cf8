"""Naming the lead department of an enforcement field (指定执法领域牵头部门), as a command of the
platform administrator (seed 001 item 10)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.accounts.models import Tenant, TenantKind
from spotcheck.tenants.common.vocabulary.reference import ENFORCEMENT_FIELDS, MARKET_FIELD
from spotcheck.tenants.joint.models import FieldLead


@command(Permission.TENANTS_MANAGE)
def name_field_lead(field: str, data: dict, *, actor: Actor) -> FieldLead | None:
    """The platform administrator names the lead department of an enforcement field outside market
    regulation (``data["tenant_id"]``; None: the field has no lead any more). Audited in the
    platform's chain and in the department's."""
    tenant_id = (data or {}).get("tenant_id")
    errors: dict = {}
    if field not in ENFORCEMENT_FIELDS:
        errors["field"] = [_l("Choose an enforcement field from the list.")]
    elif field == MARKET_FIELD:
        errors["field"] = [
            _l("The market-regulation field is always led by the market-regulation bureau (市场监督管理局).")
        ]
    tenant = None
    if tenant_id not in (None, ""):
        tenant = db.session.get(Tenant, tenant_id) if is_row_id(tenant_id) else None
        if tenant is None or not tenant.active or tenant.kind == TenantKind.supervisor:
            errors["tenant_id"] = [_l("Choose an active department other than the justice bureau.")]
    if errors:
        raise InvalidInputError(errors)
    row = db.session.get(FieldLead, field)
    before = row.lead_tenant_id if row is not None else None
    details = {
        "field": field,
        "name": ENFORCEMENT_FIELDS[field],
        "before": before,
        "lead": tenant.code if tenant is not None else None,
    }
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
