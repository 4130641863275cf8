"""The rulebook pages of each level (各级实施方案 · 规则集), the platform administrator's: for the region chosen
(``?region=<code>``, the root by default) the level's own rulebook in force — its document, its articles —, every
parameter in force there with its value and the level it comes from, the national floor's documents, loading a new
version of that level's rulebook (a file, pasted text or a preset), the history of its versions, the differences of
two, and each version's file."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l

from spotcheck.core.errors import NotFoundError
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import EmptyForm
from spotcheck.platform.web.rules import versions as rule_versions
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.queries import Region
from spotcheck.tenants.rules import commands, queries

bp = Blueprint("rulebook_pages", __name__, url_prefix="/platform/rules")
bp.context_processor(rule_versions.template_names)

#: The rulebook's scope (no department).
SCOPE = None


def _region() -> Region | None:
    """The level chosen (``region``: its code), the root by default (None while there is no tree); 404 for a code
    the tree lacks."""
    code = request.values.get("region", "").strip()
    if not code:
        return regions.root()
    found = regions.by_code(code)
    if found is None:
        raise NotFoundError(_l("No such region."))
    return found


def _page(errors: Mapping[str, Sequence[object]] | None = None, text: str | None = None) -> str:
    region = _region()
    region_id = region.id if region is not None else None
    rules, version = queries.in_force_region(region_id), queries.region_version(region_id)
    return render_template(
        "rules/rulebook.html",
        rules=rules,
        version=version,
        region=region,
        levels=queries.levels(region),
        tree=regions.tree(),
        document=queries.document_of(version) if version is not None else None,
        groups=queries.grouped_rows(rules),
        sources=queries.national_sources(),
        history=queries.scope_history(SCOPE, region_id),
        coming=queries.coming(SCOPE, region_id),
        presets=queries.presets_of("rulebook"),
        errors=rule_versions.named_errors(errors or {}),
        text=rule_versions.prefill("rulebook", SCOPE, region_id) if text is None else text,
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
    region = _region()
    return rule_versions.load(
        "rulebook",
        SCOPE,
        commands.load_rulebook,
        version_endpoint="rulebook_pages.version",
        page=_page,
        region_id=region.id if region is not None else None,
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
    region = _region()
    return rule_versions.in_force_file(SCOPE, region.id if region is not None else None)


@bp.get("/differences")
@requires(Permission.RULEBOOK_MANAGE)
def differences() -> ResponseReturnValue:
    region = _region()
    return render_template(
        "rules/differences.html",
        views=VIEWS,
        region=region,
        **rule_versions.differences_context(SCOPE, region.id if region is not None else None),
    )


#: The pages the shared templates link to (a version, its file, the differences, the scope's page).
VIEWS = {
    "index": "rulebook_pages.index",
    "version": "rulebook_pages.version",
    "version_file": "rulebook_pages.version_file",
    "differences": "rulebook_pages.differences",
    "scope": "rulebook",
}
