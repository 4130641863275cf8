"""What became of what the business asked (办理结果): on its code's page, the business gives its 企业核验码 and reads
the outcome of its requests that an inspector withdraw, its complaints and its evaluation. A page for the holder of
the code alone: asked by a form (the code never in an address), kept by no cache."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from spotcheck.platform.permissions import public
from spotcheck.platform.web.results.checks import holder_page, limited
from spotcheck.tenants.results.vocabulary import RECUSAL_REQUEST_STATUS_LABELS
from spotcheck.tenants.supervision.queries.outcomes import business_outcomes

bp = Blueprint("business_outcomes", __name__)


@bp.route("/public/checks/<token>/outcomes", methods=["POST"])
@public
@limited
def outcomes(token: str) -> ResponseReturnValue:
    """办理结果, with the business code."""
    return holder_page(
        token,
        "outcomes",
        business_outcomes,
        lambda found: render_template(
            "supervision/outcomes.html", found=found, token=token, recusal_labels=RECUSAL_REQUEST_STATUS_LABELS
        ),
    )
