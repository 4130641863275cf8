"""A visit's team after the draw (检查组): experts who join it in addition (专家, seed 001) and
conflicts declared against its members (抽取后申报回避, seed 002), replaced by the rule of the draw
(``POST /api/v1/campaigns/<id>/team-members/<member>/replace`` with reason ``conflict``). A joint
campaign's mixed team takes neither: 409 saying so."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.campaigns.schemas import TeamMemberSchema
from spotcheck.platform.api.types import Bool, Int, codes_text
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.tenants.campaigns import queries as campaign_queries
from spotcheck.tenants.notices import queries as notice_queries
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.queries import teams
from spotcheck.tenants.results.queries.teams import TeamExpert, TeamMember
from spotcheck.tenants.results.vocabulary import (
    EXPERT_KINDS,
    EXPERTISE_LENGTH,
    NAME_LENGTH,
    ORGANISATION_LENGTH,
    RECUSAL_REASON_LENGTH,
)

PREFIX = "/campaigns"
blp = Blueprint("Teams", __name__, description="A visit's team after the draw: experts (专家) and conflicts (回避).")


class ExpertSchema(Schema):
    id = Int()
    entity_id = Int()
    kind = fields.Function(lambda e: e.kind.value, metadata={"description": codes_text(EXPERT_KINDS)})
    kind_name = fields.Function(lambda e: EXPERT_KINDS[e.kind.value])
    inspector_id = Int(allow_none=True, metadata={"description": "The directory's expert; null for one named here"})
    name = fields.Str()
    organisation = fields.Str()
    expertise = fields.Str()
    added_at = fields.DateTime()
    added_by_name = fields.Str()
    active = Bool(metadata={"description": "False once the expert left the team"})
    removed_at = fields.DateTime(allow_none=True)


class ExpertInputSchema(Schema):
    kind = fields.Str(required=True, metadata={"description": codes_text(EXPERT_KINDS), "enum": list(EXPERT_KINDS)})
    inspector_id = Int(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1),
        metadata={"description": "For kind directory: an active expert (专家) of the inspector directory"},
    )
    organisation = fields.Str(
        load_default="",
        validate=validate.Length(max=ORGANISATION_LENGTH),
        metadata={"description": "Otherwise: the testing body, research institute or scholar's institution"},
    )
    name = fields.Str(
        load_default="",
        validate=validate.Length(max=NAME_LENGTH),
        metadata={"description": "Otherwise: the person who takes part"},
    )
    expertise = fields.Str(load_default="", validate=validate.Length(max=EXPERTISE_LENGTH))


class TeamMemberStateSchema(TeamMemberSchema):
    recused = Bool(metadata={"description": "A conflict was declared after the draw: to be replaced"})


class TeamSchema(Schema):
    entity_id = fields.Function(lambda view: view["target"].entity_id)
    entity_code = fields.Function(lambda view: view["target"].entity.code)
    entity_name = fields.Function(lambda view: view["target"].entity.name)
    visit_id = fields.Function(lambda view: view["visit"].id if view["visit"] else None, allow_none=True)
    members = fields.List(
        fields.Nested(TeamMemberStateSchema),
        metadata={"description": "The drawn members in pick order, replaced ones included"},
    )
    experts = fields.List(fields.Nested(ExpertSchema), metadata={"description": "Experts, those who left included"})


class ConflictSchema(Schema):
    reason = fields.Str(
        required=True,
        validate=validate.Length(min=2, max=RECUSAL_REASON_LENGTH),
        metadata={"description": "The conflict with the entity (回避的事由)"},
    )


@blp.route("/<int:campaign_id>/teams/<int:entity_id>")
class Team(MethodView):
    @requires(Permission.CAMPAIGNS_VIEW)
    @blp.response(200, TeamSchema)
    def get(self, campaign_id: int, entity_id: int) -> teams.TeamView:
        """One visit's team: the drawn members (with any conflict declared) and the experts"""
        campaign = campaign_queries.get_campaign(campaign_id)
        view = teams.team_view(campaign, entity_id)
        view["after_notice"] = notice_queries.after_notice(
            campaign, entity_id, [e for e in view["experts"] if e.active]
        )
        return view


@blp.route("/<int:campaign_id>/teams/<int:entity_id>/experts")
class TeamExperts(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(ExpertInputSchema)
    @blp.response(201, ExpertSchema)
    def post(self, data: dict[str, Any], campaign_id: int, entity_id: int) -> TeamExpert:
        """An expert joins the visit's team in addition to the drawn inspectors (after the inspector
        draw, while the result is being recorded; never counted, never 组长, never recording)"""
        return results.add_expert(campaign_id, {**data, "entity_id": entity_id}, actor=_user())


@blp.route("/<int:campaign_id>/experts/<int:expert_id>/remove")
class ExpertRemove(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.response(200, ExpertSchema)
    def post(self, campaign_id: int, expert_id: int) -> TeamExpert:
        """The expert leaves the team (kept in the record as removed)"""
        campaign_queries.get_campaign(campaign_id)
        expert = teams.get_expert(campaign_id, expert_id)
        return results.remove_expert(expert.id, actor=_user())


@blp.route("/<int:campaign_id>/team-members/<int:member_id>/recusal")
class MemberRecusal(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(ConflictSchema)
    @blp.response(200, TeamMemberStateSchema)
    def post(self, data: dict[str, Any], campaign_id: int, member_id: int) -> TeamMember:
        """Declare a member's conflict with the visit's entity (抽取后申报回避): kept in the inspector
        directory; the hand-out (or the visit's result) waits until the member is replaced"""
        return results.declare_member_recusal(campaign_id, member_id, data, actor=_user())
