"""Joint campaign pages (联合抽查, 进一次门、查多项事).

The lead department's coordinator creates a joint campaign and invites departments; each
department answers on its invitation and prepares its part (items, strata rules, filter) on the
same page; the lead's leader approves the whole; the coordinator runs the two draws, names the
teams' leaders and hands the visits out. Every participant reads the joint campaign's shared
rows through :func:`spotcheck.tenants.joint.queries.campaign_view` (its joint scope, recorded),
and only its own part otherwise. The buttons shown are the ones the actions tables allow.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext as _
from werkzeug.wrappers import Response

from spotcheck.core.clock import today
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.core.job_models import Job
from spotcheck.core.records import fields_of
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web import step_jobs
from spotcheck.platform.web.campaigns import messages
from spotcheck.platform.web.campaigns.forms import CampaignForm, DrawForm, LeaderRuleForm
from spotcheck.platform.web.campaigns.pages import (
    _save_errors as show_campaign_errors,
    full_proof_download,
    proof_verification,
)
from spotcheck.platform.web.forms import BAD_INPUT, REFUSED, WITH_FORBIDDEN, EmptyForm, attempt, perform, requested_page
from spotcheck.platform.web.joint.forms import DeclineForm, JointForm
from spotcheck.tenants.campaigns.queries import TeamMember, sizes as draw_sizes
from spotcheck.tenants.campaigns.vocabulary import RISK_STRATA
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.joint import commands, queries
from spotcheck.tenants.joint.queries import CampaignView, JointParticipant
from spotcheck.tenants.notices import queries as notice_queries
from spotcheck.tenants.notices.queries import Notice
from spotcheck.tenants.results import commands as results

bp = Blueprint("joint_pages", __name__, url_prefix="/joint")

KIND = "<any(targets, inspectors):kind>"


@bp.route("")
@requires(Permission.JOINT_VIEW)
def index() -> ResponseReturnValue:
    """The joint campaigns the department leads (coordinator) and its invitations to others'."""
    found = queries.index(reader=_user())
    return render_template(
        "joint/index.html",
        led=found.led,
        invitations=found.invitations,
        statuses=found.statuses,
        reads_statistics=queries.reads_statistics(_user()),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.JOINT_MANAGE)
def new() -> ResponseReturnValue:
    form = JointForm()
    groups = queries.departments_to_invite(reader=_user())  # the coordinator's branch, region by region
    form.department_ids.choices = [(str(t.id), t.name) for group in groups for t in group.departments]
    form.field.choices = [(code, reference.ENFORCEMENT_FIELDS[code]) for code in queries.fields_led_by(_user().tenant)]
    if request.method == "GET":
        form.year.data = str(today().year)
    if form.validate_on_submit():
        created = attempt(commands.create_joint, form.joint_data(), actor=_user(), refusals=BAD_INPUT)
        if created.ok:
            campaign = created.result
            flash(_("Joint campaign %(code)s created; the departments are invited.", code=campaign.code), "success")
            return redirect(url_for("joint_pages.detail", campaign_id=campaign.id))
        created.show_on(form)
    regions = [(group.name, {str(t.id) for t in group.departments}) for group in groups]
    return render_template("joint/form.html", form=form, regions=regions), 422 if request.method == "POST" else 200


# --- the joint campaign's page ---------------------------------------------------------------


@bp.route("/<int:campaign_id>")
@requires(Permission.JOINT_VIEW)
def detail(campaign_id: int) -> ResponseReturnValue:
    return _render_detail(campaign_id)


@dataclass(frozen=True)
class JointScreen(CampaignView):
    """The joint campaign's page as its template reads it (``page``): the joint domain's picture of it
    (:class:`CampaignView`), the steps running in the background and the sizes of the draw, and the forms
    being answered."""

    #: The draws and the hand-out whose jobs are queued or running (the job, its page), for the lead.
    under_way: list[tuple[Job, str]]
    #: 抽取规模预估: the newest estimate of the joint draw's size, for the lead while it can still change; and the
    #: sizes the department's own part will draw.
    sizes_job: Job | None
    part_sizes: draw_sizes.Sizes | None
    #: The campaign on the public portal, once its draws are there.
    public_url: str | None
    #: 联合抽查文书: the joint campaign's documents the lead wrote (its inspection notices), for the lead's
    #: readers — its coordinator included, who has no campaign pages of the department.
    notices: list[Notice]
    #: The department's part, being prepared (``None``: not the reader's to edit now).
    part_form: CampaignForm | None
    decline_form: DeclineForm
    draw_form: DrawForm
    leader_form: LeaderRuleForm
    #: The buttons' form (their CSRF token).
    action_form: EmptyForm
    #: A form's field errors shown again (``_member``, ``_recusal_request``: whose form they belong to).
    errors: Mapping[str, object]


def _render_detail(
    campaign_id: int,
    *,
    part_form: CampaignForm | None = None,
    decline_form: DeclineForm | None = None,
    draw_form: DrawForm | None = None,
    status: int = 200,
    errors: Mapping[str, object] | None = None,
) -> tuple[str, int]:
    """The joint campaign's page: the joint domain's picture of it (one query), with the background steps, the
    sizes of the draw and the forms (those given: answered with their errors)."""
    view = queries.campaign_view(campaign_id, requested_page(), reader=_user())
    campaign, mine, part = view.campaign, view.mine, view.part
    if part_form is None and mine is not None and part is not None and "edit_part" in view.my_actions:
        part_form = CampaignForm(formdata=None)
        part_form.fill_from(part)
        if not part.strata:
            for stratum in RISK_STRATA:
                getattr(part_form, f"{stratum}_min").data = "1"
    if part_form is not None:
        part_form.prepare()
    screen = JointScreen(
        **fields_of(view),
        under_way=step_jobs.under_way(campaign, prefix="joint.", endpoint="joint_pages.step_job") if view.lead else [],
        sizes_job=queries.joint_sizes(campaign.id)
        if view.lead and ("estimate_sizes" in view.actions or "approve" in view.actions)
        else None,
        part_sizes=draw_sizes.planned(part) if part is not None and mine is not None and mine.part else None,
        public_url=url_for("public_draws.campaign", campaign_id=campaign.id) if view.public else None,
        notices=notice_queries.notices_of_campaign(campaign, _user()) if view.lead else [],
        part_form=part_form,
        decline_form=decline_form or DeclineForm(formdata=None),
        draw_form=draw_form or DrawForm(formdata=None),
        leader_form=LeaderRuleForm(formdata=None),
        action_form=EmptyForm(),
        errors=errors or {},
    )
    return render_template("joint/detail.html", page=screen), status


def _back(campaign_id: int, anchor: str | None = None) -> Response:
    return redirect(url_for("joint_pages.detail", campaign_id=campaign_id, _anchor=anchor))


@bp.route("/<int:campaign_id>/recusal-requests/<int:request_id>", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def decide_recusal_request(campaign_id: int, request_id: int) -> ResponseReturnValue:
    """The coordinator accepts or refuses a business's request that a member of a mixed team withdraw
    (联合检查的回避申请), with the reason."""
    if not EmptyForm().validate_on_submit():
        return _back(campaign_id, "recusal-requests")
    data = {
        "accept": request.form.get("accept", ""),
        "reason": request.form.get("reason", ""),
        "campaign_id": campaign_id,
    }
    outcome = attempt(results.decide_recusal_request, request_id, data, actor=_user(), refusals=WITH_FORBIDDEN)
    if outcome.invalid:
        return _render_detail(campaign_id, status=422, errors={**outcome.errors, "_recusal_request": request_id})
    outcome.report(_("The decision is recorded."))
    return _back(campaign_id, "recusal-requests")


@bp.route("/<int:campaign_id>/approve", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def approve(campaign_id: int) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        perform(
            commands.approve_joint,
            campaign_id,
            actor=_user(),
            done=_("The joint campaign is approved and its target draw committed."),
            refusals=WITH_FORBIDDEN,
        )
    return _back(campaign_id)


@bp.route(f"/<int:campaign_id>/draws/{KIND}/freeze", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def freeze(campaign_id: int, kind: str) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        command = commands.freeze_targets if kind == "targets" else commands.freeze_inspectors
        perform(
            command,
            campaign_id,
            actor=_user(),
            done=_("The frame is frozen; its digest and counts are published."),
            refusals=WITH_FORBIDDEN,
        )
    return _back(campaign_id, f"draw-{kind}")


@bp.route(f"/<int:campaign_id>/draws/{KIND}/draw", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def draw(campaign_id: int, kind: str) -> ResponseReturnValue:
    form = DrawForm()
    if form.validate_on_submit():
        outcome = attempt(
            commands.submit_joint_draw,
            campaign_id,
            form.draw_data(kind),
            actor=_user(),
            locale=str(get_locale()),
            refusals=WITH_FORBIDDEN,
        )
        if outcome.invalid:  # shown under the form's fields, what was typed kept
            form.show_errors(outcome.errors)
            return _render_detail(campaign_id, draw_form=form, status=422)
        if outcome.ok:
            return redirect(url_for("joint_pages.step_job", campaign_id=campaign_id, job_id=outcome.result.id))
        outcome.flash_refusal()
    return _back(campaign_id, f"draw-{kind}")


@bp.route(f"/<int:campaign_id>/proofs/{KIND}.json")
@requires(Permission.JOINT_VIEW)
def proof(campaign_id: int, kind: str) -> Response:
    """The full proof, for the joint campaign's departments (the public may read its redacted proof: 隐去明细)."""
    campaign, data = queries.full_proof(campaign_id, kind, reader=_user())
    return full_proof_download(data, f"joint-{campaign.id}-{kind}-proof.json")


@bp.route(f"/<int:campaign_id>/proofs/{KIND}/verify")
@requires(Permission.JOINT_VIEW)
def verify_proof(campaign_id: int, kind: str) -> str:
    """The full proof recomputed on the server (the same checks as `spotcheck draw verify`)."""
    campaign, result = queries.full_proof_checked(campaign_id, kind, reader=_user())
    return proof_verification(
        campaign,
        kind,
        result,
        back_url=url_for("joint_pages.detail", campaign_id=campaign.id),
        proof_url=url_for("joint_pages.proof", campaign_id=campaign.id, kind=kind),
    )


@bp.route("/<int:campaign_id>/jobs/<int:job_id>")
@requires(Permission.JOINT_MANAGE)
def step_job(campaign_id: int, job_id: int) -> ResponseReturnValue:
    """A draw's or the hand-out's job: followed while it runs, then back to the campaign with its outcome."""
    return step_jobs.follow(
        queries.get_joint(campaign_id),
        job_id,
        prefix="joint.",
        back=url_for("joint_pages.detail", campaign_id=campaign_id),
        here=url_for("joint_pages.step_job", campaign_id=campaign_id, job_id=job_id),
    )


@bp.route("/<int:campaign_id>/leaders", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def leader(campaign_id: int) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        member_id = request.form.get("member_id", type=int)
        perform(
            commands.designate_leader,
            campaign_id,
            {"member_id": member_id or 0},
            actor=_user(),
            done=_("The team leader is named."),
            refusals=(*WITH_FORBIDDEN, NotFoundError),
        )
    return redirect(
        url_for(
            "joint_pages.detail", campaign_id=campaign_id, page=request.form.get("page", type=int), _anchor="visits"
        )
    )


def _at_visits(campaign_id: int) -> Response:
    return redirect(
        url_for(
            "joint_pages.detail",
            campaign_id=campaign_id,
            page=request.form.get("page", type=int),
            _anchor="visits",
        )
    )


@bp.route("/<int:campaign_id>/members/<int:member_id>/recusal", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def declare_recusal(campaign_id: int, member_id: int) -> ResponseReturnValue:
    """抽取后申报回避: the coordinator declares a conflict of a member of a mixed team with the visit's entity;
    every department's part of the visit waits until the member is replaced."""
    if EmptyForm().validate_on_submit():
        outcome = attempt(
            commands.declare_recusal,
            campaign_id,
            member_id,
            {"reason": request.form.get("reason", "")},
            actor=_user(),
            refusals=(*WITH_FORBIDDEN, NotFoundError),
        )
        if outcome.invalid:
            return _render_detail(campaign_id, status=422, errors={**outcome.errors, "_member": member_id})
        outcome.report(
            _(
                "The conflict is recorded in the inspector directory of the member's department; every "
                "department's part of the visit waits. Replace the member now by the rule of the draw."
            )
        )
    return _at_visits(campaign_id)


@bp.route("/<int:campaign_id>/members/<int:member_id>/replace", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def replace(campaign_id: int, member_id: int) -> ResponseReturnValue:
    """A member who declared a conflict is replaced by a replacement draw of the joint campaign."""
    if EmptyForm().validate_on_submit():
        perform(
            commands.replace_inspector,
            campaign_id,
            {"member_id": member_id, "reason": "conflict"},
            actor=_user(),
            done=_replaced,
            refusals=(*WITH_FORBIDDEN, NotFoundError),
        )
    return _at_visits(campaign_id)


def _replaced(new: TeamMember) -> str:
    return _(
        "Replaced by %(name)s (%(cert)s), the next eligible inspector of the joint draw. The proof records the "
        "replacement; the departments' parts, the code's page and the team are told.",
        name=new.inspector_name,
        cert=new.cert_no,
    )


@bp.route("/<int:campaign_id>/submitters", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def submitter(campaign_id: int) -> ResponseReturnValue:
    """Who submits a department's result of a visit, named anew (its submitter declared a conflict)."""
    if EmptyForm().validate_on_submit():
        perform(
            commands.designate_submitter,
            campaign_id,
            {"member_id": request.form.get("member_id", type=int) or 0},
            actor=_user(),
            done=_("The department's submitter is named."),
            refusals=(*WITH_FORBIDDEN, NotFoundError),
        )
    return _at_visits(campaign_id)


@bp.route("/<int:campaign_id>/sizes", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def sizes(campaign_id: int) -> ResponseReturnValue:
    """Estimate the size of the draw (抽取规模预估) in the background; the page shows it when done."""
    if EmptyForm().validate_on_submit():
        perform(
            commands.request_joint_sizes,
            campaign_id,
            actor=_user(),
            done=_("The size of the draw is being estimated; it appears here when it is done."),
            refusals=WITH_FORBIDDEN,
        )
    return _back(campaign_id, "joint-sizes")


@bp.route("/<int:campaign_id>/leaders/by-rule", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def leaders_by_rule(campaign_id: int) -> ResponseReturnValue:
    """Every mixed team's leader named in one step, by the rule chosen (批量指定组长)."""
    form = LeaderRuleForm()
    if form.validate_on_submit():
        perform(
            commands.designate_leaders,
            campaign_id,
            form.command_data(),
            actor=_user(),
            done=messages.leaders_named,
            refusals=WITH_FORBIDDEN,
        )
    return _back(campaign_id, "visits")


@bp.route("/<int:campaign_id>/hand-out", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def hand_out(campaign_id: int) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        job = perform(
            commands.submit_joint_hand_out,
            campaign_id,
            actor=_user(),
            locale=str(get_locale()),
            done=None,
            refusals=WITH_FORBIDDEN,
        )
        if job is not REFUSED:
            return redirect(url_for("joint_pages.step_job", campaign_id=campaign_id, job_id=job.id))
    return _back(campaign_id)


# --- a department's answer and its part ----------------------------------------------------------


def _invitation(campaign_id: int) -> JointParticipant:
    return queries.my_invitation(campaign_id, reader=_user())


@bp.route("/<int:campaign_id>/accept", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def accept(campaign_id: int) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        mine = _invitation(campaign_id)
        perform(
            commands.accept,
            mine.id,
            actor=_user(),
            done=_("Accepted. Now choose your items and rules for this joint campaign."),
            refusals=WITH_FORBIDDEN,
        )
    return _back(campaign_id, "my-part")


@bp.route("/<int:campaign_id>/decline", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def decline(campaign_id: int) -> ResponseReturnValue:
    form = DeclineForm()
    mine = _invitation(campaign_id)
    if form.validate_on_submit():
        outcome = attempt(
            commands.decline, mine.id, {"reason": form.reason.data or ""}, actor=_user(), refusals=WITH_FORBIDDEN
        )
        if outcome.invalid:
            outcome.show_on(form)
            return _render_detail(campaign_id, decline_form=form, status=422)
        outcome.report(_("Declined; the lead department sees your reason."))
    return _back(campaign_id)


@bp.route("/<int:campaign_id>/part", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def save_part(campaign_id: int) -> ResponseReturnValue:
    form = CampaignForm()
    mine = _invitation(campaign_id)
    if not form.validate_on_submit():
        if form.is_submitted() and "csrf_token" not in form.errors:  # say what is wrong, never a silent return
            _show_part_errors(form, {})
            return _render_detail(campaign_id, part_form=form, status=422)
    else:
        outcome = attempt(commands.save_part, mine.id, form.campaign_data(), actor=_user(), refusals=WITH_FORBIDDEN)
        if outcome.invalid:
            _show_part_errors(form, dict(outcome.errors))
            return _render_detail(campaign_id, part_form=form, status=422)
        outcome.report(_("Your part is saved. Your leader approves it."))
    return _back(campaign_id, "my-part")


#: The fields the part's form shows (the joint campaign gives the others: window, team, method…).
PART_FIELDS = {"item_ids", "exempt_kind", "exempt_reason", "categories", "industries", "regions"}


def _show_part_errors(form: CampaignForm, errors: dict[str, list[str]]) -> None:
    """The refusals of a department's part where its form shows them: under the fields it has, and
    above the form for the rules per stratum and for any field the part's form does not show."""
    strata = show_campaign_errors(form, InvalidInputError(errors))
    hidden = [
        f"{field.label.text}：{message}"
        for name, field in form._fields.items()
        if name not in PART_FIELDS and name != "csrf_token"
        for message in field.errors
    ]
    form.form_errors.extend(strata + hidden)


@bp.route("/<int:campaign_id>/part/approve", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def approve_part(campaign_id: int) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        mine = _invitation(campaign_id)
        perform(
            commands.approve_part,
            mine.id,
            actor=_user(),
            done=_("Your department's part is approved; the lead department is told."),
            refusals=WITH_FORBIDDEN,
        )
    return _back(campaign_id, "my-part")
