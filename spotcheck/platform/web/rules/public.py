"""The rules in force on the public portal (现行规则公开, no login): each level's rulebook from the root down to a
region (``?region=<code>``, by default the root) — each level's own 实施方案, or that it has none and runs on the
rules above — with every rule in force at that level, its value and citation, the national rules, and the root
rulebook's history; each department's rules in force with where each comes from, and the history of its own rules
(细则); any version, and its file as it was loaded. Public data: the versions are read the same for whoever asks."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue

from spotcheck.core.errors import NotFoundError
from spotcheck.platform.permissions import public
from spotcheck.platform.web.rules import versions as rule_versions
from spotcheck.tenants.accounts.queries import Tenant, active_by_code, active_tenants, region_departments
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.queries import Region
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
    found = active_by_code(code)
    if found is None:
        abort(404)
    return found


def _region() -> Region | None:
    """The region ``?region=<code>`` names (by default the root; None before a tree is loaded), or 404."""
    return regions.named_on_page(request.args.get("region"))


@bp.get("/rules")
@public
def rulebook() -> ResponseReturnValue:
    """The rules in force at a level: the chain from the root down to it, each level with its own rulebook or
    none, and every rule in force there."""
    region = _region()
    levels = [
        (level, rules_queries.document_of(level.version) if level.version is not None else None)
        for level in rules_queries.levels(region)
    ]
    rules = rules_queries.in_force_region(rules_queries.region_scope(region))
    at_root = region is None or region.parent_id is None
    return render_template(
        "rules/public/rulebook.html",
        region=region,
        levels=levels,
        at_root=at_root,
        rules=rules,
        groups=rules_queries.grouped_rows(rules),
        sources=rules_queries.national_sources(),
        history=rules_queries.scope_history(None, region.id if region is not None else None),
        departments=region_departments(region.id) if region is not None else active_tenants(),
        below=regions.children(region.id) if region is not None else [],
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
