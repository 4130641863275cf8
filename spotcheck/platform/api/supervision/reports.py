"""Submitting the seeds' statistical tables (报表报送): my department's duties and their status, a
table prepared (frozen) for the leader, signed and submitted (or corrected), a table as submitted;
the justice bureau's overview of who has submitted, late or missing."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from spotcheck.core.clock import today
from spotcheck.core.errors import NotFoundError
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.types import Int
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.tenants.rules.vocabulary import TABLE_NAMES
from spotcheck.tenants.supervision import commands, queries, vocabulary
from spotcheck.tenants.supervision.queries import ReportSubmission

PREFIX = "/reports"
blp = Blueprint("Reports", __name__, description="Statistical tables submitted to the justice bureau (报表报送).")

STATUS_DESCRIPTION = "; ".join(f"{code} = {name}" for code, name in vocabulary.REPORT_STATUS.items())
TABLE_DESCRIPTION = "; ".join(f"{code} = {name}" for code, name in TABLE_NAMES.items())


class SubmissionSchema(Schema):
    id = Int()
    table_code = fields.Str(metadata={"description": TABLE_DESCRIPTION})
    period = fields.Str(metadata={"description": "2026H1, 2026Q3 or 2026"})
    version = Int()
    status = fields.Function(
        lambda row: row.status.value,
        metadata={"description": "prepared (待签发) / submitted (已报送) / superseded (已被更正)"},
    )
    title = fields.Str()
    due_on = fields.Date()
    digest = fields.Str(metadata={"description": "SHA-256 of the frozen sheets (canonical JSON)"})
    contact = fields.Str()
    phone = fields.Str()
    reason = fields.Str()
    prepared_by_name = fields.Str()
    prepared_at = fields.DateTime()
    signed_by_name = fields.Str()
    submitted_at = fields.DateTime(allow_none=True)


class SubmissionWithContentSchema(SubmissionSchema):
    content = fields.List(fields.Dict(), metadata={"description": "The sheets as frozen: title, lines, sections"})


class DutySchema(Schema):
    table_code = fields.Function(lambda s: s.due.duty.code, metadata={"description": TABLE_DESCRIPTION})
    title = fields.Function(lambda s: s.due.title)
    period = fields.Function(lambda s: s.due.period.code)
    period_label = fields.Function(lambda s: s.due.period.label)
    due_on = fields.Function(lambda s: s.due.due_on.isoformat())
    recipient = fields.Function(lambda s: s.due.duty.recipient)
    rule = fields.Function(
        lambda s: s.due.duty.citation, metadata={"description": "The document and article that ask for the table"}
    )
    owed = fields.Function(lambda s: s.owed)
    status = fields.Function(lambda s: s.status, metadata={"description": STATUS_DESCRIPTION})
    status_name = fields.Function(lambda s: s.status_name)
    department = fields.Function(lambda s: s.tenant.full_name)
    submitted_at = fields.Function(
        lambda s: s.first.submitted_at.isoformat() if s.first and s.first.submitted_at else None,
        metadata={"description": "When the first version was submitted (UTC)"},
    )
    corrections = fields.Function(lambda s: s.corrections)
    current_submission_id = fields.Function(lambda s: s.current.id if s.current else None)
    prepared_submission_id = fields.Function(lambda s: s.prepared.id if s.prepared else None)


class DutyOverviewSchema(Schema):
    table_code = fields.Function(lambda r: r.due.duty.code)
    title = fields.Function(lambda r: r.due.title)
    period = fields.Function(lambda r: r.due.period.code)
    due_on = fields.Function(lambda r: r.due.due_on.isoformat())
    departments = fields.Function(lambda r: DutySchema(many=True).dump(r.states))


class PrepareSchema(Schema):
    table_code = fields.Str(required=True, validate=validate.Length(max=8), metadata={"description": TABLE_DESCRIPTION})
    period = fields.Str(required=True, validate=validate.Length(max=8))
    contact = fields.Str(load_default="", validate=validate.Length(max=100), metadata={"description": "填报人"})
    phone = fields.Str(load_default="", validate=validate.Length(max=32), metadata={"description": "联系电话"})


class SubmitSchema(PrepareSchema):
    digest = fields.Str(
        load_default="",
        validate=validate.Length(max=64),
        metadata={"description": "The digest of the prepared version being signed; empty: freeze now and sign"},
    )
    reason = fields.Str(
        load_default="",
        validate=validate.Length(max=2000),
        metadata={"description": "Required for a correction of a table already submitted"},
    )


class OverviewQuerySchema(Schema):
    year = Int(load_default=None, validate=validate.Range(min=2000, max=2100))


@blp.route("")
class Duties(MethodView):
    @requires(Permission.REPORTS_PREPARE)
    @blp.response(200, DutySchema(many=True))
    def get(self) -> list[queries.DutyState]:
        """My department's reporting duties of last year and this one, by due date, with their status"""
        try:
            tenant = queries.own_department(reader=_user())
        except NotFoundError:
            abort(404)
        return queries.states_of(tenant)


@blp.route("/prepared")
class Prepared(MethodView):
    @requires(Permission.REPORTS_PREPARE)
    @blp.arguments(PrepareSchema)
    @blp.response(201, SubmissionSchema)
    def post(self, data: dict[str, Any]) -> ReportSubmission:
        """Prepare a table for the leader: the figures frozen now (a version prepared before is replaced)"""
        return commands.prepare(
            {"code": data["table_code"], "period": data["period"], "contact": data["contact"], "phone": data["phone"]},
            actor=_user(),
        )


@blp.route("/submissions")
class Submissions(MethodView):
    @requires(Permission.REPORTS_SUBMIT)
    @blp.arguments(SubmitSchema)
    @blp.response(201, SubmissionSchema)
    def post(self, data: dict[str, Any]) -> ReportSubmission:
        """Sign and submit a table (the leader): the prepared version whose digest is given, or frozen now;
        a table already submitted is corrected with a reason"""
        return commands.submit(
            {
                "code": data["table_code"],
                "period": data["period"],
                "digest": data["digest"],
                "contact": data["contact"] or None,
                "phone": data["phone"] or None,
                "reason": data["reason"],
            },
            actor=_user(),
        )


@blp.route("/submissions/<int:submission_id>")
class SubmissionById(MethodView):
    @requires(Permission.REPORTS_PREPARE)
    @blp.response(200, SubmissionWithContentSchema)
    def get(self, submission_id: int) -> ReportSubmission:
        """A table as it was prepared or submitted, its sheets as frozen"""
        row, _tenant = queries.submission(submission_id, reader=_user())
        return row


@blp.route("/overview")
class Overview(MethodView):
    @requires(Permission.SUPERVISION_VIEW)
    @blp.arguments(OverviewQuerySchema, location="query")
    @blp.response(200, DutyOverviewSchema(many=True))
    def get(self, query: dict[str, Any]) -> list[queries.DutyOverview]:
        """Per table and period of the year, each department's status: submitted on time, late, missing
        (the justice bureau: every department; a leader: their own)"""
        year = query.get("year") or today().year
        return queries.submissions_overview(year, reader=_user())
