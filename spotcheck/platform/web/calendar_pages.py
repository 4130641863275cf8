"""The official calendar pages (法定节假日与调休): the years entered, their days, and entering a year
from the State Council's notice — the platform administrator's."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core import calendar_notice, official_calendar
from spotcheck.core.calendar import missing_years
from spotcheck.core.calendar_notice import Reading
from spotcheck.core.calendar_tables import CalendarYear
from spotcheck.core.clock import today
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import BAD_INPUT, EmptyForm, attempt

bp = Blueprint("calendar_pages", __name__, url_prefix="/platform/calendar")

#: The largest file a year can be entered from (a year has some forty lines).
MAX_FILE_BYTES = 64 * 1024


@bp.route("", methods=["GET", "POST"])
@requires(Permission.CALENDAR_MANAGE)
def index() -> ResponseReturnValue:
    """The years entered, and entering one: the text typed, pasted from the notice or uploaded is
    read and shown as it would be stored (``step=preview``, the form's button); the preview's own
    button enters it (``step=load``)."""
    errors: dict[str, list[str]] = {}
    values: dict[str, str] = {}
    status, reading = 200, None
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        values = {
            "text": request.form.get("text", ""),
            "notice": request.form.get("notice", ""),
            "year": request.form.get("year", "").strip(),
        }
        outcome = attempt(_read_or_load, values, refusals=BAD_INPUT)
        if outcome.invalid:
            errors, status = outcome.errors, 422
        else:
            reading, loaded = outcome.result
            if reading is None:
                assert loaded is not None  # _read_or_load gives the reading or the year entered
                flash(
                    _(
                        "The official calendar of %(year)d is entered: %(h)d holidays and %(w)d make-up working "
                        "days. The provisional deadlines were counted again.",
                        year=loaded.year,
                        h=loaded.holidays,
                        w=loaded.workdays,
                    ),
                    "success",
                )
                return redirect(url_for("calendar_pages.year", year=loaded.year))
    return render_template(
        "calendar/index.html",
        years=official_calendar.years(),
        missing=missing_years(today()),
        form=form,
        errors=errors,
        values=values,
        next_year=today().year + 1,
        reading=reading,
        statutory_missing=official_calendar.statutory_missing(reading) if reading else [],
        replaces={row.year for row in official_calendar.years()},
    ), status


def _read_or_load(values: dict[str, str]) -> tuple[Reading, None] | tuple[None, CalendarYear]:
    """The year's text read for the preview, or entered (``step=load``): ``(reading, None)`` or
    ``(None, loaded)``; the text uploaded or pasted is kept in ``values``."""
    values["text"] = text = _uploaded_or_pasted()
    year = _chosen_year(values["year"])
    if request.form.get("step", "preview") == "load":
        return None, official_calendar.load_year(
            text, notice=values["notice"], year=year, actor=current_user._get_current_object()
        )
    return calendar_notice.read(text, year), None


def _chosen_year(value: str) -> int | None:
    """The year chosen on the form (for dates written without one), or none."""
    if not value:
        return None
    if not value.isdigit() or not calendar_notice.FIRST_YEAR <= int(value) <= calendar_notice.LAST_YEAR:
        raise InvalidInputError({"year": [calendar_notice.YEAR_REFUSED]})
    return int(value)


def _uploaded_or_pasted() -> str:
    """The year's lines: the uploaded file's (UTF-8 only, at most :data:`MAX_FILE_BYTES`), else the
    pasted text; :class:`InvalidInputError` for a file too large or not UTF-8."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise InvalidInputError({"file": [_("The file is too large for a year's calendar.")]})
        return official_calendar.decode(data)
    return request.form.get("text", "")


@bp.route("/<int:year>")
@requires(Permission.CALENDAR_MANAGE)
def year(year: int) -> ResponseReturnValue:
    entered = {row.year: row for row in official_calendar.years()}.get(year)
    if entered is None:
        raise NotFoundError(_("The official calendar of this year is not entered."))
    return render_template("calendar/year.html", entered=entered, days=official_calendar.days_of(year))


@bp.route("/<int:year>.txt")
@requires(Permission.CALENDAR_MANAGE)
def year_file(year: int) -> ResponseReturnValue:
    """The year in the file format (to check it, or to enter it again elsewhere)."""
    text = official_calendar.file_text(year)
    if not text:
        raise NotFoundError(_("The official calendar of this year is not entered."))
    return Response(
        text,
        mimetype="text/plain; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename=calendar-{year}.txt"},
    )
