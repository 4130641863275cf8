"""The public portal's results (检查结果公示): the newest published results, the search by name or
统一社会信用代码 (every department of every level), an entity's page across departments and levels, a campaign's
results; each result names its department and the department's region. Only the public register is read;
inspectors appear by name and certificate number only."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from spotcheck.core.errors import NotFoundError
from spotcheck.platform.permissions import public
from spotcheck.platform.web.forms import requested_page, search_text
from spotcheck.tenants.results.queries import register

bp = Blueprint("public_results", __name__, url_prefix="/public/results")


@bp.route("")
@public
def index() -> str:
    """The search box, and either the entities found or the newest results."""
    search = search_text()
    if search:
        return render_template(
            "results/public/search.html", search=search, found=register.search(search, requested_page())
        )
    page = register.latest(requested_page())
    return render_template(
        "results/public/index.html", search="", page=page, campaign=None, places=register.places_of(page.rows)
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
