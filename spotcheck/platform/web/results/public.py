"""The public portal's results (检查结果公示): the newest published results — of a region, two ways
(``?region=CODE``: about the businesses located in it; ``?department_region=CODE``: published by its departments;
:class:`~spotcheck.tenants.results.queries.register.Where`) —, the search by name or 统一社会信用代码 (every
department of every level), an entity's page across departments and levels, a campaign's results; each result
names its department and the department's region. Only the public register is read; inspectors appear by name and
certificate number only."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l

from spotcheck.core.errors import NotFoundError
from spotcheck.platform.permissions import public
from spotcheck.platform.web.forms import requested_page, search_text
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.results.queries import register

bp = Blueprint("public_results", __name__, url_prefix="/public/results")


@bp.route("")
@public
def index() -> str | tuple[str, int]:
    """The search box, and either the entities found or the newest results — of a region where one is asked
    (``?region=`` and/or ``?department_region=``, :class:`~spotcheck.tenants.results.queries.register.Where`); a
    code that names no region: 400 naming the parameter."""
    search = search_text()
    if search:
        return render_template(
            "results/public/search.html", search=search, found=register.search(search, requested_page())
        )
    where, refused = register.region_filters_asked(
        request.args.get(register.LOCATED), request.args.get(register.CHECKED_BY)
    )
    if refused:  # the portal's page, saying which parameter is wrong and why
        return render_template("results/public/index.html", search="", refused=refused, campaign=None), 400
    page = register.latest(requested_page(), where)
    shown = where.located or where.checked_by
    return render_template(
        "results/public/index.html",
        search="",
        page=page,
        campaign=None,
        places=register.places_of(page.rows),
        where=where,
        args={
            register.LOCATED: where.located.code if where.located else None,
            register.CHECKED_BY: where.checked_by.code if where.checked_by else None,
        },
        below=regions.children(shown.id) if shown is not None else [],
    )


@bp.route("/entities/<code>")
@public
def entity(code: str) -> str:
    found = register.entity_by_code(code)
    if found is None:
        raise NotFoundError(_l("No published result of this entity."))
    visits = register.of_entity_by_visit(found)
    return render_template(
        "results/public/entity.html",
        entity=found,
        visits=visits,
        places=register.places_of(result for results in visits for result in results),
    )


@bp.route("/campaigns/<int:campaign_id>")
@public
def campaign(campaign_id: int) -> str:
    page = register.of_campaign(campaign_id, requested_page())
    if not page.total:
        raise NotFoundError(_l("No published result of this campaign."))
    return render_template(
        "results/public/index.html",
        search="",
        page=page,
        campaign=page.rows[0].content,
        places=register.places_of(page.rows),
    )
