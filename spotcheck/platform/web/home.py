"""The home page, one per role (首页)."""
from flask import Blueprint, render_template
from flask_login import current_user

from spotcheck.core.audit import recent_of
from spotcheck.core.calendar import missing_years
from spotcheck.core.clock import today
from spotcheck.platform.permissions import Permission, requires
from spotcheck.core.policy import Role
from spotcheck.core.policy import has_permission
from spotcheck.tenants import overview
from spotcheck.tenants.plans import queries as plans

bp = Blueprint("home", __name__)


@bp.route("/")
@requires(Permission.SIGNED_IN)
def index():
    user = current_user._get_current_object()
    context = {"user": user}
    if user.has_role(Role.platform_admin.value):
        context["departments"] = overview.departments()
    if has_permission(user, Permission.CALENDAR_MANAGE):
        context["calendar_missing"] = missing_years(today())
    if user.has_role(Role.supervisor.value, Role.coordinator.value):
        context["departments"] = overview.departments(reader=user)
    if user.has_role(Role.supervisor.value):
        context["overdue_total"], context["overdue"] = overview.overdue_publications(user)
    if user.has_role(Role.tenant_admin.value):
        context["user_counts"] = overview.user_counts()
    if user.tenant_id is not None:
        context["tasks"] = _report_tasks(user) + overview.tasks_for(user)
    if has_permission(user, Permission.PLANS_REVIEW):
        context["plans_to_review"] = plans.plans_to_review(user)
    if has_permission(user, Permission.SUPERVISION_VIEW):
        context["supervision"] = _supervision(user)
    context["recent"] = recent_of(user)
    return render_template("home.html", **context)


def _supervision(user) -> dict:
    """The supervision card: for the justice bureau, what the current year's figures call for and
    the notices of criticism waiting for a leader's approval; for a department leader, the notices
    received."""
    from spotcheck.tenants.notices import services as notices
    from spotcheck.tenants.supervision import access, criticism, figures, periods

    found = {"period": periods.current("year"), "every": access.sees_every_department(user),
             "drafts": criticism.drafts(), "received": notices.criticisms_received(user)}
    if found["every"]:
        with access.reading(user, "home page", period=found["period"]):
            found["attention"] = criticism.attention(figures.compute(found["period"], figures.departments()))
    return found


def _report_tasks(user) -> list:
    """The statistical tables to submit (报表报送) whose due date is near or past, by name: a planner
    prepares one (not once it waits for the leader), a leader signs and submits it."""
    from spotcheck.tenants.results import deadlines
    from spotcheck.tenants.supervision import duty_status

    if not has_permission(user, Permission.REPORTS_PREPARE) or user.tenant is None:
        return []
    tasks = []
    for state in duty_status.to_do(user.tenant, user):
        actions = duty_status.REPORT_ACTIONS.allowed(state, user)
        actions = actions & {"submit"} if "submit" in actions else actions
        if state.prepared is not None and "submit" not in actions:
            continue  # prepared: waiting for the leader
        tasks.append(overview.Task("report", state, frozenset(actions), state.due.due_on,
                                   deadlines.flag(state.due.due_on)))
    return tasks
