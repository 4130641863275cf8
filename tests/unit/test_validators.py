"""Property tests for the code validators of the directories."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask_babel import Babel, force_locale
from hypothesis import given, settings, strategies as st
from stdnum import numdb
from stdnum.cn import ric, uscc

from spotcheck.core import personal_data
from spotcheck.core.clock import frozen_at
from spotcheck.core.text import required_text
from spotcheck.demo.registry import org_code_check
from spotcheck.tenants.common import validators
from spotcheck.tenants.common.validators import USCC_ALPHABET


@pytest.fixture(scope="module", autouse=True)
def babel_context():
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        yield


def _valid_uscc(body: str) -> str:
    return body + uscc.calc_check_digit(body)


uscc_bodies = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17).filter(lambda b: b[8:16].isalnum())


@st.composite
def valid_credit_codes(draw):
    """17 characters whose organisation-code part (chars 9–17) carries its own GB 11714 check."""
    head = draw(st.sampled_from(["91", "92", "93", "12", "51"])) + draw(st.sampled_from(["330102", "110105", "440300"]))
    org = draw(st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8))
    body = head + org + org_code_check(org)
    code = body + uscc.calc_check_digit(body)
    return code


@given(valid_credit_codes())
@settings(max_examples=200, deadline=None)
def test_valid_credit_codes_are_accepted(code):
    if uscc.is_valid(code):  # the generator follows the standard; stdnum is the reference
        assert validators.credit_code(code) == code


@given(valid_credit_codes(), st.integers(min_value=0, max_value=17), st.sampled_from(USCC_ALPHABET))
@settings(max_examples=300, deadline=None)
def test_changing_one_character_of_a_credit_code_is_caught(code, position, replacement):
    changed = code[:position] + replacement + code[position + 1 :]
    if changed == code or uscc.is_valid(changed):
        return  # a change that happens to keep a valid code is not an error to catch
    with pytest.raises(validators.InvalidValueError):
        validators.credit_code(changed)


def _stdnum_answer(text: str) -> str | None:
    try:
        return uscc.validate(text)
    except Exception:
        return None


def _our_answer(text: str) -> str | None:
    try:
        return validators.credit_code(text)
    except validators.InvalidValueError:
        return None


@pytest.mark.seconds(1.3)
@given(
    st.one_of(
        valid_credit_codes(),  # mostly valid
        valid_credit_codes().flatmap(
            lambda code: st.tuples(st.just(code), st.integers(0, 17), st.sampled_from(USCC_ALPHABET + "IOSVZio -")).map(
                lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1 :]
            )
        ),  # one character changed
        valid_credit_codes().map(lambda code: f" {code[:6]}-{code[6:].lower()} "),  # as typed: spaces, dash, lower case
        st.text(alphabet=USCC_ALPHABET + "IOSVZa -", min_size=0, max_size=20),
    )
)
@settings(max_examples=500, deadline=None)
def test_a_credit_code_is_accepted_exactly_when_python_stdnum_accepts_it(text):
    """The compact form's shortcut answers as python-stdnum's ``uscc.validate`` does, for any text."""
    assert _our_answer(text) == _stdnum_answer(text)


@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
@settings(max_examples=500, deadline=None)
def test_the_check_character_is_python_stdnums(body):
    """GB 32100's check character of any 17 characters of its alphabet, as python-stdnum computes it."""
    assert validators.credit_check_character(body) == uscc.calc_check_digit(body)


@st.composite
def valid_id_numbers(draw):
    region = draw(st.sampled_from(["110105", "330102", "330106", "330104"]))
    birth = draw(
        st.dates(min_value=__import__("datetime").date(1990, 1, 1), max_value=__import__("datetime").date(2005, 12, 31))
    ).strftime("%Y%m%d")
    serial = f"{draw(st.integers(min_value=0, max_value=999)):03d}"
    body = region + birth + serial
    return body + ric.calc_check_digit(body + "0")  # stdnum expects a placeholder check digit


@pytest.mark.seconds(1.1)
@given(valid_id_numbers())
@settings(max_examples=200, deadline=None)
def test_valid_id_numbers_are_accepted_and_masked(number):
    assert validators.id_number(number) == number
    masked = personal_data.mask_id_number(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:] and set(masked[6:-4]) == {"*"}
    assert number[6:14] not in masked  # the birth date is hidden


@given(valid_id_numbers(), st.sampled_from("0123456789X"))
@settings(max_examples=200, deadline=None)
def test_a_wrong_check_digit_is_caught(number, check):
    if check == number[-1]:
        return
    with pytest.raises(validators.InvalidValueError):
        validators.id_number(number[:-1] + check)


#: Every address code of python-stdnum's data (cn/loc), current or historical, with the years it was in use.
ADDRESS_CODES = sorted(
    (province[1] + county[1], county[3]["county"])
    for province in numdb.get("cn/loc").prefixes
    for county in province[4]
    if county[1] == county[2] and county[3].get("county")
)
#: The codes no longer, or not yet, in use for some birth years (a "[start-end]" in front of the name).
DATED_CODES = [(code, name) for code, name in ADDRESS_CODES if name.startswith("[")]


@st.composite
def numbers_of_any_code_and_year(draw):
    """An ID number of any address code of the data, current or historical, for any birth date from 1900 to today,
    with its check digit: valid whatever the years of its code."""
    code, _ = draw(st.sampled_from(ADDRESS_CODES))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date.today())).strftime("%Y%m%d")
    body = code + born + f"{draw(st.integers(min_value=0, max_value=999)):03d}"
    return body + ric.calc_check_digit(body + "0")


def test_a_ningan_number_of_a_person_born_before_its_code_is_valid():
    """宁安市's code (231084) is in use from 1993; a person born there in 1990 keeps it (python-stdnum refuses it)."""
    assert not ric.is_valid("231084199001011230")
    assert validators.id_number("231084199001011230") == "231084199001011230"


@given(numbers_of_any_code_and_year())
@settings(max_examples=300, deadline=None)
def test_any_current_or_historical_code_is_valid_whatever_the_birth_year(number):
    assert validators.id_number(number) == number


@given(st.sampled_from(DATED_CODES), st.integers(min_value=1900, max_value=2030))
@settings(max_examples=200, deadline=None)
def test_a_dated_code_is_valid_outside_its_years_too(entry, year):
    code, _ = entry
    body = f"{code}{year}0101123"
    number = body + ric.calc_check_digit(body + "0")
    assert validators.id_number(number) == number


@given(numbers_of_any_code_and_year(), st.integers(min_value=0, max_value=16), st.sampled_from("0123456789"))
@settings(max_examples=300, deadline=None)
def test_a_changed_digit_is_caught_by_the_check_digit(number, place, digit):
    changed = number[:place] + digit + number[place + 1 :]
    if changed == number:
        return
    with pytest.raises(validators.InvalidValueError):
        validators.id_number(changed)


@given(st.text(alphabet="0123456789", min_size=6, max_size=6), numbers_of_any_code_and_year())
@settings(max_examples=300, deadline=None)
def test_a_code_not_in_the_data_is_refused(code, number):
    if any(code == known for known, _ in ADDRESS_CODES):
        return
    body = code + number[6:17]
    with pytest.raises(validators.InvalidValueError):
        validators.id_number(body + ric.calc_check_digit(body + "0"))


@pytest.mark.parametrize(
    "number",
    ["23108419900230123", "2310841990023012X5", "231084199002301230", "231084199013011230", "2310841990010112300"],
)
def test_the_length_the_date_and_the_format_are_still_checked(number):
    body = number[:17]
    candidate = body + ric.calc_check_digit(body + "0") if len(number) == 18 and body.isdigit() else number
    with pytest.raises(validators.InvalidValueError):
        validators.id_number(candidate)


@pytest.mark.parametrize(
    "code,ok",
    [
        ("C", True),
        ("C13", True),
        ("C131", True),
        ("C1311", True),
        ("H6210", True),
        ("Z12", False),
        ("C1", False),
        ("C13111", False),
        ("13", False),
        ("", False),
    ],
)
def test_industry_codes(code, ok):
    if ok:
        assert validators.industry_code(code.lower()) == code
    else:
        with pytest.raises(validators.InvalidValueError):
            validators.industry_code(code)


@given(st.one_of(st.text(max_size=14), st.text(alphabet="0123456789 ", min_size=5, max_size=14)))
def test_region_code_is_six_nine_or_twelve_digits(value):
    if len(value.strip()) in (6, 9, 12) and value.strip().isdigit() and value.strip().isascii():
        assert validators.region_code(value) == value.strip()
    else:
        with pytest.raises(validators.InvalidValueError):
            validators.region_code(value)


@pytest.mark.parametrize(
    "value,expected", [("是", True), ("否", False), ("√", True), ("", False), (1, True), (None, False)]
)
def test_yes_no_cells(value, expected):
    assert validators.parse_flag(value) is expected


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
@settings(max_examples=100, deadline=None)
def test_a_penalty_or_an_inspection_is_never_dated_after_today(day):
    """A date that has happened (行政处罚、上次检查) is refused after today, kept otherwise, naming the field."""
    with frozen_at(date(2026, 5, 6)):
        errors: dict = {}
        kept = validators.past_date(day.isoformat(), "penalized_on", errors)
    if day > date(2026, 5, 6):
        assert kept is None and list(errors) == ["penalized_on"]
    else:
        assert kept == day and not errors


@given(text=st.text(max_size=300), limit=st.integers(min_value=1, max_value=200))
@settings(max_examples=200, deadline=None)
def test_a_required_text_says_it_is_missing_only_when_it_is(text, limit):
    """A name or a title: empty (or blank) is "enter it"; too long says the limit and how many were
    given — a 2,000-character name is never told to enter a name."""
    app = Flask(__name__)
    Babel(app, default_locale="zh_CN")
    with app.test_request_context(), force_locale("zh_CN"):
        errors: dict = {}
        kept = required_text(text, "title", errors, limit=limit, missing="请输入标题")
        stripped = text.strip()
        assert kept == stripped
        if not stripped:
            assert errors == {"title": ["请输入标题"]}
        elif len(stripped) > limit:
            message = str(errors["title"][0])
            assert f"{limit}" in message and f"{len(stripped)}" in message and "请输入" not in message
        else:
            assert errors == {}
