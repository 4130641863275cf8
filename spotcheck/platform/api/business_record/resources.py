"""A business's own record (企业检查档案), for a city's app that embeds it: with the business's session or its own
access token (``Authorization: Bearer scb_…``). A staff user, who holds no business permission, is refused."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.business_record.schemas import (
    AnswerFilesSchema,
    AnswerTextSchema,
    ComplaintMakeSchema,
    EvaluationGiveSchema,
    OwnDrawSchema,
    RecordRectificationSchema,
    RecordSchema,
    RecusalAskSchema,
)
from spotcheck.platform.permissions import Permission, acting_user, requires
from spotcheck.tenants.business_record import commands as record_commands, queries as record_queries
from spotcheck.tenants.business_record.commands import OwnDraw
from spotcheck.tenants.business_record.queries import Record, Rectification
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.supervision import commands as supervision

PREFIX = "/business/record"
blp = Blueprint("Business record", __name__, description="A business's own record of checks (企业检查档案)")


@blp.route("")
class OwnRecord(MethodView):
    @requires(Permission.BUSINESS_SIGNED_IN)
    @blp.response(200, RecordSchema)
    def get(self) -> Record:
        """The signed-in business's record today: checks coming, under way and published, its cap ledger and its
        requests, of every department at every level"""
        return record_queries.own_record(reader=acting_user())


@blp.route("/draws")
class OwnDraws(MethodView):
    @requires(Permission.BUSINESS_SIGNED_IN)
    @blp.response(200, OwnDrawSchema(many=True))
    def get(self) -> list[OwnDraw]:
        """The signed-in business's own rows of the draws (本户抽取核验): each drawn target draw whose frame held it,
        with its stratum, rank, outcome and — for a blinded draw — its salt, to check its row against the published
        proof (``spotcheck draw verify PROOF.json --own CREDIT_CODE SALT``); and the draws that left it out before
        the freeze, with the reason"""
        return record_commands.own_draws(actor=acting_user())


@blp.route("/rectifications/<int:follow_up_id>/answers")
class RectificationAnswers(MethodView):
    @requires(Permission.BUSINESS_SIGNED_IN)
    @blp.arguments(AnswerTextSchema, location="form")
    @blp.arguments(AnswerFilesSchema, location="files")
    @blp.response(201, RecordRectificationSchema)
    def post(self, form: dict[str, Any], files: dict[str, Any], follow_up_id: int) -> Rectification:
        """Answer a rectification order of the record (整改答复): what was corrected and how, with photos or PDFs; the
        department reviews it. After the deadline the answer is kept and counted late. The order as it now stands"""
        reader = acting_user()
        data = {"text": form["text"], "files": [(f.stream, f.filename) for f in files["files"] if f and f.filename]}
        record_commands.answer_rectification(follow_up_id, data, actor=reader)
        return record_queries.own_order(follow_up_id, reader=reader).rectification


def _acted(check_id: int, command: Any, data: dict[str, Any]) -> Record:
    """Run the code page's command for the business signed in (no 企业核验码; the business's person acting) on a check
    its record shows (else 404), given the check's code; the record as it now stands."""
    reader = acting_user()
    _record, check = record_queries.own_check(check_id, reader=reader)
    command(check.acts_on, data, actor=reader)
    return record_queries.own_record(reader=reader)


@blp.route("/checks/<int:check_id>/confirmation")
class Confirmation(MethodView):
    @requires(Permission.BUSINESS_SIGNED_IN)
    @blp.response(201, RecordSchema)
    def post(self, check_id: int) -> Record:
        """Confirm that the team recorded as arrived came (确认入企), once, without the 企业核验码. The record as it
        now stands"""
        return _acted(check_id, results.confirm_visit, {})


@blp.route("/checks/<int:check_id>/recusal-requests")
class RecusalRequests(MethodView):
    @requires(Permission.BUSINESS_SIGNED_IN)
    @blp.arguments(RecusalAskSchema)
    @blp.response(201, RecordSchema)
    def post(self, data: dict[str, Any], check_id: int) -> Record:
        """Ask that an inspector withdraw (申请回避), until the team leaves, without the 企业核验码; a leader decides
        (a joint check: the coordinator). A check of named businesses shows on the record only after 离企: its request
        is made on the code's page, with the code. The record as it now stands"""
        return _acted(check_id, results.request_recusal, data)


@blp.route("/checks/<int:check_id>/evaluation")
class Evaluation(MethodView):
    @requires(Permission.BUSINESS_SIGNED_IN)
    @blp.arguments(EvaluationGiveSchema)
    @blp.response(201, RecordSchema)
    def post(self, data: dict[str, Any], check_id: int) -> Record:
        """Evaluate the check (评价) once, after 离企 and within the rules' days, without the 企业核验码: to the justice
        bureau. The record as it now stands"""
        return _acted(check_id, supervision.evaluate_visit, data)


@blp.route("/checks/<int:check_id>/complaints")
class Complaints(MethodView):
    @requires(Permission.BUSINESS_SIGNED_IN)
    @blp.arguments(ComplaintMakeSchema)
    @blp.response(201, RecordSchema)
    def post(self, data: dict[str, Any], check_id: int) -> Record:
        """Complain about the check to the justice bureau (投诉), without the 企业核验码; the contact is the bureau's
        alone. The record as it now stands"""
        return _acted(check_id, supervision.complain, data)
