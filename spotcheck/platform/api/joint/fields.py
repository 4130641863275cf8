"""Enforcement fields and their lead departments (执法领域牵头部门): the platform administrator's API."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from spotcheck.platform.api.types import Bool, Int
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.common.vocabulary.reference import ENFORCEMENT_FIELDS
from spotcheck.tenants.joint import commands, queries
from spotcheck.tenants.joint.queries import FieldRow

PREFIX = "/fields"
blp = Blueprint(
    "Enforcement fields",
    __name__,
    description="Enforcement fields (执法领域) and their lead departments (platform administrator)",
)


class FieldLeadSchema(Schema):
    code = fields.Str(metadata={"description": "; ".join(f"{c} = {n}" for c, n in ENFORCEMENT_FIELDS.items())})
    name = fields.Str()
    lead_tenant_id = fields.Function(lambda row: row.lead.id if row.lead else None, allow_none=True)
    lead_name = fields.Function(lambda row: row.lead.name if row.lead else None, allow_none=True)
    fixed = Bool(metadata={"description": "The market-regulation field: always the market-regulation bureau"})
    named_at = fields.DateTime(allow_none=True)
    named_by_name = fields.Str()


class FieldLeadUpdateSchema(Schema):
    tenant_id = Int(
        required=True,
        allow_none=True,
        metadata={"description": "The lead department; null: the field has no lead any more"},
    )


def _row(code: str) -> FieldRow:
    return next(row for row in queries.field_leads() if row.code == code)


@blp.route("")
class FieldLeads(MethodView):
    @requires(Permission.TENANTS_MANAGE)
    @blp.response(200, FieldLeadSchema(many=True))
    def get(self) -> list[FieldRow]:
        """Every enforcement field with its lead department"""
        return queries.field_leads()


@blp.route("/<code>")
class FieldLead(MethodView):
    @requires(Permission.TENANTS_MANAGE)
    @blp.arguments(FieldLeadUpdateSchema)
    @blp.response(200, FieldLeadSchema)
    def put(self, data: dict[str, Any], code: str) -> FieldRow:
        """Name the lead department of a field outside market regulation (audited)"""
        commands.name_field_lead(code, {"tenant_id": data["tenant_id"]}, actor=current_user._get_current_object())
        return _row(code)
