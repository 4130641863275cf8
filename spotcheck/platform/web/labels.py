"""What the pages call things: roles, department kinds, job states, audited actions, strata."""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from spotcheck.core.policy import Role
from spotcheck.tenants.campaigns.services import FLAGGED

ROLE_LABELS = {
    Role.platform_admin: _l("Platform administrator"),
    Role.tenant_admin: _l("Department administrator"),
    Role.planner: _l("Planner"),
    Role.leader: _l("Leader"),
    Role.inspector: _l("Inspector"),
    Role.coordinator: _l("Coordinator (joint inspections)"),
    Role.supervisor: _l("Supervisor (justice bureau)"),
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
    "auth.login_failed": _l("Failed sign-in"),
    "auth.login_refused": _l("Sign-in refused"),
    "token.issued": _l("API token created"),
    "token.revoked": _l("API token revoked"),
    "job.submitted": _l("Job submitted"),
    "job.succeeded": _l("Job done"),
    "job.failed": _l("Job failed"),
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
    "plan.created": _l("Plan created"),
    "plan.line_set": _l("Plan item set"),
    "plan.line_removed": _l("Plan item removed"),
    "plan.submitted": _l("Plan submitted for filing"),
    "plan.filed": _l("Plan filed"),
    "plan.returned": _l("Plan returned"),
    "plan.published": _l("Plan published"),
    "campaign.created": _l("Campaign created"),
    "campaign.changed": _l("Campaign changed"),
    "campaign.approved": _l("Campaign approved"),
    "draw.committed": _l("Draw committed"),
    "draw.frozen": _l("Draw frame frozen"),
    "draw.drawn": _l("Draw made"),
    "draw.target_replaced": _l("Target replaced"),
    "draw.inspector_replaced": _l("Inspector replaced"),
    "team.leader_designated": _l("Team leader named"),
}

JOB_KIND_LABELS = {
    "audit.verify": _l("Audit trail verification"),
    "import.items": _l("Import of the spot-check item list"),
    "import.directory": _l("Import of the target directory"),
    "import.inspectors": _l("Import of the inspector directory"),
    "draw.targets": _l("Target draw"),
    "draw.inspectors": _l("Inspector draw"),
}

OBJECT_LABELS = {
    "tenant": _l("Department"),
    "item": _l("Item"),
    "entity": _l("Registry entity"),
    "directory_entry": _l("Directory entry"),
    "inspector": _l("Inspector"),
    "recusal": _l("Recusal"),
    "rules_document": _l("Rules document"),
    "plan": _l("Plan"),
    "campaign": _l("Campaign"),
    "user": _l("User"),
    "api_token": _l("API token"),
    "job": _l("Job"),
    "audit_chain": _l("Audit trail"),
}


def role_label(code: str):
    return ROLE_LABELS[Role(code)] if code in Role._value2member_map_ else code

