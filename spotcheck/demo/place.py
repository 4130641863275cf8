"""演示地点: the real place the demo deploys, by the rulebook it runs under — a tree of two levels and a town.

By default (``spotcheck demo``), 黑龙江省牡丹江市 (231000, the root) with 宁安市 (231084, a county-level city) under
it, the town 宁安镇 (231084100) under 宁安市, and 海林市 (231083), a second county with no department: the demo's
departments sit in 宁安市 and work under its 实施方案 (the preset 宁安市, ``presets/ningan.toml``); 牡丹江市 has a
justice bureau and a market-regulation bureau of its own and no rulebook we have (its level runs on the national
floor alone, ``presets/national.toml``); 宁安镇 has a department and no bureau (宁安市's supervises it).

Under 城口县's rulebook (``spotcheck demo --rules 城口县``), the same shape at 重庆市 (500000) → 城口县 (500229) →
葛城街道.

The counties' and cities' codes are GB/T 2260; the towns' are 统计用区划代码 (9 digits): 宁安镇's 231084100 and
葛城街道's 500229001 are the seats', the others are written in the pattern of that list (镇 1xx, 乡 2xx,
街道 0xx) and are illustrative — check them against the published list before relying on one.
"""

from __future__ import annotations

from dataclasses import dataclass

#: A town of the registry: 统计用区划代码, name, short name, weight among businesses, weight among farm
#: cooperatives, roads.
Town = tuple[str, str, str, int, int, tuple[str, ...]]


@dataclass(frozen=True)
class Place:
    """The place of a demo: its levels (the upper region, the county the departments sit in, a town, a second
    county), the codes of its upper and town departments (their logins: ``mdjsfj_supervisor``) and the towns the
    registry's businesses are in."""

    rules: str  # the county's rulebook (a preset's name)
    province: str  # as addresses begin (黑龙江省; 重庆市 for a municipality, the upper level itself)
    upper: tuple[str, str, str]  # code, name, level (市 or 省)
    county: tuple[str, str]  # code, name (县 level)
    town: tuple[str, str]  # code, name (乡 level, under the county)
    second: tuple[str, str] | None  # a second county, with no department
    prefix: str  # the upper departments' codes begin with it (MDJSFJ, MDJSCJ)
    town_department: tuple[str, str, str]  # code, name, short name
    towns: tuple[Town, ...]  # the registry's towns, the first the county's seat
    #: How the upper level's and the county's departments' document numbers begin (机关代字: 牡市监, 宁市监): the
    #: place's abbreviation in front of the department's (:data:`spotcheck.demo.people.SHORT_NAMES`).
    upper_abbreviation: str
    county_abbreviation: str

    @property
    def upper_short(self) -> str:
        return self.upper[1].removesuffix("市").removesuffix("省")

    @property
    def county_short(self) -> str:
        return self.county[1].removesuffix("市").removesuffix("县")

    @property
    def province_short(self) -> str:
        return self.province.removesuffix("省").removesuffix("市")

    @property
    def address_head(self) -> str:
        """How an address of the county begins (黑龙江省牡丹江市宁安市; 重庆市城口县)."""
        upper = "" if self.upper[1] == self.province else self.upper[1]
        return f"{self.province}{upper}{self.county[1]}"

    def tree(self) -> str:
        """The place's regions as a tree file (``spotcheck regions load``)."""
        code, name, level = self.upper
        lines = [f"{code},{name},{level},", f"{self.county[0]},{self.county[1]},县,{code}"]
        if self.second:
            lines.append(f"{self.second[0]},{self.second[1]},县,{code}")
        lines.append(f"{self.town[0]},{self.town[1]},乡,{self.county[0]}")
        return "code,name,level,parent\n" + "\n".join(lines) + "\n"

    def levels(self) -> str:
        """The place in words, top down (黑龙江省牡丹江市 → 宁安市 → 宁安镇)."""
        upper = self.upper[1] if self.upper[1] == self.province else f"{self.province}{self.upper[1]}"
        return f"{upper} → {self.county[1]} → {self.town[1]}"


_COMMON_ROADS = ("人民路", "中心大街", "文化路", "建设路", "站前路", "新华街", "光明街", "兴业路")

NINGAN = Place(
    rules="宁安市",
    province="黑龙江省",
    upper=("231000", "牡丹江市", "市"),
    county=("231084", "宁安市"),
    town=("231084100", "宁安镇"),
    second=("231083", "海林市"),
    prefix="MDJ",
    town_department=("NAZF", "宁安镇综合行政执法办公室", "宁安镇"),
    towns=(
        ("231084100", "宁安镇", "宁安", 50, 4, (*_COMMON_ROADS, "西安街", "南大街", "北大街", "江滨路")),
        ("231084101", "东京城镇", "东京城", 10, 8, ("渤海路", "东京城大街", "站前路", "兴华街", "文化路")),
        ("231084102", "渤海镇", "渤海", 9, 10, ("上京路", "渤海大街", "文化路", "兴业路")),
        ("231084103", "石岩镇", "石岩", 4, 6, ("石岩大街", "兴业路", "中心街")),
        ("231084104", "沙兰镇", "沙兰", 5, 7, ("沙兰大街", "人民路", "中心街")),
        ("231084105", "海浪镇", "海浪", 4, 6, ("海浪大街", "建设路", "中心街")),
        ("231084106", "兰岗镇", "兰岗", 5, 7, ("兰岗大街", "站前路", "中心街")),
        ("231084107", "镜泊镇", "镜泊", 6, 5, ("湖滨路", "镜泊大街", "旅游路")),
        ("231084200", "江南朝鲜族满族乡", "江南", 2, 5, ("江南街", "中心街")),
        ("231084201", "卧龙朝鲜族乡", "卧龙", 2, 5, ("卧龙街", "中心街")),
        ("231084202", "马河乡", "马河", 2, 4, ("马河街", "中心街")),
        ("231084203", "三陵乡", "三陵", 2, 4, ("三陵街", "中心街")),
    ),
    upper_abbreviation="牡",
    county_abbreviation="宁",
)

CHENGKOU = Place(
    rules="城口县",
    province="重庆市",
    upper=("500000", "重庆市", "省"),
    county=("500229", "城口县"),
    town=("500229001", "葛城街道"),
    second=None,
    prefix="CQ",
    town_department=("GCJD", "葛城街道综合行政执法办公室", "葛城"),
    towns=(
        ("500229001", "葛城街道", "葛城", 55, 2, ("北大街", "南大街", "滨河路", "中心街", "新华街", "书院街")),
        ("500229002", "复兴街道", "复兴", 10, 4, ("复兴街", "滨河路", "人民路", "建设路")),
        ("500229100", "巴山镇", "巴山", 9, 8, ("巴山街", "中心街")),
        ("500229101", "坪坝镇", "坪坝", 5, 8, ("坪坝街", "中心街")),
        ("500229102", "庙坝镇", "庙坝", 5, 8, ("庙坝街", "中心街")),
        ("500229103", "明通镇", "明通", 6, 7, ("明通街", "中心街")),
        ("500229104", "修齐镇", "修齐", 5, 7, ("修齐街", "中心街")),
        ("500229107", "东安镇", "东安", 5, 8, ("东安街", "中心街")),
    ),
    upper_abbreviation="渝",
    county_abbreviation="城口",
)

#: The places by their county's rulebook.
PLACES = {place.rules: place for place in (NINGAN, CHENGKOU)}
DEFAULT = NINGAN


def for_rules(rules: str) -> Place:
    """The place of a demo under the rulebook ``rules`` (宁安市 by default)."""
    return PLACES.get(rules, DEFAULT)
