"""Naming the lead department of an enforcement field in a region (指定执法领域牵头部门), as a command of the
platform administrator (seed 001 item 10)."""

from __future__ import annotations

import sqlalchemy as sa
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
from spotcheck.tenants.regions.models import Region


def _region(data: dict, tenant: Tenant | None, field: str, errors: dict) -> Region | None:
    """The region whose lead changes: ``data["region_id"]``; else the chosen department's; else, when a lead is
    removed, the one region where the field has a lead (several: the region must be named)."""
    region_id = data.get("region_id")
    if region_id not in (None, ""):
        region = db.session.get(Region, region_id) if is_row_id(region_id) else None
        if region is None:
            errors["region_id"] = [_l("Choose a region from the tree.")]
        return region
    if tenant is not None:
        return db.session.get(Region, tenant.region_id)
    named = list(db.session.scalars(sa.select(FieldLead.region_id).where(FieldLead.field == field)))
    if len(named) > 1:
        errors["region_id"] = [_l("Choose the region whose lead department of the field changes.")]
        return None
    return db.session.get(Region, named[0]) if named else None


@command(Permission.TENANTS_MANAGE)
def name_field_lead(field: str, data: dict, *, actor: Actor) -> FieldLead | None:
    """The platform administrator names the lead department of an enforcement field outside market
    regulation in a region (``data["tenant_id"]``, a department of that region; None: the region has no lead of
    the field any more, and follows the region above; ``data["region_id"]``: the region, by default the
    department's). Audited in the platform's chain and in the departments'."""
    data = data or {}
    tenant_id = data.get("tenant_id")
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
            tenant = None
    region = _region(data, tenant, field, errors)
    if tenant is not None and region is not None and tenant.region_id != region.id:
        errors["tenant_id"] = [_l("Choose a department of the region %(region)s.", region=region.name)]
    if errors:
        raise InvalidInputError(errors)
    row = db.session.get(FieldLead, (region.id, field)) if region is not None else None
    before = row.lead_tenant_id if row is not None else None
    details = {
        "field": field,
        "name": ENFORCEMENT_FIELDS[field],
        "region": region.code if region is not None else None,
        "before": before,
        "lead": tenant.code if tenant is not None else None,
    }
    if tenant is None or region is None:  # (a department given always has its region)
        if row is not None:
            db.session.delete(row)
        row = None
    else:
        if row is None:
            row = FieldLead(region_id=region.id, field=field)
            db.session.add(row)
        row.lead_tenant_id, row.named_at, row.named_by_name = tenant.id, now(), actor.display_name
    db.session.flush()
    audit.record("field_lead.named", "field_lead", field, actor=actor, tenant_id=None, details=details)
    for department in {before, tenant.id if tenant is not None else None} - {None}:
        audit.record("field_lead.named", "field_lead", field, actor=actor, tenant_id=department, details=details)
    return row
