"""The department's result categories (检查结果类别): the market-regulation list by default; the
department's administrator chooses which standard categories apply and adds its own field's.
Every change is a command of :mod:`spotcheck.tenants.results.commands.categories`."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web.forms import BAD_INPUT, EmptyForm, attempt, perform
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.queries import categories

bp = Blueprint("category_pages", __name__, url_prefix="/catalog/result-categories")


def _page(errors: Mapping[str, list[str]] | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "results/categories.html",
        categories=categories.every(),
        configured=categories.configured(),
        form=EmptyForm(),
        errors=errors or {},
    ), status


@bp.route("")
@requires(Permission.CATALOG_VIEW)
def index() -> ResponseReturnValue:
    return _page()


@bp.route("/standard", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def standard() -> BaseResponse:
    if EmptyForm().validate_on_submit():
        perform(
            results.use_standard,
            request.form.getlist("codes"),
            actor=_user(),
            done=_("The result categories in use are saved."),
        )
    return redirect(url_for("category_pages.index"))


@bp.route("/own", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def add() -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        added = attempt(
            results.add_own,
            {
                "name": request.form.get("name", ""),
                "problem": request.form.get("problem") == "1",
                "pending": request.form.get("pending") == "1",
            },
            actor=_user(),
            refusals=BAD_INPUT,
        )
        if added.invalid:
            return _page(added.errors, 422)
    return redirect(url_for("category_pages.index"))


@bp.route("/own/<code>", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def toggle(code: str) -> BaseResponse:
    if EmptyForm().validate_on_submit():
        perform(
            results.set_own_active,
            code,
            request.form.get("active") == "1",
            actor=_user(),
            done=_("The category is changed."),
        )
    return redirect(url_for("category_pages.index"))
