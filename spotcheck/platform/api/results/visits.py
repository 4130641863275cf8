"""Visits and results (检查与检查结果): an inspector's visits, recording and submitting results,
review, publication and correction. Every change is a command; who and when come from the
caller's session, never from the request."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_babel import get_locale
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from spotcheck.core.job_models import Job
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.results.schemas import (
    CheckDatesCorrectionSchema,
    FollowUpInputSchema,
    FollowUpSchema,
    PublishSchema,
    ReasonSchema,
    ResultInputSchema,
    VisitPageSchema,
    VisitQuerySchema,
    VisitSchema,
)
from spotcheck.platform.api.schemas import JobSchema
from spotcheck.platform.api.types import Bool
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.common.queries import NumberedPage
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.queries import categories as result_categories, listing, visits
from spotcheck.tenants.results.queries.follow_ups import FollowUp
from spotcheck.tenants.results.queries.listing import Visit
from spotcheck.tenants.spreadsheets.commands import submit_results_import, submit_results_template

PREFIX = "/visits"
blp = Blueprint("Visits", __name__, description="Visits and their results (检查与检查结果).")


def _visit(visit_id: int) -> Visit:
    """The visit, for a member of its team or a reader of the department's campaigns (else 404)."""
    return visits.visit_for(visit_id, reader=_user())


@blp.route("")
class Visits(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.arguments(VisitQuerySchema, location="query")
    @blp.response(200, VisitPageSchema)
    def get(self, args: dict[str, Any]) -> NumberedPage:
        """Visits, most urgent first: mine (an inspector sees only theirs), or the department's by
        status or campaign"""
        return listing.visits_page(
            reader=_user(),
            mine=args["mine"],
            status=args["status"],
            campaign_id=args["campaign_id"],
            number=args["page"],
        )


@blp.route("/<int:visit_id>")
class VisitById(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, VisitSchema)
    def get(self, visit_id: int) -> Visit:
        """One visit: the entity, window, team and 组长, the result so far and the allowed actions"""
        return _visit(visit_id)


@blp.route("/<int:visit_id>/result")
class VisitResult(MethodView):
    @requires(Permission.RESULTS_ENTER)
    @blp.arguments(ResultInputSchema)
    @blp.response(200, VisitSchema)
    def put(self, data: dict[str, Any], visit_id: int) -> Visit:
        """Record (part of) the result as a draft (a member of the visit's team)"""
        _visit(visit_id)
        return results.record_result(visit_id, data, actor=_user())


@blp.route("/<int:visit_id>/submit")
class VisitSubmit(MethodView):
    @requires(Permission.RESULTS_ENTER)
    @blp.response(200, VisitSchema)
    def post(self, visit_id: int) -> Visit:
        """Submit the complete result for review (the team leader); this confirms a result imported on
        the team's behalf"""
        _visit(visit_id)
        return results.submit_result(visit_id, actor=_user())


@blp.route("/<int:visit_id>/approve")
class VisitApprove(MethodView):
    @requires(Permission.RESULTS_REVIEW)
    @blp.response(200, VisitSchema)
    def post(self, visit_id: int) -> Visit:
        """Approve a submitted result (a leader who did not record or submit it)"""
        _visit(visit_id)
        return results.approve_result(visit_id, actor=_user())


@blp.route("/<int:visit_id>/return")
class VisitReturn(MethodView):
    @requires(Permission.RESULTS_REVIEW)
    @blp.arguments(ReasonSchema)
    @blp.response(200, VisitSchema)
    def post(self, data: dict[str, Any], visit_id: int) -> Visit:
        """Return a submitted result to the team with the reasons"""
        _visit(visit_id)
        return results.return_result(visit_id, data, actor=_user())


@blp.route("/<int:visit_id>/dates")
class VisitDates(MethodView):
    @requires(Permission.RESULTS_REVIEW)
    @blp.arguments(CheckDatesCorrectionSchema)
    @blp.response(200, VisitSchema)
    def post(self, data: dict[str, Any], visit_id: int) -> Visit:
        """Correct the check dates of a submitted result (a leader, with the reason); the due dates never
        become later than those first given"""
        _visit(visit_id)
        return results.correct_check_dates(visit_id, data, actor=_user())


@blp.route("/<int:visit_id>/correction")
class VisitCorrection(MethodView):
    @requires(Permission.RESULTS_PUBLISH)
    @blp.arguments(ReasonSchema)
    @blp.response(200, VisitSchema)
    def post(self, data: dict[str, Any], visit_id: int) -> Visit:
        """Start the correction (更正) of a published result, with the reason (published with it)"""
        _visit(visit_id)
        return results.start_correction(visit_id, data, actor=_user())


@blp.route("/approve")
class VisitsApprove(MethodView):
    @requires(Permission.RESULTS_REVIEW)
    @blp.arguments(PublishSchema)
    @blp.response(200, VisitSchema(many=True))
    def post(self, data: dict[str, Any]) -> list[Visit]:
        """Approve several submitted results at once (批量审核通过): none that found a problem (those are
        approved one by one); all or nothing, each refused result named"""
        return results.approve_results(data["visit_ids"], actor=_user())


@blp.route("/publish")
class VisitPublish(MethodView):
    @requires(Permission.RESULTS_PUBLISH)
    @blp.arguments(PublishSchema)
    @blp.response(200, VisitSchema(many=True))
    def post(self, data: dict[str, Any]) -> list[Visit]:
        """Publish approved results (one or many) on the public portal"""
        return results.publish_results(data["visit_ids"], actor=_user())


@blp.route("/<int:visit_id>/follow-ups")
class VisitFollowUps(MethodView):
    @requires(Permission.RESULTS_FOLLOW_UP)
    @blp.arguments(FollowUpInputSchema)
    @blp.response(201, FollowUpSchema)
    def post(self, data: dict[str, Any], visit_id: int) -> FollowUp:
        """Open a follow-up (后续处置) of a problem the visit found: rectification (with ``deadline``),
        case (with ``case_number``), transfer (with ``receiver_tenant_id``) or police (with ``police_organ``)"""
        _visit(visit_id)
        return results.open_follow_up(visit_id, data, actor=_user())


@blp.route("/<int:visit_id>/no-follow-up")
class VisitNoFollowUp(MethodView):
    @requires(Permission.RESULTS_REVIEW)
    @blp.arguments(ReasonSchema)
    @blp.response(200, VisitSchema)
    def post(self, data: dict[str, Any], visit_id: int) -> Visit:
        """无需后续处置: a leader decides, with the reason, that the problem found needs no follow-up
        (the visit can then be closed; kept in the department's record, not published)"""
        _visit(visit_id)
        return results.decide_no_follow_up(visit_id, data, actor=_user())


@blp.route("/<int:visit_id>/recusal")
class VisitRecusal(MethodView):
    @requires(Permission.RESULTS_ENTER)
    @blp.arguments(ReasonSchema)
    @blp.response(200, VisitSchema)
    def post(self, data: dict[str, Any], visit_id: int) -> Visit:
        """抽取后申报回避: a member of the visit's team declares their own conflict with the entity; the
        result waits until the department replaces them"""
        _visit(visit_id)
        results.declare_own_recusal(visit_id, data, actor=_user())
        return visits.get_visit(visit_id)


@blp.route("/<int:visit_id>/close")
class VisitClose(MethodView):
    @requires(Permission.RESULTS_PUBLISH)
    @blp.response(200, VisitSchema)
    def post(self, visit_id: int) -> Visit:
        """办结: close a published visit with no open follow-up"""
        _visit(visit_id)
        return results.close_visit(visit_id, actor=_user())


class ResultsUploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "The campaign's results workbook, filled in (.xlsx or .csv)"})


@blp.route("/import/<int:campaign_id>/template")
class ResultsTemplate(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.response(202, JobSchema)
    def post(self, campaign_id: int) -> Job:
        """Write the campaign's results workbook (a row per visit still to record and item) in the background:
        202 with the job; once it succeeded, the workbook comes from ``GET /api/v1/jobs/<id>/file``"""
        campaign = campaigns.get_campaign(campaign_id)
        return submit_results_template(campaign.id, actor=_user(), locale=str(get_locale()))


@blp.route("/import/<int:campaign_id>")
class ResultsImport(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(ResultsUploadSchema, location="files")
    @blp.response(202, JobSchema)
    def post(self, files: dict[str, Any], campaign_id: int) -> Job:
        """Import results entered offline in the background, all or nothing; each visit's result is
        recorded on its team's behalf in the caller's name (代为录入), a draft its 组长 confirms by
        submitting it (``POST /visits/<id>/submit``) — submitted at once where the caller is that
        组长 —, never approved. Follow the job: its result is the import outcome (``ok``,
        ``submitted``, ``drafted``, or every bad row)"""
        upload = files["file"]
        return submit_results_import(
            campaigns.get_campaign(campaign_id).id,
            upload.filename,
            upload.stream,
            actor=_user(),
            locale=str(get_locale()),
        )


class CategorySchema(Schema):
    code = fields.Str()
    name = fields.Str(metadata={"description": "As published (a sub-category with its group)"})
    problem = Bool(metadata={"description": "Says a problem was found: the findings must say what"})


@blp.route("/categories")
class ResultCategories(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, CategorySchema(many=True))
    def get(self) -> list[dict[str, object]]:
        """The result categories (检查结果类别) my department offers now"""
        return [
            {"code": c.code, "name": c.published_name, "problem": c.problem}
            for c in result_categories.offered().values()
        ]
