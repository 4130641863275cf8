"""Enforcement fields and their lead departments (执法领域牵头部门): the platform administrator's API."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, fields

from spotcheck.core.errors import NotFoundError
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.types import Bool, Int
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.common.vocabulary.reference import ENFORCEMENT_FIELDS
from spotcheck.tenants.joint import commands, queries
from spotcheck.tenants.joint.queries import FieldRow
from spotcheck.tenants.regions import queries as regions

PREFIX = "/fields"
blp = Blueprint(
    "Enforcement fields",
    __name__,
    description="Enforcement fields (执法领域) and their lead departments in each region (platform administrator)",
)


class FieldLeadSchema(Schema):
    code = fields.Str(metadata={"description": "; ".join(f"{c} = {n}" for c, n in ENFORCEMENT_FIELDS.items())})
    name = fields.Str()
    lead_tenant_id = fields.Function(lambda row: row.lead.id if row.lead else None, allow_none=True)
    lead_name = fields.Function(lambda row: row.lead.name if row.lead else None, allow_none=True)
    fixed = Bool(metadata={"description": "The market-regulation field: always the market-regulation bureau"})
    named_at = fields.DateTime(allow_none=True)
    named_by_name = fields.Str()
    region_id = Int(
        allow_none=True,
        metadata={"description": "The region whose lead it is: the region asked about, or the nearest above"},
    )


class RegionQuerySchema(Schema):
    region_id = Int(metadata={"description": "The region (default: the root of the tree)"})


class FieldLeadUpdateSchema(Schema):
    tenant_id = Int(
        required=True,
        allow_none=True,
        metadata={"description": "The lead department, of the region; null: the region has no lead of the field"},
    )
    region_id = Int(metadata={"description": "The region (default: the department's)"})


def _region_id(asked: int | None) -> int:
    region = regions.get_region(asked) if asked is not None else regions.root()
    if region is None:
        raise NotFoundError(_l("No such region."))
    return region.id


def _row(code: str, region_id: int) -> FieldRow:
    return next(row for row in queries.field_leads(region_id) if row.code == code)


@blp.route("")
class FieldLeads(MethodView):
    @requires(Permission.TENANTS_MANAGE)
    @blp.arguments(RegionQuerySchema, location="query")
    @blp.response(200, FieldLeadSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[FieldRow]:
        """Every enforcement field with its lead department for a region"""
        return queries.field_leads(_region_id(args.get("region_id")))


@blp.route("/<code>")
class FieldLead(MethodView):
    @requires(Permission.TENANTS_MANAGE)
    @blp.arguments(FieldLeadUpdateSchema)
    @blp.response(200, FieldLeadSchema)
    def put(self, data: dict[str, Any], code: str) -> FieldRow:
        """Name the lead department of a field outside market regulation in a region (audited)"""
        row = commands.name_field_lead(
            code,
            {"tenant_id": data["tenant_id"], "region_id": data.get("region_id")},
            actor=current_user._get_current_object(),
        )
        return _row(code, row.region_id if row is not None else _region_id(data.get("region_id")))
