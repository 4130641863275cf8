"""Notices of criticism (通报) for the justice bureau: one notice as its page shows it — a draft with the departments
its free text names beyond what it names freely (``title_outside``: its title names a department the bureau does not
supervise, so it cannot be signed; ``to_confirm``: other departments its text names) — and its signing (签发) by a
leader of the bureau, who confirms each of ``to_confirm`` by its code in ``confirm_named`` (audited). Another bureau's
notice answers 404."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.types import Int
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.tenants.supervision import commands, queries
from spotcheck.tenants.supervision.queries import CriticismView

PREFIX = "/supervision/criticisms"
blp = Blueprint("Criticisms", __name__, description="The justice bureau's notices of criticism (通报).")


class NamedDepartmentSchema(Schema):
    code = fields.Str()
    name = fields.Str(attribute="full_name", metadata={"description": "The department's full name"})


class CriticismSchema(Schema):
    id = Int(attribute="criticism.id")
    period = fields.Str(attribute="criticism.period")
    title = fields.Str(attribute="criticism.title")
    body = fields.Str(attribute="criticism.body")
    status = fields.Function(lambda view: view.criticism.status.value, metadata={"description": "draft / approved…"})
    number = fields.Str(attribute="criticism.number", metadata={"description": "文号, once signed"})
    findings = fields.Function(
        lambda view: [{"tenant_id": f["tenant_id"], "name": f["name"]} for f in view.criticism.findings],
        metadata={"type": "array", "items": {"type": "object"}, "description": "The departments criticised"},
    )
    title_outside = fields.Function(
        lambda view: NamedDepartmentSchema(many=True).dump(view.named.title_outside if view.named else []),
        metadata={
            "type": "array",
            "items": {"type": "object"},
            "description": "Departments the title names outside the bureau's supervision: it cannot be signed",
        },
    )
    to_confirm = fields.Function(
        lambda view: NamedDepartmentSchema(many=True).dump(view.named.to_confirm if view.named else []),
        metadata={
            "type": "array",
            "items": {"type": "object"},
            "description": "Other departments the text names (neither criticised nor a bureau above): the signing "
            "leader confirms each by its code in confirm_named",
        },
    )
    actions = fields.Function(
        lambda view: sorted(view.actions), metadata={"type": "array", "items": {"type": "string"}}
    )


class ApproveSchema(Schema):
    confirm_named = fields.List(
        fields.Str(),
        load_default=list,
        metadata={"description": "The codes of the other departments the text names, each confirmed (to_confirm)"},
    )


@blp.route("/<int:criticism_id>")
class CriticismById(MethodView):
    @requires(Permission.SUPERVISION_VIEW)
    @blp.response(200, CriticismSchema)
    def get(self, criticism_id: int) -> CriticismView:
        """One notice of criticism of my bureau, with what its free text names and the steps I may take"""
        return queries.criticism_view(criticism_id, reader=_user())


@blp.route("/<int:criticism_id>/approve")
class CriticismApproval(MethodView):
    @requires(Permission.CRITICISM_APPROVE)
    @blp.arguments(ApproveSchema)
    @blp.response(200, CriticismSchema)
    def post(self, data: dict[str, Any], criticism_id: int) -> CriticismView:
        """Sign the notice (签发): numbered, written and delivered; the other departments its text names confirmed
        (422 naming ``confirm_named`` while one is not; naming ``title`` while its title names a department the
        bureau does not supervise)"""
        commands.approve(criticism_id, {"confirm_named": data["confirm_named"]}, actor=_user())
        return queries.criticism_view(criticism_id, reader=_user())
