"""Follow-ups (后续处置) by their own id: closing one by its own step, and the transfers a
department received from others (移送接收) with their acknowledgement (签收)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from spotcheck.core.errors import NotFoundError
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.results.schemas import (
    AcknowledgeManySchema,
    AcknowledgeSchema,
    FollowUpCloseSchema,
    FollowUpSchema,
    TransferSchema,
)
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.queries import follow_ups
from spotcheck.tenants.results.queries.follow_ups import FollowUp

PREFIX = "/follow-ups"
blp = Blueprint(
    "Follow-ups", __name__, description="Follow-up of problems found and transfers received (后续处置、移送接收)."
)


def _own(follow_up_id: int) -> FollowUp:
    follow_up = follow_ups.get_follow_up(follow_up_id)
    if follow_up.tenant_id != current_user.tenant_id:
        raise NotFoundError(_l("No such follow-up."))
    return follow_up


def _received(follow_up_id: int) -> FollowUp:
    follow_up = follow_ups.get_follow_up(follow_up_id)
    if follow_up.receiver_tenant_id != current_user.tenant_id:
        raise NotFoundError(_l("No such transfer."))
    return follow_up


@blp.route("/<int:follow_up_id>/close")
class FollowUpClose(MethodView):
    @requires(Permission.RESULTS_FOLLOW_UP)
    @blp.arguments(FollowUpCloseSchema)
    @blp.response(200, FollowUpSchema)
    def post(self, data: dict[str, Any], follow_up_id: int) -> FollowUp:
        """Close a follow-up by its own step: a rectification's re-check (``outcome``), a case's
        conclusion or the police's acceptance (``outcome_note``)"""
        _own(follow_up_id)
        return results.close_follow_up(follow_up_id, data, actor=_user())


@blp.route("/received")
class Received(MethodView):
    @requires(Permission.TRANSFERS_RECEIVE)
    @blp.response(200, TransferSchema(many=True))
    def get(self) -> list[FollowUp]:
        """Transfers received from other departments, those to acknowledge first"""
        return follow_ups.received()


@blp.route("/received/acknowledge")
class AcknowledgeMany(MethodView):
    @requires(Permission.TRANSFERS_RECEIVE)
    @blp.arguments(AcknowledgeManySchema)
    @blp.response(200, TransferSchema(many=True))
    def post(self, data: dict[str, Any]) -> list[FollowUp]:
        """签收 of several transfers received at once, with one note: all or nothing, each refused one named"""
        return results.acknowledge_transfers(data["ids"], {"note": data["note"]}, actor=_user())


@blp.route("/received/<int:follow_up_id>")
class ReceivedById(MethodView):
    @requires(Permission.TRANSFERS_RECEIVE)
    @blp.response(200, TransferSchema)
    def get(self, follow_up_id: int) -> FollowUp:
        """One transfer received: only what the sender copied into it"""
        return _received(follow_up_id)


@blp.route("/received/<int:follow_up_id>/acknowledge")
class Acknowledge(MethodView):
    @requires(Permission.TRANSFERS_RECEIVE)
    @blp.arguments(AcknowledgeSchema)
    @blp.response(200, TransferSchema)
    def post(self, data: dict[str, Any], follow_up_id: int) -> FollowUp:
        """签收: acknowledge a transfer received; the sender's follow-up is then closed"""
        _received(follow_up_id)
        return results.acknowledge_transfer(follow_up_id, data, actor=_user())
