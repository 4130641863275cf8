"""The deployment's rulebook pages (本地实施方案 · 规则集), the platform administrator's: the rulebook in
force — its document, its articles, every parameter with its value and where it comes from, the
national floor's documents —, loading a new version (a file, pasted text or a preset), the history of
the versions, the differences of two, and each version's file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import EmptyForm
from spotcheck.platform.web.rules import versions as rule_versions
from spotcheck.tenants.rules import commands, queries

bp = Blueprint("rulebook_pages", __name__, url_prefix="/platform/rules")
bp.context_processor(rule_versions.template_names)

#: The rulebook's scope (no department).
SCOPE = None


def _page(errors: Mapping[str, Sequence[object]] | None = None, text: str | None = None) -> str:
    rules, version = queries.in_force(SCOPE), queries.in_force_version(SCOPE)
    return render_template(
        "rules/rulebook.html",
        rules=rules,
        version=version,
        document=queries.document_of(version) if version is not None else None,
        groups=queries.grouped_rows(rules),
        sources=queries.national_sources(),
        history=queries.scope_history(SCOPE),
        presets=queries.presets_of("rulebook"),
        errors=rule_versions.named_errors(errors or {}),
        text=rule_versions.prefill("rulebook", SCOPE) if text is None else text,
        form=EmptyForm(),
        views=VIEWS,
    )


@bp.get("")
@requires(Permission.RULEBOOK_MANAGE)
def index() -> ResponseReturnValue:
    return _page()


@bp.post("")
@requires(Permission.RULEBOOK_MANAGE)
def load() -> ResponseReturnValue:
    """Load a version of the rulebook: refused whole, each bad key named beside the form."""
    return rule_versions.load(
        "rulebook", SCOPE, commands.load_rulebook, version_endpoint="rulebook_pages.version", page=_page
    )


@bp.get("/versions/<int:version_id>")
@requires(Permission.RULEBOOK_MANAGE)
def version(version_id: int) -> ResponseReturnValue:
    found = rule_versions.version_of(version_id, SCOPE)
    return render_template("rules/version.html", views=VIEWS, public=False, **rule_versions.version_context(found))


@bp.get("/versions/<int:version_id>/file")
@requires(Permission.RULEBOOK_MANAGE)
def version_file(version_id: int) -> ResponseReturnValue:
    return rule_versions.version_file(rule_versions.version_of(version_id, SCOPE))


@bp.get("/file")
@requires(Permission.RULEBOOK_MANAGE)
def in_force_file() -> ResponseReturnValue:
    """The rulebook in force as a rules file, to edit and load as a new version."""
    return rule_versions.in_force_file(SCOPE)


@bp.get("/differences")
@requires(Permission.RULEBOOK_MANAGE)
def differences() -> ResponseReturnValue:
    return render_template("rules/differences.html", views=VIEWS, **rule_versions.differences_context(SCOPE))


#: The pages the shared templates link to (a version, its file, the differences, the scope's page).
VIEWS = {
    "index": "rulebook_pages.index",
    "version": "rulebook_pages.version",
    "version_file": "rulebook_pages.version_file",
    "differences": "rulebook_pages.differences",
    "scope": "rulebook",
}
