"""Tenants (部门): the platform administrator's API."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user

from spotcheck.platform.api.accounts.schemas import TenantCreateSchema, TenantSchema
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.accounts import commands as accounts, queries as account_queries
from spotcheck.tenants.accounts.queries import Tenant

PREFIX = "/tenants"
blp = Blueprint("Departments", __name__, description="Departments (platform administrator)")


@blp.route("")
class Tenants(MethodView):
    @requires(Permission.TENANTS_MANAGE)
    @blp.response(200, TenantSchema(many=True))
    def get(self) -> list[Tenant]:
        """List departments"""
        return account_queries.list_tenants()

    @requires(Permission.TENANTS_MANAGE)
    @blp.arguments(TenantCreateSchema)
    @blp.response(201, TenantSchema)
    def post(self, data: dict[str, Any]) -> Tenant:
        """Create a department, optionally with its first administrator"""
        return accounts.create_department(data, actor=current_user._get_current_object())


@blp.route("/<int:tenant_id>")
class TenantById(MethodView):
    @requires(Permission.TENANTS_MANAGE)
    @blp.response(200, TenantSchema)
    def get(self, tenant_id: int) -> Tenant:
        """One department"""
        return account_queries.get_tenant(tenant_id)
