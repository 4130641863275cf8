"""The public portal (/public, no login): the regions down to each department, item lists, rules documents,
inspectors (一公开).

Every page names the deployment's place (its root region: 杭州市). ``/public`` is the root's page and
``/public/regions/<code>`` each region's below it: the region's own departments and the regions right below it, a
citizen going down the tree to a department (each page reads the region, its chain, its children and its own
departments: indexed look-ups, never the whole tree).

Anyone may read these pages. A department's data is read inside that department's scope
(:func:`spotcheck.core.scoping.tenant_scope`), and only through the services made for the
public (the public reads of :mod:`spotcheck.tenants.items.queries`, :mod:`spotcheck.tenants.rules.queries`
and :mod:`spotcheck.tenants.inspectors.queries`): published items, the published rules document, and the
public inspector list (name, agency, certificate number, categories — nothing else; inspectors
who may be drawn today only), and the target directory (what the registry makes public of each entity, and
the department's category — never its risk class or flags). Lists come 50 to a page (``?page=N``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Blueprint, abort, jsonify, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from spotcheck.core import audit_heads
from spotcheck.core.clock import today
from spotcheck.core.errors import NotFoundError
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.permissions import public
from spotcheck.platform.web.forms import search_text
from spotcheck.platform.web.rules import public as public_rules
from spotcheck.tenants.accounts.queries import Tenant, active_by_code, active_tenants, list_tenants, region_departments
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.directory import queries as directory
from spotcheck.tenants.inspectors import queries as inspectors
from spotcheck.tenants.items import queries as items
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.queries import Region
from spotcheck.tenants.regions.vocabulary import level_label
from spotcheck.tenants.rules import queries as rules

bp = Blueprint("public", __name__, url_prefix="/public")


@bp.context_processor
def _public_helpers() -> dict[str, Callable[[Iterable[str] | None], list[str]]]:
    return {
        "method_names": lambda codes: [reference.CHECK_METHODS.get(c, c) for c in codes or ()],
        "category_names": lambda codes: [reference.ENFORCEMENT_CATEGORIES.get(c, c) for c in codes or ()],
    }


@bp.app_template_global()
def portal_place() -> str:
    """The deployment's place, as every public page names it (its root region's name; empty before a tree)."""
    return regions.place_name()


@bp.app_template_global()
def portal_name() -> str:
    """The portal's name, its place first (杭州市 双随机、一公开 信息公开)."""
    place = portal_place()
    if not place:
        return _("Double-random, one-public: public information")
    return _("%(place)s double-random, one-public: public information", place=place)


@bp.app_template_global()
def region_trail(region_id: int | None = None) -> list[Region]:
    """The regions from the root down to region ``region_id`` (None: the root alone), as a breadcrumb walks them."""
    if region_id is None:
        found = regions.root()
        return [found] if found is not None else []
    return regions.chain(region_id)[::-1]


@bp.app_template_global()
def region_level_name(region: Region) -> str:
    """A region's level in words (县级)."""
    return level_label(region.level)


@bp.errorhandler(404)
@bp.errorhandler(NotFoundError)
def _not_found(error: Exception) -> ResponseReturnValue:
    return render_template("public/not_found.html"), 404


def _department(code: str) -> Tenant:
    """The active department with this code, or 404."""
    found = active_by_code(code)
    if found is None:
        abort(404)
    return found


def _page() -> int:
    return request.args.get("page", 1, type=int)


def _published_rules() -> rules.PublishedRules | None:
    """The current department's rules as last published (never its unpublished draft), or ``None``."""
    return rules.published_version()


def _summaries(departments: list[Tenant]) -> list[dict[str, object]]:
    """What the portal lists of each department: its items, whether its rules are published, its inspectors."""
    summaries, day = [], today()
    for tenant in departments:
        with tenant_scope(tenant.id):
            summaries.append(
                {
                    "tenant": tenant,
                    "items": items.published_item_count(),
                    "rules": _published_rules() is not None,
                    "inspectors": inspectors.public_inspector_count(day),
                }
            )
    return summaries


def _region_page(template: str, region: Region | None) -> ResponseReturnValue:
    """A region's page: its own departments and the regions right below it (the root's: the portal's home)."""
    return render_template(
        template,
        region=region,
        summaries=_summaries(region_departments(region.id) if region is not None else []),
        below=regions.children(region.id) if region is not None else [],
    )


@bp.route("")
@public
def index() -> ResponseReturnValue:
    """The portal's home: the root region's departments, the regions below it, the ways into the portal."""
    return _region_page("public/index.html", regions.root())


@bp.route("/regions/<code>")
@public
def region(code: str) -> ResponseReturnValue:
    """A region below the root: its departments and the regions below it, the way up to the root."""
    found = regions.named_on_page(code)
    if found is None or found.parent_id is None:
        return redirect(url_for("public.index"))
    return _region_page("public/region.html", found)


@bp.route("/businesses")
@public
def for_businesses() -> ResponseReturnValue:
    """企业须知: what a business inspected may do with its codes, and who reads what it says."""
    return render_template("public/businesses.html")


def _region_of_page() -> Region | None:
    """The region ``?region=<code>`` names (by default the root; None before a tree is loaded), or 404."""
    return regions.named_on_page(request.args.get("region"))


def _departments_of(region: Region | None) -> list[Tenant]:
    """A region's own departments in service (before a tree is loaded: every department in service)."""
    return region_departments(region.id) if region is not None else active_tenants()


@bp.route("/inspectors")
@public
def all_inspectors() -> ResponseReturnValue:
    """The inspector lists of one region's own departments (``?region=<code>``, by default the root's), the first
    page of each (the rest on the department's list), and the regions right below it, the way down: a few
    statements, whatever the number of departments."""
    region = _region_of_page()
    departments = _departments_of(region)
    pages = inspectors.first_public_pages([tenant.id for tenant in departments], today())
    return render_template(
        "inspectors/public.html",
        groups=[(tenant, pages[tenant.id]) for tenant in departments],
        department=None,
        search="",
        region=region,
        below=regions.children(region.id) if region is not None else [],
    )


@bp.route("/<code>")
@public
def department(code: str) -> ResponseReturnValue:
    tenant = _department(code)
    with tenant_scope(tenant.id):
        return render_template(
            "public/department.html",
            department=tenant,
            items=items.published_item_count(),
            rules=_published_rules(),
            inspectors=inspectors.public_inspector_count(today()),
            targets=directory.public_entry_count(),
        )


@bp.route("/<code>/items")
@public
def department_items(code: str) -> ResponseReturnValue:
    tenant = _department(code)
    with tenant_scope(tenant.id):
        return render_template("items/public.html", department=tenant, items=items.published_items(page=_page()))


@bp.route("/<code>/rules")
@public
def department_rules(code: str) -> ResponseReturnValue:
    tenant = _department(code)
    with tenant_scope(tenant.id):
        document = _published_rules()
        if document is None:
            abort(404)
        return render_template(
            "rules/public/document.html",
            department=tenant,
            document=document,
            **public_rules.department_context(tenant),
        )


@bp.route("/<code>/rules/file")
@public
def department_rules_file(code: str) -> ResponseReturnValue:
    tenant = _department(code)
    with tenant_scope(tenant.id):
        document = _published_rules()
        if document is None:
            abort(404)
        path = rules.file_path(document)  # NotFoundError when no file is attached
        return send_file(
            path,
            mimetype=document.media_type or "application/octet-stream",
            as_attachment=True,
            download_name=document.file_name or path.name,
            max_age=0,
        )


@bp.route("/<code>/inspectors")
@public
def department_inspectors(code: str) -> ResponseReturnValue:
    """The department's inspector list, a page at a time; ``?q=`` finds a name or a certificate number."""
    tenant = _department(code)
    search = search_text()
    with tenant_scope(tenant.id):
        groups = [(tenant, inspectors.public_inspectors(today(), search=search, page=_page()))]
    return render_template("inspectors/public.html", groups=groups, department=tenant, search=search)


@bp.route("/<code>/targets")
@public
def department_targets(code: str) -> ResponseReturnValue:
    """The department's target directory (检查对象名录库), a page at a time; ``?q=`` finds a name or the
    start of a code."""
    tenant = _department(code)
    search = search_text()
    with tenant_scope(tenant.id):
        entries = directory.public_entries(search=search, page=_page())
    return render_template("directory/public.html", department=tenant, entries=entries, search=search)


@bp.route("/audit-heads")
@public
def audit_heads_page() -> ResponseReturnValue:
    """审计链头公示: every department's audit chain's head as published each day, every past head
    kept — keep a copy, and anyone can later check the trail was not cut short or rewritten."""
    names = {tenant.id: tenant.full_name for tenant in list_tenants()}
    return render_template("audit/public_heads.html", heads=audit_heads.every(), names=names)


@bp.route("/audit-heads.json")
@public
def audit_heads_file() -> ResponseReturnValue:
    """The same heads to keep (``spotcheck audit verify --against`` reads this file or its address)."""
    response = jsonify({"heads": [audit_heads.as_record(head) for head in audit_heads.every()]})
    response.headers["Cache-Control"] = "no-cache"
    return response
