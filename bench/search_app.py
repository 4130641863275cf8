"""The platform's WSGI app for the search benchmark, with one extra route that is not part of the
product: ``/bench/common-search``, the public entity search done the way the systems we replace
do it — ``LIKE '%…%'`` on name and code over the results joined to their entities, grouped,
``COUNT(*)`` of the whole match for the total, ``LIMIT/OFFSET`` for the page — rendered with the
same template as ``/public/results?q=…``, so that only the query differs."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request

from spotcheck.core.database import db
from spotcheck.platform.factory import create_app
from spotcheck.platform.permissions import public
from spotcheck.tenants.common.queries import NumberedPage
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.results.queries import register

bench = Blueprint("bench", __name__, url_prefix="/bench")

_MATCH = (
    "FROM entity e JOIN published_result r ON r.entity_id = e.id "
    "WHERE r.current AND (e.name LIKE :pattern OR e.code LIKE :pattern)"
)


@bench.route("/common-search")
@public
def common_search() -> str:
    text = (request.args.get("q") or "").strip()[: register.SEARCH_LENGTH]
    page = max(1, int(request.args.get("page", "1")) if request.args.get("page", "1").isdigit() else 1)
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    total = db.session.execute(sa.text(f"SELECT count(DISTINCT e.id) {_MATCH}"), {"pattern": pattern}).scalar_one()
    rows = db.session.execute(
        sa.text(
            f"SELECT e.id, count(*) AS results, max(r.published_at) AS last {_MATCH} "
            "GROUP BY e.id ORDER BY last DESC, e.id LIMIT :limit OFFSET :offset"
        ),
        {"pattern": pattern, "limit": register.PER_PAGE, "offset": (page - 1) * register.PER_PAGE},
    ).all()
    entities = {e.id: e for e in db.session.scalars(sa.select(Entity).where(Entity.id.in_([r.id for r in rows])))}
    found = NumberedPage(
        [(entities[r.id], r.results, r.last) for r in rows],
        page,
        max(1, -(-total // register.PER_PAGE)),
        total,
        register.PER_PAGE,
    )
    return render_template("results/public/search.html", search=text, found=found)


app = create_app()
app.register_blueprint(bench)
