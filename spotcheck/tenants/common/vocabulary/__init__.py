"""名称: what the platform calls its states and codes — one table per kind of code, used by the
staff pages, the public portal, the API's error messages and the documents alike; and the helpers
that write codes and numbers in words (percentages, sampling rules, periods, job states).

The code tables themselves (代码表) are in :mod:`.reference`, the national classifications
(行政区划、行业分类) in :mod:`.classifications`; roles and department kinds are named by the
accounts' vocabulary, audited actions by the audit trail's.

Each value is a lazy translation (the UI is Chinese by default). :func:`name` looks a code (or
an enum member) up in a table and falls back to the code itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from flask_babel import LazyString, gettext as _, lazy_gettext as _l

from spotcheck.tenants.common.vocabulary import reference

if TYPE_CHECKING:  # the models name their states with these tables: imported for the annotations only
    from spotcheck.core.actor import Department
    from spotcheck.core.job_models import Job

#: The codes a table names (strings mostly; a plan's half, 1, 2 or None for the whole year).
Code = TypeVar("Code")

#: 抽查任务 life cycle.
CAMPAIGN_STATUS = {
    "draft": _l("Draft"),
    "approved": _l("Approved, draw committed"),
    "targets_drawn": _l("Targets drawn"),
    "inspectors_drawn": _l("Inspectors drawn"),
    "notified": _l("Handed to the teams"),
    "in_progress": _l("Inspections in progress"),
    "results_in": _l("Results approved"),
    "published": _l("Results published"),
    "closed": _l("Closed"),
    "withdrawn": _l("Withdrawn (cancelled)"),
}
#: A check of named businesses (特定对象检查) registers its businesses where a random campaign draws them.
NAMED_CAMPAIGN_STATUS = {**CAMPAIGN_STATUS, "targets_drawn": _l("Targets registered")}
#: A check registered after it was made (事后登记) was never a draft, and registers its team too (not drawn).
LATE_CAMPAIGN_STATUS = {
    **NAMED_CAMPAIGN_STATUS,
    "approved": _l("Registered after it was made"),
    "inspectors_drawn": _l("Team registered"),
}


def campaign_status(status: object, campaign: object = None) -> str:
    """A campaign's status (or a step of its life cycle) as every page and table says it: in the words of
    ``campaign``'s kind — a check of named businesses (``campaign.named``) registers its businesses, one
    registered after it was made (``campaign.registered_late``) its team too; a random campaign's words when
    ``campaign`` is None."""
    if getattr(campaign, "registered_late", False):
        return name(LATE_CAMPAIGN_STATUS, status)
    return name(NAMED_CAMPAIGN_STATUS if getattr(campaign, "named", False) else CAMPAIGN_STATUS, status)


#: A department's answer to a joint campaign (联合抽查参与部门).
PARTICIPANT_STATUS = {
    "invited": _l("Invited, no answer yet"),
    "accepted": _l("Accepted, preparing its part"),
    "approved": _l("Part approved by its leader"),
    "declined": _l("Declined"),
    "withdrawn": _l("Joint campaign withdrawn"),
}
#: 通报 (a notice of criticism): drafted, then approved and delivered, or withdrawn.
CRITICISM_STATUS = {
    "draft": _l("Draft, to be approved by a leader of the bureau"),
    "approved": _l("Approved and delivered"),
    "withdrawn": _l("Withdrawn"),
}
#: 已公示: a result made public (公示), as every page says it — never 已发布, which is said of an item or a document.
RESULT_PUBLISHED = _l("Publicised")
#: 检查 (a visit): its result step by step.
VISIT_STATUS = {
    "assigned": _l("To inspect"),
    "drafting": _l("Result being recorded"),
    "submitted": _l("Waiting for review"),
    "returned": _l("Returned for changes"),
    "approved": _l("Approved, to publish"),
    "published": RESULT_PUBLISHED,
}
#: How close a deadline is.
DUE_FLAG = {"overdue": _l("Overdue"), "due_soon": _l("Due soon")}
#: 文书: the kinds of document the platform writes.
NOTICE_KIND = {
    "inspection": _l("Inspection notice"),
    "assignment": _l("Assignment notice"),
    "announcement": _l("Result announcement"),
    "transfer": _l("Transfer letter"),
    "criticism": _l("Notice of criticism"),
}
#: An export batch to the credit system (导出批次): waiting for delivery, delivered, failed.
EXPORT_BATCH_STATUS = {
    "pending": _l("Waiting for delivery"),
    "delivered": _l("Delivered"),
    "failed": _l("Delivery failed, to be tried again"),
}
#: 送达渠道 and the state of a delivery.
DELIVERY_CHANNEL = {"inbox": _l("Inbox"), "email": _l("E-mail"), "sms": _l("SMS")}
DELIVERY_STATUS = {"pending": _l("Waiting to be sent"), "sent": _l("Sent out"), "failed": _l("Not sent")}
#: A drawn target: selected, kept in reserve, or replaced (with a reason).
TARGET_STATUS = {"selected": _l("Selected"), "reserve": _l("Reserve"), "replaced": _l("Replaced")}
#: 年度检查计划: drafted, published (公开), submitted for filing (报备), filed (备案); or returned.
PLAN_STATUS = {
    "draft": _l("Draft"),
    "returned": _l("Returned for changes"),
    "published": _l("Published, to submit for filing"),
    "submitted": _l("Submitted for filing"),
    "filed": _l("Filed"),
}
#: A published plan under rules that name no filing authority: in force once published (无需报备).
PLAN_IN_FORCE = _l("Published (the rules ask no filing)")


def plan_status(status: object, awaits_filing: bool = True) -> str:
    """A plan's status as every page says it: a published plan whose rules ask no filing (``awaits_filing``
    False) is in force, not waiting to be filed (待报备)."""
    if getattr(status, "value", status) == "published" and not awaits_filing:
        return str(PLAN_IN_FORCE)
    return name(PLAN_STATUS, status)


#: The filing authorities (备案机关) of a plan.
PLAN_AUTHORITY = {"justice": _l("Justice bureau (司法局)"), "market": _l("Market-regulation bureau (市场监督管理局)")}
#: A plan's period.
PLAN_HALF = {None: _l("Whole year"), 1: _l("First half-year"), 2: _l("Second half-year")}
#: 抽查事项: draft, published, retired.
ITEM_STATUS = {"draft": _l("Draft"), "published": _l("Published"), "retired": _l("Retired")}
#: The two draws of a campaign.
DRAW_KIND = {"targets": _l("Target draw"), "inspectors": _l("Inspector draw")}
#: How far a draw's ceremony has gone.
DRAW_STAGE = {"committed": _l("Committed"), "frozen": _l("Frame frozen"), "drawn": _l("Drawn")}
#: Why candidates were left out of a frozen frame (its published exclusion counts).
FRAME_EXCLUSION = {
    "not_active": _l("No longer operating (deregistered, revoked or moved away)"),
    "checked_this_year": _l("Already checked this year for the same items (not flagged)"),
    "cap": _l("At the yearly cap on inspections of a business"),
    "outside_branch": _l("Located outside the department's jurisdiction (管辖)"),
    "inactive": _l("Inspector not active"),
    "certificate_expired": _l("Enforcement certificate not valid on the draw date"),
    "not_qualified": _l("Not qualified for the items' enforcement categories"),
}
#: The flags of a registry entity that change sampling (分类分级).
ENTITY_FLAG = {
    "abnormal": _l("Abnormal operations list"),
    "blacklisted": _l("Serious violation / dishonesty list"),
    "penalized": _l("Recently penalised"),
    "complaints": _l("Complaints and reports"),
}
#: The same flags, short, for badges in tables (the long name is the badge's title).
ENTITY_FLAG_SHORT = {
    "abnormal": _l("Abnormal"),
    "blacklisted": _l("Dishonest"),
    "penalized": _l("Penalised"),
    "complaints": _l("Complaints"),
}


def name(table: Mapping[Code, object], code: object) -> str:
    """The name of ``code`` (a value or an enum member) in ``table``; the code itself when unknown."""
    key: Any = getattr(code, "value", code)  # the code, or the enum member's: looked up as the table's keys are
    value = table.get(key)
    return str(value) if value is not None else ("" if key is None else str(key))


# --- jobs, objects, strata, numbers --------------------------------------------------------------

#: The flagged stratum's code (a campaign's draw puts flagged entities in it).
FLAGGED = "flagged"
FLAGGED_LABEL = _l("Flagged entities (complaints, abnormal list, serious violations, recent penalty)")
FLAGGED_SHORT_LABEL = _l("Flagged")
#: The one "stratum" of a named check's targets (特定对象检查: registered, not drawn by risk class).
NAMED = "named"
NAMED_LABEL = _l("Named businesses")


def stratum_label(code: str, *, risk_words: dict | None = None, short: bool = False) -> str:
    """A draw stratum (分层): a risk class, with the department's word for it when it has one
    (e.g. 高风险), or the flagged stratum (in full, or short for a table row)."""
    if code == FLAGGED:
        return str(FLAGGED_SHORT_LABEL if short else FLAGGED_LABEL)
    if code == NAMED:
        return str(NAMED_LABEL)
    risk = _("Risk class %(code)s", code=code)
    word = (risk_words or {}).get(code)
    return f"{risk} ({word})" if word and word != code and not short else risk


def department_stratum_label(code: str, short: bool = False, department: Department | None = None) -> str:
    """A stratum in the words of ``department`` for its risk classes (letters when none is given)."""
    style = getattr(department, "risk_labels", None) or "letters"
    return stratum_label(code, risk_words=reference.RISK_LABEL_STYLES.get(style, {}), short=short)


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
    "import.results": _l("Import of a campaign's results entered offline"),
    "export.items": _l("Export of the spot-check item list"),
    "export.directory": _l("Export of the target directory"),
    "export.inspectors": _l("Export of the inspector directory"),
    "export.joint_statistics": _l("Export of the year's joint-inspection statistics"),
    "export.results_template": _l("Workbook of a campaign's results to fill offline"),
    "draw.targets": _l("Target draw"),
    "draw.inspectors": _l("Inspector draw"),
    "joint.sizes": _l("Size of a joint draw"),
    "joint.draw.targets": _l("Joint target draw"),
    "joint.draw.inspectors": _l("Joint inspector draw"),
    "campaign.hand_out": _l("Hand-out of the visits"),
    "results.approve": _l("Approval of many results"),
    "results.publish": _l("Publication of many results"),
    "joint.hand_out": _l("Hand-out of a joint campaign's visits"),
    "exports.export": _l("Credit-system export"),
    "exports.deliver": _l("Credit-system export: delivery of a batch"),
    "notices.campaign": _l("Inspection and assignment notices"),
    "notices.announcement": _l("Result announcement"),
    "notices.transfer_letter": _l("Transfer letter"),
    "supervision.draw_check": _l("The justice bureau's check of a blinded draw"),
}

OBJECT_LABELS = {
    "business_account": _l("Business account"),
    "tenant": _l("Department"),
    "region": _l("Region"),
    "deployment": _l("This deployment"),
    "item": _l("Item"),
    "entity": _l("Registry entity"),
    "directory_entry": _l("Directory entry"),
    "inspector": _l("Inspector"),
    "recusal": _l("Recusal"),
    "complaint": _l("Complaint"),
    "complaint_forward": _l("Complaint forwarded by the bureau"),
    "evaluation": _l("Evaluation of an inspection"),
    "rules_document": _l("Rules document"),
    "rule_version": _l("Version of the rules"),
    "period": _l("Statistical period"),
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
    "link_code": _l("Link code of the identity platform"),
    "job": _l("Job"),
    "audit_chain": _l("Audit trail"),
    "calendar_year": _l("Official calendar"),
    "report_submission": _l("Statistical table submitted"),
    "report_entry": _l("Cell of a statistical table filled by the department"),
    "import": _l("Spreadsheet import"),
    "demo": _l("Demo data"),
    "scope": _l("Read beyond the department (cross-department or joint campaign)"),
}


#: A finished import whose file had mistakes: the job ended normally, nothing was imported.
JOB_REJECTED = "rejected"
JOB_STATUS_LABELS[JOB_REJECTED] = _l("Finished: nothing imported, the file has mistakes")


def job_state(job: Job) -> str:
    """A job's state as the user should read it: an import refused for mistakes in its file is not "done"."""
    status = getattr(job.status, "value", job.status)
    if status == "succeeded" and isinstance(job.result, dict) and job.result.get("ok") is False:
        return JOB_REJECTED
    return status


def percent(basis_points: int | str | None) -> str:
    """3000 → "30%", 250 → "2.5%" (ratios are kept in basis points)."""
    if basis_points in (None, ""):
        return ""
    return f"{int(basis_points) / 100:.2f}".rstrip("0").rstrip(".") + "%"


def rule_text(rule: Mapping[str, int] | None) -> str:
    """A stratum's sampling rule: "5 drawn", or "30%, at least 2"."""
    if not rule:
        return "—"
    if "count" in rule:
        return _("%(n)d drawn", n=int(rule["count"]))
    return _("%(ratio)s, at least %(min)d", ratio=percent(rule.get("ratio_bp")), min=int(rule.get("min") or 0))


class PlanPeriod(Protocol):
    """What a plan's period is said from (抽查计划: its year and half; a joint plan's ``kind`` and ``field``
    are read when it has them)."""

    @property
    def year(self) -> int: ...
    @property
    def half(self) -> int | None: ...


def period_label(plan: PlanPeriod) -> str:
    """A plan's period: "2026, whole year"; a joint plan's: "2026, joint plan of 安全生产"."""
    if getattr(plan, "kind", "annual") == "joint":
        field = str(getattr(plan, "field", ""))
        return _(
            "%(year)s, yearly joint plan of %(field)s",
            year=plan.year,
            field=reference.ENFORCEMENT_FIELDS.get(field, field),
        )
    if plan.half == 1:
        return _("%(year)s, first half-year", year=plan.year)
    if plan.half == 2:
        return _("%(year)s, second half-year", year=plan.year)
    return _("%(year)s, whole year", year=plan.year)


def in_table_order(table: Mapping[str, object], codes: Iterable[str] | None) -> list[str]:
    """The names of ``codes`` in the order of the reference table (unknown codes last, as given)."""
    codes = list(codes or [])
    return [str(name) for code, name in table.items() if code in codes] + [c for c in codes if c not in table]


#: The next steps a home page lists (the actions each domain's ``tasks_for`` lists).
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
    "import_results": _l("Record the results, or import those entered offline"),
    "close": _l("Close the campaign"),
}
#: A visit's next steps, where they differ from the names above.
VISIT_TASK_LABELS = {
    "record": _l("Record the result"),
    "submit": _l("Submit the result"),
    "confirm": _l("Confirm the result recorded for your team"),
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
    "follow_up": {
        "review_answer": _l("Review the business's answer"),
        "close": _l("Record the re-check or the outcome"),
    },
    "transfer": {"acknowledge": _l("Acknowledge the transfer (签收)")},
    "recusal_request": {"decide": _l("Decide the business's request")},
    "joint_recusal_request": {"decide_joint": _l("Decide the business's request")},
    "recusal_replacement": {"replace": _l("Replace the recused member")},
    "leader_accounts": {"open_accounts": _l("Open these team leaders' accounts")},
    "complaint": {"forward": _l("Forward or answer the complaint"), "answer": _l("Answer the business")},
    "complaint_forward": {"answer": _l("Answer the justice bureau")},
    "report": {"prepare": _l("Prepare the table (figures frozen)"), "submit": _l("Sign and submit the table")},
    "joint": {"approve": _l("Approve the joint campaign")},
    "criticism": {"approve": _l("Approve and issue the notice of criticism")},
    "draw_check": {"check": _l("Check the draw")},
    "basics": {"complete": _l("Complete and publish them, then file them with the justice bureau")},
    "setup": {
        "add_items": _l("Add inspection items"),
        "add_entries": _l("Add the businesses you supervise to the target directory"),
        "add_inspectors": _l("Enter the inspectors"),
        "write_plan": _l("Prepare this year's inspection plan"),
    },
    "directory_upkeep": {"update": _l("Review the target directory and update it")},
    "invitation": {
        "accept": _l("Answer the invitation"),
        "edit_part": _l("Choose our items and rules"),
        "approve_part": _l("Approve our part"),
    },
}


def task_label(code: str, kind: str | None = None) -> LazyString | str:
    """A next step's name on a to-do list: the kind's own name for it, else the common one."""
    own = TASK_LABELS_BY_KIND.get(kind, {}) if kind is not None else {}
    return own.get(code) or TASK_LABELS.get(code, code)


#: 星期: the days of the week as a Chinese calendar names them.
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
