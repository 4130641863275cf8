"""The regions' pages (区划): the tree, for anyone signed in (it is public), and loading a tree file, the platform
administrator's — the file read and checked first, what it would change shown, and loaded only once confirmed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from spotcheck.platform.permissions import Permission, acting_user, requires
from spotcheck.platform.web.forms import BAD_INPUT, EmptyForm, attempt
from spotcheck.tenants.regions import commands, queries
from spotcheck.tenants.regions.policy import may_load
from spotcheck.tenants.regions.vocabulary import FILE_HEADERS

bp = Blueprint("regions_pages", __name__, url_prefix="/platform/regions")


def _page(
    errors: Mapping[str, Sequence[object]] | None = None, text: str = "", status: int = 200
) -> ResponseReturnValue:
    body = render_template(
        "regions/index.html",
        rows=queries.tree(),
        may_load=may_load(acting_user()),
        errors=[str(message) for messages in (errors or {}).values() for message in messages],
        text=text,
        headers=FILE_HEADERS,
        form=EmptyForm(),
    )
    return body, status


def _submitted_text() -> str | None:
    """The tree file sent by the form: an uploaded file (UTF-8) or the pasted text; ``None`` for a file that is not
    UTF-8 text."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return None
    return request.form.get("text", "")


@bp.get("")
@requires(Permission.SIGNED_IN)
def index() -> ResponseReturnValue:
    """The tree, from the root down."""
    return _page()


@bp.post("/preview")
@requires(Permission.REGIONS_MANAGE)
def preview() -> ResponseReturnValue:
    """What the file would change (nothing is loaded yet), or each bad line beside the form (422)."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("regions_pages.index"))
    text = _submitted_text()
    if text is None:
        return _page({"file": [_("The tree file is not UTF-8 text: save it as CSV (UTF-8).")]}, status=422)
    read = attempt(queries.preview, text, refusals=BAD_INPUT)
    if read.invalid:
        return _page(read.errors, text=text, status=422)
    plan = read.result
    return render_template("regions/preview.html", plan=plan, text=text, form=EmptyForm())


@bp.post("/load")
@requires(Permission.REGIONS_MANAGE)
def load() -> ResponseReturnValue:
    """Load the file the preview showed: all or nothing."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("regions_pages.index"))
    text = request.form.get("text", "")
    loaded = attempt(commands.load_tree, {"text": text, "file_name": "web"}, actor=acting_user(), refusals=BAD_INPUT)
    if loaded.invalid:
        return _page(loaded.errors, text=text, status=422)
    result = loaded.result
    if not result.changes:
        flash(_("The tree already holds every region of the file: nothing changed."), "info")
    else:
        flash(
            _(
                "Loaded: %(added)s regions added, %(renamed)s renamed, %(moved)s moved.",
                added=len(result.added),
                renamed=len(result.renamed),
                moved=len(result.moved) + len(result.relevelled),
            ),
            "success",
        )
    return redirect(url_for("regions_pages.index"))
