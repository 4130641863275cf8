"""A year of the official calendar typed or pasted as the State Council's notice reads it
(core/calendar_notice.py), and the holidays the law fixes for a year not entered yet
(core/statutory_holidays.py)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask_babel import Babel
from hypothesis import given, settings, strategies as st

from spotcheck.core import calendar, official_calendar
from spotcheck.core.calendar_notice import parse, read
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.statutory_holidays import nearest_holiday, statutory_days

#: The notice for 2027 as an administrator would paste it whole (an invented 2027: the real one is
#: not out yet), its title, prose and signature included.
NOTICE_2027 = """国务院办公厅关于2027年部分节假日安排的通知
国办发明电〔2026〕7号

各省、自治区、直辖市人民政府，国务院各部委、各直属机构：
　　经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
　　一、元旦：1月1日（周五）放假，与周末连休。
　　二、春节：2月5日（农历除夕）至13日（农历正月初八）放假调休，共9天。2月14日（周日）、2月20日（周六）上班。
　　三、清明节：4月3日（周六）至5日（周一）放假，共3天。
　　四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
　　五、端午节：6月9日（周三）放假，与周末连休。
　　六、中秋节：9月15日（周三）放假。
　　七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
　　节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，确保人民群众祥和平安度过节日假期。

国务院办公厅
2026年11月12日
"""


@pytest.fixture(scope="module", autouse=True)
def babel_context():
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_LOCALE"] = "zh_Hans_CN"
    Babel(app, default_translation_directories=str(Path(official_calendar.__file__).parents[1] / "translations"))
    with app.app_context():
        yield


def _refusal(text: str, year: int | None = None) -> list[str]:
    with pytest.raises(InvalidInputError) as refused:
        read(text, year)
    return [str(message) for message in refused.value.errors["file"]]


# --- the law's days --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "eve", "qingming", "duanwu", "zhongqiu"),
    [
        (2025, date(2025, 1, 28), date(2025, 4, 4), date(2025, 5, 31), date(2025, 10, 6)),
        (2026, date(2026, 2, 16), date(2026, 4, 5), date(2026, 6, 19), date(2026, 9, 25)),
        (2027, date(2027, 2, 5), date(2027, 4, 5), date(2027, 6, 9), date(2027, 9, 15)),
    ],
)
def test_the_law_fixes_13_days_off_with_the_lunar_ones_computed(year, eve, qingming, duanwu, zhongqiu):
    days = {d.day: d.name for d in statutory_days(year)}
    assert len(days) == 13
    assert [day for day, name in days.items() if name == "春节"] == [eve + timedelta(days=n) for n in range(4)]
    assert days[date(year, 1, 1)] == "元旦" and days[qingming] == "清明节"
    assert days[date(year, 5, 1)] == days[date(year, 5, 2)] == "劳动节"
    assert days[duanwu] == "端午节" and days[zhongqiu] == "中秋节"
    assert [day for day, name in days.items() if name == "国庆节"] == [date(year, 10, d) for d in (1, 2, 3)]


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_is_off_in_the_years_the_state_council_published(year):
    """Checked against the real notices of 2025 and 2026 (in the package ``chinesecalendar``)."""
    published = official_calendar.package_calendar()
    assert all(not published.is_working_day(d.day) for d in statutory_days(year))


def test_before_the_2024_revision_the_law_gives_no_days_here():
    assert statutory_days(2024) == () and nearest_holiday(date(2024, 10, 2)) == ""


def test_a_year_not_entered_counts_the_statutory_days_and_stays_provisional_across_national_day(package_calendar):
    """2027 is not entered: 1–3 October are off by law, the 4th to the 8th are worked Monday–Friday
    (its 调休 is not known), and the date says it is provisional."""
    assert not calendar.is_working_day(date(2027, 10, 1)) and not calendar.is_working_day(date(2027, 9, 15))  # 中秋
    assert calendar.is_working_day(date(2027, 10, 4))  # not a statutory day: Monday, worked until the notice says
    due = calendar.add_working_days(date(2027, 9, 29), 3)  # Wed: 30 Sep, then 1–3 Oct off, 4 and 5 Oct
    assert due.due == date(2027, 10, 5) and due.provisional and due.assumed_years == (2027,)
    assert calendar.working_days_between(date(2027, 9, 29), date(2027, 10, 5)) == 3
    spring = calendar.add_working_days(date(2027, 2, 4), 1)  # Thu; 除夕 Fri 5 Feb to 初三 Mon 8 Feb off
    assert spring.due == date(2027, 2, 9) and spring.provisional
    assert calendar.add_working_days(date(2026, 9, 30), 1).official  # 2026 is entered: no law guessed


# --- reading a year --------------------------------------------------------------------------


def test_the_notice_pasted_whole_is_read_with_its_names_and_its_prose_left_out():
    reading = read(NOTICE_2027)
    days = {d.day: (d.kind, d.name) for d in reading.days}
    assert reading.year == 2027 and (reading.holidays, reading.workdays) == (27, 6)
    assert days[date(2027, 1, 1)] == ("holiday", "元旦")
    assert [d for d in days if days[d] == ("holiday", "春节")] == [date(2027, 2, d) for d in range(5, 14)]
    assert days[date(2027, 2, 14)] == days[date(2027, 2, 20)] == ("workday", "春节")
    assert days[date(2027, 4, 25)] == ("workday", "劳动节") and days[date(2027, 10, 9)] == ("workday", "国庆节")
    assert days[date(2027, 9, 15)] == ("holiday", "中秋节") and date(2027, 10, 7) in days
    left_out = dict(reading.left_out)
    assert left_out[1].startswith("国务院办公厅关于") and left_out[16] == "2026年11月12日" and 6 not in left_out
    assert official_calendar.statutory_missing(reading) == []


@pytest.mark.parametrize(
    "text",
    [
        "2027-01-01 放假\n2027-02-06 至 2027-02-13 放假\n2027-02-14 上班\n",
        "1月1日 放假\n2月6日至2月13日\t放假\n2月14日   调休上班\n",
        "元旦 2027年1月1日 放假\n春节 2027/2/6 - 2027/2/13 放假调休\n上班 2027-02-14\n",
        "2027-01-01\tholiday\t元旦\n"
        + "".join(f"2027-02-{d:02d}\tholiday\t春节\n" for d in range(6, 14))
        + "2027-02-14\tworkday\t春节\n",
        "２０２７－０１－０１　放假\n２月６日～１３日　放假\n２月１４日　上班",  # typed in full-width characters
    ],
)
def test_a_date_or_a_range_and_fangjia_or_shangban_per_line_with_any_whitespace(text):
    year, days = parse(text, 2027)
    assert year == 2027
    assert [(d.day, d.kind, d.name) for d in days] == [
        (date(2027, 1, 1), "holiday", "元旦"),
        *[(date(2027, 2, n), "holiday", "春节") for n in range(6, 14)],
        (date(2027, 2, 14), "workday", "春节"),
    ]


@pytest.mark.parametrize(
    ("text", "year", "words"),
    [
        ("2027-01-01 放假\n2027-02-31 放假\n", None, ["第2行", "2027-02-31"]),
        ("2027-01-01 放假\n2027-02-14\n", None, ["第2行", "放假", "上班"]),  # no kind
        ("2027-01-01 放价\n", None, ["第1行"]),  # a typo where 放假 goes
        ("放假\n", None, ["第1行", "无法识别"]),
        ("1月1日 放假\n", None, ["第1行", "没有年份"]),
        ("2027-01-01 放假\n2027-02-15 上班\n", None, ["第2行", "周六或周日"]),  # a Monday is no make-up day
        ("2027-02-13 至 2027-02-06 放假\n", None, ["第1行", "2027-02-13", "2027-02-06"]),  # backwards
        ("2027-01-01 放假\n元旦 1月1日 放假\n", 2027, ["第2行", "第1行"]),  # listed twice
        ("2027-01-01 放假\n2028-01-01 放假\n", None, ["2027、2028"]),  # one year a text
        ("# nothing\n\n", 2027, ["没有"]),
    ],
)
def test_what_cannot_be_read_is_refused_in_chinese_naming_the_line(text, year, words):
    messages = _refusal(text, year)
    assert any(all(word in m for word in words) for m in messages), messages


def test_a_missing_statutory_day_is_shown_with_the_preview():
    reading = read("2027-01-01 放假\n2027-02-06 至 2027-02-13 放假\n")
    missing = official_calendar.statutory_missing(reading)
    assert date(2027, 10, 1) in [d.day for d in missing] and date(2027, 2, 6) not in [d.day for d in missing]


# --- properties ------------------------------------------------------------------------------

_SEP = st.sampled_from([" ", "\t", "  ", "\u3000", " \t "])
_KIND = st.sampled_from(
    [
        ("放假", "holiday"),
        ("放假调休", "holiday"),
        ("上班", "workday"),
        ("调休上班", "workday"),
        ("holiday", "holiday"),
        ("workday", "workday"),
    ]
)


def _as_written(day: date, style: int, year_known: bool) -> str:
    if style == 0 or not year_known:
        return day.isoformat()
    if style == 1:
        return f"{day.year}年{day.month}月{day.day}日"
    return f"{day.month}月{day.day}日"


@st.composite
def schedules(draw):
    """A year's lines in any of the shapes the page accepts, and the days they must give."""
    year = draw(st.integers(2027, 2060))
    starts = draw(st.lists(st.integers(0, 363), min_size=1, max_size=12, unique=True))
    lines, expected, taken = [], {}, set()
    for offset in sorted(starts):
        start = date(year, 1, 1) + timedelta(days=offset)
        word, kind = draw(_KIND)
        if kind == "workday":
            if start.weekday() < 5 or start in taken:
                continue
            span = [start]
        else:
            length = draw(st.integers(1, 9))
            span = [start + timedelta(days=k) for k in range(length) if (start + timedelta(days=k)).year == year]
            if taken.intersection(span):
                continue
        taken.update(span)
        style = draw(st.integers(0, 2))
        first = _as_written(span[0], style, True)
        written = (
            first
            if len(span) == 1
            else f"{first}{draw(_SEP)}{draw(st.sampled_from(['至', '到', '-', '~']))}"
            f"{draw(_SEP)}{_as_written(span[-1], style, True)}"
        )
        lines.append(
            f"{draw(st.sampled_from(['', ' ', '  ']))}{written}{draw(_SEP)}{word}{draw(st.sampled_from(['', ' ']))}"
        )
        expected.update({day: kind for day in span})
    return year, "\n".join(lines), expected


@pytest.mark.seconds(1.3)
@given(schedules())
@settings(max_examples=200, deadline=None)
def test_any_schedule_written_in_any_accepted_shape_reads_back_the_same_days(schedule):
    year, text, expected = schedule
    if not expected:
        return
    reading = read(text, year)
    assert reading.year == year
    assert {d.day: d.kind for d in reading.days} == expected
    assert all(d.name for d in reading.days)


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_any_text_is_read_or_refused_in_words_never_an_error(text):
    try:
        reading = read(text, 2027)
    except InvalidInputError as refused:
        assert refused.errors["file"] and all(str(message) for message in refused.errors["file"])
    else:
        assert reading.days and all(2000 <= d.day.year <= 2100 for d in reading.days)
