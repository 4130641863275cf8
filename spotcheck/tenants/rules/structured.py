"""The structured kinds of rule parameter (结构化参数): reporting duties (报送义务), the statistical
tables a deployment uses (统计表), the assessment's points (考核扣分) and the enforcement categories each
exempt kind of check covers (计划外检查情形适用的执法类别) — read, written and compared like the simple
kinds of :mod:`.kinds`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from spotcheck.tenants.common.vocabulary.reference import ENFORCEMENT_CATEGORIES
from spotcheck.tenants.rules.kinds import BadValueError, Kind, month_day, say_month_day
from spotcheck.tenants.rules.vocabulary import (
    BINDS,
    BINDS_DEFAULT,
    DEDUCTION_LABELS,
    DUE_RULES,
    DUTY_CONDITIONS,
    EXEMPT_KIND_NAMES,
    FIELD_BOUND_KINDS,
    PERIOD_KINDS,
    SUBMITTERS,
    TABLE_NAMES,
)


class Duty(TypedDict):
    """A reporting duty as :class:`Duties` reads it (``only`` and ``article``, ``reading`` may be empty; ``binds``:
    whom it binds, :data:`~.vocabulary.BINDS`)."""

    table: str
    period: str
    due: str
    submitter: str
    recipient: str
    article: str
    only: str
    reading: str
    binds: str


class Table(TypedDict):
    """A statistical table of the deployment: its title, the attachment that gives it and whom it binds."""

    title: str
    attachment: str
    binds: str


class AssessmentValue(TypedDict):
    """The assessment's full score and, per deduction code, [points per occurrence, most taken off]."""

    full_score: float
    deductions: dict[str, list[float]]


def _text(raw: object, what: str, limit: int = 200, *, required: bool = True) -> str:
    if raw is None and not required:
        return ""
    if not isinstance(raw, str) or (required and not raw.strip()) or len(raw) > limit:
        raise BadValueError(f"{what}应为{'1' if required else '0'}至{limit}个字符的文字。")
    return raw.strip()


def _due(raw: object) -> str:
    if isinstance(raw, str) and raw in DUE_RULES:
        return raw
    try:
        month_day(raw)
    except BadValueError:
        raise BadValueError(
            "due 应为 "
            + "、".join(f"“{c}”（{n}）" for c, n in DUE_RULES.items())
            + "，或“月-日”（统计期所在年的这一天，如 12-15）。"
        ) from None
    assert isinstance(raw, str)  # month_day reads a string only
    return raw


def say_due(due: str) -> str:
    return DUE_RULES.get(due) or f"每年{say_month_day(month_day(due))}前"


def _binds(raw: object, what: str) -> str:
    if raw is None:
        return BINDS_DEFAULT
    if raw not in BINDS:
        raise BadValueError(
            f"{what}binds（适用范围）应为 "
            + "、".join(f"“{c}”（{n}）" for c, n in BINDS.items())
            + f"；不写时为“{BINDS_DEFAULT}”。"
        )
    return str(raw)


def say_binds(binds: str, submitter: str = "departments") -> str:
    """Whom a duty or table binds, in words: 适用：本级部门 (a bureau's duty: 本级司法局)."""
    return f"适用：{BINDS[binds]}{'司法局' if submitter == 'bureau' else '部门'}"


@dataclass(frozen=True)
class Duties(Kind[list[Duty]]):
    """The reporting duties: which table, for which period, due when, by whom, to whom, under which
    article, binding whom (``binds``: the departments of the rulebook's level alone, or those of the levels below
    that apply it too). A department may add duties of its own, never drop one (``superset``)."""

    stricter: str = "superset"
    FIELDS = ("table", "period", "due", "submitter", "recipient", "article", "only", "reading", "binds")

    def read(self, raw: object) -> list[Duty]:
        if not isinstance(raw, list):
            raise BadValueError(
                "应为报送义务的列表（[[duties.value]]，每项写明 table、period、due、submitter、recipient）。"
            )
        clean: list[Duty] = []
        seen: set[tuple[str, str]] = set()
        for number, duty in enumerate(raw, start=1):
            where = f"第{number}项："
            if not isinstance(duty, dict):
                raise BadValueError(where + "应为一张表。")
            unknown = set(duty) - set(self.FIELDS)
            if unknown:
                raise BadValueError(where + "未知的键 " + "、".join(sorted(unknown)) + "。")
            if duty.get("table") not in TABLE_NAMES:
                raise BadValueError(
                    where
                    + "table 应为统计表代码之一："
                    + "；".join(f"{c}（{n}）" for c, n in TABLE_NAMES.items())
                    + "。"
                )
            if duty.get("period") not in PERIOD_KINDS:
                raise BadValueError(
                    where + "period 应为 " + "、".join(f"“{c}”（{n}）" for c, n in PERIOD_KINDS.items()) + "。"
                )
            if duty.get("submitter") not in SUBMITTERS:
                raise BadValueError(
                    where + "submitter 应为 " + "、".join(f"“{c}”（{n}）" for c, n in SUBMITTERS.items()) + "。"
                )
            if duty.get("only") not in (None, *DUTY_CONDITIONS):
                raise BadValueError(
                    where + "only 应为 " + "、".join(f"“{c}”（{n}）" for c, n in DUTY_CONDITIONS.items()) + "。"
                )
            try:
                due = _due(duty.get("due"))
                item: Duty = {
                    "table": duty["table"],
                    "period": duty["period"],
                    "due": due,
                    "submitter": duty["submitter"],
                    "recipient": _text(duty.get("recipient"), "recipient（报送给谁）"),
                    "article": _text(duty.get("article"), "article（出处条款）", 100, required=False),
                    "only": duty.get("only") or "",
                    "reading": _text(duty.get("reading"), "reading（理解说明）", 1000, required=False),
                    "binds": _binds(duty.get("binds"), ""),
                }
            except BadValueError as bad:
                raise BadValueError(where + str(bad)) from None
            key = (item["table"], item["period"])
            if key in seen:
                raise BadValueError(
                    where + f"同一统计表（{TABLE_NAMES[item['table']]}）同一统计期类型只能有一项报送义务。"
                )
            seen.add(key)
            clean.append(item)
        return clean

    def write(self, value: list[Duty]) -> list[dict[str, object]]:
        return [{k: v for k, v in duty.items() if v not in ("", None)} for duty in value]

    def say(self, value: list[Duty]) -> str:
        if not value:
            return "（无）"
        return "；".join(
            f"{TABLE_NAMES[d['table']]}（{PERIOD_KINDS[d['period']]}，{say_due(d['due'])}，"
            f"{SUBMITTERS[d['submitter']]}报{d['recipient']}，{say_binds(d['binds'], d['submitter'])}）"
            for d in value
        )

    def reaching_below(self, value: list[Duty]) -> list[Duty]:
        """The duties that bind a level below applying the rulebook (本级及下级), not those of its own level alone."""
        return [duty for duty in value if duty["binds"] == "level_and_below"]

    def union(self, floor: list[Duty], mine: list[Duty]) -> list[Duty]:
        """The floor's duties and the department's own, one per table and kind of period."""
        owed = {(d["table"], d["period"]) for d in floor}
        return list(floor) + [d for d in mine if (d["table"], d["period"]) not in owed]

    def restated(self, mine: list[Duty], floor: list[Duty]) -> list[str]:
        """The tables of ``mine`` owed for the same kind of period under ``floor`` already."""
        owed = {(d["table"], d["period"]) for d in floor}
        return [f"《{TABLE_NAMES[d['table']]}》" for d in mine if (d["table"], d["period"]) in owed]

    def at_least_as_strict(self, mine: list[Duty], floor: list[Duty]) -> bool:
        kept = {(d["table"], d["period"]): d for d in mine}
        for duty in floor:
            own = kept.get((duty["table"], duty["period"]))
            if own is None or own["submitter"] != duty["submitter"] or own["only"] != duty["only"]:
                return False
        return True


@dataclass(frozen=True)
class Tables(Kind[dict[str, Table]]):
    """The statistical tables of the deployment: code → its title (``{year}`` the year, ``{place}`` the
    deployment's place), the attachment (附件) of the document that gives it and whom it binds (``binds``)."""

    def read(self, raw: object) -> dict[str, Table]:
        if not isinstance(raw, dict):
            raise BadValueError("应为“统计表代码 = { title = …, attachment = … }”的表。")
        clean: dict[str, Table] = {}
        for code, table in raw.items():
            if code not in TABLE_NAMES:
                raise BadValueError(
                    f"未知的统计表代码“{code}”；可用的代码："
                    + "；".join(f"{c}（{n}）" for c, n in TABLE_NAMES.items())
                    + "。"
                )
            if not isinstance(table, dict) or set(table) - {"title", "attachment", "binds"}:
                raise BadValueError(f'{code}：应为 {{ title = "…", attachment = "附件N", binds = "level" }}。')
            title = _text(table.get("title"), f"{code} 的 title（表名）")
            if "ＸＸ" in title or "XX" in title:
                raise BadValueError(f"{code}：表名里的年份写作 {{year}}，不写“ＸＸ”。")
            try:
                title.format(year=2026, place="某地")
            except (KeyError, IndexError, ValueError):
                raise BadValueError(f"{code}：表名里只能用 {{year}}（年份）和 {{place}}（地名）两个占位符。") from None
            clean[code] = {
                "title": title,
                "attachment": _text(table.get("attachment"), f"{code} 的 attachment（附件）", 20, required=False),
                "binds": _binds(table.get("binds"), f"{code} 的 "),
            }
        return clean

    def reaching_below(self, value: dict[str, Table]) -> dict[str, Table]:
        """The tables that bind a level below applying the rulebook (本级及下级), not those of its own level alone."""
        return {code: table for code, table in value.items() if table["binds"] == "level_and_below"}

    def say(self, value: dict[str, Table]) -> str:
        """The tables by title, the year and place said as what they stand for."""
        return (
            "；".join(
                f"{t['attachment'] + ' ' if t['attachment'] else ''}"
                f"{t['title'].format(year='（年份）', place='（地名）')}（{say_binds(t['binds'])}）"
                for t in value.values()
            )
            or "（无）"
        )


@dataclass(frozen=True)
class Assessment(Kind[AssessmentValue]):
    """The assessment (考核): the full score and, per deduction, the points per occurrence and the most
    it may take off (``deductions = { late_filing = [2, 6], … }``)."""

    def read(self, raw: object) -> AssessmentValue:
        if not isinstance(raw, dict) or set(raw) != {"full_score", "deductions"}:
            raise BadValueError("应为 { full_score = 100, deductions = { 扣分项代码 = [每次扣分, 最多扣分], … } }。")
        full = raw["full_score"]
        if isinstance(full, bool) or not isinstance(full, (int, float)) or not 0 < full <= 1000:
            raise BadValueError("full_score（满分）应为大于0、不超过1000的数。")
        deductions = raw["deductions"]
        if not isinstance(deductions, dict):
            raise BadValueError("deductions 应为“扣分项代码 = [每次扣分, 最多扣分]”的表。")
        clean: dict[str, list[float]] = {}
        for code, pair in deductions.items():
            if code not in DEDUCTION_LABELS:
                raise BadValueError(
                    f"未知的扣分项“{code}”；可用的代码："
                    + "；".join(f"{c}（{n}）" for c, n in DEDUCTION_LABELS.items())
                    + "。"
                )
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or any(isinstance(x, bool) or not isinstance(x, (int, float)) or x < 0 for x in pair)
            ):
                raise BadValueError(f"{code}：应为 [每次扣分, 最多扣分]，两个不小于0的数。")
            clean[code] = [float(pair[0]), float(pair[1])]
        return {"full_score": float(full), "deductions": clean}

    def write(self, value: AssessmentValue) -> dict[str, object]:
        def number(x: float) -> int | float:
            return int(x) if float(x).is_integer() else x

        return {
            "full_score": number(value["full_score"]),
            "deductions": {c: [number(p), number(m)] for c, (p, m) in value["deductions"].items()},
        }

    def say(self, value: AssessmentValue) -> str:
        return f"满分{value['full_score']:g}分；" + "；".join(
            f"{DEDUCTION_LABELS[c]}每次扣{p:g}分、最多扣{m:g}分" for c, (p, m) in value["deductions"].items()
        )


@dataclass(frozen=True)
class KindCategories(Kind[dict[str, list[str]]]):
    """The enforcement categories (执法类别) of the items each field-bound exempt kind of check may be
    claimed for: ``{ food_drug = ["food", "drug"], … }``. A kind not named is bound to no field (any
    item). A department may only narrow it: keep each kind the rule binds, with fewer categories, and
    bind more kinds."""

    stricter: str = "subset"

    def read(self, raw: object) -> dict[str, list[str]]:
        if not isinstance(raw, dict):
            raise BadValueError('应为“情形代码 = [执法类别代码, …]”的表，如 { food_drug = ["food", "drug"] }。')
        clean: dict[str, list[str]] = {}
        for kind, categories in raw.items():
            if kind not in FIELD_BOUND_KINDS:
                raise BadValueError(
                    f"“{kind}”不是限于执法领域的计划外检查情形；可用的情形："
                    + "；".join(f"{c}（{EXEMPT_KIND_NAMES[c]}）" for c in FIELD_BOUND_KINDS)
                    + "。"
                )
            if not isinstance(categories, list) or not categories or not all(isinstance(c, str) for c in categories):
                raise BadValueError(f"{kind}：应为执法类别代码的列表，至少一项。")
            unknown = [c for c in categories if c not in ENFORCEMENT_CATEGORIES]
            if unknown:
                raise BadValueError(
                    f"{kind}：未知的执法类别"
                    + "、".join(f"“{c}”" for c in unknown)
                    + "；可用的代码："
                    + "；".join(f"{c}（{n}）" for c, n in ENFORCEMENT_CATEGORIES.items())
                    + "。"
                )
            clean[kind] = [c for c in ENFORCEMENT_CATEGORIES if c in categories]
        return {kind: clean[kind] for kind in FIELD_BOUND_KINDS if kind in clean}

    def say(self, value: dict[str, list[str]]) -> str:
        if not value:
            return "（各情形均不限执法类别）"
        return "；".join(
            f"{EXEMPT_KIND_NAMES[kind]}：" + "、".join(ENFORCEMENT_CATEGORIES[c] for c in categories)
            for kind, categories in value.items()
        )

    def at_least_as_strict(self, mine: dict[str, list[str]], floor: dict[str, list[str]]) -> bool:
        """Every kind ``floor`` binds is bound in ``mine`` to some of the same categories (none added)."""
        return all(kind in mine and set(mine[kind]) <= set(categories) for kind, categories in floor.items())
