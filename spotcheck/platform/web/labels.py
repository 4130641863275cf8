"""What the pages call things: roles, department kinds, job states, audited actions."""
from flask_babel import lazy_gettext as _l

from spotcheck.platform.permissions import Role

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
}

JOB_KIND_LABELS = {
    "audit.verify": _l("Audit trail verification"),
}

OBJECT_LABELS = {
    "tenant": _l("Department"),
    "user": _l("User"),
    "api_token": _l("API token"),
    "job": _l("Job"),
    "audit_chain": _l("Audit trail"),
}


def role_label(code: str):
    return ROLE_LABELS[Role(code)] if code in Role._value2member_map_ else code

