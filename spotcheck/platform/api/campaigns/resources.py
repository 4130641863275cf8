"""Campaigns (抽查任务) and their draws.

The ceremony (DRAW-SPEC "Sequence"): approval commits the target draw; freezing publishes the
frame digest and counts; the draw takes the observers' inputs and runs as a background job
(202 with the job; follow ``GET /api/v1/jobs/<id>``). A draw happens once per campaign and kind:
a second request answers 409 and changes nothing. There is no re-draw, only replacements with a
reason from the list. The drawn targets come a page at a time, in the draw's order (stratum, then
rank): ``page`` from 1, ``limit`` per page; the answer gives ``pages``, ``total`` and ``next_page``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_babel import get_locale, lazy_gettext as _l

from spotcheck.core.errors import NotFoundError
from spotcheck.core.job_models import Job
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.campaigns.schemas import (
    CampaignFieldsSchema,
    CampaignSchema,
    DrawRequestSchema,
    DrawSchema,
    LateCheckSchema,
    LeaderRuleSchema,
    LeadersNamedSchema,
    ReplaceInspectorSchema,
    ReplaceManySchema,
    ReplaceTargetSchema,
    TargetPageSchema,
    TargetQuerySchema,
    TargetSchema,
    TeamMemberSchema,
    WithdrawalReasonSchema,
)
from spotcheck.platform.api.schemas import JobSchema
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.tenants.campaigns import commands, queries as campaign_queries
from spotcheck.tenants.campaigns.commands import submit_draw
from spotcheck.tenants.campaigns.queries import Campaign, TeamMember, public as publication, targets as listing
from spotcheck.tenants.campaigns.vocabulary import ALL_STATUSES
from spotcheck.tenants.results.commands import submit_hand_out
from spotcheck.tenants.results.queries import teams as team_experts
from spotcheck.tenants.results.queries.teams import TeamExpert

PREFIX = "/campaigns"
blp = Blueprint("Campaigns", __name__, description="Campaigns (抽查任务) and their draws.")

KIND = "<any(targets, inspectors):kind>"
_JSON_FILE = {
    200: {
        "description": "The proof (UTF-8 JSON, keys in the order of DRAW-SPEC)",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


def draw_facts(campaign: Campaign, kind: str) -> dict[str, object]:
    """What may be shown of a draw at its stage (the publication rules): the nonce only once the
    draw is made."""
    draw = publication.public_draws(campaign, staff=True).get(kind)
    if draw is None:
        raise NotFoundError(_l("This draw is not committed yet."))
    return {**dataclasses.asdict(draw), "nonce": publication.revealed_nonce(campaign, kind)}


@blp.route("")
class Campaigns(MethodView):
    @requires(Permission.CAMPAIGNS_VIEW)
    @blp.response(200, CampaignSchema(many=True))
    def get(self) -> list[Campaign]:
        """My department's campaigns, newest first"""
        return campaign_queries.list_campaigns()

    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(CampaignFieldsSchema)
    @blp.response(201, CampaignSchema)
    def post(self, data: dict[str, Any]) -> Campaign:
        """Draft a campaign: its items must all be in a filed plan of its year, unless it is of an
        exempt kind with a stated reason"""
        campaign = commands.create_campaign(data, actor=_user())
        return campaign


@blp.route("/late")
class LateCheck(MethodView):
    @requires(Permission.CAMPAIGNS_APPROVE)
    @blp.arguments(LateCheckSchema)
    @blp.response(201, CampaignSchema)
    def post(self, data: dict[str, Any]) -> Campaign:
        """Register a check of named businesses already made (紧急检查事后登记, a leader): within the rules' days
        after it, with the reason and the team that went; published at once"""
        return commands.register_emergency({**data, "kind": "named"}, actor=_user())


@blp.route("/<int:campaign_id>")
class CampaignById(MethodView):
    @requires(Permission.CAMPAIGNS_VIEW)
    @blp.response(200, CampaignSchema)
    def get(self, campaign_id: int) -> Campaign:
        """One campaign of my department"""
        return campaign_queries.get_campaign(campaign_id)

    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(CampaignFieldsSchema, changes=True)
    @blp.response(200, CampaignSchema)
    def patch(self, data: dict[str, Any], campaign_id: int) -> Campaign:
        """Change a draft campaign (an approved one is committed and cannot change)"""
        campaign = commands.update_campaign(campaign_id, data, actor=_user())
        return campaign

    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.response(204)
    def delete(self, campaign_id: int) -> None:
        """Delete a draft campaign (planner): it has no code yet and was never published; an approved
        campaign is withdrawn by a leader instead (``/cancel``)"""
        commands.delete_draft(campaign_id, actor=_user())


@blp.route("/<int:campaign_id>/return")
class CampaignReturn(MethodView):
    @requires(Permission.CAMPAIGNS_APPROVE)
    @blp.arguments(WithdrawalReasonSchema)
    @blp.response(200, CampaignSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> Campaign:
        """Return a draft to its planner with the reason (leader, 退回)"""
        return commands.return_draft(campaign_id, {"reason": data["reason"]}, actor=_user())


@blp.route("/<int:campaign_id>/cancel")
class CampaignCancel(MethodView):
    @requires(Permission.CAMPAIGNS_APPROVE)
    @blp.arguments(WithdrawalReasonSchema)
    @blp.response(200, CampaignSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> Campaign:
        """Withdraw an approved campaign before its targets are drawn, with the reason (leader, 撤销):
        its commitment stays published, the public page says 已撤销 with the reason, and every
        later step answers 409"""
        return commands.cancel(campaign_id, {"reason": data["reason"]}, actor=_user())


@blp.route("/<int:campaign_id>/approve")
class CampaignApprove(MethodView):
    @requires(Permission.CAMPAIGNS_APPROVE)
    @blp.response(200, DrawSchema)
    def post(self, campaign_id: int) -> dict[str, object]:
        """Approve the campaign (leader): the target draw is committed — a check of named businesses registers its
        businesses and commits its inspector draw; answers the published commitment"""
        campaign = commands.approve(campaign_id, actor=_user())
        return draw_facts(campaign, "inspectors" if campaign.named else "targets")


@blp.route("/<int:campaign_id>/hand-out")
class CampaignHandOut(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.response(202, JobSchema)
    def post(self, campaign_id: int) -> Job:
        """Hand the visits to their teams (检查任务下达) in the background, once every visit has a team
        leader: a visit per selected target; the teams may then record results (a second request
        while it runs answers 409)"""
        return submit_hand_out(campaign_queries.get_campaign(campaign_id).id, actor=_user(), locale=str(get_locale()))


@blp.route(f"/<int:campaign_id>/draws/{KIND}/freeze")
class DrawFreeze(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.response(200, DrawSchema)
    def post(self, campaign_id: int, kind: str) -> dict[str, object]:
        """Freeze the frame: publishes its digest, the counts and the excluded counts by reason"""
        campaign = campaign_queries.get_campaign(campaign_id)
        freeze = commands.freeze_targets if kind == "targets" else commands.freeze_inspectors
        freeze(campaign.id, actor=_user())
        return draw_facts(campaign, kind)


@blp.route(f"/<int:campaign_id>/draws/{KIND}")
class DrawByKind(MethodView):
    @requires(Permission.CAMPAIGNS_VIEW)
    @blp.response(200, DrawSchema)
    def get(self, campaign_id: int, kind: str) -> dict[str, object]:
        """The draw: commitment, frame digest, counts, excluded, inputs, seed, times (the nonce only after the draw)"""
        return draw_facts(campaign_queries.get_campaign(campaign_id), kind)

    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(DrawRequestSchema)
    @blp.response(202, JobSchema)
    def post(self, data: dict[str, Any], campaign_id: int, kind: str) -> Job:
        """Draw with the observers' inputs — with none, the reason (no_input_reason, required) — in the
        background (once per campaign and kind: a second request answers 409)"""
        campaign = campaign_queries.get_campaign(campaign_id)
        return submit_draw(
            campaign.id,
            {
                "kind": kind,
                "public_inputs": data["public_inputs"],
                "no_input_reason": data.get("no_input_reason") or "",
            },
            actor=_user(),
            locale=str(get_locale()),
        )


@blp.route(f"/<int:campaign_id>/draws/{KIND}/proof")
class DrawProof(MethodView):
    @requires(Permission.CAMPAIGNS_VIEW)
    @blp.doc(responses=_JSON_FILE)
    def get(self, campaign_id: int, kind: str) -> Response:
        """The full proof of the draw (check it with `spotcheck draw verify PROOF.json`): a proof drawn before blinding
        and withdrawn from public view (redacted: the public reads its redacted proof) included"""
        return proof_response(campaign_queries.get_campaign(campaign_id), kind)


def proof_response(campaign: Campaign, kind: str) -> Response:
    name = f"{campaign.id}-{kind}-proof.json"
    return Response(
        publication.full_proof_file(campaign, kind),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blp.route("/<int:campaign_id>/targets")
class Targets(MethodView):
    @requires(Permission.CAMPAIGNS_VIEW)
    @blp.arguments(TargetQuerySchema, location="query")
    @blp.response(200, TargetPageSchema)
    def get(self, args: dict[str, Any], campaign_id: int) -> dict[str, object]:
        """The drawn targets and reserves by stratum and rank, a page at a time, each with its team
        once the inspectors are drawn"""
        campaign = campaign_queries.get_campaign(campaign_id)
        page = listing.targets(
            campaign,
            statuses=[args["status"]] if args["status"] else ALL_STATUSES,
            page=args["page"],
            per_page=args["limit"],
            search=args["q"].strip(),
            stratum=args["stratum"].strip(),
        )
        shown = [target.entity_id for target in page.rows]
        teams, experts = listing.teams(campaign, shown), team_experts.experts_of(campaign, shown)
        return {
            "items": [
                _with_team(target, teams.get(target.entity_id, []), experts.get(target.entity_id, []))
                for target in page.rows
            ],
            "page": page.number,
            "pages": page.pages,
            "total": page.total,
            "next_page": page.number + 1 if page.number < page.pages else None,
        }


def _with_team(
    target: listing.ListedTarget, team: Sequence[TeamMember], experts: Sequence[TeamExpert] = ()
) -> dict[str, object]:
    return {
        **dataclasses.asdict(target),
        "team_members": team,
        "experts": [team_experts.public_expert(expert) for expert in experts],
    }


@blp.route("/<int:campaign_id>/targets/<int:entity_id>/replace")
class TargetReplace(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(ReplaceTargetSchema)
    @blp.response(200, TargetSchema)
    def post(self, data: dict[str, Any], campaign_id: int, entity_id: int) -> dict[str, object]:
        """Replace a selected target by the next reserve of its stratum, with a reason from the list"""
        campaign = campaign_queries.get_campaign(campaign_id)
        incoming = commands.replace_target(
            campaign.id, {"entity_id": entity_id, "reason": data["reason"]}, actor=_user()
        )
        return _with_team(listing.ListedTarget.of(incoming), [])


@blp.route("/<int:campaign_id>/team-members/<int:member_id>/replace")
class MemberReplace(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(ReplaceInspectorSchema)
    @blp.response(200, TeamMemberSchema)
    def post(self, data: dict[str, Any], campaign_id: int, member_id: int) -> TeamMember:
        """Replace a team member by the next eligible inspector of the visit's ranking, with a reason from the list"""
        campaign = campaign_queries.get_campaign(campaign_id)
        member = commands.replace_inspector(
            campaign.id, {"member_id": member_id, "reason": data["reason"]}, actor=_user()
        )
        return member


@blp.route("/<int:campaign_id>/team-members/replace")
class MembersReplace(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(ReplaceManySchema)
    @blp.response(200, TeamMemberSchema(many=True))
    def post(self, data: dict[str, Any], campaign_id: int) -> list[TeamMember]:
        """Replace several team members at once — ``member_ids``, or every visit of ``inspector_id`` —
        each by the next eligible inspector of its visit's ranking: all or nothing, each refused
        member named"""
        return commands.replace_inspectors(campaign_queries.get_campaign(campaign_id).id, data, actor=_user())


@blp.route("/<int:campaign_id>/leaders")
class LeadersByRule(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.arguments(LeaderRuleSchema)
    @blp.response(200, LeadersNamedSchema)
    def post(self, data: dict[str, Any], campaign_id: int) -> dict[str, object]:
        """Name every visit's team leader (组长) at once by a rule (``only_missing``: keep those named)"""
        return commands.designate_leaders(campaign_queries.get_campaign(campaign_id).id, data, actor=_user())


@blp.route("/<int:campaign_id>/team-members/<int:member_id>/leader")
class MemberLeader(MethodView):
    @requires(Permission.CAMPAIGNS_EDIT)
    @blp.response(200, TeamMemberSchema)
    def post(self, campaign_id: int, member_id: int) -> TeamMember:
        """Name this member the team leader (组长) of the visit"""
        campaign = campaign_queries.get_campaign(campaign_id)
        member = commands.designate_leader(campaign.id, {"member_id": member_id}, actor=_user())
        return member
