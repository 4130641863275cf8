"""部门名称与机关代字: a department's full name carries its place (宁安市市场监督管理局 — 市场监督管理局 alone reads the
same at every level), and the short name its document numbers begin with (机关代字: 宁市监 in 宁市监抽〔2026〕1号)
carries it too, so that two levels' departments of one kind never issue numbers that read the same (宁市监 and
牡市监, not 市监 twice)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Protocol, TypeVar

from spotcheck.tenants.accounts.vocabulary import NAME_ABBREVIATIONS, NAME_SHORT_FORMS, PLACE_ENDINGS

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


#: The shortest short name (机关代字) a department is found by in a text: one of two characters (应急, 市监) is read in
#: every text about the field, one with its place (宁应急, 牡市监) only where the department is meant.
SHORTEST_SHORT_NAME = 3


class Named(Protocol):
    """A department as a text may name it (:class:`~spotcheck.tenants.accounts.models.Tenant`)."""

    @property
    def full_name(self) -> str: ...
    @property
    def short_name(self) -> str: ...


N = TypeVar("N", bound=Named)


def names_of(department: Named) -> tuple[str, ...]:
    """Every name the platform knows ``department`` by, as a text may write it: its full name (宁安市市场监督管理局),
    each short form of it (宁安市市场监管局, :data:`NAME_SHORT_FORMS`) and its short name (机关代字, 宁市监 — what its
    文号 begins with, :data:`SHORTEST_SHORT_NAME`). Not a name without its place (市场监督管理局 is every level's)."""
    full = department.full_name
    found = [full, *(full.replace(words, short) for words, short in NAME_SHORT_FORMS if words in full)]
    short = department.short_name or ""
    return tuple(dict.fromkeys([*found, *([short] if len(short) >= SHORTEST_SHORT_NAME else [])]))


def departments_named(text: str, departments: Sequence[N]) -> list[N]:
    """The departments of ``departments`` that ``text`` names, by any of their names (:func:`names_of`), in the order
    the text first names them — the one way a department is found in a free text (a 通报's title and body). The
    longest name is matched first and what it covers is not read again, so that 牡丹江市市场监督管理局 is not also
    read as a department named 市场监督管理局."""
    text = text or ""
    names = sorted(
        ((name, index) for index, department in enumerate(departments) for name in names_of(department)),
        key=lambda pair: -len(pair[0]),
    )
    taken = [False] * len(text)
    first: dict[int, int] = {}
    for name, index in names:
        start = text.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(name)
                first[index] = min(first.get(index, start), start)
            start = text.find(name, start + 1)
    return [departments[index] for index in sorted(first, key=first.__getitem__)]


def listed(departments: Iterable[Named]) -> str:
    """Departments named in a sentence: their full names joined by 、."""
    return "、".join(department.full_name for department in departments)
