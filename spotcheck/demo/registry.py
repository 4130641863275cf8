"""The demo city's registry (演示城市的市场主体): entities and their directory entries, generated.

Pure Python, no database: :mod:`spotcheck.demo` writes what this module generates, and the
benchmarks in ``bench/`` use the same generator for their million rows.

Everything is deterministic. Entity number ``i`` is the same for every run with the same seed
(each block of :data:`BLOCK` entities has its own ``random.Random``), so a city can grow from
20,000 to 1,000,000 entities by generating only the numbers it does not have yet. Codes are
valid: the 统一社会信用代码 (GB 32100) carries a 9-character organisation code with its GB 11714
check character, and its own check character from ``stdnum.cn.uscc``. The businesses are in the towns of the
demo's county (:mod:`spotcheck.demo.place`: 宁安市's by default): each one's region code (``region_code``) is its
town's 统计用区划代码 (231084xxx), its credit code registered in the county (231084) or, for some, with the upper
level's bureau (231000).
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from typing import NotRequired, TypedDict, TypeVar

from stdnum.cn import uscc

from spotcheck.demo.place import DEFAULT, Place, Town
from spotcheck.demo.registry_tables import (
    BRAND_CHARS,
    COOPERATIVE_INDUSTRIES,
    INDUSTRIES,
    INSTITUTION_KINDS,
    NGO_KINDS,
    NGO_TOPICS,
    NTH,
    SURNAMES,
)
from spotcheck.tenants.common.validators import USCC_ALPHABET, credit_check_character
from spotcheck.tenants.common.vocabulary.reference import ENTITY_STATUSES, ENTITY_TYPES

DEMO_SEED = 3301
_T = TypeVar("_T")


class RegistryRow(TypedDict):
    """A registry entity in the form ``clean_entity`` returns; ``_kind`` (the business it is, for the
    directories) only until :func:`city` hands the row on."""

    code: str
    name: str
    entity_type: str
    industry_code: str
    region_code: str
    address: str
    status: str
    abnormal: bool
    blacklisted: bool
    penalized_on: date | None
    complaints: int
    credit_rating: str | None
    _kind: NotRequired[str]


class EntryRow(TypedDict):
    """A department's directory entry of an entity in the form ``clean_entry`` returns."""

    category: str
    risk: str
    tags: str
    last_inspected_on: date | None


#: The weights of risk classes A–D in percent.
RiskWeights = tuple[int, int, int, int]

BLOCK = 1024  # entities per random stream

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714-1997
_ORG_VALUE = {c: (int(c) if c.isdigit() else ord(c) - 55) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def org_code_check(body: str) -> str:
    """The check character of a GB 11714 organisation code body (8 digits or capital letters)."""
    check = 11 - sum(w * _ORG_VALUE[c] for w, c in zip(_ORG_WEIGHTS, body, strict=True)) % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_code(prefix: str, region: str, org_body: str) -> str:
    """A 统一社会信用代码: authority + type (2), region (6), organisation code (8 + check), check
    (:func:`~spotcheck.tenants.common.validators.credit_check_character`)."""
    base = prefix + region + org_body + org_code_check(org_body)
    return base + credit_check_character(base)


def _base31(n: int, width: int) -> str:
    chars = []
    for _ in range(width):
        n, r = divmod(n, 31)
        chars.append(USCC_ALPHABET[r])
    return "".join(reversed(chars))


def org_body(i: int, style: str) -> str:
    """The organisation code body of entity ``i``: distinct for every ``i`` (a bijection of ``i``),
    in the form of newer codes (``MA``/``MJ`` + 6) or of older all-digit codes."""
    if style == "digits":
        return f"{(i * 7_654_321 + 13_579_111) % 10**8:08d}"
    width = 8 - len(style)
    return style + _base31((i * 1_000_003 + 24_681_357) % 31**width, width)


# --- the place: towns, roads -------------------------------------------------------------------

_ENTERPRISE_INDUSTRIES = [row for row in INDUSTRIES if row[3]]
_ENTERPRISE_CUM = list(accumulate(row[3] for row in _ENTERPRISE_INDUSTRIES))
_SHOP_INDUSTRIES = [row for row in INDUSTRIES if row[4] and row[2]]
_SHOP_CUM = list(accumulate(row[4] for row in _SHOP_INDUSTRIES))


_STATUS_CUM = list(accumulate((930, 35, 15, 20)))
_STATUSES = ("active", "deregistered", "revoked", "moved")
_TYPE_CUM = list(accumulate((520, 420, 20, 25, 15)))
_TYPES = ("enterprise", "individual", "cooperative", "ngo", "institution")


@cache
def _town_weights(place: Place) -> tuple[list[int], list[int]]:
    """The place's towns' cumulative weights among businesses and among farm cooperatives."""
    return list(accumulate(t[3] for t in place.towns)), list(accumulate(t[4] for t in place.towns))


def _brand(rnd: random.Random) -> str:
    first = rnd.choice(BRAND_CHARS)
    second = rnd.choice(BRAND_CHARS)
    while second == first:
        second = rnd.choice(BRAND_CHARS)
    return first + second


def _pick(rnd: random.Random, items: Sequence[_T], cum: Sequence[int]) -> _T:
    return items[bisect(cum, rnd.random() * cum[-1])]


def _address(rnd: random.Random, place: Place, town: Town, *, office: bool) -> str:
    address = f"{place.address_head}{town[1]}{rnd.choice(town[5])}{rnd.randint(1, 899)}号"
    if office and rnd.random() < 0.45:
        address += f"{rnd.randint(1, 12)}号楼{rnd.randint(1, 6)}单元{rnd.randint(1, 6)}{rnd.randint(1, 4):02d}室"
    return address


def _entity(i: int, rnd: random.Random, today: date, place: Place = DEFAULT) -> RegistryRow:
    """Registry row ``i`` in the form ``clean_entity`` returns (plus ``_kind`` for the directories)."""
    entity_type = _pick(rnd, _TYPES, _TYPE_CUM)
    weights, rural = _town_weights(place)
    town = _pick(rnd, place.towns, rural if entity_type == "cooperative" else weights)
    county, county_short = place.county[1], place.county_short
    code_region = place.county[0]
    address = _address(rnd, place, town, office=entity_type in ("enterprise", "ngo"))
    town_name, town_short = town[1], town[2]
    town_part = "" if town_short == county_short else town_short  # the seat (宁安镇) is the county's name already
    brand = _brand(rnd)
    kind = "general"
    if entity_type == "enterprise":
        industry, words, _shops, _we, _wi, kind = _pick(rnd, _ENTERPRISE_INDUSTRIES, _ENTERPRISE_CUM)
        word = rnd.choice(words)
        form = rnd.random()
        if form < 0.45:
            name = f"{county_short}{brand}{word}有限公司"
        elif form < 0.65:
            name = f"{county_short}{town_part}{brand}{word}有限公司"
        elif form < 0.75:
            name = f"{county_short}{brand}{word}有限责任公司"
        elif form < 0.85:
            name = f"{place.province_short}{brand}{word}有限公司"
        elif form < 0.88:
            name = f"{place.province_short}{brand}{word}股份有限公司"
        else:
            name = f"{brand}（{place.upper_short}）{word}有限公司"
        prefix = "91"
        if rnd.random() < 0.15:
            code_region = place.upper[0]  # registered by the upper level's bureau
        style = "MA2" if rnd.random() < 0.75 else "digits"
    elif entity_type == "individual":
        industry, _words, shops, _we, _wi, kind = _pick(rnd, _SHOP_INDUSTRIES, _SHOP_CUM)
        shop = rnd.choice(shops)
        form = rnd.random()
        if form < 0.55:
            name = f"{county}{brand}{shop}"
        elif form < 0.8:
            name = f"{county}{rnd.choice(SURNAMES)}记{shop}"
        else:
            name = f"{county}{town_part}{brand}{shop}"
        prefix, style = "92", "MA2" if rnd.random() < 0.8 else "digits"
    elif entity_type == "cooperative":
        industry, products = rnd.choice(COOPERATIVE_INDUSTRIES)
        name = f"{county}{town_short}{brand if rnd.random() < 0.5 else ''}{rnd.choice(products)}专业合作社"
        prefix, style, kind = "93", "MA2", "farming"
    elif entity_type == "ngo":
        industry, prefix, patterns = rnd.choice(NGO_KINDS)
        name = rnd.choice(patterns).format(
            topic=rnd.choice(NGO_TOPICS), county=county, county_short=county_short, town=town_name, brand=brand
        )
        code_region = place.upper[0] if rnd.random() < 0.5 else code_region
        style, kind = "MJ", "social"
    else:
        industry, patterns = rnd.choice(INSTITUTION_KINDS)
        name = rnd.choice(patterns).format(county=county, nth=rnd.choice(NTH), town=town_name, town_short=town_short)
        prefix, style, kind = "12", "digits", "hospital" if industry.startswith("Q84") else "public"
    code = credit_code(prefix, code_region, org_body(i, style))

    status = (
        _pick(rnd, _STATUSES, _STATUS_CUM) if entity_type in ("enterprise", "individual", "cooperative") else "active"
    )
    abnormal = rnd.random() < 0.03
    blacklisted = rnd.random() < 0.005
    roll = rnd.random()
    penalized_on = (
        today - timedelta(days=rnd.randint(1, 365))
        if roll < 0.02
        else today - timedelta(days=rnd.randint(366, 1500))
        if roll < 0.035
        else None
    )
    roll = rnd.random()
    complaints = rnd.randint(1, 3) if roll < 0.07 else rnd.randint(4, 15) if roll < 0.085 else 0
    roll = rnd.random()
    rating = None if roll < 0.15 else "A" if roll < 0.45 else "B" if roll < 0.9 else "C" if roll < 0.98 else "D"
    if blacklisted:
        rating = "D"
    elif abnormal and rating in (None, "A", "B"):
        rating = "C"
    return {
        "code": code,
        "name": name,
        "entity_type": entity_type,
        "industry_code": industry,
        "region_code": town[0],
        "address": address,
        "status": status,
        "abnormal": abnormal,
        "blacklisted": blacklisted,
        "penalized_on": penalized_on,
        "complaints": complaints,
        "credit_rating": rating,
        "_kind": kind,
    }


# --- directory entries of each department ---------------------------------------------------

_FOOD = ("food_service", "food_retail", "food_production")


_FLAGGED_RISK = (25, 45, 25, 5)  # flagged entities are classed higher


def _risk(rnd: random.Random, weights: RiskWeights, flagged: bool) -> str:
    a, b, c, _d = _FLAGGED_RISK if flagged else weights
    roll = rnd.random() * 100
    return "A" if roll < a else "B" if roll < a + b else "C" if roll < a + b + c else "D"


def _tags(tags: list[str]) -> str:
    tags = sorted(set(tags))
    return ("," + ",".join(tags) + ",") if tags else ""


def _last_inspected(rnd: random.Random, today: date) -> date | None:
    return today - timedelta(days=rnd.randint(20, 3 * 365)) if rnd.random() < 0.35 else None


#: The market-regulation bureau's 监管类别 per kind of business (else 一般市场主体).
_SCJ_CATEGORIES = {
    "food_service": "餐饮服务",
    "lodging": "住宿服务",
    "food_retail": "食品销售",
    "pharmacy": "药品经营",
    "fuel_retail": "加油站（计量）",
    "food_production": "食品生产",
    "pharma": "药品生产",
    "chemicals": "工业产品生产",
    "manufacturing": "工业产品生产",
    "online": "网络交易",
    "advertising": "广告经营",
    "farming": "农民专业合作社",
    "hospital": "医疗机构（药械使用）",
}
#: The chance that a business of this kind has special equipment (特种设备).
_SPECIAL_EQUIPMENT = {
    "manufacturing": 0.3,
    "chemicals": 0.5,
    "transport": 0.25,
    "lodging": 0.5,
    "construction": 0.1,
    "hospital": 0.8,
    "cold_storage": 0.5,
}
#: The commerce bureau's 监管类别 per kind of business (none: not its to supervise).
_SWJ_CATEGORIES = {
    "wholesale": "批发业",
    "hazchem_trade": "批发业",
    "fuel_wholesale": "成品油批发",
    "fuel_retail": "成品油零售",
    "scrap_cars": "报废机动车回收",
    "recycling": "再生资源回收",
    "car_sales": "汽车流通",
    "food_retail": "零售业",
    "retail": "零售业",
    "pharmacy": "零售业",
    "food_service": "住宿餐饮业",
    "lodging": "住宿餐饮业",
    "services": "居民服务业",
}


def _is_flagged(row: RegistryRow, today: date) -> bool:
    """On a list, with many complaints or a penalty within the year: classed higher (:data:`_FLAGGED_RISK`)."""
    penalized_on = row["penalized_on"]
    return (
        row["abnormal"]
        or row["blacklisted"]
        or row["complaints"] > 3
        or (penalized_on is not None and (today - penalized_on).days <= 365)
    )


def _entry(category: str, risk: str, tags: list[str], rnd: random.Random, today: date) -> EntryRow:
    return {"category": category, "risk": risk, "tags": _tags(tags), "last_inspected_on": _last_inspected(rnd, today)}


def _market_tags(kind: str, entity_type: str, risk: str, rnd: random.Random) -> list[str]:
    """The market-regulation bureau's tags of a business (食品安全, 学校周边, 连锁经营, 网络经营, 特种设备, 老字号,
    重点监管)."""
    tags = []
    if kind in _FOOD and rnd.random() < 0.7:
        tags.append("食品安全")
    if kind in ("food_service", "food_retail") and rnd.random() < 0.05:
        tags.append("学校周边")
    if entity_type == "enterprise" and kind in ("food_retail", "pharmacy", "food_service") and rnd.random() < 0.12:
        tags.append("连锁经营")
    if kind == "online" or (kind in ("retail", "food_retail") and rnd.random() < 0.15):
        tags.append("网络经营")
    if rnd.random() < _SPECIAL_EQUIPMENT.get(kind, 0):
        tags.append("特种设备")
    if kind in ("food_service", "food_retail") and rnd.random() < 0.003:
        tags.append("老字号")
    if risk == "A":
        tags.append("重点监管")
    return tags


def _market_entry(row: RegistryRow, kind: str, flagged: bool, rnd: random.Random, today: date) -> EntryRow:
    """The market-regulation bureau's entry (市场监管局)."""
    category = "网络交易" if row["industry_code"].startswith("F5292") else _SCJ_CATEGORIES.get(kind, "一般市场主体")
    weights = (6, 20, 44, 30) if kind in (*_FOOD, "pharmacy", "pharma", "fuel_retail", "hospital") else (3, 12, 35, 50)
    risk = _risk(rnd, weights, flagged)
    return _entry(category, risk, _market_tags(kind, row["entity_type"], risk, rnd), rnd, today)


def _chemicals_tags(rnd: random.Random) -> list[str]:
    tags = []
    if rnd.random() < 0.2:
        tags.append("重大危险源")
    if rnd.random() < 0.3:
        tags.append("重点监管危险化工工艺")
    return tags


def _works_tags(industry: str, rnd: random.Random) -> list[str]:
    """The hazards of an industrial or trade works (工贸企业): dust, confined spaces, ammonia."""
    tags = []
    if industry in ("C2110", "C1431", "C3360", "C1711") and rnd.random() < 0.5:
        tags.append("粉尘涉爆")
    if industry in ("C2231", "C1514", "C1530", "C1432") and rnd.random() < 0.4:
        tags.append("有限空间作业")
    if industry.startswith(("C14", "C15")) and rnd.random() < 0.15:
        tags.append("涉氨制冷")
    return tags


def _chance_tag(rnd: random.Random, chance: float, tag: str) -> list[str]:
    return [tag] if rnd.random() < chance else []


@dataclass(frozen=True)
class _EmergencyClass:
    """An emergency-management 监管类别: its risk weights and how an enterprise's tags are drawn (from its industry)."""

    category: str
    weights: RiskWeights
    tags: Callable[[str, random.Random], list[str]]


_HAZCHEM_TRADE = _EmergencyClass("危险化学品经营", (10, 28, 40, 22), lambda _industry, _rnd: [])
_WORKS = _EmergencyClass("工贸企业", (5, 20, 40, 35), _works_tags)
#: The emergency-management bureau's class of an enterprise, by its kind (no entry: not supervised by it).
_EMERGENCY_CLASSES: dict[str, _EmergencyClass] = {
    "mining": _EmergencyClass("非煤矿山", (15, 30, 35, 20), lambda _industry, _rnd: ["露天矿山"]),
    "chemicals": _EmergencyClass("危险化学品生产", (15, 30, 35, 20), lambda _industry, rnd: _chemicals_tags(rnd)),
    "hazchem_trade": _HAZCHEM_TRADE,
    "fuel_wholesale": _HAZCHEM_TRADE,
    "fuel_retail": _EmergencyClass("危险化学品经营（加油站）", (8, 25, 42, 25), lambda _industry, _rnd: []),
    "hazchem_logistics": _EmergencyClass(
        "危险化学品储存运输", (12, 30, 38, 20), lambda _industry, rnd: _chance_tag(rnd, 0.3, "重大危险源")
    ),
    "cold_storage": _EmergencyClass(
        "工贸企业（冷库）", (8, 22, 40, 30), lambda _industry, rnd: _chance_tag(rnd, 0.4, "涉氨制冷")
    ),
    "manufacturing": _WORKS,
    "food_production": _WORKS,
    "pharma": _WORKS,
    "construction": _EmergencyClass(
        "建筑施工", (6, 22, 42, 30), lambda _industry, rnd: _chance_tag(rnd, 0.5, "高处作业")
    ),
}


def _emergency_class(kind: str, industry: str, rnd: random.Random) -> tuple[str, RiskWeights, list[str]] | None:
    """The emergency-management bureau's 监管类别, risk weights and tags of an enterprise of ``kind``, or None."""
    found = _EMERGENCY_CLASSES.get(kind)
    return None if found is None else (found.category, found.weights, found.tags(industry, rnd))


def _emergency_entry(row: RegistryRow, kind: str, flagged: bool, rnd: random.Random, today: date) -> EntryRow | None:
    """The emergency-management bureau's entry (应急管理局), if it supervises the enterprise."""
    found = _emergency_class(kind, row["industry_code"], rnd)
    if found is None:
        return None
    category, weights, tags = found
    return _entry(category, _risk(rnd, weights, flagged), tags, rnd, today)


def _commerce_entry(row: RegistryRow, kind: str, flagged: bool, rnd: random.Random, today: date) -> EntryRow | None:
    """The commerce bureau's entry (商务局), if it supervises the business."""
    entity_type, industry = row["entity_type"], row["industry_code"]
    category = "零售业" if industry == "F5292" else _SWJ_CATEGORIES.get(kind)
    if not category:
        return None
    tags = []
    if category in ("零售业", "住宿餐饮业", "居民服务业") and rnd.random() < (
        0.3 if entity_type == "enterprise" else 0.1
    ):
        tags.append("单用途预付卡")
    if entity_type == "enterprise" and industry in ("F5211", "F5212") and rnd.random() < 0.3:
        tags.append("大型商超")
    if entity_type == "enterprise" and category in ("零售业", "住宿餐饮业") and rnd.random() < 0.1:
        tags.append("连锁经营")
    return _entry(category, _risk(rnd, (3, 12, 40, 45), flagged), tags, rnd, today)


#: The categories of the market-regulation bureau's directory the upper level's bureau (牡丹江市) also keeps.
_UPPER_MARKET_CATEGORIES = ("食品生产", "餐饮服务")


def directory_entries(row: RegistryRow, rnd: random.Random, today: date) -> dict[str, EntryRow]:
    """The departments (by code) that supervise this entity, each with its own entry (category,
    risk A–D weighted to low risk, tags, last inspection) in the form ``clean_entry`` returns."""
    kind, entity_type = row["_kind"], row["entity_type"]
    flagged = _is_flagged(row, today)
    active = row["status"] == "active"
    entries: dict[str, EntryRow] = {}
    # 市场监管局: every market entity (all statuses: the registry is its own), and hospitals (drugs, devices).
    if entity_type in ("enterprise", "individual", "cooperative") or kind == "hospital":
        entries["SCJ"] = _market_entry(row, kind, flagged, rnd, today)
        # 牡丹江市市场监督管理局 (the upper level): food producers and caterers across the city, 宁安市's among them
        if entries["SCJ"]["category"] in _UPPER_MARKET_CATEGORIES:
            entries["MDJSCJ"] = {**entries["SCJ"], "last_inspected_on": None}
    # 应急管理局: mines, hazardous chemicals, industry and trade, construction (enterprises in business).
    if entity_type == "enterprise" and active:
        emergency = _emergency_entry(row, kind, flagged, rnd, today)
        if emergency is not None:
            entries["YJJ"] = emergency
    # 商务局: wholesale, retail, catering and household services; fuel, scrapped cars, recycling.
    if entity_type in ("enterprise", "individual") and active:
        commerce = _commerce_entry(row, kind, flagged, rnd, today)
        if commerce is not None:
            entries["SWJ"] = commerce
    return entries


def city(
    start: int, stop: int, *, seed: int = DEMO_SEED, today: date, place: Place = DEFAULT
) -> Iterator[tuple[RegistryRow, dict[str, EntryRow]]]:
    """Entities ``start`` … ``stop - 1`` of the place with their directory entries per department."""
    block = start // BLOCK
    while block * BLOCK < stop:
        rnd = random.Random(seed * 1_000_003 + block)
        for i in range(block * BLOCK, (block + 1) * BLOCK):
            row = _entity(i, rnd, today, place)
            entries = directory_entries(row, rnd, today)
            if i >= stop:
                return
            if i >= start:
                del row["_kind"]
                if not uscc.is_valid(row["code"]):  # never expected: the generator computes the check characters
                    raise ValueError(f"demo entity {i}: invalid code {row['code']}")
                yield row, entries
        block += 1


def as_spreadsheet_row(row: RegistryRow) -> dict[str, str]:
    """A registry row as a filled-in spreadsheet gives it: text cells, Chinese names, 是 for yes."""
    return {
        "code": row["code"],
        "name": row["name"],
        "entity_type": ENTITY_TYPES[row["entity_type"]],
        "industry_code": row["industry_code"],
        "region_code": row["region_code"],
        "address": row["address"],
        "status": ENTITY_STATUSES[row["status"]],
        "abnormal": "是" if row["abnormal"] else "",
        "blacklisted": "是" if row["blacklisted"] else "",
        "penalized_on": row["penalized_on"].isoformat() if row["penalized_on"] else "",
        "complaints": str(row["complaints"]),
        "credit_rating": row["credit_rating"] or "",
    }
