"""The public page of an inspection code (检查码核验): opened by scanning the QR of an inspection
notice (or the team leader's phone), or by typing the code's 12 characters. No sign-in; it says
whether the inspection is genuine and in what state, and what the business may do."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ParamSpec, TypeVar

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from spotcheck.core.errors import ConflictError, InvalidInputError, NotFoundError, user_message
from spotcheck.platform.extensions import limiter
from spotcheck.platform.permissions import public
from spotcheck.platform.web.forms import EmptyForm, attempt
from spotcheck.platform.web.results import scans
from spotcheck.tenants.results import commands as results, vocabulary
from spotcheck.tenants.results.queries.codes import PublicCheck, public_check
from spotcheck.tenants.results.vocabulary import CHECK_STATE_LABELS, EVALUATION_TEXT_LENGTH, SATISFACTION_LABELS

bp = Blueprint("public_checks", __name__, url_prefix="/public/checks")

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


def _limit(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def _asked_code() -> str:
    """The code a request names (its token, or the typed characters as stored), for its own limit."""
    token = (request.view_args or {}).get("token")
    return "t:" + token if token else "c:" + vocabulary.normalise_typed(request.args.get("code") or "")


def _admitted(response: Response) -> bool:
    """A request the client's own limit let through (not refused as too fast)."""
    return response.status_code != 429


#: Every lookup counts per client — one count for every code route, typed or scanned, page or form, so that a
#: client cannot spend one limit per route — and in all (a typed code is 60 bits: guessing is slow); the
#: business's forms count per code too (guessing its code), never the page itself (nobody locks a page at the door).
#: The count in all is spent only by the requests each client's own limit admits (``deduct_when``): a client spends
#: at most its own limit of it, so it takes as many addresses as the one limit is times the other (3,000 / 30 a
#: minute: a hundred, an IPv6 client counted by its /64) to shut every business out, not a few.
limits = (
    limiter.shared_limit(_limit("SPOTCHECK_CODE_LIMIT_PER_CLIENT"), scope="codes-client"),
    limiter.limit(
        _limit("SPOTCHECK_CODE_LIMIT_PER_CODE"), key_func=_asked_code, exempt_when=lambda: request.method == "GET"
    ),
    limiter.shared_limit(
        _limit("SPOTCHECK_CODE_LIMIT_ALL"), scope="codes-all", key_func=lambda: "all", deduct_when=_admitted
    ),
)


def limited(view: Callable[P, R]) -> Callable[P, R]:
    for limit in reversed(limits):
        view = limit(view)
    return view


@bp.route("")
@public
@limited
def typed() -> ResponseReturnValue:
    """The box to type a code; with ``?code=``, that code's page."""
    text = (request.args.get("code") or "").strip()[:40]
    if not text:
        return render_template("results/public/check_form.html", code="")
    check = public_check(typed=text)
    response = make_response(check_page(check, text), 200)  # a search: found or not, it answers
    if check is not None:
        scans.seen(check.token, response)
    return response


@bp.route("/<token>")
@public
@limited
def scanned(token: str) -> Response:
    """A code's page: 404 for a token no inspection has (its page still says so in Chinese)."""
    check = public_check(token=token)
    response = make_response(check_page(check, None), 200 if check is not None else 404)
    if check is not None:
        scans.seen(token, response)
    return response


@bp.route("/<token>/confirm", methods=["POST"])
@public
@limited
def confirm(token: str) -> ResponseReturnValue:
    """确认入企, with the business code."""
    return business_step(
        token, "confirm", results.confirm_visit, {"business_code": request.form.get("business_code", "")}
    )


@bp.route("/<token>/recusal", methods=["POST"])
@public
@limited
def recusal(token: str) -> ResponseReturnValue:
    """申请回避, with the business code: a leader of the department decides."""
    return business_step(
        token,
        "recusal",
        results.request_recusal,
        {key: request.form.get(key, "") for key in ("business_code", "cert_no", "reason")},
    )


#: Where the page says a business's form was sent (the redirect opens it there).
SENT_AT = {
    "confirm": "business-confirmed",
    "recusal": "business-recusal-sent",
    "evaluate": "business-evaluated",
    "complaint": "business-complained",
}


def business_step(
    token: str, form: str, command: Callable[..., object], data: Mapping[str, str]
) -> ResponseReturnValue:
    """Run the business's command (any domain's, given its code's token and the form's ``data``); the
    code's page again, with the refusal beside the form it came from, or saying it was sent."""
    if not EmptyForm().validate_on_submit():
        return check_page(
            public_check(token=token), None, form=form, refusal=_("The form has expired: send it again.")
        ), 400
    outcome = attempt(command, token, data, refusals=(InvalidInputError, ConflictError, NotFoundError))
    if outcome.ok:
        return redirect(url_for("public_checks.scanned", token=token, sent=form, _anchor=SENT_AT.get(form, "business")))
    check = public_check(token=token)
    status = 404 if check is None else 422 if outcome.invalid else 409
    return check_page(
        check,
        None,
        form=form,
        errors=outcome.errors,
        values=data,
        refusal=None if outcome.invalid or outcome.refusal is None else user_message(outcome.refusal),
    ), status


def holder_page(token: str, form: str, read: Callable[..., T], render: Callable[[T], str]) -> ResponseReturnValue:
    """A page for the holder of the code's 企业核验码 alone (its requests' outcomes, its row of the draw): ``read``
    (any domain's, given the code's token and the form's 企业核验码) shown by ``render``; asked by a form (the code
    never in an address), kept by no cache. A wrong code: the code's page again, the form's field named."""
    if not EmptyForm().validate_on_submit():
        return check_page(
            public_check(token=token), None, form=form, refusal=_("The form has expired: send it again.")
        ), 400
    data = {"business_code": request.form.get("business_code", "")}
    outcome = attempt(read, token, data, refusals=(InvalidInputError, NotFoundError))
    if not outcome.ok:
        check = public_check(token=token)
        return check_page(check, None, form=form, errors=outcome.errors), 404 if check is None else 422
    response = make_response(render(outcome.result))
    response.headers["Cache-Control"] = "no-store"
    return response


def check_page(check: PublicCheck | None, typed: str | None, **shown: object) -> str:
    return render_template(
        "results/public/check.html",
        check=check,
        typed=typed,
        business_form=EmptyForm(),
        state_label=CHECK_STATE_LABELS[check.state] if check else None,
        satisfaction_labels=SATISFACTION_LABELS,
        text_length=EVALUATION_TEXT_LENGTH,
        form=shown.get("form"),
        errors=shown.get("errors") or {},
        values=shown.get("values") or {},
        refusal=shown.get("refusal"),
        sent=request.args.get("sent", ""),
    )
