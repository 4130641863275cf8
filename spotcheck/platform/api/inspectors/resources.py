"""The inspector directory (执法检查人员名录库) and recusals.

Answers carry the masked ID number only; the full number has its own endpoint, for the
department administrator, and every reading of it is audited.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user

from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.inspectors.schemas import (
    InspectorIdNumberSchema,
    InspectorQuerySchema,
    InspectorSchema,
    InspectorUpdateSchema,
    RecusalSchema,
)
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.accounts.queries import User
from spotcheck.tenants.inspectors import commands, queries
from spotcheck.tenants.inspectors.queries import Inspector, Recusal

PREFIX = "/inspectors"
blp = Blueprint("Inspectors", __name__, description="The inspector directory (执法检查人员名录库) and recusals.")


def _actor() -> User:
    return current_user._get_current_object()


@blp.route("")
class Inspectors(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.arguments(InspectorQuerySchema, location="query")
    @blp.response(200, InspectorSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[Inspector]:
        """List the inspectors of my department (ID numbers masked)"""
        return queries.list_inspectors(active_only=query["active_only"], experts=query.get("expert"))

    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(InspectorSchema)
    @blp.response(201, InspectorSchema)
    def post(self, data: dict[str, Any]) -> Inspector:
        """Add an inspector (the ID number is required and checked by its check digit)"""
        inspector = commands.create_inspector(data, actor=_actor())
        return inspector


@blp.route("/<int:inspector_id>")
class InspectorById(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(200, InspectorSchema)
    def get(self, inspector_id: int) -> Inspector:
        """One inspector of my department (ID number masked)"""
        return queries.get_inspector(inspector_id)

    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(InspectorUpdateSchema, changes=True)
    @blp.response(200, InspectorSchema)
    def patch(self, data: dict[str, Any], inspector_id: int) -> Inspector:
        """Change an inspector; fields left out stay as they are (also the ID number)"""
        inspector = commands.update_inspector(queries.get_inspector(inspector_id).id, data, actor=_actor())
        return inspector


@blp.route("/<int:inspector_id>/id-number")
class InspectorIdNumber(MethodView):
    @requires(Permission.INSPECTORS_PERSONAL_DATA)
    @blp.response(200, InspectorIdNumberSchema)
    def get(self, inspector_id: int) -> tuple[dict[str, object], int, dict[str, str]]:
        """The full ID number (department administrator only; each reading is audited)"""
        inspector = queries.get_inspector(inspector_id)
        number = commands.id_number_of(inspector.id, actor=_actor())
        return {"id": inspector.id, "name": inspector.name, "id_number": number}, 200, {"Cache-Control": "no-store"}


@blp.route("/<int:inspector_id>/recusals")
class InspectorRecusals(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(200, RecusalSchema(many=True))
    def get(self, inspector_id: int) -> list[Recusal]:
        """The recusals (回避) declared for an inspector"""
        return queries.list_recusals(queries.get_inspector(inspector_id))

    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(RecusalSchema)
    @blp.response(201, RecusalSchema)
    def post(self, data: dict[str, Any], inspector_id: int) -> Recusal:
        """Declare a recusal: the inspector will not be drawn for this entity"""
        inspector = queries.get_inspector(inspector_id)
        recusal = commands.declare_recusal(
            inspector.id, {"entity_code": data.get("entity_code"), "reason": data.get("reason")}, actor=_actor()
        )
        return recusal


@blp.route("/recusals/<int:recusal_id>")
class RecusalById(MethodView):
    @requires(Permission.CATALOG_MANAGE)
    @blp.response(204)
    def delete(self, recusal_id: int) -> None:
        """Withdraw a recusal"""
        commands.withdraw_recusal(recusal_id, actor=_actor())
