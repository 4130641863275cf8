"""Joint campaign pages (联合抽查, 进一次门、查多项事).

The lead department's coordinator creates a joint campaign and invites departments; each
department answers on its invitation and prepares its part (items, strata rules, filter) on the
same page; the lead's leader approves the whole; the coordinator runs the two draws, names the
teams' leaders and hands the visits out. Every participant reads the joint campaign's shared
rows inside :func:`~spotcheck.core.scoping.joint_scope` (entered for the whole request), and only
its own part otherwise. The buttons shown are the ones the actions tables allow.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core.clock import today
from spotcheck.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from spotcheck.core.policy import has_permission
from spotcheck.core.scoping import joint_scope
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.permissions import acting_user as _user
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.joint import leads
from spotcheck.platform.web.campaign_forms import CampaignForm, DrawForm
from spotcheck.platform.web.campaign_pages import _prepare as prepare_part_form
from spotcheck.platform.web.forms import EmptyForm, apply_service_errors, perform, requested_page
from spotcheck.platform.web.joint_forms import DeclineForm, JointForm
from spotcheck.tenants.campaigns import queries as campaign_queries
from spotcheck.tenants.campaigns.queries import public as publication
from spotcheck.tenants.campaigns.vocabulary import RISK_STRATA
from spotcheck.tenants.joint import draws, figures, listing, services
from spotcheck.tenants.joint.lifecycle import JOINT_ACTIONS, PARTICIPANT_ACTIONS, participants_of

bp = Blueprint("joint_pages", __name__, url_prefix="/joint")

KINDS = ("targets", "inspectors")
KIND = "<any(targets, inspectors):kind>"


@bp.route("")
@requires(Permission.JOINT_VIEW)
def index():
    """The joint campaigns the department leads (coordinator) and its invitations to others'."""
    led = services.led_campaigns() if has_permission(_user(), Permission.JOINT_MANAGE) else []
    return render_template("joint/index.html", led=led, invitations=services.invitations())


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.JOINT_MANAGE)
def new():
    form = JointForm()
    form.department_ids.choices = [(str(t.id), t.name) for t in services.departments_to_invite()]
    form.field.choices = [(code, reference.ENFORCEMENT_FIELDS[code]) for code in leads.fields_led_by(_user().tenant)]
    if request.method == "GET":
        form.year.data = str(today().year)
    if form.validate_on_submit():
        try:
            campaign = services.create_joint(form.joint_data(), actor=_user())
        except ValidationFailed as failed:
            apply_service_errors(form, failed.errors)
        else:
            flash(_("Joint campaign %(code)s created; the departments are invited.", code=campaign.code), "success")
            return redirect(url_for("joint_pages.detail", campaign_id=campaign.id))
    return render_template("joint/form.html", form=form), 422 if request.method == "POST" else 200


# --- the joint campaign's page ---------------------------------------------------------------


def _in_scope(campaign_id: int):
    return joint_scope(current_user.tenant_id, campaign_id)


def _my_invitation(campaign_id: int):
    for participant in services.invitations():
        if participant.campaign_id == campaign_id:
            return participant
    return None


@bp.route("/<int:campaign_id>")
@requires(Permission.JOINT_VIEW)
def detail(campaign_id):
    with _in_scope(campaign_id):
        return _render_detail(campaign_id)


def _render_detail(campaign_id: int, *, part_form=None, decline_form=None, draw_form=None, status=200):
    campaign = services.get_joint(campaign_id)
    user = _user()
    lead = campaign.tenant_id == user.tenant_id
    mine = _my_invitation(campaign_id)
    part = services.part_of(mine) if mine is not None else None
    if part_form is None and mine is not None and "edit_part" in PARTICIPANT_ACTIONS.allowed(mine, user):
        part_form = CampaignForm(formdata=None)
        part_form.fill_from(part)
        if not part.strata:
            for stratum in RISK_STRATA:
                getattr(part_form, f"{stratum}_min").data = "1"
    if part_form is not None:
        prepare_part_form(part_form)
    page = requested_page()
    groups = draws.visit_groups(campaign)
    visits = listing.visit_page(groups, page)
    return render_template(
        "joint/detail.html", campaign=campaign, lead=lead, mine=mine, part=part,
        participants=participants_of(campaign) if lead else [],
        actions=JOINT_ACTIONS.allowed(campaign, user),
        my_actions=PARTICIPANT_ACTIONS.allowed(mine, user) if mine is not None else frozenset(),
        part_form=part_form, decline_form=decline_form or DeclineForm(formdata=None),
        draw_form=draw_form or DrawForm(formdata=None), action_form=EmptyForm(),
        draws={kind: campaign_queries.draw(campaign, kind) for kind in KINDS},
        savings=figures.savings(campaign), visits=visits, groups=groups,
        teams=draws.teams(campaign), published=figures.published_parts(campaign),
        complete=figures.complete_visits(campaign) if groups else 0,
        public_url=url_for("public_draws.campaign", campaign_id=campaign.id) if publication.is_public(campaign) else None,
    ), status


def _back(campaign_id: int, anchor: str | None = None):
    return redirect(url_for("joint_pages.detail", campaign_id=campaign_id, _anchor=anchor))


@bp.route("/<int:campaign_id>/approve", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def approve(campaign_id):
    if EmptyForm().validate_on_submit():
        campaign = services.get_joint(campaign_id)
        perform(lambda: services.approve_joint(campaign, actor=_user()),
                _("The joint campaign is approved and its target draw committed."),
                refusals=(ValidationFailed, Conflict, Forbidden))
    return _back(campaign_id)


@bp.route(f"/<int:campaign_id>/draws/{KIND}/freeze", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def freeze(campaign_id, kind):
    if EmptyForm().validate_on_submit():
        campaign = services.get_joint(campaign_id)
        command = draws.freeze_targets if kind == "targets" else draws.freeze_inspectors
        perform(lambda: command(campaign, actor=_user()),
                _("The frame is frozen; its digest and counts are published."),
                refusals=(ValidationFailed, Conflict, Forbidden))
    return _back(campaign_id, f"draw-{kind}")


@bp.route(f"/<int:campaign_id>/draws/{KIND}/draw", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def draw(campaign_id, kind):
    form = DrawForm()
    if form.validate_on_submit():
        command = draws.draw_targets if kind == "targets" else draws.draw_inspectors
        perform(lambda: command(campaign_id, form.inputs(), actor=_user()),
                _("The draw is made; its proof is published."), refusals=(ValidationFailed, Conflict, Forbidden))
    return _back(campaign_id, f"draw-{kind}")


@bp.route("/<int:campaign_id>/leaders", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def leader(campaign_id):
    if EmptyForm().validate_on_submit():
        campaign = services.get_joint(campaign_id)
        member_id = request.form.get("member_id", type=int)
        perform(lambda: draws.designate_leader(campaign, member_id or 0, actor=_user()),
                _("The team leader is named."), refusals=(ValidationFailed, Conflict, Forbidden, NotFound))
    return redirect(url_for("joint_pages.detail", campaign_id=campaign_id, page=request.form.get("page", type=int),
                            _anchor="visits"))


@bp.route("/<int:campaign_id>/hand-out", methods=["POST"])
@requires(Permission.JOINT_MANAGE)
def hand_out(campaign_id):
    if EmptyForm().validate_on_submit():
        campaign = services.get_joint(campaign_id)
        perform(lambda: draws.hand_out(campaign, actor=_user()),
                lambda n: _("%(n)d visits handed to the teams; each department records its own results.", n=n),
                refusals=(ValidationFailed, Conflict, Forbidden))
    return _back(campaign_id)


# --- a department's answer and its part ----------------------------------------------------------


def _invitation(campaign_id: int):
    mine = _my_invitation(campaign_id)
    if mine is None:
        raise NotFound(_("Your department is not invited to this joint campaign."))
    return mine


@bp.route("/<int:campaign_id>/accept", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def accept(campaign_id):
    if EmptyForm().validate_on_submit():
        mine = _invitation(campaign_id)
        perform(lambda: services.accept(mine, actor=_user()),
                _("Accepted. Now choose your items and rules for this joint campaign."),
                refusals=(ValidationFailed, Conflict, Forbidden))
    return _back(campaign_id, "my-part")


@bp.route("/<int:campaign_id>/decline", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def decline(campaign_id):
    form = DeclineForm()
    mine = _invitation(campaign_id)
    if form.validate_on_submit():
        try:
            services.decline(mine, form.reason.data or "", actor=_user())
        except ValidationFailed as failed:
            apply_service_errors(form, failed.errors)
            with _in_scope(campaign_id):
                return _render_detail(campaign_id, decline_form=form, status=422)
        except (Conflict, Forbidden) as refused:
            flash(str(refused), "error")
        else:
            flash(_("Declined; the lead department sees your reason."), "success")
    return _back(campaign_id)


@bp.route("/<int:campaign_id>/part", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def save_part(campaign_id):
    form = CampaignForm()
    mine = _invitation(campaign_id)
    if form.validate_on_submit():
        try:
            services.save_part(mine, form.campaign_data(), actor=_user())
        except ValidationFailed as failed:
            errors = dict(failed.errors)
            strata = errors.pop("strata", [])
            apply_service_errors(form, errors, {"target_filter": "industries"})
            form.form_errors.extend(strata)
            with _in_scope(campaign_id):
                return _render_detail(campaign_id, part_form=form, status=422)
        except (Conflict, Forbidden) as refused:
            flash(str(refused), "error")
        else:
            flash(_("Your part is saved. Your leader approves it."), "success")
    return _back(campaign_id, "my-part")


@bp.route("/<int:campaign_id>/part/approve", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def approve_part(campaign_id):
    if EmptyForm().validate_on_submit():
        mine = _invitation(campaign_id)
        perform(lambda: services.approve_part(mine, actor=_user()),
                _("Your department's part is approved; the lead department is told."),
                refusals=(ValidationFailed, Conflict, Forbidden))
    return _back(campaign_id, "my-part")
