"""The rules in force on the public portal (现行规则公开, no login): the deployment's rulebook in force
— its document, every rule with its value and citation, the national rules — and its history; each
department's rules in force with where each comes from, and the history of its own rules (细则); any
version, and its file as it was loaded. Public data: the versions are read the same for whoever asks."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from spotcheck.core.errors import NotFoundError
from spotcheck.platform.permissions import public
from spotcheck.platform.web.rules import versions as rule_versions
from spotcheck.tenants.accounts.queries import Tenant, active_tenants
from spotcheck.tenants.rules import queries as rules_queries

bp = Blueprint("public_rules", __name__, url_prefix="/public")
bp.context_processor(rule_versions.template_names)

#: The public pages the shared templates link to.
VIEWS = {
    "index": "public_rules.rulebook",
    "version": "public_rules.version",
    "version_file": "public_rules.version_file",
    "differences": None,
    "scope": "public",
}


@bp.errorhandler(404)
@bp.errorhandler(NotFoundError)
def _not_found(error: Exception) -> ResponseReturnValue:
    return render_template("public/not_found.html"), 404


def _department(code: str) -> Tenant:
    code = (code or "").strip().upper()
    found = next((tenant for tenant in active_tenants() if tenant.code == code), None)
    if found is None:
        abort(404)
    return found


@bp.get("/rules")
@public
def rulebook() -> ResponseReturnValue:
    rules, version = rules_queries.in_force(None), rules_queries.in_force_version(None)
    return render_template(
        "rules/public/rulebook.html",
        rules=rules,
        version=version,
        document=rules_queries.document_of(version) if version is not None else None,
        groups=rules_queries.grouped_rows(rules),
        sources=rules_queries.national_sources(),
        history=rules_queries.scope_history(None),
        departments=active_tenants(),
        views=VIEWS,
    )


def department_context(tenant: Tenant) -> dict[str, object]:
    """What the portal shows of a department's rules in force (its page of rules, and the rules
    document's page): every rule with where it comes from, its own rules' version and history."""
    rules, version = rules_queries.in_force(tenant.id), rules_queries.in_force_version(tenant.id)
    return {
        "in_force": {
            "rules": rules,
            "version": version,
            "groups": rules_queries.grouped_rows(rules),
            "document": rules_queries.document_of(version) if version is not None else None,
            "set_here": rules_queries.set_by(rules, "department"),
            "history": rules_queries.scope_history(tenant.id),
        },
        "views": VIEWS,
        **rule_versions.template_names(),
    }


@bp.get("/<code>/rules/in-force")
@public
def department(code: str) -> ResponseReturnValue:
    tenant = _department(code)
    return render_template("rules/public/in_force.html", department=tenant, **department_context(tenant))


@bp.get("/rules/versions/<int:version_id>")
@public
def version(version_id: int) -> ResponseReturnValue:
    found = rule_versions.version_of(version_id)
    tenant = next((t for t in active_tenants() if t.id == found.tenant_id), None) if found.tenant_id else None
    if found.tenant_id is not None and tenant is None:
        abort(404)  # a department no longer in service: its pages are gone from the portal
    return render_template(
        "rules/public/version.html", views=VIEWS, public=True, department=tenant, **rule_versions.version_context(found)
    )


@bp.get("/rules/versions/<int:version_id>/file")
@public
def version_file(version_id: int) -> ResponseReturnValue:
    return rule_versions.version_file(rule_versions.version_of(version_id))
