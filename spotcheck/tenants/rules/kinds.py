"""The kinds of value a rule parameter takes (参数的取值类型): how each is read from a rules file, written
back, said in Chinese, and compared — whether a department's value (细则) is at least as strict as the
one it would replace (从严).

Each kind reads the raw TOML value and answers the clean value or raises :class:`BadValueError` with the
reason in Chinese; the file reader (:mod:`.rulefile`) names the key.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypedDict, TypeVar, cast


class BadValueError(ValueError):
    """A value that cannot be taken, with the reason in Chinese."""


#: A day of the year, (month, day).
MonthDay = tuple[int, int]


class DeadlineValue(TypedDict):
    """A yearly deadline as :class:`Deadline` reads it: the usual day, and the years it was another day."""

    day: MonthDay
    exceptions: dict[str, MonthDay]


class HalfYearValue(TypedDict):
    """The two half-year deadlines as :class:`HalfYearDeadlines` reads them."""

    first: MonthDay
    second: MonthDay


#: The clean value of a kind (what its ``read`` answers).
V = TypeVar("V")


def _whole(raw: object, low: int, high: int, unit: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not low <= raw <= high:
        raise BadValueError(f"应为{low}至{high}的整数（{unit}），而不是“{raw}”。")
    return raw


#: Whether a department's value keeps to the rule it would replace (从严), by the kind's ``stricter``: its value
#: first, the rule's second. ``fixed`` (or any other word): only the same value.
_KEEPS_TO: dict[str, Callable[[Any, Any], bool]] = {
    "lower": lambda own, rule: own <= rule,
    "higher": lambda own, rule: own >= rule,
    "on": lambda own, rule: bool(own) or not rule,
    "subset": lambda own, rule: set(own) <= set(rule),
    "superset": lambda own, rule: set(own) >= set(rule),
    "fixed": operator.eq,
}


@dataclass(frozen=True)
class Kind(Generic[V]):
    """A kind of value. ``stricter`` is how a department's value may differ from the rule it tightens:
    ``lower`` (earlier, fewer), ``higher`` (more), ``on`` (a duty may only be turned on), ``subset``,
    ``superset`` (may only add), ``ordered`` (a later choice of a list: :class:`Choice`), or ``fixed`` (a department
    may not set it)."""

    stricter: str = "fixed"

    def read(self, raw: object) -> V:
        raise NotImplementedError

    def write(self, value: V) -> object:
        return value

    def say(self, value: V) -> str:
        return str(value)

    def at_least_as_strict(self, mine: V, floor: V) -> bool:
        """Whether ``mine`` (a department's) keeps to ``floor`` (the rule it would replace)."""
        # ``stricter`` says which comparison the kind's values support (ordered numbers, flags or lists)
        return _KEEPS_TO.get(self.stricter, _KEEPS_TO["fixed"])(cast(Any, mine), cast(Any, floor))

    def union(self, floor: V, mine: V) -> V:
        """A department's list added to the one it tightens (``superset`` kinds: a 细则 only adds)."""
        listed, added = cast(list[object], floor), cast(list[object], mine)  # a ``superset`` kind's value is a list
        return cast(V, list(listed) + [x for x in added if x not in listed])

    def reaching_below(self, value: V) -> V:
        """What of a rulebook's value binds the departments of a level below that applies the rulebook, having none
        of its own (适用上级): all of it, but for the kinds whose items say whom they bind (duties, tables)."""
        return value

    def restated(self, mine: V, floor: V) -> list[str]:
        """What a department's list (``superset`` kinds) says again of the one it adds to, by name (a
        refusal: a 细则 adds, it does not restate)."""
        return []


@dataclass(frozen=True)
class WorkingDays(Kind[int]):
    """A number of working days (工作日) after an event."""

    stricter: str = "lower"
    low: int = 1
    high: int = 60

    def read(self, raw: object) -> int:
        return _whole(raw, self.low, self.high, "工作日")

    def say(self, value: int) -> str:
        return f"{value}个工作日"


@dataclass(frozen=True)
class Number(Kind[int]):
    """A whole number with a unit (人, 天, 个部门)."""

    stricter: str = "higher"
    low: int = 0
    high: int = 1000
    unit: str = ""

    def read(self, raw: object) -> int:
        return _whole(raw, self.low, self.high, self.unit)

    def say(self, value: int) -> str:
        return f"{value}{self.unit}"


@dataclass(frozen=True)
class Window(Number):
    """A number of days back (最近N日内), or 0 for no limit (不限期限: the document's words carry none).
    Longer is stricter (more entities count), no limit the longest."""

    stricter: str = "higher"
    low: int = 0
    high: int = 3650

    def say(self, value: int) -> str:
        return "不限期限" if value == 0 else f"最近{value}{self.unit}内"

    def at_least_as_strict(self, mine: int, floor: int) -> bool:
        def length(days: int) -> float:
            return float("inf") if days == 0 else days

        return length(mine) >= length(floor)


@dataclass(frozen=True)
class Percent(Kind[int]):
    """A share in per cent (不低于N%)."""

    stricter: str = "higher"

    def read(self, raw: object) -> int:
        return _whole(raw, 0, 100, "百分比")

    def say(self, value: int) -> str:
        return f"{value}%"


@dataclass(frozen=True)
class Flag(Kind[bool]):
    """A duty that applies or not (是/否); a department may only turn it on."""

    stricter: str = "on"

    def read(self, raw: object) -> bool:
        if not isinstance(raw, bool):
            raise BadValueError(f"应为 true（是）或 false（否），而不是“{raw}”。")
        return raw

    def say(self, value: bool) -> str:
        return "是" if value else "否"


_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def month_day(raw: object, what: str = "日期") -> tuple[int, int]:
    """``"01-15"`` → (1, 15): a day of the year written MM-DD (29 February refused: not every year has it)."""
    match = _MONTH_DAY.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise BadValueError(f"{what}应写作“月-日”（如 01-15），而不是“{raw}”。")
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(2023, month, day)
    except ValueError:
        raise BadValueError(f"{what}“{raw}”不是一年中的日子。") from None
    return month, day


def say_month_day(value: MonthDay) -> str:
    return f"{value[0]}月{value[1]}日"


@dataclass(frozen=True)
class Deadline(Kind[DeadlineValue]):
    """A yearly deadline: a day of the year (``"01-15"``), and the years it was another day
    (``exceptions = {"2019" = "06-20"}``). Earlier is stricter, in every year."""

    stricter: str = "lower"

    def read(self, raw: object) -> DeadlineValue:
        if isinstance(raw, str):
            raw = {"day": raw}
        if not isinstance(raw, dict) or set(raw) - {"day", "exceptions"} or "day" not in raw:
            raise BadValueError('应为“月-日”（如 01-15），或 { day = "01-15", exceptions = { "2019" = "06-20" } }。')
        exceptions = raw.get("exceptions") or {}
        if not isinstance(exceptions, dict):
            raise BadValueError("exceptions 应为“年份 = 月-日”的表。")
        clean_exceptions: dict[str, MonthDay] = {}
        for year, day in exceptions.items():
            if not re.fullmatch(r"\d{4}", str(year)):
                raise BadValueError(f"exceptions 的键应为四位年份，而不是“{year}”。")
            clean_exceptions[str(year)] = month_day(day, f"{year}年的日期")
        return {"day": month_day(raw["day"]), "exceptions": clean_exceptions}

    def write(self, value: DeadlineValue) -> str | dict[str, object]:
        day = _written(value["day"])
        if not value["exceptions"]:
            return day
        return {"day": day, "exceptions": {y: _written(d) for y, d in sorted(value["exceptions"].items())}}

    def say(self, value: DeadlineValue) -> str:
        text = f"每年{say_month_day(value['day'])}前"
        if value["exceptions"]:
            text += (
                "（" + "；".join(f"{y}年为{say_month_day(d)}前" for y, d in sorted(value["exceptions"].items())) + "）"
            )
        return text

    @staticmethod
    def on(value: DeadlineValue, year: int) -> date:
        month, day = value["exceptions"].get(str(year), value["day"])
        return date(year, month, day)

    def at_least_as_strict(self, mine: DeadlineValue, floor: DeadlineValue) -> bool:
        """Not later in a usual year, nor in any year either of them makes an exception of."""
        years = set(mine["exceptions"]) | set(floor["exceptions"])
        return tuple(mine["day"]) <= tuple(floor["day"]) and all(
            self.on(mine, int(y)) <= self.on(floor, int(y)) for y in years
        )


def _written(value: MonthDay) -> str:
    """(1, 15) → ``"01-15"``, as a rules file writes a day of the year."""
    return f"{value[0]:02d}-{value[1]:02d}"


@dataclass(frozen=True)
class HalfYearDeadlines(Kind[HalfYearValue]):
    """The two half-year deadlines (上半年、下半年): ``{ first = "01-15", second = "06-15" }``."""

    stricter: str = "lower"

    def read(self, raw: object) -> HalfYearValue:
        if not isinstance(raw, dict) or set(raw) != {"first", "second"}:
            raise BadValueError('应为 { first = "01-15", second = "06-15" }：上半年与下半年计划的报备日期。')
        return {"first": month_day(raw["first"], "上半年的日期"), "second": month_day(raw["second"], "下半年的日期")}

    def write(self, value: HalfYearValue) -> dict[str, str]:
        return {"first": _written(value["first"]), "second": _written(value["second"])}

    def say(self, value: HalfYearValue) -> str:
        return f"上半年计划{say_month_day(value['first'])}前、下半年计划{say_month_day(value['second'])}前"

    def at_least_as_strict(self, mine: HalfYearValue, floor: HalfYearValue) -> bool:
        return tuple(mine["first"]) <= tuple(floor["first"]) and tuple(mine["second"]) <= tuple(floor["second"])


@dataclass(frozen=True)
class Codes(Kind[list[str]]):
    """A list of codes from a fixed list (``choices``: code → Chinese name)."""

    stricter: str = "subset"
    choices: Mapping[str, str] = field(default_factory=dict)

    def read(self, raw: object) -> list[str]:
        if not isinstance(raw, list) or not all(isinstance(c, str) for c in raw):
            raise BadValueError('应为代码的列表，如 ["' + '", "'.join(list(self.choices)[:2]) + '"]。')
        unknown = [c for c in raw if c not in self.choices]
        if unknown:
            raise BadValueError(
                "未知的代码："
                + "、".join(f"“{c}”" for c in unknown)
                + "；可用的代码："
                + "；".join(f"{c}（{n}）" for c, n in self.choices.items())
                + "。"
            )
        return [c for c in self.choices if c in raw]

    def say(self, value: list[str]) -> str:
        return "、".join(self.choices[c] for c in value) if value else "（无）"

    def union(self, floor: list[str], mine: list[str]) -> list[str]:
        """Both lists' codes, in the order of the fixed list."""
        return [code for code in self.choices if code in floor or code in mine]


@dataclass(frozen=True)
class Choice(Kind[str]):
    """One code of a fixed list (``choices``: code → Chinese name), the list running from the least strict choice to
    the strictest: a department's rules may only choose one further down it (``ordered``)."""

    stricter: str = "ordered"
    choices: Mapping[str, str] = field(default_factory=dict)

    def read(self, raw: object) -> str:
        if not isinstance(raw, str) or raw not in self.choices:
            raise BadValueError(
                "应为以下代码之一："
                + "；".join(f"{code}（{name}）" for code, name in self.choices.items())
                + f"，而不是“{raw}”。"
            )
        return raw

    def say(self, value: str) -> str:
        return self.choices[value]

    def at_least_as_strict(self, mine: str, floor: str) -> bool:
        order = list(self.choices)
        return order.index(mine) >= order.index(floor)


@dataclass(frozen=True)
class Labels(Kind[dict[str, str]]):
    """A list of codes each with its Chinese name (``{ closed = "已关闭停业", … }``), e.g. the reasons
    of a replacement; a department may keep fewer of them."""

    stricter: str = "subset"

    def read(self, raw: object) -> dict[str, str]:
        if not isinstance(raw, dict) or not raw:
            raise BadValueError("应为“代码 = 名称”的表，至少一项。")
        clean: dict[str, str] = {}
        for code, name in raw.items():
            if not re.fullmatch(r"[a-z][a-z0-9_]{0,31}", code):
                raise BadValueError(f"代码“{code}”应为小写字母、数字和下划线（至多32个字符）。")
            if not isinstance(name, str) or not name.strip() or len(name) > 50:
                raise BadValueError(f"“{code}”的名称应为1至50个字符的文字。")
            clean[code] = name.strip()
        return clean

    def say(self, value: dict[str, str]) -> str:
        return "、".join(value.values())


@dataclass(frozen=True)
class Text(Kind[str]):
    """A line of text (a recipient's name)."""

    def read(self, raw: object) -> str:
        if not isinstance(raw, str) or not raw.strip() or len(raw) > 200:
            raise BadValueError("应为1至200个字符的文字。")
        return raw.strip()
