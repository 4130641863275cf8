"""A joint visit's mixed team after the draw (联合检查组): a member's conflict declared after the draw
(抽取后申报回避), the member replaced by a replacement draw of the joint campaign (recorded in its
published proof), and a department's submitter named anew — the lead department's coordinator's, as on
the joint campaign's page. A member declares their own conflict on their visit
(``POST /api/v1/visits/<id>/recusal``), a joint visit's as any other."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.campaigns.schemas import ReplaceInspectorSchema
from spotcheck.platform.api.joint.resources import MixedMemberSchema
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.tenants.campaigns.queries import TeamMember
from spotcheck.tenants.joint import commands
from spotcheck.tenants.results.vocabulary import RECUSAL_REASON_LENGTH

PREFIX = "/joint"
blp = Blueprint(
    "Joint teams",
    __name__,
    description="A joint visit's mixed team after the draw: conflicts (回避), "
    "replacements by the joint draw, submitters.",
)


class JointConflictSchema(Schema):
    reason = fields.Str(
        required=True,
        validate=validate.Length(min=2, max=RECUSAL_REASON_LENGTH),
        metadata={"description": "The conflict with the entity (回避的事由)"},
    )


@blp.route("/<int:campaign_id>/team-members/<int:member_id>/recusal")
class JointMemberRecusal(MethodView):
    @requires(Permission.JOINT_MANAGE)
    @blp.arguments(JointConflictSchema)
    @blp.response(200, MixedMemberSchema)
    def post(self, data: dict[str, Any], campaign_id: int, member_id: int) -> TeamMember:
        """Declare a mixed team member's conflict with the visit's entity (抽取后申报回避): kept in the inspector
        directory of the member's department; no department records, submits, 入企 or 离企 on the visit until
        the member is replaced"""
        return commands.declare_recusal(campaign_id, member_id, data, actor=_user())


@blp.route("/<int:campaign_id>/team-members/<int:member_id>/replace")
class JointMemberReplace(MethodView):
    @requires(Permission.JOINT_MANAGE)
    @blp.arguments(ReplaceInspectorSchema)
    @blp.response(200, MixedMemberSchema)
    def post(self, data: dict[str, Any], campaign_id: int, member_id: int) -> TeamMember:
        """Replace a mixed team member by a replacement draw of the joint campaign (the next eligible inspector of
        the visit's order, DRAW-SPEC), with a reason from the list (``conflict`` for a declared conflict); the
        team leader (组长), or a department's submitter beside a colleague, is named anew first (409 otherwise)"""
        return commands.replace_inspector(
            campaign_id, {"member_id": member_id, "reason": data["reason"]}, actor=_user()
        )


@blp.route("/<int:campaign_id>/team-members/<int:member_id>/submitter")
class JointMemberSubmitter(MethodView):
    @requires(Permission.JOINT_MANAGE)
    @blp.response(200, MixedMemberSchema)
    def post(self, campaign_id: int, member_id: int) -> TeamMember:
        """Name this member the one who submits their department's result of the visit (once handed out)"""
        return commands.designate_submitter(campaign_id, {"member_id": member_id}, actor=_user())
