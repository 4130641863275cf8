"""Campaign pages (抽查任务): drafting, approval, the draw ceremony, targets and teams.

The campaign page is the ceremony (DRAW-SPEC "Sequence"): approval publishes the commitment,
freezing publishes the frame digest and counts, the draw takes the observers' inputs and runs
as a background job, and the proof can be downloaded and verified. There is no re-draw: once a
draw is made its button is gone, and a second request is refused by the ceremony service.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import LazyString, get_locale, gettext as _, lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from spotcheck.core.clock import today
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.core.job_models import Job
from spotcheck.core.records import fields_of
from spotcheck.platform import downloads
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web import step_jobs
from spotcheck.platform.web.campaigns import messages
from spotcheck.platform.web.campaigns.forms import (
    FORM_FIELD,
    STRATA,
    CampaignForm,
    DrawForm,
    LeaderRuleForm,
    ReplaceEverywhereForm,
    ReplaceInspectorForm,
    ReplaceTargetForm,
)
from spotcheck.platform.web.forms import (
    BAD_INPUT,
    REFUSALS,
    REFUSED,
    EmptyForm,
    apply_service_errors,
    attempt,
    perform,
    search_text,
)
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaign_queries, vocabulary
from spotcheck.tenants.campaigns.commands import submit_draw
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS, is_public
from spotcheck.tenants.campaigns.queries import (
    Campaign,
    Draw,
    NamedDraft,
    TeamExpert,
    TeamMember,
    public as publication,
    sizes,
    targets as listing,
)
from spotcheck.tenants.campaigns.queries.public import DrawnList
from spotcheck.tenants.campaigns.queries.sizes import Sizes
from spotcheck.tenants.campaigns.vocabulary import CampaignStatus, TargetStatus
from spotcheck.tenants.common.queries import NumberedPage
from spotcheck.tenants.plans import queries as plans
from spotcheck.tenants.plans.queries import Plan
from spotcheck.tenants.results import commands as results_commands
from spotcheck.tenants.results.commands import submit_hand_out
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS
from spotcheck.tenants.results.queries import teams as team_experts, visits as visit_reads
from spotcheck.tenants.rules import queries as rules_queries

bp = Blueprint("campaign_pages", __name__, url_prefix="/campaigns")

KINDS = ("targets", "inspectors")
#: The target list's status filter, in the order of its columns.
TARGET_STATUSES = [status.value for status in TargetStatus]
KIND = "<any(targets, inspectors):kind>"

#: The ceremony's steps as the stepper shows them.
STEPS = ("draft", "approved", "targets_drawn", "inspectors_drawn")

#: The query arguments of the target list: its page and filter, kept when a form on it is posted.
LIST_ARGS = ("page", "q", "stratum", "status")
#: Marks the message of a form on the target list (a flash category), shown above the list it returns to.
AT_LIST = "at-list"
#: What a change from the target list shows above it: the refusals, and a member or target not there.
ON_LIST = (*REFUSALS, NotFoundError)


@dataclass(frozen=True)
class TargetList:
    """What the campaign page shows of its drawn targets (:func:`_target_list`): one page of them (``None``
    before the target draw), the counts per stratum and status, the teams and experts of that page's targets,
    and the filter the page was found by."""

    results: NumberedPage | None
    strata: dict[str, dict[str, int]]
    teams: dict[int, list[TeamMember]]
    experts: dict[int, list[TeamExpert]]
    list_filter: dict[str, str]


@dataclass(frozen=True)
class CampaignScreen(TargetList):
    """The campaign's page as its template reads it (``page``, 抽查任务页面): the campaign and its ceremony,
    what the reader may do with it and the forms to do it with, and its drawn targets (:class:`TargetList`)."""

    #: The target list's status filter, in the order of its columns; the flash category of its forms' messages.
    target_statuses: ClassVar[list[str]] = TARGET_STATUSES
    at_list: ClassVar[str] = AT_LIST

    campaign: Campaign
    #: The campaign's draws by kind (``None``: not committed yet).
    draws: dict[str, Draw | None]
    #: The filed annual plan the campaign is part of (``None``: exempt, or none asked).
    plan: Plan | None
    #: What the reader may do with the campaign now (``CAMPAIGN_ACTIONS`` and ``CAMPAIGN_STEPS``).
    actions: frozenset[str]
    #: The target list's URL arguments (the campaign and its filter; ``None`` values left out of a link), and
    #: the list's page and filter a form on it returns to.
    list_args: dict[str, Any]
    back_to: str
    #: How many targets each stratum drew, for the target draw's card.
    selected_per_stratum: dict[str, int]
    #: Why a campaign whose results are all published cannot be closed yet (``None``: nothing stops it).
    why_not_closed: LazyString | None
    #: How many drawn visits have no team leader (组长) yet.
    leaderless: int
    #: The team leaders (组长) with no account, by name: the hand-out warns about each.
    leaders_without_account: list[str]
    #: The sizes the rules will draw (抽取规模预估), while they can still change; ``None`` for a named check.
    sizes: Sizes | None
    #: A draft check of named businesses as its leader approves it (``None`` for any other campaign).
    named_draft: NamedDraft | None
    #: When the public portal publishes the list of the businesses drawn, and under which rule (``None``: a named
    #: check, published once its teams have left).
    drawn_list: DrawnList | None
    #: The campaign's steps running in the background: each job and its page.
    under_way: list[tuple[Job, str]]
    action_form: EmptyForm
    draw_form: DrawForm
    leader_form: LeaderRuleForm
    #: 批量替换, offered only to those who may replace an inspector.
    replace_everywhere_form: ReplaceEverywhereForm | None
    replace_target_form: ReplaceTargetForm
    replace_inspector_form: ReplaceInspectorForm


@bp.context_processor
def _campaign_helpers() -> dict[str, object]:
    return {"steps": STEPS, "strata_codes": STRATA, "public_campaign_url": public_campaign_url}


def public_campaign_url(campaign: Campaign) -> str | None:
    """The campaign's page on the public portal (一公开), once it is approved and if the portal has it."""
    if not is_public(campaign) or "public_draws.campaign" not in current_app.view_functions:
        return None
    return url_for("public_draws.campaign", campaign_id=campaign.id)


@bp.route("")
@requires(Permission.CAMPAIGNS_VIEW)
def index() -> str:
    return render_template("campaigns/index.html", campaigns=campaign_queries.list_campaigns())


# --- drafting ---------------------------------------------------------------------------------


def _save_errors(form: CampaignForm, failed: InvalidInputError) -> list[str]:
    """The drafting commands' refusals under the form's fields; returns those of the rules per stratum."""
    errors = dict(failed.errors)
    strata_errors = errors.pop("strata", [])
    apply_service_errors(form, errors, FORM_FIELD)
    return strata_errors


def _every_error(form: CampaignForm) -> list[str]:
    """The form refused a field: show beside it the draft's other refusals too (one submit, every mistake)."""
    if not form.is_submitted() or "csrf_token" in form.errors:
        return []
    problems = campaign_queries.draft_problems(form.campaign_data(), reader=_user())
    already = {field for field, messages in form.errors.items() if messages}
    return _save_errors(
        form,
        InvalidInputError(
            {field: messages for field, messages in problems.items() if FORM_FIELD.get(field, field) not in already}
        ),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def new() -> ResponseReturnValue:
    form = CampaignForm()
    if request.method == "GET":
        year = today().year
        form.year.data = str(year)
        form.kind.data = "named" if request.args.get("kind") == "named" else "random"
        for stratum in vocabulary.RISK_STRATA:
            getattr(form, f"{stratum}_min").data = "1"
    form.prepare()
    strata_errors: list[str] = []
    if not form.validate_on_submit():
        strata_errors = _every_error(form)
    else:
        created = attempt(campaign_commands.create_campaign, form.campaign_data(), actor=_user(), refusals=BAD_INPUT)
        if created.ok:
            flash(
                _(
                    "Campaign “%(title)s” saved as a draft. A leader approves it; its code is issued then.",
                    title=created.result.title,
                ),
                "success",
            )
            return redirect(url_for("campaign_pages.detail", campaign_id=created.result.id))
        assert isinstance(created.refusal, InvalidInputError)  # BAD_INPUT: only a bad input is caught
        strata_errors = _save_errors(form, created.refusal)
    code = 422 if request.method == "POST" else 200
    return _form_page(form, None, strata_errors), code


@bp.route("/<int:campaign_id>/edit", methods=["GET", "POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def edit(campaign_id: int) -> ResponseReturnValue:
    campaign = campaign_queries.get_campaign(campaign_id)
    if campaign.status != CampaignStatus.draft:
        flash(_("Only a draft campaign can change; an approved one is committed."), "error")
        return redirect(url_for("campaign_pages.detail", campaign_id=campaign_id))
    form = CampaignForm()
    if request.method == "GET":
        form.fill_from(campaign)
    form.prepare()
    strata_errors: list[str] = []
    if not form.validate_on_submit():
        strata_errors = _every_error(form)
    else:
        saved = attempt(
            campaign_commands.update_campaign, campaign.id, form.campaign_data(), actor=_user(), refusals=BAD_INPUT
        )
        if saved.ok:
            flash(_("Campaign “%(title)s” saved.", title=campaign.title), "success")
            return redirect(url_for("campaign_pages.detail", campaign_id=campaign_id))
        campaign = campaign_queries.get_campaign(campaign_id)
        assert isinstance(saved.refusal, InvalidInputError)  # BAD_INPUT: only a bad input is caught
        strata_errors = _save_errors(form, saved.refusal)
    code = 422 if request.method == "POST" else 200
    return _form_page(form, campaign, strata_errors), code


def _form_page(form: CampaignForm, campaign: Campaign | None, strata_errors: list[str]) -> str:
    rules = rules_queries.in_force(_user().tenant_id)
    return render_template(
        "campaigns/form.html",
        form=form,
        campaign=campaign,
        strata_errors=strata_errors,
        rules=rules,
        named_causes=vocabulary.NAMED_CAUSES,
        cause_references=vocabulary.CAUSE_REFERENCES,
        cap_exempt_causes="、".join(
            vocabulary.NAMED_CAUSES[c] for c in rules.cap_exempt_kinds if c in vocabulary.NAMED_CAUSES
        ),
    )


# --- the ceremony -----------------------------------------------------------------------------


def _list_filter(args: Mapping[str, str]) -> dict[str, str]:
    """The target list's filter from the query: search text, stratum, status (an unknown status: all)."""
    status = args.get("status", "")
    return {
        "q": search_text(),
        "stratum": args.get("stratum", "").strip()[:16],
        "status": status if status in TARGET_STATUSES else "",
    }


@bp.route("/<int:campaign_id>")
@requires(Permission.CAMPAIGNS_VIEW)
def detail(campaign_id: int) -> ResponseReturnValue:
    """The campaign and its ceremony, then the drawn targets and reserves with their teams, 50 to a
    page (``?page=N``), by stratum and status (``?stratum=``, ``?status=``) and code or name (``?q=``)."""
    campaign = campaign_queries.get_campaign(campaign_id)
    if campaign.joint or campaign.joint_id is not None:  # a joint campaign, or a department's part of one
        return redirect(url_for("joint_pages.detail", campaign_id=campaign.joint_id or campaign.id))
    page, list_filter = request.args.get("page", 1, type=int), _list_filter(request.args)
    try:
        listed = _target_list(campaign, page, list_filter)
    except NotFoundError:
        if page <= 1:
            raise
        # past the last page (the list shrank since the link was made): the first page of that list
        kept: dict[str, Any] = {key: value for key, value in list_filter.items() if value}  # url_for's values
        return redirect(url_for("campaign_pages.detail", campaign_id=campaign_id, _anchor="results", **kept))
    return _render_detail(campaign, listed=listed)


def _target_list(campaign: Campaign, page: int, list_filter: dict[str, str]) -> TargetList:
    """One page of the drawn targets (none before the target draw), the counts per stratum and
    status, and the teams of that page's targets only."""
    registered = campaign.named and campaign.approved_at is not None  # 特定对象检查: registered at approval
    if not registered and campaign_queries.draw_stage(campaign, "targets") != "drawn":
        return TargetList(results=None, strata={}, teams={}, experts={}, list_filter=list_filter)
    status = list_filter["status"]
    results = listing.targets(
        campaign,
        statuses=[TargetStatus(status)] if status else listing.ALL_STATUSES,
        page=page,
        search=list_filter["q"],
        stratum=list_filter["stratum"],
    )
    shown = [target.entity_id for target in results.rows]
    return TargetList(
        results=results,
        strata=listing.counts(campaign),
        teams=listing.teams(campaign, shown),
        experts=team_experts.experts_of(campaign, shown),
        list_filter=list_filter,
    )


def _render_detail(
    campaign: Campaign, draw_form: DrawForm | None = None, status: int = 200, *, listed: TargetList | None = None
) -> tuple[str, int]:
    """The campaign's page (抽查任务页面): its drawn targets (:func:`_target_list`), with the campaign's
    ceremony and what the reader may do with it, as one :class:`CampaignScreen`."""
    listed = listed or _target_list(campaign, 1, _list_filter({}))
    results = listed.results
    # url_for's values are untyped (a None value is left out of the link)
    list_args: dict[str, Any] = {
        "campaign_id": campaign.id,
        **{key: value or None for key, value in listed.list_filter.items()},
    }
    actions = CAMPAIGN_ACTIONS.allowed(campaign, _user()) | CAMPAIGN_STEPS.allowed(campaign, _user())
    screen = CampaignScreen(
        **fields_of(listed),
        campaign=campaign,
        draws=campaign_queries.draws(campaign),
        plan=plans.get_plan(campaign.plan_id) if campaign.plan_id else None,
        actions=actions,
        list_args=list_args,
        back_to=url_for(
            "campaign_pages.detail", **list_args, page=results.number if results and results.number > 1 else None
        ),
        selected_per_stratum={stratum: n["selected"] for stratum, n in listed.strata.items()},
        why_not_closed=visit_reads.why_not_closed(campaign),
        leaderless=campaign_queries.visits_without_leader(campaign),
        leaders_without_account=campaign_queries.leaders_without_account(campaign)
        if "hand_out" in actions or "designate_leader" in actions
        else [],
        sizes=None if campaign.named else sizes.planned(campaign),
        named_draft=campaign_queries.named_draft(campaign),
        drawn_list=publication.list_rule(campaign),
        under_way=step_jobs.under_way(campaign, prefix="", endpoint="campaign_pages.draw_job"),
        action_form=EmptyForm(),
        draw_form=draw_form or DrawForm(formdata=None),
        leader_form=LeaderRuleForm(formdata=None),
        replace_everywhere_form=ReplaceEverywhereForm(formdata=None).offer(
            campaign_queries.inspectors_on_teams(campaign)
        )
        if "replace_inspector" in actions
        else None,
        replace_target_form=ReplaceTargetForm(formdata=None).offer(campaign_queries.rules_of(campaign)),
        replace_inspector_form=ReplaceInspectorForm(formdata=None).offer(campaign_queries.rules_of(campaign)),
    )
    return render_template("campaigns/detail.html", page=screen), status


def _back(campaign_id: int) -> BaseResponse:
    return redirect(url_for("campaign_pages.detail", campaign_id=campaign_id))


def _back_to_list(campaign_id: int) -> BaseResponse:
    """Back to the target list of the campaign page, on the page and with the filter the form was
    posted from: the form names that page (``next``); only this campaign's page and its list's
    arguments are taken from it, so nowhere else can be reached."""
    home = url_for("campaign_pages.detail", campaign_id=campaign_id)
    came_from = urlsplit(request.form.get("next", ""))
    same_page = not (came_from.scheme or came_from.netloc) and came_from.path == home
    # url_for's values are untyped (its own keywords, _anchor and the like, are not among LIST_ARGS)
    args: dict[str, Any] = (
        {key: value for key, value in parse_qsl(came_from.query) if key in LIST_ARGS} if same_page else {}
    )
    return redirect(url_for("campaign_pages.detail", campaign_id=campaign_id, _anchor="results", **args))


@bp.route("/<int:campaign_id>/approve", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def approve(campaign_id: int) -> BaseResponse:
    campaign = campaign_queries.get_campaign(campaign_id)
    if EmptyForm().validate_on_submit():
        perform(campaign_commands.approve, campaign.id, actor=_user(), done=messages.approved)
    return _back(campaign_id)


@bp.route(f"/<int:campaign_id>/draws/{KIND}/freeze", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def freeze(campaign_id: int, kind: str) -> BaseResponse:
    campaign = campaign_queries.get_campaign(campaign_id)
    if EmptyForm().validate_on_submit():
        freeze_frame = campaign_commands.freeze_targets if kind == "targets" else campaign_commands.freeze_inspectors
        perform(
            freeze_frame,
            campaign.id,
            actor=_user(),
            done=_("The frame is frozen; its digest and counts are published. The draw can now be made."),
        )
    return _back(campaign_id)


@bp.route(f"/<int:campaign_id>/draws/{KIND}", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def draw(campaign_id: int, kind: str) -> ResponseReturnValue:
    campaign = campaign_queries.get_campaign(campaign_id)
    form = DrawForm()
    if not form.validate_on_submit():
        return _back(campaign_id)
    started = attempt(submit_draw, campaign.id, form.draw_data(kind), actor=_user(), locale=str(get_locale()))
    if started.invalid:
        form.show_errors(started.errors)
        return _render_detail(campaign_queries.get_campaign(campaign_id), form, 422)
    if not started.ok:
        started.flash_refusal()
        return _back(campaign_id)
    return redirect(url_for("campaign_pages.draw_job", campaign_id=campaign_id, job_id=started.result.id))


@bp.route("/<int:campaign_id>/jobs/<int:job_id>")
@requires(Permission.CAMPAIGNS_VIEW)
def draw_job(campaign_id: int, job_id: int) -> ResponseReturnValue:
    """A draw's or the hand-out's job: followed while it runs, then back to the campaign with its outcome."""
    return step_jobs.follow(
        campaign_queries.get_campaign(campaign_id),
        job_id,
        prefix="",
        back=url_for("campaign_pages.detail", campaign_id=campaign_id),
        here=url_for("campaign_pages.draw_job", campaign_id=campaign_id, job_id=job_id),
    )


@bp.route(f"/<int:campaign_id>/proofs/{KIND}.json")
@requires(Permission.CAMPAIGNS_VIEW)
def proof(campaign_id: int, kind: str) -> Response:
    """The full proof, also where the public reads the redacted one (隐去明细): the department's own."""
    data = publication.full_proof_file(campaign_queries.get_campaign(campaign_id), kind)
    return full_proof_download(data, f"{campaign_id}-{kind}-proof.json")


@bp.route(f"/<int:campaign_id>/proofs/{KIND}/verify")
@requires(Permission.CAMPAIGNS_VIEW)
def verify_proof(campaign_id: int, kind: str) -> str:
    """Recompute the full proof on the server (the same checks as `spotcheck draw verify`)."""
    campaign = campaign_queries.get_campaign(campaign_id)
    _drawn(campaign, kind)
    return proof_verification(campaign, kind, publication.verify_proof(campaign, kind, full=True))


def full_proof_download(data: bytes, name: str) -> Response:
    """A draw's full proof for a reader entitled to it — its department, a joint campaign's departments, the bureau
    that supervises it — whatever the public reads of it: an attachment, never cached."""
    return downloads.private_file(data, "application/json", name)


def proof_verification(
    campaign: Campaign,
    kind: str,
    result: publication.Verification,
    *,
    back_url: str | None = None,
    proof_url: str | None = None,
) -> str:
    """The staff's verification page of a draw's full proof (``back_url``, ``proof_url``: the reader's own pages of
    the campaign and of the proof; by default the department's)."""
    return render_template(
        "campaigns/verify.html",
        campaign=campaign,
        kind=kind,
        result=result,
        ok=result.ok,
        back_url=back_url,
        proof_url=proof_url,
    )


def _drawn(campaign: Campaign, kind: str) -> Draw:
    record = campaign_queries.draw(campaign, kind)
    if record is None or record.drawn_at is None:
        raise NotFoundError(_l("This draw has not been made yet."))
    return record


@bp.route("/<int:campaign_id>/hand-out", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def hand_out(campaign_id: int) -> BaseResponse:
    """检查任务下达: a visit per selected target, each to its team."""
    campaign_queries.get_campaign(campaign_id)
    if EmptyForm().validate_on_submit():
        job = perform(submit_hand_out, campaign_id, actor=_user(), locale=str(get_locale()), done=None)
        if job is not REFUSED:
            return redirect(url_for("campaign_pages.draw_job", campaign_id=campaign_id, job_id=job.id))
    return _back(campaign_id)


@bp.route("/<int:campaign_id>/close", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def close(campaign_id: int) -> BaseResponse:
    """办结: once every result is published."""
    campaign_queries.get_campaign(campaign_id)
    if EmptyForm().validate_on_submit():
        perform(results_commands.close_campaign, campaign_id, actor=_user(), done=_("The campaign is closed."))
    return _back(campaign_id)


# --- after the draws --------------------------------------------------------------------------


@bp.route("/<int:campaign_id>/targets/<int:entity_id>/replace", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def replace_target(campaign_id: int, entity_id: int) -> BaseResponse:
    campaign, form = campaign_queries.get_campaign(campaign_id), ReplaceTargetForm()
    if form.validate_on_submit():
        perform(
            campaign_commands.replace_target,
            campaign.id,
            {"entity_id": entity_id, "reason": form.reason.data or ""},
            actor=_user(),
            done=messages.target_replaced,
            where=AT_LIST,
            refusals=ON_LIST,
        )
    return _back_to_list(campaign_id)


@bp.route("/<int:campaign_id>/team-members/<int:member_id>/replace", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def replace_member(campaign_id: int, member_id: int) -> BaseResponse:
    campaign, form = campaign_queries.get_campaign(campaign_id), ReplaceInspectorForm()
    if form.validate_on_submit():
        perform(
            campaign_commands.replace_inspector,
            campaign.id,
            {"member_id": member_id, "reason": form.reason.data or ""},
            actor=_user(),
            done=messages.member_replaced,
            where=AT_LIST,
            refusals=ON_LIST,
        )
    return _back_to_list(campaign_id)


@bp.route("/<int:campaign_id>/team-members/replace", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def replace_everywhere(campaign_id: int) -> BaseResponse:
    """An inspector replaced at every visit of the campaign in one step (批量替换), all or nothing."""
    campaign, form = campaign_queries.get_campaign(campaign_id), ReplaceEverywhereForm()
    if form.validate_on_submit():
        perform(
            campaign_commands.replace_inspectors,
            campaign.id,
            form.command_data(),
            actor=_user(),
            done=messages.replaced_everywhere,
            refusals=ON_LIST,
        )
    return redirect(url_for("campaign_pages.detail", campaign_id=campaign_id, _anchor="replace-everywhere"))


@bp.route("/<int:campaign_id>/team-members/<int:member_id>/leader", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def leader(campaign_id: int, member_id: int) -> BaseResponse:
    campaign = campaign_queries.get_campaign(campaign_id)
    if EmptyForm().validate_on_submit():
        perform(
            campaign_commands.designate_leader,
            campaign.id,
            {"member_id": member_id},
            actor=_user(),
            done=messages.leader_named,
            where=AT_LIST,
            refusals=ON_LIST,
        )
    return _back_to_list(campaign_id)


@bp.route("/<int:campaign_id>/leaders", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def leaders(campaign_id: int) -> BaseResponse:
    """Every visit's team leader named in one step, by the rule chosen (批量指定组长)."""
    campaign, form = campaign_queries.get_campaign(campaign_id), LeaderRuleForm()
    if form.validate_on_submit():
        perform(
            campaign_commands.designate_leaders,
            campaign.id,
            form.command_data(),
            actor=_user(),
            done=messages.leaders_named,
            where=AT_LIST,
            refusals=ON_LIST,
        )
    return _back_to_list(campaign_id)
