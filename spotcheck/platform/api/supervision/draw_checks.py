"""核验抽取: the justice bureau's check of the blinded draws of the departments it checks (DRAW-SPEC "The bureau's
check"), for its supervisor (``draws.check``): the draws with their verdicts, one draw with every check of each
verdict, and the check run in the background (202 with the job; ``GET /api/v1/jobs/<id>`` follows it). A draw
another bureau checks answers 404."""

from __future__ import annotations

from flask.views import MethodView
from flask_babel import get_locale
from marshmallow import Schema, fields

from spotcheck.core.job_models import Job
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.schemas import JobSchema
from spotcheck.platform.api.types import Int
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.tenants.supervision import commands
from spotcheck.tenants.supervision.queries import draw_checks as queries
from spotcheck.tenants.supervision.queries.draw_checks import Checkable

PREFIX = "/supervision/draw-checks"
blp = Blueprint("DrawChecks", __name__, description="The justice bureau's check of blinded draws (核验抽取).")
KIND = "<any(targets, inspectors):kind>"


class CheckSchema(Schema):
    name = fields.Str(metadata={"description": "The check as the verifier names it (spotcheck draw verify)"})
    ok = fields.Bool()
    detail = fields.Str()


class VerdictSchema(Schema):
    id = Int()
    passed = fields.Bool(metadata={"description": "Every check holds"})
    groups = fields.List(
        fields.Str(),
        metadata={"description": "Empty: the whole draw, with the key; else the departments' groups checked"},
    )
    group_names = fields.List(fields.Str())
    bureau_name = fields.Str()
    proof_sha256 = fields.Str(metadata={"description": "The proof checked (a later replacement publishes another)"})
    checked_by_name = fields.Str()
    checked_at = fields.DateTime()


class VerdictWithChecksSchema(VerdictSchema):
    checks = fields.List(fields.Nested(CheckSchema))


class DrawToCheckSchema(Schema):
    campaign_id = Int()
    kind = fields.Str(metadata={"description": "targets / inspectors"})
    code = fields.Str(metadata={"description": "The campaign's number, e.g. 宁市监联抽〔2026〕1号"})
    title = fields.Str()
    department = fields.Str(metadata={"description": "The department that keeps the draw (a joint campaign's lead)"})
    joint = fields.Bool()
    drawn_at = fields.DateTime()
    proof_sha256 = fields.Str()
    whole = fields.Bool(metadata={"description": "True: every row, with the key and the clear file"})
    group_names = fields.List(
        fields.Str(), metadata={"description": "Of a joint draw led elsewhere: the departments whose rows are checked"}
    )
    to_check = fields.Bool(metadata={"description": "Not checked yet as the proof now stands"})
    latest = fields.Nested(VerdictSchema, allow_none=True)


class DrawCheckSchema(DrawToCheckSchema):
    verdicts = fields.List(fields.Nested(VerdictWithChecksSchema), metadata={"description": "The newest first"})


@blp.route("")
class DrawChecks(MethodView):
    @requires(Permission.DRAWS_CHECK)
    @blp.response(200, DrawToCheckSchema(many=True))
    def get(self) -> list[Checkable]:
        """The blinded draws my bureau checks, the newest first, each with its latest verdict"""
        return queries.draws_to_check(reader=_user())


@blp.route(f"/<int:campaign_id>/{KIND}")
class DrawCheckByKind(MethodView):
    @requires(Permission.DRAWS_CHECK)
    @blp.response(200, DrawCheckSchema)
    def get(self, campaign_id: int, kind: str) -> Checkable:
        """One draw my bureau checks, with every check of each verdict"""
        return queries.draw_check(campaign_id, kind, reader=_user())

    @requires(Permission.DRAWS_CHECK)
    @blp.response(202, JobSchema)
    def post(self, campaign_id: int, kind: str) -> Job:
        """Check the draw in the background (the key and the clear file read, each reading audited; or, of a joint
        draw led elsewhere, my departments' rows with their salts); the verdict is kept and published"""
        return commands.request_check(campaign_id, kind, actor=_user(), locale=str(get_locale()))
