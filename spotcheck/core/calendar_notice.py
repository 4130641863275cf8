"""Reading a year of the official calendar as people write it (法定节假日安排的录入格式).

A year is entered as the State Council's notice reads, one line per date or range, in any of these
shapes (any whitespace; full-width characters are read as their half-width forms)::

    2027-01-01 放假                       a date and 放假 (holiday) or 上班 (a make-up working day)
    2027-02-06 至 2027-02-13 放假          a range (至, 到, - or ~), both ends included
    1月1日 放假                            no year: the year chosen on the form
    元旦 2027-01-01 放假                   a name anywhere on the line (otherwise the nearest holiday
                                          the law fixes names it)
    一、元旦：1月1日（周五）放假，与周末连休。   pasted from the notice itself: the section's heading
    二、春节：2月6日（农历腊月廿九）至13日（农历正月初六）放假调休，共8天。2月14日（周日）、2月20日（周六）上班。
    2027-01-01<TAB>holiday<TAB>元旦          the platform's own file (what ``calendar show`` writes)

Remarks in brackets (（周五）, （农历正月初六）) are left out; a line that names dates of another
year and says neither 放假 nor 上班 (the notice's signature date) is left out. Anything else that
cannot be read refuses the whole text, naming each line (:class:`InvalidInputError`, field ``file``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core.calendar_tables import NAME_LENGTH
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.statutory_holidays import nearest_holiday

HOLIDAY, WORKDAY = "holiday", "workday"
#: The years a calendar may be entered for (and a year's statistics asked for), and what a year outside says.
FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_REFUSED = _l("Choose a year between 2000 and 2100.")
#: The longest range one line may give (the longest break of a year is some nine days).
MAX_RANGE_DAYS = 31

_DATE = re.compile(
    r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"|(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*[日号]"
    r"|(?P<d3>\d{1,2})\s*日"
)
_KIND = re.compile(r"(?P<holiday>放假(?:调休)?|休假|休息|holiday)|(?P<workday>(?:调休)?上班|补班|workday)", re.I)
_RANGE = re.compile(r"^\s*(?:至|到|~|-|–|—|－)\s*$")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+\s*、\s*(?P<name>[^:：]{1,40}?)\s*[:：]")
_REMARK = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
#: Words that are neither a date, a kind nor a name (left out when a line's name is looked for).
_NOISE = re.compile(r"调休|共\s*\d+\s*天|(?:星期|周)[一二三四五六日天]|[,，、;；。.:：\s]+")
_SENTENCE = re.compile(r"[,，。;；]")
#: The year a notice is about, from its title or first sentence (关于2027年…, 现将2027年…).
_TITLE_YEAR = re.compile(r"(?:关于|现将)\s*(\d{4})\s*年(?!\s*\d{1,2}\s*月)")


@dataclass(frozen=True)
class Day:
    day: date
    kind: str
    name: str


@dataclass
class _Line:
    number: int
    text: str
    days: list[tuple[date, str, str]]  # (date, kind, name)
    undated_years: set[int]  # explicit years of dates on a line with no kind (the notice's signature)


def _day_or_problem(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _read_line(
    number: int, raw: str, year: int | None, section: str, problems: list[tuple[int, Any]]
) -> tuple[_Line | None, str]:
    """One line: its days, and the section heading in force after it (the notice's 一、元旦：…).
    Problems go into ``problems`` as ``(line number, message)``."""
    text = _REMARK.sub(" ", unicodedata.normalize("NFKC", raw))
    if heading := _HEADING.match(text):
        section = heading.group("name").strip()
        text = text[heading.end() :]
    tokens = sorted(
        [("date", m) for m in _DATE.finditer(text)] + [("kind", m) for m in _KIND.finditer(text)],
        key=lambda t: t[1].start(),
    )
    shown = raw.strip()[:60]
    said: list[Any] = []
    pending: list[tuple[date, date]] = []
    found: list[tuple[date, date, str]] = []
    leading_kind, last_date, last_end, explicit_years = None, None, 0, set[int]()
    for what, match in tokens:
        if what == "kind":
            kind = HOLIDAY if match.group("holiday") else WORKDAY
            if pending:
                found += [(start, end, kind) for start, end in pending]
                pending = []
            elif not found and leading_kind is None:
                leading_kind = kind
            elif not said:
                said.append(
                    _l(
                        "Line %(n)d: no date comes before “%(word)s” in “%(line)s”.",
                        n=number,
                        word=match.group(0),
                        line=shown,
                    )
                )
            last_end = match.end()
            continue
        day = _date_of(match, number, last_date.year if last_date else year, last_date, said, explicit_years)
        if day is None:
            continue
        if pending and last_date is not None and _RANGE.match(text[last_end : match.start()]):
            start = pending[-1][0]
            if day < start or (day - start).days >= MAX_RANGE_DAYS:
                said.append(
                    _l(
                        "Line %(n)d: the range %(start)s to %(end)s is not a range of at most %(max)d days.",
                        n=number,
                        start=start.isoformat(),
                        end=day.isoformat(),
                        max=MAX_RANGE_DAYS,
                    )
                )
                pending.pop()
            else:
                pending[-1] = (start, day)
        else:
            pending.append((day, day))
        last_date, last_end = day, match.end()
    if pending and leading_kind is not None and not found:
        found, pending = [(start, end, leading_kind) for start, end in pending], []
    if not said and (unread := _unread(number, shown, text, bool(tokens), found, pending, leading_kind)):
        said.append(unread)
    name = section or _leftover_name(text, tokens)
    if not said and found and len(name) > NAME_LENGTH:
        said.append(_l("Line %(n)d: give the holiday's name (at most %(max)d characters).", n=number, max=NAME_LENGTH))
    if said:
        problems.extend((number, message) for message in said)
        return None, section
    if pending:  # dates and no kind at all: the notice's own date, or a line left unfinished
        return _Line(number, shown, [], {start.year for start, _ in pending} if explicit_years else {0}), section
    days = [
        (start + timedelta(days=k), kind, name) for start, end, kind in found for k in range((end - start).days + 1)
    ]
    return _Line(number, shown, days, set()), section  # no date at all: the notice's title or prose, left out


def _unread(
    number: int,
    shown: str,
    text: str,
    has_tokens: bool,
    found: list[tuple[date, date, str]],
    pending: list[tuple[date, date]],
    leading_kind: str | None,
) -> LazyString | None:
    """What is missing for line ``number`` to be read: a kind for its dates, or dates for its kind (None when
    nothing is)."""
    if pending and found:
        return _l(
            "Line %(n)d: say whether %(day)s is 放假 (a holiday) or 上班 (a make-up working day).",
            n=number,
            day=pending[0][0].isoformat(),
        )
    if not found and not pending and has_tokens and leading_kind and not _SENTENCE.search(text):
        return _l(
            "Line %(n)d: “%(line)s” is not read: write a date or a range, then 放假 or 上班 "
            "(e.g. 2027-02-06 至 2027-02-13 放假).",
            n=number,
            line=shown,
        )
    return None


def _date_of(
    match: re.Match[str],
    number: int,
    year: int | None,
    last_date: date | None,
    said: list[Any],
    explicit_years: set[int],
) -> date | None:
    """The day a date token of line ``number`` names — in full, month and day in ``year`` (the last date's, else the
    form's), or a day of the last date's month — or None when it names none (its problem goes into ``said``)."""
    if match.group("y"):
        y, m, d = int(match.group("y")), int(match.group("m")), int(match.group("d"))
        explicit_years.add(y)
    elif match.group("m2"):
        if year is None:
            said.append(
                _l(
                    "Line %(n)d: “%(value)s” has no year: choose the year on the form or write the date as "
                    "%(example)s.",
                    n=number,
                    value=match.group(0).strip(),
                    example="2027-01-01",
                )
            )
            return None
        y, m, d = year, int(match.group("m2")), int(match.group("d2"))
    elif last_date is None:
        return None  # “7日” with no month before it: not a date of the schedule
    else:
        y, m, d = last_date.year, last_date.month, int(match.group("d3"))
    day = _day_or_problem(y, m, d)
    if day is None:
        said.append(
            _l("Line %(n)d: “%(value)s” is not a date (YYYY-MM-DD).", n=number, value=match.group(0).strip()[:20])
        )
    return day


def _leftover_name(text: str, tokens: list[tuple[str, re.Match[str]]]) -> str:
    """What a line says besides its dates and kinds, if it is a name (not a sentence of the notice)."""
    if _SENTENCE.search(text):
        return ""
    rest, cut = [], 0
    for _what, match in tokens:
        rest.append(text[cut : match.start()])
        cut = match.end()
    rest.append(text[cut:])
    leftover = _NOISE.sub(" ", " ".join(rest))
    leftover = " ".join(word for word in leftover.split() if not _RANGE.match(word))
    return leftover.strip()


@dataclass(frozen=True)
class Reading:
    """A year's text as read: the year, its days by date, and the lines left out (number, text:
    the notice's title, prose and signature date), to show before anything is stored."""

    year: int
    days: list[Day]
    left_out: list[tuple[int, str]]

    @property
    def holidays(self) -> int:
        return sum(d.kind == HOLIDAY for d in self.days)

    @property
    def workdays(self) -> int:
        return sum(d.kind == WORKDAY for d in self.days)


def parse(text: str, year: int | None = None) -> tuple[int, list[Day]]:
    """:func:`read`'s year and days."""
    reading = read(text, year)
    return reading.year, reading.days


def read(text: str, year: int | None = None) -> Reading:
    """A year's text, checked whole; otherwise :class:`InvalidInputError` naming every line that
    cannot be read (field ``file``). ``year``: the year of dates written without one (chosen on the
    form). Blank lines and lines starting with ``#`` are skipped."""
    problems: list[tuple[int, Any]] = []  # (line number, message); 0: the text as a whole
    lines: list[_Line] = []
    section = ""
    if year is None and (titled := _TITLE_YEAR.search(unicodedata.normalize("NFKC", text or ""))):
        year = int(titled.group(1))  # 国务院办公厅关于2027年部分节假日安排的通知
    for number, raw in enumerate((text or "").lstrip("\ufeff").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        line, section = _read_line(number, raw, year, section, problems)
        if line is not None:
            lines.append(line)
    found_years = {day.year for line in lines for day, _kind, _name in line.days}
    the_year = year if year is not None else (min(found_years) if len(found_years) == 1 else None)
    for line in lines:
        if line.undated_years and (the_year is None or the_year in line.undated_years or 0 in line.undated_years):
            line.undated_years.clear()
            problems.append(
                (
                    line.number,
                    _l(
                        "Line %(n)d: say whether the dates of “%(line)s” are 放假 (holidays) or "
                        "上班 (make-up working days).",
                        n=line.number,
                        line=line.text,
                    ),
                )
            )
    days: list[Day] = []
    seen: dict[date, int] = {}
    for line in lines:
        for day, kind, name in line.days:
            if kind == WORKDAY and day.weekday() < 5:
                problems.append(
                    (
                        line.number,
                        _l(
                            "Line %(n)d: %(day)s is a weekday; a make-up working day (调休上班) "
                            "is a Saturday or a Sunday.",
                            n=line.number,
                            day=day.isoformat(),
                        ),
                    )
                )
            elif day in seen:
                problems.append(
                    (
                        line.number,
                        _l(
                            "Line %(n)d: %(day)s is listed already on line %(first)d.",
                            n=line.number,
                            day=day.isoformat(),
                            first=seen[day],
                        ),
                    )
                )
            else:
                seen[day] = line.number
                days.append(Day(day, kind, name or nearest_holiday(day) or ("节假日" if kind == HOLIDAY else "调休")))
    years = sorted({d.day.year for d in days})
    if len(years) > 1:
        problems.append(
            (0, _l("A file holds one year; this one has days of %(years)s.", years="、".join(str(y) for y in years)))
        )
    if not days and not problems:
        problems.append((0, _l("The file lists no day.")))
    if not problems and not FIRST_YEAR <= years[0] <= LAST_YEAR:
        problems.append((0, _l("The year must be between 2000 and 2100.")))
    if problems:
        raise InvalidInputError({"file": [message for _n, message in sorted(problems, key=lambda p: p[0] or 10**9)]})
    return Reading(
        years[0], sorted(days, key=lambda d: d.day), [(line.number, line.text) for line in lines if not line.days]
    )
