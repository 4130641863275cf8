"""Reading the regions (区划): one region, a branch (a region and every region below it, one indexed prefix look-up
on the path), the chain up to the root (nearest first), and the whole tree for the pages and the API.

The tree is public (:mod:`spotcheck.tenants.regions.policy`): these are plain reads, no scope is opened."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.database import db, is_row_id, one_of
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.tenants.regions import treefile
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.regions.vocabulary import FILE_COLUMNS, FILE_HEADERS, LEVEL_NAMES, REGION_CODE, RegionLevel

T = TypeVar("T")

__all__ = [
    "Region",
    "RegionRow",
    "as_file",
    "branch",
    "branch_ids",
    "by_code",
    "by_code_or_name",
    "chain",
    "children",
    "codes_containing",
    "containing",
    "get_region",
    "located",
    "named",
    "place_name",
    "preview",
    "root",
    "tree",
]


def get_region(region_id: int) -> Region:
    """The region of id ``region_id``; NotFoundError for none."""
    region = db.session.get(Region, region_id) if is_row_id(region_id) else None
    if region is None:
        raise NotFoundError(_l("No such region."))
    return region


def by_code(code: str) -> Region | None:
    """The region of ``code`` (6, 9 or 12 digits), if the tree has it."""
    return db.session.scalar(sa.select(Region).where(Region.code == (code or "").strip()))


def root() -> Region | None:
    """The root of the tree (none before a tree is loaded)."""
    return db.session.scalar(sa.select(Region).where(Region.parent_id.is_(None)).order_by(Region.id).limit(1))


def named(code: str | None, field: str = "region") -> Region | None:
    """The region a request names by its code (``?region=330102``), else the root (None before a tree is loaded):
    InvalidInputError naming ``field`` for what is no region's code, NotFoundError for a code the tree lacks."""
    code = (code or "").strip()
    if not code:
        return root()
    if not REGION_CODE.match(code):
        raise InvalidInputError({field: [_l("A region's code is 6, 9 or 12 digits (330102, 330102001).")]})
    found = by_code(code)
    if found is None:
        raise NotFoundError(_l("No such region."))
    return found


def named_on_page(code: str | None) -> Region | None:
    """:func:`named` for a page: what is no region's code names no region either (NotFoundError, the page's 404)
    — the API alone answers a malformed code with 422 naming the field."""
    if (code or "").strip() and not REGION_CODE.match((code or "").strip()):
        raise NotFoundError(_l("No such region."))
    return named(code)


def place_name() -> str:
    """The deployment's place (its root region's name: 杭州市), as the public portal names it; empty before a tree
    is loaded."""
    found = root()
    return found.name if found is not None else ""


def children(region_id: int) -> list[Region]:
    """The regions right below region ``region_id``, by code: one indexed look-up of their parent."""
    return list(db.session.scalars(sa.select(Region).where(Region.parent_id == region_id).order_by(Region.code)))


def codes_containing(code: str) -> list[str]:
    """The region codes an administrative code (行政区划代码, 6 to 12 digits, as the registry keeps a business's)
    lies in, from the province down: ``231084100000`` → 230000, 231000, 231084, 231084100, 231084100000."""
    code = (code or "").strip()
    if len(code) < 6 or not code.isdigit():
        return []
    found = [code[:2] + "0000", code[:4] + "00", code[:6], code[:9], code[:12]]
    return [c for i, c in enumerate(found) if c not in found[:i] and len(c) <= len(code)]


def containing(code: str) -> Region | None:
    """The deepest region of the tree an administrative code lies in (a business's region, from its registry
    code); None when the code lies outside the tree."""
    candidates = codes_containing(code)
    if not candidates:
        return None
    found = {r.code: r for r in db.session.scalars(sa.select(Region).where(Region.code.in_(candidates)))}
    return next((found[c] for c in reversed(candidates) if c in found), None)


def located(code: str) -> list[Region]:
    """Where an administrative code (a business's region) lies in the tree, as a page names it: the regions from
    the one below the root down to the deepest the tree has (231084100 → 宁安市, 宁安镇), the root alone for a code
    that lies in no region below it; none for a code outside the tree."""
    deepest = containing(code)
    if deepest is None:
        return []
    found = list(reversed(chain(deepest.id)))  # the root first
    return found[1:] or found


def containing_each(codes: Iterable[str]) -> dict[str, Region | None]:
    """:func:`containing` of each code, the tree read once for them all (a province's businesses lie in a hundred
    regions)."""
    candidates = {code: codes_containing(code) for code in set(codes)}
    wanted = {candidate for found in candidates.values() for candidate in found}
    regions = {r.code: r for r in db.session.scalars(sa.select(Region).where(one_of(Region.code, wanted)))}
    return {
        code: next((regions[c] for c in reversed(found) if c in regions), None) for code, found in candidates.items()
    }


def in_branch(region_id: int) -> sa.ColumnElement[bool]:
    """The condition on :class:`Region` rows of the region and of every region below it (its branch): one prefix
    look-up on the path's B-tree."""
    return Region.path.like(f"{get_region(region_id).path}%")


def branch_ids(region_id: int) -> frozenset[int]:
    """The ids of the region and of every region below it."""
    return frozenset(db.session.scalars(sa.select(Region.id).where(in_branch(region_id))))


def branch(region_id: int) -> list[Region]:
    """The region and every region below it, from the top down (each followed by the regions below it)."""
    return list(db.session.scalars(sa.select(Region).where(in_branch(region_id)).order_by(Region.path)))


def by_code_or_name(text: str, within: int | None = None) -> list[Region]:
    """The regions ``text`` names — by its code (6, 9 or 12 digits), else by its name (宁安镇) — in the whole tree,
    or in the branch of region ``within``: none, one, or several of one name (the page then asks for the code)."""
    text = (text or "").strip()
    if not text:
        return []
    query = sa.select(Region).where(Region.code == text if REGION_CODE.match(text) else Region.name == text)
    if within is not None:
        query = query.where(in_branch(within))
    return list(db.session.scalars(query.order_by(Region.path)))


def chain(region_id: int) -> list[Region]:
    """The region, then each one above it up to the root, nearest first (read from its path, one query)."""
    region = get_region(region_id)
    codes = region.codes
    found = {r.code: r for r in db.session.scalars(sa.select(Region).where(Region.code.in_(codes)))}
    return [found[code] for code in reversed(codes) if code in found]


def chain_ids(region_id: int) -> list[int]:
    """The ids of :func:`chain`: the region's, then each one's above it, nearest first."""
    return [region.id for region in chain(region_id)]


def nearest(order: Sequence[int], found: Mapping[int, T]) -> T | None:
    """Of rows found by their region (``found``: region id → row), the one of the nearest region of ``order`` (a
    :func:`chain_ids`): the region's own, else the nearest above that has one (``None``: none up to the root)."""
    return next((found[region] for region in order if region in found), None)


@dataclass(frozen=True)
class RegionRow:
    """One region as the tree's page and the API list it: the region, how deep it lies, its level's name, its
    parent's code."""

    region: Region
    depth: int
    level_name: str
    parent_code: str


def tree() -> list[RegionRow]:
    """Every region, from the root down (each followed by the regions below it)."""
    regions = list(db.session.scalars(sa.select(Region).order_by(Region.path)))
    codes = {r.id: r.code for r in regions}
    return [
        RegionRow(
            region=r,
            depth=r.depth,
            level_name=LEVEL_NAMES[RegionLevel(r.level)],
            parent_code=codes.get(r.parent_id or 0, ""),
        )
        for r in regions
    ]


def preview(text: str) -> treefile.Plan:
    """What loading the tree file ``text`` would change (the page shows it before the administrator confirms);
    InvalidInputError naming each bad line, as the load would refuse it."""
    plan, errors = treefile.plan(text, list(db.session.scalars(sa.select(Region).order_by(Region.path))))
    if plan is None:
        raise InvalidInputError(errors)
    return plan


def as_file() -> str:
    """The tree as a tree file (``spotcheck regions show``): loading it back changes nothing."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([FILE_HEADERS[column] for column in FILE_COLUMNS])  # the Chinese header (区划代码,名称,…)
    for row in tree():
        writer.writerow([row.region.code, row.region.name, row.level_name, row.parent_code])
    return out.getvalue()
