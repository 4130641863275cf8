"""The business's own page (企业首页, ``/business``): its account and its record of checks (企业检查档案) by every
department at every level. Above the accounts' pages (:mod:`spotcheck.platform.web.businesses`): it reads both the
account and the record."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from spotcheck.platform.permissions import Permission, acting_user, requires
from spotcheck.tenants.business_record import queries as record_queries
from spotcheck.tenants.businesses import queries as business_queries
from spotcheck.tenants.businesses.vocabulary import PLACE_LABELS, TRAIL_LABELS
from spotcheck.tenants.results.vocabulary import SATISFACTION_LABELS

bp = Blueprint("business_record_pages", __name__)


@bp.route("/business")
@requires(Permission.BUSINESS_SIGNED_IN)
def home() -> ResponseReturnValue:
    """The business's home: its account (the holder, the people, the trail) and its record of checks."""
    reader = acting_user()
    return render_template(
        "business_record/home.html",
        home=business_queries.own_account(reader=reader),
        record=record_queries.own_record(reader=reader),
        me=reader,
        places=PLACE_LABELS,
        trail_labels=TRAIL_LABELS,
        satisfaction_labels=SATISFACTION_LABELS,
    )
