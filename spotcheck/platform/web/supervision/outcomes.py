"""What became of what the business asked (办理结果): on its code's page, the business gives its 企业核验码 and reads
the outcome of its requests that an inspector withdraw, its complaints and its evaluation. A page for the holder of
the code alone: asked by a form (the code never in an address), kept by no cache."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.platform.permissions import public
from spotcheck.platform.web.forms import EmptyForm, attempt
from spotcheck.platform.web.results.checks import check_page, limited
from spotcheck.tenants.results.queries.codes import public_check
from spotcheck.tenants.results.vocabulary import RECUSAL_REQUEST_STATUS_LABELS
from spotcheck.tenants.supervision.queries.outcomes import business_outcomes

bp = Blueprint("business_outcomes", __name__)


@bp.route("/public/checks/<token>/outcomes", methods=["POST"])
@public
@limited
def outcomes(token: str) -> ResponseReturnValue:
    """办理结果, with the business code."""
    if not EmptyForm().validate_on_submit():
        return check_page(
            public_check(token=token), None, form="outcomes", refusal=_("The form has expired: send it again.")
        ), 400
    data = {"business_code": request.form.get("business_code", "")}
    outcome = attempt(business_outcomes, token, data, refusals=(InvalidInputError, NotFoundError))
    if not outcome.ok:
        check = public_check(token=token)
        return check_page(check, None, form="outcomes", errors=outcome.errors), 404 if check is None else 422
    response = make_response(
        render_template(
            "supervision/outcomes.html", found=outcome.result, token=token, recusal_labels=RECUSAL_REQUEST_STATUS_LABELS
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response
