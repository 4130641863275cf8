"""What the pages call things: roles, department kinds, job states, strata (audited actions: audit_labels), and
the helpers every template uses to name states and codes and to write numbers."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from spotcheck.core.policy import Role
from spotcheck.platform.web.audit_labels import ACTION_LABELS  # noqa: F401 (the pages name actions from here)
from spotcheck.tenants import classifications, labels as domain, reference
from spotcheck.tenants.campaigns.services import FLAGGED

ROLE_LABELS = {
    Role.platform_admin: _l("Platform administrator"),
    Role.tenant_admin: _l("Department administrator"),
    Role.planner: _l("Planner"),
    Role.leader: _l("Leader"),
    Role.inspector: _l("Inspector"),
    Role.coordinator: _l("Coordinator (joint inspections)"),
    Role.supervisor: _l("Supervisor (justice bureau)"),
    Role.field_coordinator: _l("Joint-check coordinator of a field's lead department"),
}

TENANT_KIND_LABELS = {
    "lead": _l("Lead department (market regulation)"),
    "supervisor": _l("Supervising department (justice bureau)"),
    "ordinary": _l("Ordinary department"),
}

FLAGGED_LABEL = _l("Flagged entities (complaints, abnormal list, serious violations, recent penalty)")
FLAGGED_SHORT_LABEL = _l("Flagged")


def stratum_label(code: str, *, risk_words: dict | None = None, short: bool = False) -> str:
    """A draw stratum (分层): a risk class, with the department's word for it when it has one
    (e.g. 高风险), or the flagged stratum (in full, or short for a table row)."""
    if code == FLAGGED:
        return str(FLAGGED_SHORT_LABEL if short else FLAGGED_LABEL)
    risk = _("Risk class %(code)s", code=code)
    word = (risk_words or {}).get(code)
    return f"{risk} ({word})" if word and word != code and not short else risk


JOB_STATUS_LABELS = {
    "queued": _l("Queued"),
    "running": _l("Running"),
    "succeeded": _l("Done"),
    "failed": _l("Failed"),
}

JOB_KIND_LABELS = {
    "audit.verify": _l("Audit trail verification"),
    "import.items": _l("Import of the spot-check item list"),
    "import.directory": _l("Import of the target directory"),
    "import.inspectors": _l("Import of the inspector directory"),
    "draw.targets": _l("Target draw"),
    "draw.inspectors": _l("Inspector draw"),
    "exports.export": _l("Credit-system export"),
    "exports.deliver": _l("Credit-system export: delivery of a batch"),
    "notices.campaign": _l("Inspection and assignment notices"),
    "notices.announcement": _l("Result announcement"),
    "notices.transfer_letter": _l("Transfer letter"),
}

OBJECT_LABELS = {
    "tenant": _l("Department"),
    "item": _l("Item"),
    "entity": _l("Registry entity"),
    "directory_entry": _l("Directory entry"),
    "inspector": _l("Inspector"),
    "recusal": _l("Recusal"),
    "rules_document": _l("Rules document"),
    "department_contact": _l("Responsible person and liaison"),
    "plan": _l("Plan"),
    "field_lead": _l("Enforcement field"),
    "campaign": _l("Campaign"),
    "joint_participant": _l("Invitation to a joint campaign"),
    "supervision": _l("Supervision figures"),
    "deduction_rule": _l("Assessment deduction"),
    "criticism": _l("Notice of criticism"),
    "visit": _l("Visit"),
    "follow_up": _l("Follow-up"),
    "export_batch": _l("Credit-system export batch"),
    "user": _l("User"),
    "api_token": _l("API token"),
    "job": _l("Job"),
    "audit_chain": _l("Audit trail"),
    "calendar_year": _l("Official calendar"),
    "report_submission": _l("Statistical table submitted"),
    "import": _l("Spreadsheet import"),
    "demo": _l("Demo data"),
}


def role_label(code: str):
    return ROLE_LABELS[Role(code)] if code in Role._value2member_map_ else code



# --- states and codes as every page shows them (the tables are in spotcheck.tenants.labels) -----

#: A finished import whose file had mistakes: the job ended normally, nothing was imported.
JOB_REJECTED = "rejected"
JOB_STATUS_LABELS[JOB_REJECTED] = _l("Finished: nothing imported, the file has mistakes")


def job_state(job) -> str:
    """A job's state as the user should read it: an import refused for mistakes in its file is not "done"."""
    status = getattr(job.status, "value", job.status)
    if status == "succeeded" and isinstance(job.result, dict) and job.result.get("ok") is False:
        return JOB_REJECTED
    return status


def percent(basis_points) -> str:
    """3000 → "30%", 250 → "2.5%" (ratios are kept in basis points)."""
    if basis_points in (None, ""):
        return ""
    return f"{int(basis_points) / 100:.2f}".rstrip("0").rstrip(".") + "%"


def rule_text(rule) -> str:
    """A stratum's sampling rule: "5 drawn", or "30%, at least 2"."""
    if not rule:
        return "—"
    if "count" in rule:
        return _("%(n)d drawn", n=int(rule["count"]))
    return _("%(ratio)s, at least %(min)d", ratio=percent(rule.get("ratio_bp")), min=int(rule.get("min") or 0))


def exempt_line(campaign) -> str:
    """How a campaign outside the plan is shown everywhere: "outside the plan: <kind>: <reason>"."""
    from spotcheck.tenants.campaigns.services import EXEMPT_KINDS

    return _("Outside the plan: %(kind)s: %(reason)s", kind=EXEMPT_KINDS.get(campaign.exempt_kind,
                                                                            campaign.exempt_kind),
             reason=campaign.exempt_reason)


def period_label(plan) -> str:
    """A plan's period: "2026, whole year"; a joint plan's: "2026, joint plan of 安全生产"."""
    if getattr(plan, "kind", "annual") == "joint":
        return _("%(year)s, yearly joint plan of %(field)s", year=plan.year,
                 field=reference.ENFORCEMENT_FIELDS.get(plan.field, plan.field))
    if plan.half == 1:
        return _("%(year)s, first half-year", year=plan.year)
    if plan.half == 2:
        return _("%(year)s, second half-year", year=plan.year)
    return _("%(year)s, whole year", year=plan.year)


def department_stratum_label(code: str, short: bool = False, department=None) -> str:
    """A stratum in the words of ``department`` (default: the signed-in user's) for its risk classes."""
    from flask_login import current_user

    department = department or getattr(current_user, "tenant", None)
    style = getattr(department, "risk_labels", None) or "letters"
    return stratum_label(code, risk_words=reference.RISK_LABEL_STYLES.get(style, {}), short=short)


def in_table_order(table: dict, codes) -> list[str]:
    """The names of ``codes`` in the order of the reference table (unknown codes last, as given)."""
    codes = list(codes or [])
    return [str(name) for code, name in table.items() if code in codes] + [c for c in codes if c not in table]


#: The next steps a home page lists (the actions of spotcheck.tenants.overview.NEXT_STEPS).
TASK_LABELS = {
    "approve": _l("Approve"),
    "freeze_targets": _l("Freeze the target frame"),
    "draw_targets": _l("Draw the targets"),
    "freeze_inspectors": _l("Freeze the inspector frame"),
    "draw_inspectors": _l("Draw the inspectors"),
    "designate_leader": _l("Name the team leaders"),
    "submit": _l("Submit for filing (报备)"),
    "publish": _l("Publish"),
    "hand_out": _l("Hand the visits to the teams"),
    "close": _l("Close the campaign"),
}
#: A visit's next steps, where they differ from the names above.
VISIT_TASK_LABELS = {
    "record": _l("Record the result"),
    "submit": _l("Submit the result"),
    "approve": _l("Review the result"),
    "return": _l("Review the result"),
    "publish": _l("Publish the result"),
}
#: A follow-up's form, by kind: what its details say, how it is closed and what the closing note says.
FOLLOW_UP_DETAIL_LABELS = {
    "rectification": _l("What must be corrected (整改要求)"),
    "case": _l("Grounds of the case (案由)"),
    "transfer": _l("What is transferred and why (移送事项)"),
    "police": _l("The record and materials transferred (移送材料)"),
}
FOLLOW_UP_CLOSE_LABELS = {
    "rectification": _l("Record the re-check (复查)"),
    "case": _l("Record the conclusion of the case (结案)"),
    "police": _l("Record the acceptance by the police (受理)"),
    "transfer": _l("Acknowledge (签收)"),
}
FOLLOW_UP_NOTE_LABELS = {
    "rectification": _l("Re-check notes"),
    "case": _l("Decision (处理结果)"),
    "police": _l("Acceptance receipt (受案回执)"),
    "transfer": _l("Note"),
}

#: Each kind's next steps where they differ from :data:`TASK_LABELS`.
TASK_LABELS_BY_KIND = {
    "visit": VISIT_TASK_LABELS,
    "follow_up": {"close": _l("Record the re-check or the outcome")},
    "transfer": {"acknowledge": _l("Acknowledge the transfer (签收)")},
    "report": {"prepare": _l("Prepare the table (figures frozen)"), "submit": _l("Sign and submit the table")},
    "joint": {"approve": _l("Approve the joint campaign")},
    "invitation": {"accept": _l("Answer the invitation"), "edit_part": _l("Choose our items and rules"),
                   "approve_part": _l("Approve our part")},
}


#: 星期: the days of the week as a Chinese calendar names them.
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")


def template_helpers() -> dict:
    """The names every template may use for states, codes and numbers (one place for each)."""
    from spotcheck.core import official_calendar
    from spotcheck.tenants.campaigns.ceremony import INSPECTOR_REPLACEMENT_REASONS, TARGET_REPLACEMENT_REASONS
    from spotcheck.tenants.campaigns.services import EXEMPT_KINDS
    from spotcheck.tenants.results import vocabulary as results_vocabulary
    from spotcheck.tenants.results.queries import categories as result_categories, listing as visit_listing

    def named(table):
        return lambda code: domain.name(table, code)

    def names(table):
        return lambda codes: [domain.name(table, code) for code in codes or ()]

    return {
        "role_label": role_label,
        "kind_label": lambda code: TENANT_KIND_LABELS.get(code, code),
        "status_label": lambda code: JOB_STATUS_LABELS.get(code, code),
        "job_state": job_state,
        "job_kind_label": lambda code: JOB_KIND_LABELS.get(code, code),
        "action_label": lambda code: ACTION_LABELS.get(code, code),
        "object_label": lambda code: OBJECT_LABELS.get(code, code),
        "campaign_status_label": named(domain.CAMPAIGN_STATUS),
        "participant_status_label": named(domain.PARTICIPANT_STATUS),
        "target_status_label": named(domain.TARGET_STATUS),
        "plan_status_label": named(domain.PLAN_STATUS),
        "authority_label": named(domain.PLAN_AUTHORITY),
        "enforcement_field_name": lambda code: reference.ENFORCEMENT_FIELDS.get(code, code or ""),
        "item_status_label": named(domain.ITEM_STATUS),
        "draw_kind_label": named(domain.DRAW_KIND),
        "stage_label": named(domain.DRAW_STAGE),
        "excluded_label": named(domain.FRAME_EXCLUSION),
        "half_label": named(domain.PLAN_HALF),
        "flag_names": names(domain.ENTITY_FLAG),
        "target_reason_label": lambda code: TARGET_REPLACEMENT_REASONS.get(code, code),
        "inspector_reason_label": lambda code: INSPECTOR_REPLACEMENT_REASONS.get(code, code),
        "exempt_label": lambda code: EXEMPT_KINDS.get(code, code),
        "exempt_line": exempt_line,
        "method_name": lambda code: reference.CHECK_METHODS.get(code, code),
        "method_names": lambda codes: in_table_order(reference.CHECK_METHODS, codes),
        "entity_type_names": lambda codes: [reference.ENTITY_TYPES.get(code, code) for code in codes or ()],
        "category_name": lambda code: reference.ENFORCEMENT_CATEGORIES.get(code, code),
        "category_names": lambda codes: in_table_order(reference.ENFORCEMENT_CATEGORIES, codes),
        "field_name": lambda code: reference.ITEM_FIELDS.get(code, code),
        "item_kind_name": lambda code: reference.ITEM_KINDS.get(code, code),
        "sex_name": lambda code: reference.SEXES.get(code, code or ""),
        "stratum_label": department_stratum_label,
        "rule_text": rule_text,
        "task_label": lambda code, kind=None: TASK_LABELS_BY_KIND.get(kind, TASK_LABELS).get(code, code),
        "visit_status_label": named(domain.VISIT_STATUS),
        "criticism_status_label": named(domain.CRITICISM_STATUS),
        "visit_due": visit_listing.due_of,
        "visit_flag": visit_listing.flag_of,
        "visit_due_provisional": visit_listing.due_provisional,
        "check_dates": lambda visit: results_vocabulary.span(visit.checked_on, visit.checked_until),
        "check_span": results_vocabulary.span,
        "calendar_source_name": lambda code: official_calendar.SOURCES.get(code, code),
        "calendar_day_kind_name": lambda code: official_calendar.DAY_KINDS.get(code, code),
        "weekday_name": lambda day: WEEKDAYS[day.weekday()],
        "due_flag_label": named(domain.DUE_FLAG),
        "result_category_name": result_categories.published_name,
        "region_name": classifications.region_name,
        "industry_name": classifications.industry_name,
        "follow_up_kind_name": lambda code: reference.FOLLOW_UP_KINDS.get(code, code),
        "follow_up_outcome_name": lambda code: reference.FOLLOW_UP_OUTCOMES.get(code, code),
        "follow_up_flag": lambda f: visit_listing.deadline_flag(f.deadline) if f.is_open and f.deadline else None,
        "percent": percent,
        "period_label": period_label,
        "delivery_channel_name": named(domain.DELIVERY_CHANNEL),
        "notice_kind_name": named(domain.NOTICE_KIND),
        "export_status_label": named(domain.EXPORT_BATCH_STATUS),
        "delivery_status_name": named(domain.DELIVERY_STATUS),
    }
