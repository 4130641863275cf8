"""The official calendar (法定节假日与调休): the years entered and their days, a due date counted on
it, and (the platform administrator) entering a year from the State Council's notice."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from spotcheck.core import official_calendar
from spotcheck.core.calendar import add_working_days, missing_years
from spotcheck.core.calendar_tables import CalendarYear, OfficialDay
from spotcheck.core.clock import today
from spotcheck.core.errors import NotFoundError
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.types import Bool, Int
from spotcheck.platform.permissions import Permission, requires

PREFIX = "/calendar"
blp = Blueprint("Calendar", __name__, description="The official calendar deadlines are counted on (法定节假日与调休).")


class CalendarYearSchema(Schema):
    year = Int()
    source = fields.Str(metadata={"description": "package (chinesecalendar) / notice (entered from the notice)"})
    notice = fields.Str()
    holidays = Int()
    workdays = Int(metadata={"description": "Make-up working days (调休上班)"})
    sha256 = fields.Str()
    loaded_at = fields.DateTime()
    loaded_by_name = fields.Str()


class CalendarSchema(Schema):
    years = fields.List(fields.Nested(CalendarYearSchema))
    missing = fields.List(Int(), metadata={"description": "Years the platform should have by now and has not"})


class DaySchema(Schema):
    day = fields.Date()
    kind = fields.Str(metadata={"description": "holiday (放假) / workday (调休上班)"})
    name = fields.Str()


class CalendarLoadSchema(Schema):
    text = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=64 * 1024),
        metadata={
            "description": "The whole year: a date or a range and 放假|上班 per line "
            "(2027-02-06 至 2027-02-13 放假), the notice's own text, or lines YYYY-MM-DD<TAB>holiday|workday<TAB>name"
        },
    )
    notice = fields.Str(
        load_default="",
        validate=validate.Length(max=official_calendar.NOTICE_LENGTH),
        metadata={"description": "The notice's title (国务院办公厅关于XXXX年部分节假日安排的通知)"},
    )
    year = Int(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=2000, max=2100),
        metadata={"description": "The year of dates written without one (1月1日 放假)"},
    )


class DueQuerySchema(Schema):
    start = fields.Date(required=True, data_key="from", metadata={"description": "The day counted from (not counted)"})
    days = Int(required=True, validate=validate.Range(min=0, max=366), metadata={"description": "Working days"})

    @validates_schema
    def within_the_calendar(self, data: dict[str, Any], **kwargs: object) -> None:
        """The count must end by 9999-12-31 (the last day a date can be): a week of five working
        days, and a margin for the long holidays of a year entered."""
        if "start" in data and "days" in data and (date.max - data["start"]).days < data["days"] * 7 // 5 + 30:
            raise ValidationError(_l("The count would run past the year 9999: give an earlier day."), "from")


class DueSchema(Schema):
    due = fields.Date()
    provisional = Bool(metadata={"description": "暂按周一至周五计算: a year counted through is not entered"})
    assumed_years = fields.List(Int())


@blp.route("")
class Calendar(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, CalendarSchema)
    def get(self) -> dict[str, object]:
        """The years of the official calendar entered, and those missing by now"""
        return {"years": official_calendar.years(), "missing": missing_years(today())}

    @requires(Permission.CALENDAR_MANAGE)
    @blp.arguments(CalendarLoadSchema)
    @blp.response(201, CalendarYearSchema)
    def post(self, data: dict[str, Any]) -> CalendarYear:
        """Enter a year from the State Council's notice (replaces the year; a file with any wrong line is
        refused whole, each line named); the provisional deadlines are counted again"""
        return official_calendar.load_year(
            data["text"], notice=data["notice"], year=data["year"], actor=current_user._get_current_object()
        )


@blp.route("/due")
class Due(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.arguments(DueQuerySchema, location="query")
    @blp.response(200, DueSchema)
    def get(self, args: dict[str, Any]) -> dict[str, object]:
        """The N-th working day after a day (the day itself not counted)"""
        deadline = add_working_days(args["start"], args["days"])
        return {"due": deadline.due, "provisional": deadline.provisional, "assumed_years": list(deadline.assumed_years)}


@blp.route("/<int:year>")
class Year(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, DaySchema(many=True))
    def get(self, year: int) -> list[OfficialDay]:
        """The days a year's notice names (holidays and make-up working days)"""
        days = official_calendar.days_of(year)
        if not days:
            raise NotFoundError(_l("The official calendar of this year is not entered."))
        return days
