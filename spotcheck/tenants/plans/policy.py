"""What an annual plan (年度检查计划) allows, in its state (草稿/退回 → 已公开 → 已报备 → 已备案), and
the scope its filing authorities read in (备案审核, across departments)."""

from __future__ import annotations

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core.actions import Action, Actions
from spotcheck.core.actor import Actor
from spotcheck.core.policy import Permission
from spotcheck.core.queries import Across
from spotcheck.tenants.plans.filing import authorities_for, rules_of_plan
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.plans.published_lines import changed_since_published
from spotcheck.tenants.plans.vocabulary import EDITABLE, PlanStatus, publish_again, publish_first


def _can_publish(plan: Plan) -> bool:
    # a plan filed before the rule (never published) can still be published
    return (plan.status in EDITABLE and bool(plan.lines)) or (
        plan.status == PlanStatus.filed and plan.published_lines is None
    )


def _can_submit(plan: Plan) -> bool:
    if not authorities_for(plan):
        return False  # the rules ask no filing of this plan
    if plan.status == PlanStatus.published:
        return True
    if plan.status in EDITABLE and not rules_of_plan(plan).publish_before_filing:
        return bool(plan.lines)
    return plan.status == PlanStatus.returned and bool(plan.lines) and not changed_since_published(plan)


def _submit_refusal(plan: Plan) -> LazyString:
    rules = rules_of_plan(plan)
    if not authorities_for(plan):
        return _l(
            "The rules in force ask no filing of this plan (%(rule)s): once published, it is in force.",
            rule=rules.cited["filing_authorities"].words,
        )
    if plan.status == PlanStatus.draft:
        return publish_first(rules.under("publish_before_filing"))
    if plan.status == PlanStatus.returned:
        return publish_again(rules.under("publish_before_filing"))
    return _l("Only a published plan can be submitted for filing.")


#: What a plan allows, in its state (草稿/退回 → 已公开 → 已报备 → 已备案).
PLAN_ACTIONS = Actions(
    Action(
        "edit",
        Permission.CAMPAIGNS_EDIT,
        lambda plan: plan.status in EDITABLE,
        _l("The plan can only change while it is a draft or returned."),
    ),
    Action(
        "publish",
        Permission.CAMPAIGNS_APPROVE,
        _can_publish,
        _l("Only a draft or returned plan with items can be published."),
    ),
    Action("submit", Permission.CAMPAIGNS_APPROVE, _can_submit, _submit_refusal),
    Action(
        "review",
        Permission.PLANS_REVIEW,
        lambda plan: plan.status == PlanStatus.submitted,
        _l("Only a submitted plan can be filed or returned."),
    ),
)

#: The actions that are somebody's next step on the home page (editing a draft is always possible).
NEXT_STEPS = frozenset({"publish", "submit"})


def reviewing(reader: Actor, **_: object) -> Across:
    """The filing authorities read the submitted plans of every department (备案审核)."""
    return Across("review submitted plans")


def archive(reader: Actor, **_: object) -> Across:
    """The filing archive (备案审核记录) is read across departments (each authority's own filter applies)."""
    return Across("the filing archive")
