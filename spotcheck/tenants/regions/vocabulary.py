"""The words of the regions (区划): the four levels (省、市、县、乡), their names, and the shape of a region's code
at each level — GB/T 2260 (6 digits) for a province, a city and a county, the 统计用区划代码 (9 or 12 digits) for a
town (乡级: 乡、镇、街道)."""

from __future__ import annotations

import enum
import re


class RegionLevel(enum.StrEnum):
    """A region's level (区划层级), from the top down."""

    province = "province"
    city = "city"
    county = "county"
    town = "town"


#: Each level's Chinese label (省、市、县、乡), as the pages, the files and the refusals name it.
LEVEL_NAMES: dict[RegionLevel, str] = {
    RegionLevel.province: "省",
    RegionLevel.city: "市",
    RegionLevel.county: "县",
    RegionLevel.town: "乡",
}


def level_label(level: RegionLevel | str) -> str:
    """A level as a page names a region's (县级, 乡级)."""
    return f"{LEVEL_NAMES[RegionLevel(level)]}级"


#: The levels from the top down: a region's parent is of a level above its own (a county may hang directly
#: under a province, 省直辖县级行政区划; a town under a city without counties, as 东莞市's).
LEVEL_RANK: dict[RegionLevel, int] = {level: rank for rank, level in enumerate(RegionLevel)}

#: The shape of a code at each level: GB/T 2260 for province (XX0000), city (XXXX00) and county (XXXXXX, not
#: ending in 00); the 统计用区划代码 for a town (9 digits, or 12 with its three zeros of the village level).
CODE_SHAPES: dict[RegionLevel, re.Pattern[str]] = {
    RegionLevel.province: re.compile(r"^\d{2}0000$"),
    RegionLevel.city: re.compile(r"^\d{2}(?!00)\d{2}00$"),
    RegionLevel.county: re.compile(r"^\d{4}(?!00)\d{2}$"),
    RegionLevel.town: re.compile(r"^\d{9}(\d{3})?$"),
}

#: What each level's code looks like, as a refusal says it.
CODE_SHAPE_NAMES: dict[RegionLevel, str] = {
    RegionLevel.province: "6位，末四位为0（如 500000）",
    RegionLevel.city: "6位，末两位为0、第三四位不全为0（如 500200）",
    RegionLevel.county: "6位，末两位不全为0（如 500229）",
    RegionLevel.town: "9位或12位统计用区划代码（如 500229100）",
}

#: How many leading digits of a region's code its children's codes share (a county's code begins with its
#: city's four, a town's with its county's six).
PREFIX_DIGITS: dict[RegionLevel, int] = {
    RegionLevel.province: 2,
    RegionLevel.city: 4,
    RegionLevel.county: 6,
    RegionLevel.town: 9,
}

#: Any region's code: 6, 9 or 12 digits.
REGION_CODE = re.compile(r"^(\d{6}|\d{9}|\d{12})$")
NAME_LIMIT = 50

#: The columns of a tree file (区划文件), in order, with their Chinese headers (either header is read).
FILE_COLUMNS = ("code", "name", "level", "parent")
FILE_HEADERS = {"code": "区划代码", "name": "名称", "level": "层级", "parent": "上级区划代码"}
#: How many regions one file may hold (the whole country's towns fit, about 40,000).
FILE_LIMIT = 100_000


def level_of(value: str) -> RegionLevel | None:
    """The level a file or a form names, in English (``county``) or Chinese (县、县级); ``None`` for anything else."""
    text = (value or "").strip()
    for level, name in LEVEL_NAMES.items():
        if text in (level.value, name, f"{name}级"):
            return level
    return None
