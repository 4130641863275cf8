"""Property tests of 抽查比例 and 抽查频次 as values (:mod:`spotcheck.tenants.common.vocabulary.sampling`): what is
said is read back the same; a ratio is above 0 and at most 100 %, a frequency at least once per
period; anything else is refused naming the field, never taken for some other value."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask_babel import Babel
from hypothesis import given, settings, strategies as st

from spotcheck.tenants.common.validators import InvalidValueError
from spotcheck.tenants.common.vocabulary import sampling

basis_points = st.integers(min_value=1, max_value=sampling.FULL)
times = st.integers(min_value=1, max_value=sampling.MAX_TIMES)
periods = st.sampled_from(sorted(sampling.PERIODS))


@pytest.fixture(scope="module", autouse=True)
def babel_context():
    app = Flask(__name__)
    Babel(app, default_locale="zh_Hans_CN")
    with app.app_context():
        yield


def _refusal(call) -> str:
    with pytest.raises(InvalidValueError) as refused:
        call()
    return str(refused.value.message)


@given(basis_points)
@settings(max_examples=300, deadline=None)
def test_a_ratio_said_is_read_back_the_same(value):
    said = sampling.ratio_text(value)
    assert said.startswith("不低于") and said.endswith("%")
    assert sampling.parse_ratio(said) == value
    assert sampling.parse_ratio(said.removeprefix("不低于")) == value
    assert sampling.parse_ratio(sampling.ratio_number(value)) == value  # as a form shows it
    assert sampling.ratio(value) == value


@given(
    st.one_of(
        st.integers(max_value=0),
        st.integers(min_value=sampling.FULL + 1),
        st.booleans(),
        st.text(max_size=8),
        st.floats(allow_nan=True),
        st.none(),
    )
)
@settings(max_examples=300, deadline=None)
def test_a_ratio_that_is_not_above_0_and_at_most_100_percent_is_refused_naming_the_field(value):
    assert "抽查比例" in _refusal(lambda: sampling.ratio(value))


@given(
    st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "%", "％"]),
    st.sampled_from(["", "不低于", "不少于", "至少"]),
)
@settings(max_examples=400, deadline=None)
def test_a_typed_ratio_is_read_exactly_when_it_is_a_percentage_above_0_and_at_most_100(number, sign, prefix):
    text = f"{prefix}{number}{sign}"
    basis_points_typed = number * 100
    fits = (
        0 < basis_points_typed <= sampling.FULL
        and basis_points_typed == basis_points_typed.to_integral_value()
        and re.fullmatch(r"\d+(\.\d+)?", str(number)) is not None
    )
    if fits:
        assert sampling.parse_ratio(text) == int(basis_points_typed)
    else:
        assert "抽查比例" in _refusal(lambda: sampling.parse_ratio(text))


@given(times, periods)
@settings(max_examples=300, deadline=None)
def test_a_frequency_said_is_read_back_the_same(count, period):
    said = sampling.frequency_text(count, period)
    assert said == f"{sampling.PERIODS[period]}{count}次"
    assert sampling.parse_frequency(said) == (count, period)
    assert sampling.frequency(count, period) == (count, period)


@given(
    st.one_of(
        st.integers(max_value=0),
        st.integers(min_value=sampling.MAX_TIMES + 1),
        st.booleans(),
        st.text(max_size=6),
        st.none(),
    ),
    periods,
)
@settings(max_examples=300, deadline=None)
def test_a_frequency_of_no_whole_number_of_times_is_refused_naming_the_field(count, period):
    assert "抽查频次" in _refusal(lambda: sampling.frequency(count, period))
    errors: dict = {}
    assert sampling.checked_frequency(count, period, errors) == (None, "")
    assert "抽查频次" in str(errors["frequency_times"][0])


@given(times, st.text(max_size=8).filter(lambda p: p not in sampling.PERIODS))
@settings(max_examples=200, deadline=None)
def test_a_frequency_of_an_unknown_period_is_refused_naming_the_field(count, period):
    assert "抽查频次" in _refusal(lambda: sampling.frequency(count, period))


@given(st.text(max_size=12))
@settings(max_examples=500, deadline=None)
def test_any_text_is_read_as_a_frequency_in_bounds_or_refused_naming_the_field(text):
    try:
        found = sampling.parse_frequency(text)
    except InvalidValueError as invalid:
        assert "抽查频次" in str(invalid.message)
    else:
        if found is None:
            assert not re.sub(r"\s+", "", text)
        else:
            assert 1 <= found[0] <= sampling.MAX_TIMES and found[1] in sampling.PERIODS


@given(st.text(max_size=12))
@settings(max_examples=500, deadline=None)
def test_any_text_is_read_as_a_ratio_in_bounds_or_refused_naming_the_field(text):
    try:
        found = sampling.parse_ratio(text)
    except InvalidValueError as invalid:
        assert "抽查比例" in str(invalid.message)
    else:
        assert (found is None and not re.sub(r"\s+", "", text)) or 0 < found <= sampling.FULL


def test_the_ways_people_write_a_frequency_are_read():
    for text, value in (
        ("每年1次", (1, "year")),
        ("每年不少于1次", (1, "year")),
        ("每半年1次", (1, "half")),
        ("每季度一次", (1, "quarter")),
        ("每季2次", (2, "quarter")),
        ("每月 两 次", (2, "month")),
        ("一年十二次", (12, "year")),
        ("2次/年", (2, "year")),
        ("每年度1次", (1, "year")),
    ):
        assert sampling.parse_frequency(text) == value, text
    for text in ("abc", "每年", "1次", "每周1次", "每年0次", "每年1.5次", "每年101次"):
        assert "抽查频次" in _refusal(lambda text=text: sampling.parse_frequency(text)), text
