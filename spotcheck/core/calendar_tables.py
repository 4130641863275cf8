"""The official calendar's tables (法定节假日与调休): the years entered and the days they name —
read by the working-day counting (:mod:`spotcheck.core.calendar`) and kept by the commands of
:mod:`spotcheck.core.official_calendar`."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from spotcheck.core.clock import now
from spotcheck.core.database import Model

NAME_LENGTH, NOTICE_LENGTH = 50, 200


class CalendarYear(Model):
    """A year of the official calendar as entered (one row a year, no tenant)."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(16))  # package / notice
    #: The notice it was entered from (国务院办公厅关于2027年部分节假日安排的通知), or the package's version.
    notice: Mapped[str] = mapped_column(sa.String(NOTICE_LENGTH), default="")
    holidays: Mapped[int] = mapped_column(default=0)
    workdays: Mapped[int] = mapped_column(default=0)
    #: SHA-256 of the lines loaded (the file as the platform read it).
    sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    loaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    loaded_by_name: Mapped[str] = mapped_column(sa.String(100), default="")


class OfficialDay(Model):
    """A day the official calendar names: a public holiday (放假) or a make-up working day on a
    weekend (调休上班). Every other day of a loaded year is a working day from Monday to Friday."""

    __tablename__ = "official_day"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    year: Mapped[int] = mapped_column(sa.ForeignKey("calendar_year.year"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))  # holiday / workday
    name: Mapped[str] = mapped_column(sa.String(NAME_LENGTH))
