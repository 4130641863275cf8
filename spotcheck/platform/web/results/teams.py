"""A visit's team page (检查组): the drawn members, the experts who join in addition (专家, seed 001)
and the conflicts declared after the draw (抽取后申报回避, seed 002) with the replacement they call
for. Every button is an allowed action of the campaign; every change is a command."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from spotcheck.core.policy import has_permission
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web.forms import WITH_FORBIDDEN, Attempt, EmptyForm, attempt
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.campaigns.queries import Campaign, TeamExpert, TeamMember
from spotcheck.tenants.notices import queries as notice_queries
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.queries import teams
from spotcheck.tenants.results.vocabulary import EXPERT_KINDS, OPEN_STATUSES as OPEN

bp = Blueprint("team_pages", __name__, url_prefix="/campaigns")

#: The fields of the expert forms, as the command takes them.
EXPERT_FIELDS = ("kind", "inspector_id", "organisation", "name", "expertise")

#: What the team page says when a command succeeded: a function of the expert or the member it changed.
Done = Callable[[TeamExpert], str] | Callable[[TeamMember], str]


def _back(campaign_id: int, entity_id: int, anchor: str | None = None) -> BaseResponse:
    return redirect(url_for("team_pages.team", campaign_id=campaign_id, entity_id=entity_id, _anchor=anchor))


@bp.route("/<int:campaign_id>/teams/<int:entity_id>")
@requires(Permission.CAMPAIGNS_VIEW)
def team(campaign_id: int, entity_id: int) -> ResponseReturnValue:
    return _render(campaigns.get_campaign(campaign_id), entity_id)


def _render(
    campaign: Campaign,
    entity_id: int,
    status: int = 200,
    errors: Mapping[str, object] | None = None,
    values: Mapping[str, str] | None = None,
) -> tuple[str, int]:
    user = _user()
    actions = CAMPAIGN_ACTIONS.allowed(campaign, user)
    why_not = None
    if has_permission(user, Permission.CAMPAIGNS_EDIT) and "add_expert" not in actions:
        why_not = CAMPAIGN_ACTIONS.refusal(campaign, "add_expert")
    view = teams.team_view(campaign, entity_id)
    view["after_notice"] = notice_queries.after_notice(campaign, entity_id, [e for e in view["experts"] if e.active])
    if view["visit"] is not None and view["visit"].status not in OPEN:  # the result is submitted: the team is fixed
        actions = actions - {"add_expert", "remove_expert", "declare_recusal"}
    return render_template(
        "campaigns/team.html",
        campaign=campaign,
        actions=actions,
        why_not=why_not,
        form=EmptyForm(),
        errors=errors or {},
        values=values or {},
        directory_experts=teams.directory_experts() if "add_expert" in actions else [],
        expert_kinds=EXPERT_KINDS,
        **view,
    ), status


def _answer(
    campaign_id: int,
    entity_id: int,
    outcome: Attempt,
    done: Done,
    *,
    form_of: str,
    values: Mapping[str, str] | None = None,
) -> ResponseReturnValue:
    """The team page's answer to a command it ran (:func:`attempt`): field errors shown under the
    form they belong to (422), a refusal of the state flashed; ``done(result)`` flashed when it succeeds."""
    if outcome.invalid:
        return _render(
            campaigns.get_campaign(campaign_id), entity_id, 422, {**outcome.errors, "_form": form_of}, values
        )
    outcome.report(done)
    return _back(campaign_id, entity_id, form_of if outcome.ok else None)


@bp.route("/<int:campaign_id>/teams/<int:entity_id>/experts", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def add_expert(campaign_id: int, entity_id: int) -> ResponseReturnValue:
    """An expert joins the team: from the directory's experts, or a testing body, institute or scholar."""
    campaign = campaigns.get_campaign(campaign_id)
    if not EmptyForm().validate_on_submit():
        return _back(campaign_id, entity_id)
    data = {name: request.form.get(name, "") for name in EXPERT_FIELDS}
    form_of = "directory-expert" if data["kind"] == "directory" else "outside-expert"

    def done(expert: TeamExpert) -> str:
        joined = _(
            "%(name)s (%(organisation)s) joins the team as an expert.",
            name=expert.name,
            organisation=expert.organisation,
        )
        if written := notice_queries.after_notice(campaign, entity_id, [expert]):
            joined += " " + _(
                "The inspection notice %(number)s is already written and is not written again: tell the "
                "entity of the expert yourself.",
                number=written[expert.id],
            )
        return joined

    return _answer(
        campaign_id,
        entity_id,
        attempt(
            results.add_expert, campaign_id, {**data, "entity_id": entity_id}, actor=_user(), refusals=WITH_FORBIDDEN
        ),
        done,
        form_of=form_of,
        values=data,
    )


@bp.route("/<int:campaign_id>/teams/<int:entity_id>/experts/<int:expert_id>/remove", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def remove_expert(campaign_id: int, entity_id: int, expert_id: int) -> ResponseReturnValue:
    campaigns.get_campaign(campaign_id)
    if not EmptyForm().validate_on_submit():
        return _back(campaign_id, entity_id)
    return _answer(
        campaign_id,
        entity_id,
        attempt(results.remove_expert, expert_id, actor=_user(), refusals=WITH_FORBIDDEN),
        _expert_left,
        form_of="experts",
    )


@bp.route("/<int:campaign_id>/teams/<int:entity_id>/members/<int:member_id>/recusal", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def declare_recusal(campaign_id: int, entity_id: int, member_id: int) -> ResponseReturnValue:
    """抽取后申报回避: the planner declares a member's conflict with the visit's entity."""
    campaigns.get_campaign(campaign_id)
    if not EmptyForm().validate_on_submit():
        return _back(campaign_id, entity_id)
    reason = request.form.get("reason", "")
    return _answer(
        campaign_id,
        entity_id,
        attempt(
            results.declare_member_recusal,
            campaign_id,
            member_id,
            {"reason": reason},
            actor=_user(),
            refusals=WITH_FORBIDDEN,
        ),
        _recusal_declared,
        form_of=f"member-{member_id}",
        values={"reason": reason},
    )


@bp.route("/<int:campaign_id>/teams/<int:entity_id>/members/<int:member_id>/replace", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def replace(campaign_id: int, entity_id: int, member_id: int) -> ResponseReturnValue:
    """A member who declared a conflict is replaced by the next eligible inspector of the visit's order."""
    campaign = campaigns.get_campaign(campaign_id)
    if not EmptyForm().validate_on_submit():
        return _back(campaign_id, entity_id)
    return _answer(
        campaign_id,
        entity_id,
        attempt(
            campaign_commands.replace_inspector,
            campaign.id,
            {"member_id": member_id, "reason": "conflict"},
            actor=_user(),
            refusals=WITH_FORBIDDEN,
        ),
        _replaced,
        form_of="members",
    )


def _expert_left(expert: TeamExpert) -> str:
    return _("%(name)s has left the team.", name=expert.name)


def _recusal_declared(member: TeamMember) -> str:
    return _(
        "The conflict of %(name)s is recorded in the inspector directory. Replace them now by the rule of the draw.",
        name=member.inspector.name,
    )


def _replaced(new: TeamMember) -> str:
    return _(
        "Replaced by %(name)s (%(cert)s), the next eligible inspector of the draw. The proof records the replacement.",
        name=new.inspector.name,
        cert=new.inspector.cert_no,
    )
