"""校验: validators for the codes of the directories (统一社会信用代码、身份证号码…): each returns
the clean value or raises :class:`InvalidValueError` with a message in the user's language."""

from __future__ import annotations

import operator
import re
from datetime import date, datetime

from flask_babel import LazyString, lazy_gettext as _l
from stdnum import numdb
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, ValidationError

from spotcheck.core.clock import today
from spotcheck.tenants.common.vocabulary.reference import INDUSTRY_SECTIONS

#: The refusals of a form or a file's fields, by field (what :class:`~spotcheck.core.errors.ValidationFailed` carries).
Errors = dict[str, list[LazyString]]


class InvalidValueError(ValueError):
    def __init__(self, message: LazyString | str) -> None:
        super().__init__(str(message))
        self.message = message


#: GB 32100-2015's characters (统一社会信用代码的字符集: no I, O, S, V, Z; their values are their places), the one
#: copy the demo's registry, the benchmarks and the tests draw codes from.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: A credit code already in its compact form (what a registry's export holds): 8 digits, then 10 characters of
#: GB 32100's alphabet — python-stdnum's ``compact`` leaves it as it is.
_COMPACT_USCC = re.compile(rf"[0-9]{{8}}[{re.escape(USCC_ALPHABET)}]{{10}}")
_USCC_VALUE = {character: value for value, character in enumerate(USCC_ALPHABET)}
#: The weights of the first 17 characters (3^i mod 31).
_USCC_WEIGHTS = tuple(pow(3, place, 31) for place in range(17))


def credit_check_character(compact: str) -> str:
    """The check character of the first 17 characters of a credit code in its compact form — what
    python-stdnum's ``uscc.calc_check_digit`` gives (a test holds them equal), without its cleaning of the text
    again, which took half of the check of each row of a registry import (2.5 of 5 µs)."""
    return USCC_ALPHABET[-sum(map(operator.mul, map(_USCC_VALUE.__getitem__, compact[:17]), _USCC_WEIGHTS)) % 31]


def credit_code(value: str | None) -> str:
    """统一社会信用代码 (GB 32100-2015): 18 characters, last one a check character. A code in its compact
    form with the right check character (:func:`credit_check_character`) is taken as it is; any other goes
    through the whole of python-stdnum's ``uscc.validate``, which first strips spaces and dashes and
    upper-cases — the same answer, in a fraction of the time for a million rows of an import."""
    value = value or ""
    if _COMPACT_USCC.fullmatch(value) and credit_check_character(value) == value[17]:
        return value
    try:
        return uscc.validate(value)
    except ValidationError:
        raise InvalidValueError(
            _l("Not a valid unified social credit code (18 characters with a check character).")
        ) from None


def id_number(value: str | None) -> str:
    """公民身份号码 (GB 11643-1999): 18 characters, the first 17 digits, the last a check digit (0-9 or X); its birth
    date a date of the calendar; its first six digits an address code (行政区划代码) of GB/T 2260, current or
    historical. A number keeps the code of the place where it was first registered, whatever became of the code
    since or the year the person was born: python-stdnum's ``ric.validate`` refuses a code for a birth year outside
    the years the code was in use (宁安市's 231084, from 1993, for a person born in 1990), and this does not; the codes
    and their years are python-stdnum's own data (``cn/loc``)."""
    number = ric.compact(value or "")
    try:
        if len(number) != 18 or not number[:17].isdigit() or not number[:17].isascii():
            raise InvalidFormat()
        if number[-1] != ric.calc_check_digit(number):
            raise InvalidChecksum()
        ric.get_birth_date(number)
        if not is_address_code(number[:6]):
            raise InvalidComponent()
    except ValidationError:
        raise InvalidValueError(_l("Not a valid resident ID number (18 characters with a check digit).")) from None
    return number


def is_address_code(code: str) -> bool:
    """Whether ``code`` (6 digits) is an address code of GB/T 2260 at any time, current or historical (python-stdnum's
    ``cn/loc``, which gives each code the years it was in use: any of them will do)."""
    if len(code) != 6 or not code.isdigit():
        return False
    found = numdb.get("cn/loc").info(code)
    return any(part == code[2:] and props.get("county") for part, props in found[1:]) and bool(found[0][1])


_REGION = re.compile(r"^(\d{6}|\d{9}|\d{12})$")
_INDUSTRY = re.compile(r"^([A-T])(\d{2}(\d{1,2})?)?$")
_OTHER_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{2,31}$")


def region_code(value: str | None) -> str:
    """A registry location's division code (行政区划代码): GB/T 2260's 6 digits, or a town's 统计用区划代码 of 9 or
    12 digits."""
    value = (value or "").strip()
    if not (_REGION.match(value) and value.isascii()):
        raise InvalidValueError(
            _l("Enter the region code: 6 digits (GB/T 2260), or 9 or 12 digits for a town (统计用区划代码).")
        )
    return value


def industry_code(value: str | None) -> str:
    """GB/T 4754-2017 industry code: a section letter A–T, optionally with 2, 3 or 4 digits."""
    value = (value or "").strip().upper()
    if not _INDUSTRY.match(value) or value[0] not in INDUSTRY_SECTIONS:
        raise InvalidValueError(
            _l("Not a GB/T 4754 industry code (a letter A–T, optionally followed by 2–4 digits, e.g. C1311).")
        )
    return value


def other_target_code(value: str | None) -> str:
    """The code of a product, project or behaviour target: 3–32 letters, digits, dot, dash, underscore."""
    value = (value or "").strip()
    if not _OTHER_CODE.match(value):
        raise InvalidValueError(_l("Use 3–32 letters, digits, dots, dashes or underscores for this code."))
    return value


def parse_flag(value: object) -> bool:
    """A yes/no from a form or a spreadsheet cell (是, √, 1, true, yes)."""
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y", "是", "√", "x")
    return bool(value)


def parse_date(value: object, key: str, errors: Errors) -> date | None:
    """A date from a form, a spreadsheet cell or ISO text; a bad one adds an error under ``key``."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10].replace("/", "-"))
    except ValueError:
        errors[key] = [_l("Enter a date as YYYY-MM-DD.")]
        return None


def past_date(value: object, key: str, errors: Errors) -> date | None:
    """A date that has happened (a penalty, an inspection): :func:`parse_date`, and not after today."""
    parsed = parse_date(value, key, errors)
    if parsed is not None and parsed > today():
        errors[key] = [_l("This date is after today: give the day it happened.")]
        return None
    return parsed
