"""抽查比例和频次 — an item's or a plan line's sampling ratio and frequency, as values.

A **ratio** (抽查比例) is a share kept in basis points, more than 0 and at most 10000 (100 %); an
item's ratio is the least share it checks, said 不低于5% (500). A **frequency** (抽查频次) is a number
of times (at least 1) per period: 每年1次, 每半年1次, 每季度1次, 每月1次.

Commands check the values with :func:`ratio` and :func:`frequency`; a form or a spreadsheet cell
gives text, read by :func:`parse_ratio` and :func:`parse_frequency`; pages, tables and files say
them as the item list prints them (:func:`ratio_text`, :func:`frequency_text`). Each refusal names
the field, in the user's language (:class:`~spotcheck.tenants.common.validators.Invalid`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l

from spotcheck.tenants.common.validators import Errors, InvalidValueError
from spotcheck.tenants.common.vocabulary import percent

#: The periods of a frequency (频次的周期): code → how the item list says "every …".
PERIODS = {"year": "每年", "half": "每半年", "quarter": "每季度", "month": "每月"}
#: A ratio's bounds in basis points: above 0, at most 100 %.
FULL = 10000
#: The most times per period a frequency may say.
MAX_TIMES = 100

RATIO_REFUSAL = _l(
    "The ratio (抽查比例) is a percentage above 0 and at most 100 %, with at most two decimals (e.g. 5 or 2.5)."
)
TIMES_REFUSAL = _l("The frequency (抽查频次) is a whole number of times from 1 to %(most)d per period.", most=MAX_TIMES)
PERIOD_REFUSAL = _l("The frequency's period (抽查频次) is one of: %(periods)s.", periods="、".join(PERIODS.values()))
FREQUENCY_TEXT_REFUSAL = _l(
    "The frequency (抽查频次) is written as a number of times per period, e.g. 每年1次, "
    "每半年1次, 每季度1次 or 每月2次."
)
PAIR_REFUSAL = _l("The frequency (抽查频次) needs both its number of times and its period.")


def ratio(value: object) -> int:
    """A ratio in basis points, checked: a whole number above 0 and at most 10000."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= FULL:
        raise InvalidValueError(RATIO_REFUSAL)
    return value


def frequency_times(value: object) -> int:
    """A frequency's number of times, checked: a whole number from 1 to :data:`MAX_TIMES`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_TIMES:
        raise InvalidValueError(TIMES_REFUSAL)
    return value


def frequency_period(value: object) -> str:
    """A frequency's period, checked: a code of :data:`PERIODS`."""
    if not isinstance(value, str) or value not in PERIODS:
        raise InvalidValueError(PERIOD_REFUSAL)
    return value


def frequency(times: object, period: object) -> tuple[int, str]:
    """A frequency, checked: ``times`` (1 to :data:`MAX_TIMES`) per ``period`` (a code of :data:`PERIODS`)."""
    return frequency_times(times), frequency_period(period)


def _empty(value: object) -> bool:
    return value is None or value == ""


def checked_frequency(times: object, period: object, errors: Errors) -> tuple[int | None, str]:
    """A frequency given as its two fields (``frequency_times``, ``frequency_period``): both empty is
    none, ``(None, "")``; one without the other, or a bad one, adds the refusal under its field."""
    if _empty(times) and _empty(period):
        return None, ""
    if _empty(times) or _empty(period):
        errors["frequency_times" if _empty(times) else "frequency_period"] = [PAIR_REFUSAL]
        return None, ""
    clean: list[Any] = []  # the times, then the period
    for name, value, check in (
        ("frequency_times", times, frequency_times),
        ("frequency_period", period, frequency_period),
    ):
        try:
            clean.append(check(value))
        except InvalidValueError as invalid:
            errors[name] = [invalid.message]
    return (clean[0], clean[1]) if len(clean) == 2 else (None, "")


# --- reading what users type ----------------------------------------------------------------------

_AT_LEAST = r"(?:不低于|不少于|至少|最低|≥|>=)?"
_RATIO = re.compile(rf"^{_AT_LEAST}(\d+(?:\.\d+)?)[%％]?$")
_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(\d+|[一二两三四五六七八九十]{1,3})"
_PERIOD_WORDS = {"年": "year", "年度": "year", "半年": "half", "季": "quarter", "季度": "quarter", "月": "month"}
_PERIOD = r"(半年|年度|年|季度|季|月)"
_PER_PERIOD = re.compile(rf"^(?:每|一)?{_PERIOD}{_AT_LEAST}{_NUMBER}次$")
_TIMES_PER = re.compile(rf"^{_NUMBER}次/{_PERIOD}$")


def parse_ratio(text: object) -> int | None:
    """A ratio as typed — ``不低于5%``, ``5%``, ``2.5`` (per cent) — in basis points; ``None`` when empty."""
    text = re.sub(r"\s+", "", "" if text is None else str(text))
    if not text:
        return None
    match = _RATIO.match(text)
    if match is None:
        raise InvalidValueError(RATIO_REFUSAL)
    try:
        basis_points = Decimal(match.group(1)) * 100
    except InvalidOperation:  # pragma: no cover - the pattern admits decimals only
        raise InvalidValueError(RATIO_REFUSAL) from None
    if basis_points != basis_points.to_integral_value() or not 0 < basis_points <= FULL:
        raise InvalidValueError(RATIO_REFUSAL)
    return int(basis_points)


def _count(word: str) -> int:
    if word.isdigit():
        return int(word)
    if "十" not in word:
        return _DIGITS[word] if len(word) == 1 else 0
    tens, _, ones = word.partition("十")
    if (tens and tens not in _DIGITS) or (ones and ones not in _DIGITS) or "十" in ones:
        return 0
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)


def parse_frequency(text: object) -> tuple[int, str] | None:
    """A frequency as typed — ``每年1次``, ``每半年不少于1次``, ``每季度一次``, ``2次/年`` — as (times,
    period); ``None`` when empty."""
    text = re.sub(r"\s+", "", "" if text is None else str(text))
    if not text:
        return None
    if match := _PER_PERIOD.match(text):
        period, number = match.group(1), match.group(2)
    elif match := _TIMES_PER.match(text):
        number, period = match.group(1), match.group(2)
    else:
        raise InvalidValueError(FREQUENCY_TEXT_REFUSAL)
    return frequency(_count(number), _PERIOD_WORDS[period])


def ratio_number(basis_points: int | str | None) -> str:
    """A ratio as a form shows it: 500 → ``5``, 250 → ``2.5`` (empty when there is none)."""
    return percent(basis_points).rstrip("%")


# --- saying them ----------------------------------------------------------------------------------


def ratio_text(basis_points: int | None) -> str:
    """An item's ratio as the item list says it: 500 → 不低于5% (empty when there is none)."""
    return f"不低于{percent(basis_points)}" if basis_points else ""


def frequency_text(times: int | None, period: str | None) -> str:
    """A frequency as the item list says it: (1, year) → 每年1次 (empty when there is none)."""
    return f"{PERIODS[period]}{times}次" if times and period in PERIODS else ""


def sampling_text(basis_points: int | None, times: int | None, period: str | None) -> str:
    """比例和频次 in one cell: 不低于5%；每年1次."""
    return "；".join(x for x in (ratio_text(basis_points), frequency_text(times, period)) if x)
