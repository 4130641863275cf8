"""The home page, one per role (首页)."""

from dataclasses import replace
from typing import Any

from flask import Blueprint, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from spotcheck.core.actor import Actor
from spotcheck.core.calendar import missing_years
from spotcheck.core.clock import today
from spotcheck.core.policy import Role, has_permission
from spotcheck.core.todo import Task, assemble
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.audit.view import read_name
from spotcheck.tenants.accounts import queries as accounts
from spotcheck.tenants.audit import queries as audit_trail
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.items import queries as items
from spotcheck.tenants.joint import queries as joint
from spotcheck.tenants.notices import queries as notices
from spotcheck.tenants.plans import queries as plans
from spotcheck.tenants.results import queries as results
from spotcheck.tenants.rules import queries as rules_queries
from spotcheck.tenants.supervision import queries as supervision, vocabulary as supervision_vocabulary
from spotcheck.tenants.supervision.queries import shown as shown_figures

bp = Blueprint("home", __name__)


@bp.route("/")
@requires(Permission.SIGNED_IN)
def index() -> ResponseReturnValue:
    user = current_user._get_current_object()
    context = {"user": user}
    if user.has_role(Role.platform_admin.value):
        context["departments"] = accounts.departments()
    if has_permission(user, Permission.CALENDAR_MANAGE):
        context["calendar_missing"] = missing_years(today())
    if has_permission(user, Permission.RULEBOOK_MANAGE):
        context["rulebook_missing"] = rules_queries.scope_version_id(None) is None
    if has_permission(user, Permission.RULEBOOK_MANAGE) or user.has_role(Role.supervisor.value):
        context["floor_asks"] = rules_queries.open_against_floor()
    if user.has_role(Role.supervisor.value, Role.coordinator.value):
        context["departments"] = accounts.departments(reader=user)
    if user.has_role(Role.supervisor.value):
        context["overdue_total"], overdue = results.overdue_publications(reader=user)
        context["overdue"] = [{**row, "link": _overdue_link(row, user)} for row in overdue]
    if user.has_role(Role.tenant_admin.value):
        context["user_counts"] = accounts.user_counts()
    if user.tenant_id is not None:
        context["tasks"], context["queues"] = tasks_for(user), results.queues(reader=user)
    if has_permission(user, Permission.JOINT_MANAGE) and user.tenant_id is not None:
        context["joint_under_way"] = joint.under_way(reader=user)
    if has_permission(user, Permission.PLANS_REVIEW):
        context["plans_to_review"] = plans.plans_to_review(user)
    if has_permission(user, Permission.SUPERVISION_VIEW):
        context["supervision"] = _supervision(user)
    context["recent"] = [_named_read(activity) for activity in audit_trail.recent_activity(reader=user)]
    return render_template("home.html", **context)


def _overdue_link(row: dict, user: Actor) -> str:
    """Where a result overdue for publication leads (逾期未公示 rows are links): the visit itself in
    the reader's own department; in another, the campaign's public page at that entity (what the
    bureau may read of another department's campaign, as its drill-downs do)."""
    if row["tenant_id"] == user.tenant_id:
        return url_for("visit_pages.detail", visit_id=row["visit_id"])
    return url_for("public_draws.campaign", campaign_id=row["on_portal"], q=row["entity"])


def _named_read(activity: audit_trail.Activity) -> audit_trail.Activity:
    """A read beyond the department (跨部门查阅) named by what was read, like any other object."""
    what = (activity.entry.details or {}).get("query") if activity.entry.action.startswith("read.") else None
    return replace(activity, name=audit_trail.Name(read_name(what))) if what else activity


#: Where the home's to-dos come from (待办事项): each domain's ``queries.tasks_for(reader)``.
SOURCES = (
    supervision.tasks_for,
    results.tasks_for,
    campaigns.tasks_for,
    joint.tasks_for,
    plans.tasks_for,
    items.tasks_for,
)


def tasks_for(user: Actor, limit: int = 20) -> list[Task]:
    """What ``user`` has to do next in their department, every domain's to-dos together."""
    return assemble(SOURCES, user, limit)


def _supervision(user: Actor) -> dict:
    """The supervision card: for the justice bureau, what the current year's figures call for and
    the notices of criticism waiting for a leader's approval; for a department leader, the notices
    received."""
    found: dict[str, Any] = {
        "period": supervision_vocabulary.current_period("year"),
        "every": supervision.reads_every_department(user),
        "drafts": supervision.criticism_drafts(reader=user),
        "received": notices.criticisms_received(user),
    }
    if found["every"]:
        found["attention"] = shown_figures.attention(found["period"], reader=user)
    return found
