"""Plan pages (年度检查计划, 年度联合抽查工作计划): drafting, publication (公开), submission for filing
(报备), and filing (备案) by each authority the plan needs — the justice bureau, and the
market-regulation bureau for a plan touching its field."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from spotcheck.core.clock import today
from spotcheck.core.text import whole_number
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web.forms import BAD_INPUT, EmptyForm, attempt, perform
from spotcheck.platform.web.plans.forms import JointPlanForm, PlanForm, PlanLineForm, ReviewForm
from spotcheck.tenants.accounts import queries as tenants
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.items import queries as items
from spotcheck.tenants.joint import queries as joint_queries
from spotcheck.tenants.plans import commands, queries
from spotcheck.tenants.plans.policy import PLAN_ACTIONS
from spotcheck.tenants.plans.queries import Plan
from spotcheck.tenants.plans.vocabulary import AUTHORITY_CODES
from spotcheck.tenants.rules import queries as rules_queries

bp = Blueprint("plan_pages", __name__, url_prefix="/plans")


@bp.route("")
@requires(Permission.CAMPAIGNS_VIEW)
def index() -> str:
    return render_template(
        "plans/index.html",
        plans=queries.list_plans(),
        joint_fields=_joint_fields(),
        rules=rules_queries.in_force(_user().tenant_id),
    )


def _joint_fields() -> list[str]:
    """The fields outside market regulation the user's department leads (it writes their joint plans)."""
    return [f for f in joint_queries.fields_led_by(_user().tenant) if f != reference.MARKET_FIELD]


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def new() -> ResponseReturnValue:
    form = PlanForm()
    if request.method == "GET":
        year = today().year
        form.year.data = str(year)
        form.title.data = _("Annual administrative inspection plan %(year)s", year=year)
    if form.validate_on_submit():
        created = attempt(commands.create_plan, form.plan_data(), actor=_user(), refusals=BAD_INPUT)
        if created.ok:
            flash(_("Plan saved as a draft. Add the items it covers."), "success")
            return redirect(url_for("plan_pages.detail", plan_id=created.result.id))
        created.show_on(form)
    return render_template("plans/form.html", form=form)


@bp.route("/new-joint", methods=["GET", "POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def new_joint() -> ResponseReturnValue:
    """年度联合抽查工作计划: the plan of a field's joint checks for the year, by the field's lead."""
    form = JointPlanForm()
    fields = _joint_fields()
    form.field.choices = [(code, reference.ENFORCEMENT_FIELDS[code]) for code in fields]
    form.department_ids.choices = [
        (str(t.id), f"{t.name}（{t.region.name}）") for t in queries.joint_plan_departments(reader=_user())
    ]
    if request.method == "GET":
        year = today().year
        form.year.data = str(year)
        if fields:
            form.title.data = _(
                "Yearly joint inspection plan of %(field)s %(year)s",
                field=reference.ENFORCEMENT_FIELDS[fields[0]],
                year=year,
            )
    if form.validate_on_submit():
        created = attempt(commands.create_plan, form.plan_data(), actor=_user(), refusals=BAD_INPUT)
        if created.ok:
            flash(_("Joint plan saved as a draft. Add the items its joint checks cover."), "success")
            return redirect(url_for("plan_pages.detail", plan_id=created.result.id))
        created.show_on(form)
    return render_template("plans/form.html", form=form, joint=True, led=fields), 200 if not form.errors else 422


@bp.route("/<int:plan_id>")
@requires(Permission.CAMPAIGNS_VIEW)
def detail(plan_id: int) -> ResponseReturnValue:
    return _render_detail(queries.get_plan(plan_id))


def _render_detail(plan: Plan, line_form: PlanLineForm | None = None, status: int = 200) -> tuple[str, int]:
    line_form = line_form or PlanLineForm(formdata=None)
    published = items.list_items("published")
    in_plan = {line.item_id for line in plan.lines}
    planned = _("in the plan: saving changes it")
    line_form.item_id.choices = [("", _("Choose an item"))] + [
        (str(i.id), f"{i.code} {i.name}" + (f" ({planned})" if i.id in in_plan else "")) for i in published
    ]
    names = {tenant.id: tenant.full_name for tenant in tenants.list_tenants()}
    return render_template(
        "plans/detail.html",
        plan=plan,
        line_form=line_form,
        action_form=EmptyForm(),
        actions=PLAN_ACTIONS.allowed(plan, _user()),
        reviews=queries.reviews_of(plan),
        authorities=queries.authorities_for(plan),
        changed=queries.changed_since_published(plan),
        names=names,
    ), status


@bp.route("/<int:plan_id>/items", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def set_line(plan_id: int) -> ResponseReturnValue:
    plan = queries.get_plan(plan_id)
    form = PlanLineForm()
    if not form.validate_on_submit():
        return _render_detail(plan, form, 422)
    outcome = attempt(commands.set_line, plan.id, form.line_data(), actor=_user())
    if outcome.invalid:
        outcome.show_on(form, PlanLineForm.renamed)
        return _render_detail(queries.get_plan(plan_id), form, 422)
    outcome.report(_("The item is in the plan."))
    return redirect(url_for("plan_pages.detail", plan_id=plan_id))


@bp.route("/<int:plan_id>/items/<int:item_id>/remove", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def remove_line(plan_id: int, item_id: int) -> BaseResponse:
    plan = queries.get_plan(plan_id)
    if EmptyForm().validate_on_submit():
        perform(
            commands.remove_line,
            plan.id,
            {"item_id": item_id},
            actor=_user(),
            done=_("The item was taken out of the plan."),
        )
    return redirect(url_for("plan_pages.detail", plan_id=plan_id))


def _step(plan_id: int, step: Callable[..., object], done_message: str) -> BaseResponse:
    plan = queries.get_plan(plan_id)
    if EmptyForm().validate_on_submit():
        perform(step, plan.id, actor=_user(), done=done_message)
    return redirect(url_for("plan_pages.detail", plan_id=plan_id))


@bp.route("/<int:plan_id>/publish", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def publish(plan_id: int) -> BaseResponse:
    return _step(plan_id, commands.publish, _("The plan is published on the public portal. Submit it for filing next."))


@bp.route("/<int:plan_id>/submit", methods=["POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def submit(plan_id: int) -> BaseResponse:
    return _step(plan_id, commands.submit, _("The plan was submitted for filing."))


# --- the justice bureau ------------------------------------------------------------------------


@bp.route("/review")
@requires(Permission.PLANS_REVIEW)
def review_list() -> ResponseReturnValue:
    return _render_review({})


def _render_review(forms: Mapping[int, ReviewForm], status: int = 200) -> tuple[str, int]:
    plans = queries.plans_to_review(_user())
    names = {tenant.id: tenant.full_name for tenant in tenants.list_tenants()}
    rows = [
        (
            plan,
            names.get(plan.tenant_id, ""),
            forms.get(plan.id) or ReviewForm(formdata=None),
            queries.authorities_for(plan),
        )
        for plan in plans
    ]
    return render_template("plans/review.html", rows=rows, authority=queries.authority_of(_user()), names=names), status


@bp.route("/review/archive")
@requires(Permission.PLANS_REVIEW)
def review_archive() -> str:
    """备案审核记录: every decision on a submitted plan, with its comment and the plan as it was."""
    raw_year = request.args.get("year", "").strip()
    year = whole_number(raw_year) if len(raw_year) == 4 else None
    decision = request.args.get("decision") if request.args.get("decision") in ("filed", "returned") else None
    authority = request.args.get("authority") if request.args.get("authority") in AUTHORITY_CODES else None
    rows = queries.reviews(_user(), year=year, decision=decision, authority=authority)
    names = {tenant.id: tenant.full_name for tenant in tenants.list_tenants()}
    return render_template(
        "plans/archive.html",
        rows=rows,
        names=names,
        year=year,
        decision=decision,
        authority=authority,
        own=queries.authority_of(_user()),
    )


@bp.route("/review/<int:plan_id>", methods=["POST"])
@requires(Permission.PLANS_REVIEW)
def review(plan_id: int) -> ResponseReturnValue:
    form = ReviewForm()
    if not form.validate_on_submit():
        return redirect(url_for("plan_pages.review_list"))
    accept = request.form.get("decision") == "file"
    outcome = attempt(commands.review, plan_id, {"accept": accept, "comment": form.comment.data or ""}, actor=_user())
    if outcome.invalid:
        outcome.show_on(form)
        return _render_review({plan_id: form}, 422)
    if not outcome.ok:
        outcome.flash_refusal()
    else:
        plan = outcome.result
        if not accept:
            flash(_("Plan “%(title)s” returned with your comment.", title=plan.title), "success")
        elif plan.status.value == "filed":
            flash(_("Plan “%(title)s” filed.", title=plan.title), "success")
        else:
            flash(
                _(
                    "Your bureau filed plan “%(title)s”; it also waits for the other filing authority.",
                    title=plan.title,
                ),
                "success",
            )
    return redirect(url_for("plan_pages.review_list"))
