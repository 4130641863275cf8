"""What the pages call things: roles, department kinds, job states, audited actions, strata, and
the helpers every template uses to name states and codes and to write numbers."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from spotcheck.core.policy import Role
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

ACTION_LABELS = {
    "tenant.created": _l("Department created"),
    "user.created": _l("User created"),
    "user.updated": _l("User changed"),
    "user.unlocked": _l("User unlocked"),
    "user.password_changed": _l("Password changed"),
    "auth.login": _l("Signed in"),
    "auth.logout": _l("Signed out"),
    "auth.sessions_ended": _l("Sessions ended everywhere"),
    "auth.login_failed": _l("Failed sign-in"),
    "auth.login_refused": _l("Sign-in refused"),
    "token.issued": _l("API token created"),
    "token.revoked": _l("API token revoked"),
    "job.submitted": _l("Job submitted"),
    "job.succeeded": _l("Job done"),
    "job.failed": _l("Job failed"),
    "job.requeued": _l("Job queued again"),
    "job.abandoned": _l("Job abandoned after several tries"),
    "audit.verified": _l("Audit trail verified"),
    "demo.city": _l("Demo data loaded"),
    "tenant.risk_labels_changed": _l("Risk labels changed"),
    "item.created": _l("Item created"),
    "item.changed": _l("Item changed"),
    "item.published": _l("Item published"),
    "item.retired": _l("Item retired"),
    "entity.saved": _l("Registry entity saved"),
    "directory.added": _l("Added to the directory"),
    "directory.changed": _l("Directory entry changed"),
    "directory.removed": _l("Removed from the directory"),
    "directory.imported": _l("Directory imported"),
    "sheet.imported": _l("Spreadsheet imported"),
    "inspector.created": _l("Inspector added"),
    "inspector.changed": _l("Inspector changed"),
    "inspector.id_viewed": _l("Full ID number viewed"),
    "inspector.ids_exported": _l("Inspector list exported with full ID numbers"),
    "recusal.declared": _l("Recusal declared"),
    "recusal.withdrawn": _l("Recusal withdrawn"),
    "rules.saved": _l("Rules document saved"),
    "rules.file_attached": _l("Rules file attached"),
    "rules.published": _l("Rules document published"),
    "contacts.saved": _l("Responsible person and liaison saved"),
    "plan.created": _l("Plan created"),
    "plan.line_set": _l("Plan item set"),
    "plan.line_removed": _l("Plan item removed"),
    "plan.submitted": _l("Plan submitted for filing"),
    "plan.filed": _l("Plan filed"),
    "plan.returned": _l("Plan returned"),
    "plan.published": _l("Plan published"),
    "field_lead.named": _l("Lead department of an enforcement field named"),
    "supervision.read": _l("Supervision figures read across departments"),
    "assessment.configured": _l("Assessment deduction set"),
    "criticism.drafted": _l("Notice of criticism drafted"),
    "criticism.changed": _l("Notice of criticism changed"),
    "criticism.withdrawn": _l("Notice of criticism withdrawn"),
    "criticism.approved": _l("Notice of criticism approved and delivered"),
    "campaign.created": _l("Campaign created"),
    "campaign.changed": _l("Campaign changed"),
    "campaign.approved": _l("Campaign approved"),
    "campaign.deleted": _l("Draft campaign deleted"),
    "campaign.returned": _l("Draft campaign returned to its planner"),
    "campaign.withdrawn": _l("Campaign withdrawn"),
    "joint.created": _l("Joint campaign created"),
    "joint.changed": _l("Joint campaign changed"),
    "joint.invited": _l("Departments invited to the joint campaign"),
    "joint.accepted": _l("Invitation to a joint campaign accepted"),
    "joint.declined": _l("Invitation to a joint campaign declined"),
    "joint.part_saved": _l("Department's part of a joint campaign saved"),
    "joint.part_approved": _l("Department's part of a joint campaign approved"),
    "joint.approved": _l("Joint campaign approved"),
    "joint.returned": _l("Joint campaign returned to its coordinator"),
    "joint.withdrawn": _l("Joint campaign withdrawn"),
    "joint.handed_out": _l("Joint campaign handed to the teams"),
    "draw.committed": _l("Draw committed"),
    "draw.frozen": _l("Draw frame frozen"),
    "draw.drawn": _l("Draw made"),
    "draw.target_replaced": _l("Target replaced"),
    "draw.inspector_replaced": _l("Inspector replaced"),
    "team.leader_designated": _l("Team leader named"),
    "team.expert_added": _l("Expert joined a team"),
    "team.expert_removed": _l("Expert left a team"),
    "team.recusal_declared": _l("Conflict declared against a team member (to be replaced)"),
    "campaign.handed_out": _l("Visits handed to the teams"),
    "campaign.closed": _l("Campaign closed"),
    "follow_up.opened": _l("Follow-up opened"),
    "exports.backfilled": _l("Earlier published results queued for the credit-system export"),
    "notices.written": _l("Inspection and assignment notices written"),
    "notices.announcement": _l("Result announcement written"),
    "notices.transfer_letter": _l("Transfer letter written"),
    "account.contact_changed": _l("Contact details changed"),
    "export.batch_built": _l("Credit-system export batch built"),
    "export.batch_delivered": _l("Credit-system export batch delivered"),
    "export.delivery_failed": _l("Credit-system export delivery failed"),
    "result_categories.configured": _l("Result categories in use chosen"),
    "result_categories.added": _l("Result category added"),
    "result_categories.changed": _l("Result category taken out of use or back"),
    "follow_up.closed": _l("Follow-up closed"),
    "transfer.acknowledged": _l("Transfer acknowledged"),
    "visit.closed": _l("Visit closed"),
    "visit.no_follow_up_decided": _l("Leader decided no follow-up is needed"),
    "inspector.linked": _l("Inspector linked to a user account"),
    "inspector.unlinked": _l("Inspector unlinked from a user account"),
    "result.recorded": _l("Result recorded"),
    "result.imported": _l("Result imported (submitted for review)"),
    "result.submitted": _l("Result submitted"),
    "result.returned": _l("Result returned"),
    "result.dates_corrected": _l("Check dates corrected"),
    "deadlines.recounted": _l("Provisional deadlines counted again"),
    "calendar.loaded": _l("Official calendar entered"),
    "report.prepared": _l("Statistical table prepared (figures frozen)"),
    "report.submitted": _l("Statistical table signed and submitted"),
    "result.approved": _l("Result approved"),
    "result.published": _l("Result published"),
    "result.correction_started": _l("Correction of a result started"),
    "result.attachment_added": _l("Attachment added to a result"),
    "result.attachment_removed": _l("Attachment removed from a result"),
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
    from spotcheck.tenants.results import categories as result_categories, check_dates, deadlines, listing as visit_listing

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
        "check_dates": lambda visit: check_dates.span(visit.checked_on, visit.checked_until),
        "check_span": check_dates.span,
        "calendar_source_name": lambda code: official_calendar.SOURCES.get(code, code),
        "calendar_day_kind_name": lambda code: official_calendar.DAY_KINDS.get(code, code),
        "weekday_name": lambda day: WEEKDAYS[day.weekday()],
        "due_flag_label": named(domain.DUE_FLAG),
        "result_category_name": result_categories.published_name,
        "region_name": classifications.region_name,
        "industry_name": classifications.industry_name,
        "follow_up_kind_name": lambda code: reference.FOLLOW_UP_KINDS.get(code, code),
        "follow_up_outcome_name": lambda code: reference.FOLLOW_UP_OUTCOMES.get(code, code),
        "follow_up_flag": lambda f: deadlines.flag(f.deadline) if f.is_open and f.deadline else None,
        "percent": percent,
        "period_label": period_label,
        "delivery_channel_name": named(domain.DELIVERY_CHANNEL),
        "notice_kind_name": named(domain.NOTICE_KIND),
        "export_status_label": named(domain.EXPORT_BATCH_STATUS),
        "delivery_status_name": named(domain.DELIVERY_STATUS),
    }
