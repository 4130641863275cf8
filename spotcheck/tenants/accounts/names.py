"""部门名称与机关代字: a department's full name carries its place (宁安市市场监督管理局 — 市场监督管理局 alone reads the
same at every level), and the short name its document numbers begin with (机关代字: 宁市监 in 宁市监抽〔2026〕1号)
carries it too, so that two levels' departments of one kind never issue numbers that read the same (宁市监 and
牡市监, not 市监 twice)."""

from __future__ import annotations

from collections.abc import Collection

from spotcheck.tenants.accounts.vocabulary import NAME_ABBREVIATIONS, PLACE_ENDINGS

#: A short name's length (the column's).
SHORT_NAME_LIMIT = 16


def full_name(name: str, place: str) -> str:
    """``name`` as the department's full name: its place (its region's name, 宁安市) before it, unless the name
    carries it already (宁安市应急管理局, 宁安镇综合行政执法办公室 stay as they are)."""
    return name if not place or place in name else place + name


def place_stem(place: str) -> str:
    """The place's name without its ending (宁安市 → 宁安, 葛城街道 → 葛城; a one-character stem keeps its ending)."""
    for ending in PLACE_ENDINGS:
        stem = place.removesuffix(ending)
        if stem != place and len(stem) >= 2:
            return stem
    return place


def kind_abbreviation(name: str, place: str) -> str:
    """The department's own part of its short name, from its name without its place: 市场监督管理局 → 市监, 应急管理局 →
    应急 (:data:`NAME_ABBREVIATIONS`, else the first two characters)."""
    bare = name.removeprefix(place) or name
    return next((short for words, short in NAME_ABBREVIATIONS if bare.startswith(words)), bare[:2])


def default_short_name(name: str, place: str, taken: Collection[str], code: str) -> str:
    """The short name of a department given none: its place's first character and its kind's (宁安市市场监督管理局
    → 宁市监, 牡丹江市市场监督管理局 → 牡市监); where another department has that one already, the place's stem
    (宁安市监), then its whole name (宁安市市监); the department's code where all are taken."""
    kind = kind_abbreviation(name, place)
    for head in (place[:1], place_stem(place), place):
        candidate = (head + kind)[:SHORT_NAME_LIMIT]
        if candidate and candidate not in taken:
            return candidate
    return code
