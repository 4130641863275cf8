"""Joint campaigns (联合抽查, 进一次门、查多项事) across departments.

The lead department's coordinator creates a joint campaign and invites departments; each
department accepts (or declines) and sets its part — its items, strata rules and filter — which
its leader approves; the lead's leader approves the whole, which commits the target draw; the
coordinator freezes and draws the targets (one seed, one group per department) and the mixed
teams, names each team's leader and hands the visits out. A participant reads the joint
campaign's shared rows (the campaign, its draws, the visit list, the teams) and only its own part
otherwise. Proofs are published on the public portal like every campaign's.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from flask.views import MethodView
from flask_babel import get_locale
from marshmallow import Schema, fields, validate

from spotcheck.core.job_models import Job
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.campaigns.resources import draw_facts
from spotcheck.platform.api.campaigns.schemas import (
    DrawRequestSchema,
    DrawSchema,
    LeaderRuleSchema,
    LeadersNamedSchema,
    WithdrawalReasonSchema,
    fields_schema,
)
from spotcheck.platform.api.schemas import JobSchema, NumberedPageSchema
from spotcheck.platform.api.types import Bool, Int, SortedList
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.tenants.campaigns.vocabulary import CampaignStatus
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.joint import commands, queries
from spotcheck.tenants.joint.queries import Campaign, CampaignView, JointParticipant, TeamMember
from spotcheck.tenants.joint.vocabulary import JOINT_FIELDS, PART_FIELDS, ParticipantStatus

PREFIX = "/joint"
blp = Blueprint("Joint campaigns", __name__, description=__doc__.split("\n\n")[0])

KIND = "<any(targets, inspectors):kind>"


JointCreateSchema = fields_schema(
    "JointCreateSchema",
    JOINT_FIELDS,
    department_ids=fields.List(
        Int(), required=True, metadata={"description": "The departments invited (ids), at least two"}
    ),
    field=fields.Str(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "The enforcement field (执法领域), one my department leads "
            "(default: the only one it leads): "
            + "; ".join(f"{c} = {n}" for c, n in reference.ENFORCEMENT_FIELDS.items())
        },
    ),
)
JointUpdateSchema = fields_schema("JointUpdateSchema", JOINT_FIELDS)
PartSchema = fields_schema("JointPartSchema", PART_FIELDS)


class ParticipantSchema(Schema):
    id = Int()
    campaign_id = Int()
    campaign_code = fields.Str()
    campaign_title = fields.Str()
    department = fields.Str(attribute="department_name")
    group_code = fields.Str(metadata={"description": "The department's code: its group in the draws"})
    status = fields.Enum(
        ParticipantStatus,
        by_value=True,
        metadata={
            "description": "invited; accepted (preparing its part); approved (its part, by its leader); declined"
        },
    )
    part = fields.Dict(
        allow_none=True, metadata={"description": "The part as saved: items, strata, filter, plan or exemption"}
    )
    invited_at = fields.DateTime()
    invited_by_name = fields.Str()
    answered_at = fields.DateTime(allow_none=True)
    answered_by_name = fields.Str()
    decline_reason = fields.Str()
    part_saved_at = fields.DateTime(allow_none=True)
    part_saved_by_name = fields.Str()
    approved_at = fields.DateTime(allow_none=True)
    approved_by_name = fields.Str()
    part_campaign_id = Int(allow_none=True, metadata={"description": "The department's own campaign for its part"})


class SavingsSchema(Schema):
    visits = Int(metadata={"description": "Visits made: one per entity, whichever departments drew it"})
    checks = Int(metadata={"description": "The departments' selections added up"})
    separate = fields.Float(metadata={"description": "The visits separate, independent draws would need (expected)"})
    saved = fields.Float()
    saved_percent = fields.Float()


def _joint_fields(of: str = "") -> dict[str, fields.Field]:
    """A joint campaign's columns as the API shows them, read from ``of``: ``""`` the campaign itself,
    ``"campaign."`` the campaign of a :class:`~spotcheck.tenants.joint.queries.CampaignView`."""
    return {
        "id": Int(attribute=f"{of}id"),
        "code": fields.Str(attribute=f"{of}code", metadata={"description": "Public code, e.g. 市监联抽〔2026〕1号"}),
        "title": fields.Str(attribute=f"{of}title"),
        "year": Int(attribute=f"{of}year"),
        "status": fields.Enum(CampaignStatus, by_value=True, attribute=f"{of}status"),
        "lead": fields.Function(attrgetter(f"{of}tenant.full_name"), metadata={"description": "The lead department"}),
        "field": fields.Str(
            attribute=f"{of}joint_field",
            allow_none=True,
            metadata={"description": "The enforcement field (执法领域) the lead department leads"},
        ),
        "window_start": fields.Date(attribute=f"{of}window_start"),
        "window_end": fields.Date(attribute=f"{of}window_end"),
        "method": fields.Str(attribute=f"{of}method"),
        "team_size": Int(attribute=f"{of}team_size"),
        "capacity": Int(allow_none=True, attribute=f"{of}capacity"),
        "reserve_size": Int(attribute=f"{of}reserve_size"),
        "approved_at": fields.DateTime(allow_none=True, attribute=f"{of}approved_at"),
        "approved_by_name": fields.Str(attribute=f"{of}approved_by_name"),
        "withdrawn_at": fields.DateTime(
            allow_none=True, metadata={"description": "Withdrawn (撤销)"}, attribute=f"{of}withdrawn_at"
        ),
        "withdrawn_by_name": fields.Str(attribute=f"{of}withdrawn_by_name"),
        "withdrawal_reason": fields.Str(attribute=f"{of}withdrawal_reason"),
        "returned_at": fields.DateTime(
            allow_none=True, metadata={"description": "Last returned (退回) by a leader"}, attribute=f"{of}returned_at"
        ),
        "return_reason": fields.Str(attribute=f"{of}return_reason"),
        "departments": fields.Dict(
            attribute=f"{of}joint_parts",
            allow_none=True,
            metadata={
                "description": "Once approved: each department (by code) with its name, items and the categories "
                "they need"
            },
        ),
    }


#: A joint campaign's row.
JointSchema = Schema.from_dict(_joint_fields(), name="JointSchema")

#: A joint campaign as the caller's department reads it (:class:`~spotcheck.tenants.joint.queries.CampaignView`,
#: read inside the joint scope, as its page reads it): the campaign's columns (``campaign.…``) and what the view adds.
JointDetailSchema = Schema.from_dict(
    {
        **_joint_fields("campaign."),
        "actions": SortedList(fields.Str(), metadata={"description": "What the caller may do now"}),
        "my_part": fields.Nested(
            ParticipantSchema,
            allow_none=True,
            attribute="mine",
            metadata={"description": "The caller's department's invitation"},
        ),
        "my_actions": SortedList(fields.Str()),
        "participants": fields.List(
            fields.Nested(ParticipantSchema), metadata={"description": "Every invitation (the lead only)"}
        ),
        "savings": fields.Nested(SavingsSchema, allow_none=True),
        "complete_visits": Int(
            attribute="complete", metadata={"description": "Visits whose every department has published its result"}
        ),
    },
    name="JointDetailSchema",
)


class JointListSchema(Schema):
    led = fields.List(fields.Nested(JointSchema), metadata={"description": "Joint campaigns my department leads"})
    invitations = fields.List(fields.Nested(ParticipantSchema), metadata={"description": "My department's invitations"})


class InvitableSchema(Schema):
    id = Int()
    code = fields.Str()
    name = fields.Str()


class InvitableRegionSchema(Schema):
    region_id = Int()
    region = fields.Str(attribute="name", metadata={"description": "The region's name (区划)"})
    departments = fields.List(fields.Nested(InvitableSchema))


class MixedMemberSchema(Schema):
    id = Int()
    name = fields.Str(attribute="inspector_name")
    cert_no = fields.Str()
    department = fields.Str(attribute="group_code")
    leader = Bool(attribute="is_leader")
    recused = Bool(
        metadata={
            "description": "A conflict (回避) was declared after the draw: every department's part "
            "of the visit waits until the coordinator replaces the member"
        }
    )


class JointVisitSchema(Schema):
    entity_code = fields.Str()
    entity_name = fields.Str()
    departments = fields.List(fields.Str(), metadata={"description": "The departments that drew the entity"})
    published = fields.List(fields.Str(), metadata={"description": "The departments whose result is published"})
    team = fields.List(fields.Nested(MixedMemberSchema))


class JointVisitPageSchema(NumberedPageSchema):
    items = fields.List(fields.Nested(JointVisitSchema))


class VisitQuerySchema(Schema):
    page = Int(load_default=1, metadata={"minimum": 1})


class DeclineSchema(Schema):
    reason = fields.Str(required=True, validate=validate.Length(max=500), metadata={"minLength": 2, "maxLength": 500})


def _detail(campaign_id: int) -> CampaignView:
    """The joint campaign as the caller's department reads it (in its joint scope), without its visit list."""
    return queries.campaign_view(campaign_id, None, reader=_user())


def _mine(campaign_id: int) -> JointParticipant:
    return queries.my_invitation(campaign_id, reader=_user())


@blp.route("")
class JointCampaigns(MethodView):
    @requires(Permission.JOINT_VIEW)
    @blp.response(200, JointListSchema)
    def get(self) -> dict[str, object]:
        """The joint campaigns my department leads (coordinator) and its invitations"""
        found = queries.index(reader=_user())
        return {"led": found.led, "invitations": found.invitations}

    @requires(Permission.JOINT_MANAGE)
    @blp.arguments(JointCreateSchema)
    @blp.response(201, JointSchema)
    def post(self, data: dict[str, Any]) -> Campaign:
        """Create a joint campaign and invite departments (the lead department's coordinator)"""
        return commands.create_joint(data, actor=_user())


@blp.route("/departments")
class JointInvitable(MethodView):
    @requires(Permission.JOINT_MANAGE)
    @blp.response(200, InvitableRegionSchema(many=True))
    def get(self) -> list[queries.RegionGroup]:
        """The departments my joint campaigns may invite, region by region: those of my department's region and of
        the regions below it (本级及下级), mine included; any other is refused (422, under ``department_ids``)"""
        return queries.departments_to_invite(reader=_user())


@blp.route("/<int:campaign_id>")
class JointCampaign(MethodView):
    @requires(Permission.JOINT_VIEW)
    @blp.response(200, JointDetailSchema)
    def get(self, campaign_id: int) -> CampaignView:
        """A joint campaign as my department sees it: its own invitation and part, the shared facts"""
        return _detail(campaign_id)

    @requires(Permission.JOINT_MANAGE)
    @blp.arguments(JointUpdateSchema, changes=True)
    @blp.response(200, JointSchema)
    def patch(self, data: dict[str, Any], campaign_id: int) -> Campaign:
        """Change the joint campaign while it is in preparation (the lead's coordinator)"""
        return commands.update_joint(campaign_id, data, actor=_user())


@blp.route("/<int:campaign_id>/visits")
class JointVisits(MethodView):
    @requires(Permission.JOINT_VIEW)
    @blp.arguments(VisitQuerySchema, location="query")
    @blp.response(200, JointVisitPageSchema)
    def get(self, args: dict[str, Any], campaign_id: int) -> dict[str, object]:
        """The visit list, 50 a page: each entity with the departments that drew it and its mixed team"""
        view = queries.campaign_view(campaign_id, args["page"], reader=_user())
        groups, mixed, done, page = view.groups, view.teams, view.published, view.visits
        rows = (
            [
                {
                    "entity_code": e.code,
                    "entity_name": e.name,
                    "departments": groups[e.id],
                    "published": sorted(done.get(e.id, ())),
                    "team": mixed.get(e.id, []),
                }
                for e in page.rows
            ]
            if page
            else []
        )
        return {
            "items": rows,
            "page": page.number if page else 1,
            "pages": page.pages if page else 1,
            "total": page.total if page else 0,
            "next_page": page.number + 1 if page and page.number < page.pages else None,
        }


@blp.route("/<int:campaign_id>/approve")
class JointApprove(MethodView):
    @requires(Permission.CAMPAIGNS_APPROVE)
    @blp.response(200, JointDetailSchema)
    def post(self, campaign_id: int) -> CampaignView:
        """Approve the whole (the lead's leader): the parts are fixed and the target draw committed"""
        commands.approve_joint(campaign_id, actor=_user())
        return _detail(campaign_id)


def _withdrawal(command_name: str, doc: str, permission: Permission) -> type[MethodView]:
    """An endpoint of withdrawal (撤销): the command with the reason, answering the joint campaign."""

    class Endpoint(MethodView):
        @requires(permission)
        @blp.arguments(WithdrawalReasonSchema)
        @blp.response(200, JointDetailSchema)
        def post(self, data: dict[str, Any], campaign_id: int) -> CampaignView:
            getattr(commands, command_name)(campaign_id, {"reason": data["reason"]}, actor=_user())
            return _detail(campaign_id)

    Endpoint.post.__doc__ = doc
    Endpoint.__name__ = f"Joint{command_name.title().replace('_', '')}"
    return Endpoint


blp.route("/<int:campaign_id>/withdraw")(
    _withdrawal(
        "withdraw",
        "Withdraw a joint campaign in preparation, with the reason (coordinator, 撤销): it keeps its number; "
        "the invitations and the departments' parts follow",
        Permission.JOINT_MANAGE,
    )
)
blp.route("/<int:campaign_id>/return")(
    _withdrawal(
        "return_joint",
        "Return a joint campaign in preparation to its coordinator, with the reason (the lead's leader, 退回)",
        Permission.CAMPAIGNS_APPROVE,
    )
)
blp.route("/<int:campaign_id>/cancel")(
    _withdrawal(
        "cancel",
        "Withdraw an approved joint campaign before its targets are drawn, with the reason (the lead's "
        "leader, 撤销): its commitment stays published, 已撤销; the parts follow; every later step answers 409",
        Permission.CAMPAIGNS_APPROVE,
    )
)


@blp.route(f"/<int:campaign_id>/draws/{KIND}/freeze")
class JointFreeze(MethodView):
    @requires(Permission.JOINT_MANAGE)
    @blp.response(200, DrawSchema)
    def post(self, campaign_id: int, kind: str) -> dict[str, object]:
        """Freeze a draw's frame: every department's own directory (targets) or inspector list (inspectors)"""
        (commands.freeze_targets if kind == "targets" else commands.freeze_inspectors)(campaign_id, actor=_user())
        return draw_facts(queries.get_joint(campaign_id), kind)


@blp.route(f"/<int:campaign_id>/draws/{KIND}")
class JointDraw(MethodView):
    @requires(Permission.JOINT_VIEW)
    @blp.response(200, DrawSchema)
    def get(self, campaign_id: int, kind: str) -> dict[str, object]:
        """The draw: commitment, frame digest, counts, inputs, seed, times (the nonce only after the draw)"""
        return draw_facts(queries.get_joint(campaign_id), kind)

    @requires(Permission.JOINT_MANAGE)
    @blp.arguments(DrawRequestSchema)
    @blp.response(202, JobSchema)
    def post(self, data: dict[str, Any], campaign_id: int, kind: str) -> Job:
        """Make a draw with the observers' inputs — with none, the reason (no_input_reason, required) — in
        the background: once, never again (a second request while it runs answers 409)"""
        return commands.submit_joint_draw(
            campaign_id,
            {
                "kind": kind,
                "public_inputs": data.get("public_inputs") or [],
                "no_input_reason": data.get("no_input_reason") or "",
            },
            actor=_user(),
            locale=str(get_locale()),
        )


class StatisticsExportSchema(Schema):
    year = Int(
        load_default=None,
        allow_none=True,
        metadata={"description": "The year of the table (2000–2100; default: the present year)"},
    )


@blp.route("/statistics/exports")
class JointStatisticsExports(MethodView):
    @requires(Permission.JOINT_VIEW)
    @blp.arguments(StatisticsExportSchema)
    @blp.response(202, JobSchema)
    def post(self, data: dict[str, Any]) -> Job:
        """Write my department's joint-inspection statistics of the year (联合检查工作进展情况统计表, the lead
        department's alone) as a workbook in the background: 202 with the job; once it succeeded, the workbook
        comes from ``GET /api/v1/jobs/<id>/file``"""
        return commands.submit_statistics_export(data.get("year"), actor=_user(), locale=str(get_locale()))


@blp.route("/<int:campaign_id>/team-members/<int:member_id>/leader")
class JointLeader(MethodView):
    @requires(Permission.JOINT_MANAGE)
    @blp.response(200, MixedMemberSchema)
    def post(self, campaign_id: int, member_id: int) -> TeamMember:
        """Name this member the leader (组长) of the visit's mixed team"""
        return commands.designate_leader(campaign_id, {"member_id": member_id}, actor=_user())


@blp.route("/<int:campaign_id>/leaders")
class JointLeadersByRule(MethodView):
    @requires(Permission.JOINT_MANAGE)
    @blp.arguments(LeaderRuleSchema)
    @blp.response(200, LeadersNamedSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> dict[str, object]:
        """Name every mixed team's leader (组长) at once by a rule (``only_missing``: keep those named)"""
        return commands.designate_leaders(campaign_id, data, actor=_user())


@blp.route("/<int:campaign_id>/hand-out")
class JointHandOut(MethodView):
    @requires(Permission.JOINT_MANAGE)
    @blp.response(202, JobSchema)
    def post(self, campaign_id: int) -> Job:
        """Hand the visits to the teams in the background: each department gets its own visits and
        members (a second request while it runs answers 409)"""
        return commands.submit_joint_hand_out(campaign_id, actor=_user(), locale=str(get_locale()))


@blp.route("/<int:campaign_id>/accept")
class JointAccept(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.response(200, ParticipantSchema)
    def post(self, campaign_id: int) -> JointParticipant:
        """Accept the invitation (my department's planner): my department's part is created"""
        return commands.accept(_mine(campaign_id).id, actor=_user())


@blp.route("/<int:campaign_id>/decline")
class JointDecline(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(DeclineSchema)
    @blp.response(200, ParticipantSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> JointParticipant:
        """Decline the invitation, with the reason"""
        return commands.decline(_mine(campaign_id).id, {"reason": data["reason"]}, actor=_user())


@blp.route("/<int:campaign_id>/part")
class JointPart(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(PartSchema)
    @blp.response(200, ParticipantSchema)
    def put(self, data: dict[str, Any], campaign_id: int) -> JointParticipant:
        """Set my department's part: items (in its filed plan, or an exempt kind with the reason), rules, filter"""
        return commands.save_part(_mine(campaign_id).id, data, actor=_user())


@blp.route("/<int:campaign_id>/part/approve")
class JointPartApprove(MethodView):
    @requires(Permission.CAMPAIGNS_APPROVE)
    @blp.response(200, ParticipantSchema)
    def post(self, campaign_id: int) -> JointParticipant:
        """Approve my department's part (its leader)"""
        return commands.approve_part(_mine(campaign_id).id, actor=_user())
