"""The official calendar (法定节假日与调休安排), kept in the platform's database one year at a time.

Each year's public holidays and make-up working days (调休上班) are published by the General Office
of the State Council late in the year before (国务院办公厅关于 XXXX 年部分节假日安排的通知). The
years the package ``chinesecalendar`` knows are loaded from it when the database is created; the
platform administrator enters each later year from the notice — on the page *法定节假日* or with
``spotcheck calendar load FILE`` — typed or pasted as the notice reads (``2027-02-06 至 2027-02-13
放假``, ``2月14日 上班``, the notice's own sentences: :mod:`spotcheck.core.calendar_notice`) or as
the platform's own lines ``YYYY-MM-DD<TAB>holiday|workday<TAB>name``. Until then a year counts the
holidays the law fixes (:mod:`spotcheck.core.statutory_holidays`). Loading a
year replaces that year whole, is audited in the platform's chain and tells the rest of the platform
(event ``calendar.loaded``: the visits' provisional deadlines are counted again). The calendar is
the deployment's, not a department's: its rows belong to no tenant.

Counting working days on it is :mod:`spotcheck.core.calendar`.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, calendar, calendar_notice, events
from spotcheck.core.actor import Actor
from spotcheck.core.calendar_notice import HOLIDAY, WORKDAY, Day, Reading
from spotcheck.core.calendar_tables import NOTICE_LENGTH as NOTICE_LENGTH, CalendarYear, OfficialDay  # the form's limit
from spotcheck.core.clock import now
from spotcheck.core.commands import after_commit, command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.core.statutory_holidays import StatutoryDay, statutory_days

#: The two kinds of day a year's notice lists, in Chinese.
DAY_KINDS = {HOLIDAY: "放假", WORKDAY: "调休上班"}
#: Where a year came from, as an administrator reads it: the years loaded when the database was
#: created are the State Council's notices as the package ``chinesecalendar`` (its version kept in
#: ``notice``) carries them; the others were entered from the notice.
SOURCES = {"package": "国务院办公厅通知（随软件提供的数据）", "notice": "国务院办公厅通知"}
#: The Chinese names of the holidays the package knows (its names are English).
PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def statutory_missing(reading: Reading) -> list[StatutoryDay]:
    """The days the law fixes in the year read that it does not give as holidays (a line forgotten,
    or a notice misread): shown with the preview."""
    holidays = {d.day for d in reading.days if d.kind == HOLIDAY}
    return [d for d in statutory_days(reading.year) if d.day not in holidays]


#: How many lines that are not UTF-8 a refusal names (a file saved as GBK has one on every line with a name).
NAMED_LINES = 5


def decode(data: bytes) -> str:
    """A year's file as text: UTF-8 (with or without a BOM) only. A file saved in another encoding
    (GBK, as Notepad and Excel save by default) is refused naming its lines, never read with its
    holiday names garbled (:class:`InvalidInputError`, field ``file``)."""
    bad = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            bad.append(number)
    if bad:
        problems = [
            _l(
                "Line %(n)d is not UTF-8 text (the file may be saved as GBK or ANSI): save the file as "
                "UTF-8 and load it again.",
                n=number,
            )
            for number in bad[:NAMED_LINES]
        ]
        if len(bad) > NAMED_LINES:
            problems.append(_l("And %(n)d more lines.", n=len(bad) - NAMED_LINES))
        raise InvalidInputError({"file": problems})
    return data.decode("utf-8-sig")


def file_text(year: int) -> str:
    """A loaded year written back in the file format (what the page and ``calendar show`` give)."""
    rows = db.session.scalars(sa.select(OfficialDay).where(OfficialDay.year == year).order_by(OfficialDay.day))
    return "".join(f"{row.day.isoformat()}\t{row.kind}\t{row.name}\n" for row in rows)


def years() -> list[CalendarYear]:
    """The years entered, newest first."""
    return list(db.session.scalars(sa.select(CalendarYear).order_by(CalendarYear.year.desc())))


def days_of(year: int) -> list[OfficialDay]:
    return list(db.session.scalars(sa.select(OfficialDay).where(OfficialDay.year == year).order_by(OfficialDay.day)))


@command(Permission.CALENDAR_MANAGE)
def load_year(text: str, *, notice: str = "", year: int | None = None, actor: Actor) -> CalendarYear:
    """Enter a year of the official calendar from the State Council's notice (a whole year,
    replacing what was there), typed or pasted as the notice reads (:func:`read`; ``year``: the
    year of dates written without one): refused whole when any line is wrong. The visits'
    deadlines that were provisional for this year are counted again (event ``calendar.loaded``)."""
    year, days = calendar_notice.parse(text, year)
    notice = (notice or "").strip()
    if len(notice) > NOTICE_LENGTH:
        raise InvalidInputError({"notice": [_l("At most %(n)d characters.", n=NOTICE_LENGTH)]})
    digest = hashlib.sha256("".join(f"{d.day.isoformat()}\t{d.kind}\t{d.name}\n" for d in days).encode()).hexdigest()
    before = db.session.get(CalendarYear, year)
    replaced = (
        {"source": before.source, "holidays": before.holidays, "workdays": before.workdays, "sha256": before.sha256}
        if before
        else None
    )
    db.session.execute(sa.delete(OfficialDay).where(OfficialDay.year == year))
    if before is not None:
        db.session.delete(before)
        db.session.flush()
    record = CalendarYear(
        year=year,
        source="notice",
        notice=notice,
        sha256=digest,
        loaded_at=now(),
        holidays=sum(d.kind == HOLIDAY for d in days),
        workdays=sum(d.kind == WORKDAY for d in days),
        loaded_by_name=getattr(actor, "display_name", ""),
    )
    db.session.add(record)
    db.session.flush()
    db.session.execute(
        sa.insert(OfficialDay), [{"day": d.day, "year": year, "kind": d.kind, "name": d.name} for d in days]
    )
    after_commit(calendar.forget)  # every process counts on the new year once it is committed
    audit.record(
        "calendar.loaded",
        "calendar_year",
        year,
        actor=actor,
        tenant_id=None,
        details={
            "year": year,
            "notice": notice,
            "holidays": record.holidays,
            "workdays": record.workdays,
            "sha256": digest,
            "replaced": replaced,
        },
    )
    with calendar.counting_on(calendar.read()):  # this transaction counts on it already
        events.emit("calendar.loaded", actor=actor, year=year)
    return record


def package_days() -> dict[int, list[Day]]:
    """Every year the package ``chinesecalendar`` knows, with its days (names in Chinese)."""
    from chinese_calendar import constants  # the package's own tables: read only when asked for

    found: dict[int, list[Day]] = {}
    for kind, table in ((HOLIDAY, constants.holidays), (WORKDAY, constants.workdays)):
        for day, name in table.items():
            name = getattr(name, "value", name)
            found.setdefault(day.year, []).append(Day(day, kind, PACKAGE_NAMES.get(name, name)))
    return {year: sorted(days, key=lambda d: d.day) for year, days in sorted(found.items())}


def package_calendar() -> calendar.Calendar:
    """The package's years as a :class:`~spotcheck.core.calendar.Calendar` (no database: for counting
    where none is at hand, and for tests of the counting itself)."""
    known = package_days()
    days = [day for year in known.values() for day in year]
    return calendar.Calendar(
        frozenset(known),
        frozenset(d.day for d in days if d.kind == HOLIDAY),
        frozenset(d.day for d in days if d.kind == WORKDAY),
    )
