"""模板助手: the names every template may use to name states and codes and to write numbers —
assembled from the domains' vocabularies (the tables themselves live there, one of each kind)."""

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol, TypeVar

from flask import g
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core import official_calendar
from spotcheck.core.actor import Department
from spotcheck.tenants.accounts.vocabulary import TENANT_KIND_LABELS, role_label
from spotcheck.tenants.audit.vocabulary import ACTION_LABELS
from spotcheck.tenants.campaigns.queries import Campaign, rules_of
from spotcheck.tenants.campaigns.vocabulary import (
    CAMPAIGN_KIND_NAMES,
    EXEMPT_KINDS,
    INSPECTOR_REPLACEMENT_REASONS,
    TARGET_REPLACEMENT_REASONS,
    cause_line,
    observer_input,
)
from spotcheck.tenants.common import vocabulary as domain
from spotcheck.tenants.common.vocabulary import (
    JOB_KIND_LABELS,
    JOB_STATUS_LABELS,
    OBJECT_LABELS,
    WEEKDAYS,
    classifications,
    in_table_order,
    job_state,
    percent,
    period_label,
    reference,
    rule_text,
)
from spotcheck.tenants.plans import queries as plans
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.results import deadlines as result_deadlines, vocabulary as results_vocabulary
from spotcheck.tenants.results.queries import categories as result_categories, listing as visit_listing
from spotcheck.tenants.rules.queries import Rules
from spotcheck.tenants.supervision.vocabulary import COMPLAINT_STATUS_LABELS, FORWARD_STATUS_LABELS, period_name

K = TypeVar("K")
V = TypeVar("V")


def exempt_line(campaign: Campaign) -> str:
    """How a campaign outside the plan is shown everywhere: "outside the plan: <kind>: <reason>"."""
    kind = campaign.exempt_kind
    return _(
        "Outside the plan: %(kind)s: %(reason)s",
        kind=EXEMPT_KINDS.get(kind, kind) if kind is not None else None,
        reason=campaign.exempt_reason,
    )


class ReasonLabel(Protocol):
    """The name of a recorded reason, in the words of the campaign's rules when there is one."""

    def __call__(self, code: str, campaign: Campaign | None = None) -> str: ...


def _reason_label(platform: Mapping[str, str], allowed: Callable[[Rules], Mapping[str, str]]) -> ReasonLabel:
    """A recorded reason of a replacement by its name: the campaign's rules' (a city may name its own
    reasons), else the platform's."""

    def label(code: str, campaign: Campaign | None = None) -> str:
        own: Mapping[str, str] = allowed(rules_of(campaign)) if campaign is not None else {}
        return own.get(code) or platform.get(code, code)

    return label


def department_stratum_label(code: str, short: bool = False, department: Department | None = None) -> str:
    """A stratum in the words of ``department`` (default: the signed-in user's) for its risk classes."""
    department = department or getattr(current_user, "tenant", None)
    return domain.department_stratum_label(code, short=short, department=department)


def region_name(code: str | None) -> str:
    """Where a business lies, by its region's code: the regions of the tree below the root down to the deepest it
    has (231084100 → 宁安市 宁安镇: the town with its county, never the county alone); for a code outside the tree,
    the division's name (:func:`classifications.region_name`). Each code looked up once per request."""
    code = (code or "").strip()
    known: dict[str, str] = g.setdefault("region_names", {})
    if code not in known:
        found = regions.located(code)
        known[code] = " ".join(r.name for r in found) if found else classifications.region_name(code)
    return known[code]


def template_helpers() -> dict[str, Callable[..., object]]:
    """The names every template may use for states, codes and numbers (one place for each)."""

    def named(table: dict[K, V]) -> Callable[[object], str]:
        return lambda code: domain.name(table, code)

    def names(table: dict[K, V]) -> Callable[[Iterable[object] | None], list[str]]:
        return lambda codes: [domain.name(table, code) for code in codes or ()]

    return {
        "role_label": role_label,
        "kind_label": lambda code: TENANT_KIND_LABELS.get(code, code),
        "status_label": lambda code: JOB_STATUS_LABELS.get(code, code),
        "job_state": job_state,
        "job_kind_label": lambda code: JOB_KIND_LABELS.get(code, code),
        "action_label": lambda code: ACTION_LABELS.get(code, code),
        "object_label": lambda code: OBJECT_LABELS.get(code, code),
        "campaign_status_label": domain.campaign_status,
        "recusal_request_status_label": named(results_vocabulary.RECUSAL_REQUEST_STATUS_LABELS),
        "answer_status_label": named(results_vocabulary.ANSWER_STATUS_LABELS),
        "complaint_status_label": named(COMPLAINT_STATUS_LABELS),
        "forward_status_label": lambda answered: FORWARD_STATUS_LABELS[bool(answered)],
        "participant_status_label": named(domain.PARTICIPANT_STATUS),
        "target_status_label": named(domain.TARGET_STATUS),
        "plan_status_label": lambda plan: domain.plan_status(plan.status, plans.awaits_filing(plan)),
        "plan_awaits_filing": plans.awaits_filing,
        "authority_label": named(domain.PLAN_AUTHORITY),
        "enforcement_field_name": lambda code: reference.ENFORCEMENT_FIELDS.get(code, code or ""),
        "item_status_label": named(domain.ITEM_STATUS),
        "draw_kind_label": named(domain.DRAW_KIND),
        "stage_label": named(domain.DRAW_STAGE),
        "excluded_label": named(domain.FRAME_EXCLUSION),
        "half_label": named(domain.PLAN_HALF),
        "flag_names": names(domain.ENTITY_FLAG),
        "target_reason_label": _reason_label(
            TARGET_REPLACEMENT_REASONS, lambda rules: rules.target_replacement_reasons
        ),
        "inspector_reason_label": _reason_label(
            INSPECTOR_REPLACEMENT_REASONS, lambda rules: rules.inspector_replacement_reasons
        ),
        "exempt_label": lambda code: EXEMPT_KINDS.get(code, code),
        "exempt_line": exempt_line,
        "campaign_kind_label": lambda code: CAMPAIGN_KIND_NAMES.get(str(getattr(code, "value", code)), code),
        "cause_line": cause_line,
        "observer_input": observer_input,
        "method_name": lambda code: reference.CHECK_METHODS.get(code, code),
        "method_names": lambda codes: in_table_order(reference.CHECK_METHODS, codes),
        "entity_type_names": lambda codes: [reference.ENTITY_TYPES.get(code, code) for code in codes or ()],
        "category_name": lambda code: reference.ENFORCEMENT_CATEGORIES.get(code, code),
        "category_names": lambda codes: in_table_order(reference.ENFORCEMENT_CATEGORIES, codes),
        "field_name": lambda code: reference.ITEM_FIELDS.get(code, code),
        "item_kind_name": lambda code: reference.ITEM_KINDS.get(code, code),
        "sex_name": lambda code: reference.SEXES.get(code, code or ""),
        "stratum_label": department_stratum_label,
        # a form's row: the letter and its word (风险等级B（较高）), whatever the department shows elsewhere, so that
        # no planner guesses which way the letters run
        "stratum_in_words": lambda code: domain.stratum_label(code, risk_words=reference.RISK_LABEL_STYLES["words"]),
        "rule_text": rule_text,
        "task_label": domain.task_label,
        "visit_status_label": named(domain.VISIT_STATUS),
        "criticism_status_label": named(domain.CRITICISM_STATUS),
        "period_name": period_name,
        "visit_due": visit_listing.due_of,
        "visit_due_rules": visit_listing.due_rules,
        "visit_flag": visit_listing.flag_of,
        "visit_due_provisional": visit_listing.due_provisional,
        "visit_late": result_deadlines.report_lateness,
        "visit_overdue": visit_listing.overdue_of,
        "visit_due_field": visit_listing.due_field_of,
        "visit_due_label": lambda visit: results_vocabulary.DUE_LABELS.get(visit_listing.due_field_of(visit) or "", ""),
        "visit_due_order": result_deadlines.in_order,
        "visit_deadline_risk": result_deadlines.report_after_publication,
        "visit_report_by": result_deadlines.report_by,
        "check_dates": lambda visit: results_vocabulary.span(visit.checked_on, visit.checked_until),
        "check_span": results_vocabulary.span,
        "calendar_source_name": lambda code: official_calendar.SOURCES.get(code, code),
        "calendar_day_kind_name": lambda code: official_calendar.DAY_KINDS.get(code, code),
        "weekday_name": lambda day: WEEKDAYS[day.weekday()],
        "due_flag_label": named(domain.DUE_FLAG),
        "result_category_name": result_categories.published_name,
        "region_name": region_name,
        "industry_name": classifications.industry_name,
        "follow_up_kind_name": lambda code: reference.FOLLOW_UP_KINDS.get(code, code),
        "follow_up_outcome_name": lambda code: reference.FOLLOW_UP_OUTCOMES.get(code, code),
        "follow_up_flag": lambda f: result_deadlines.flag(f.deadline) if f.is_open and f.deadline else None,
        "percent": percent,
        "period_label": period_label,
        "delivery_channel_name": named(domain.DELIVERY_CHANNEL),
        "notice_kind_name": named(domain.NOTICE_KIND),
        "export_status_label": named(domain.EXPORT_BATCH_STATUS),
        "delivery_status_name": named(domain.DELIVERY_STATUS),
    }
