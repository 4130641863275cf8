"""A tree file (区划文件), read and checked against the tree in place: what loading it would change, or each bad line
named in Chinese with its line number.

The file is CSV, UTF-8 (a byte-order mark is allowed), one region a line under a header row::

    code,name,level,parent
    500000,重庆市,省,
    500200,县,市,500000
    500229,城口县,县,500200
    500229100,葛城街道,乡,500229

The header may be in Chinese (区划代码,名称,层级,上级区划代码); a level is written 省、市、县、乡 (or 省级 …, or
province, city, county, town). The root's parent is left empty; every other region names its parent's code, which is
in the file or already in the tree. A file adds the regions it does not know, renames those whose name it changes and
moves those whose parent it changes; a region it leaves out stays as it is — loading never deletes a region, so
never one a department is attached to."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

from spotcheck.tenants.regions.models import Region, path_of
from spotcheck.tenants.regions.vocabulary import (
    CODE_SHAPE_NAMES,
    CODE_SHAPES,
    FILE_COLUMNS,
    FILE_HEADERS,
    FILE_LIMIT,
    LEVEL_NAMES,
    LEVEL_RANK,
    NAME_LIMIT,
    PREFIX_DIGITS,
    RegionLevel,
    level_of,
)


@dataclass(frozen=True)
class Line:
    """One region as a line of the file states it."""

    number: int
    code: str
    name: str
    level: RegionLevel
    parent: str


@dataclass(frozen=True)
class Planned:
    """A region as the tree will hold it once the file is loaded."""

    code: str
    name: str
    level: RegionLevel
    parent: str  # the parent's code; "" for the root
    line: int | None  # the file's line stating it; None for a region the file leaves as it is


@dataclass
class Plan:
    """What loading a file changes: the regions added (parents first), renamed, moved or given another level, and
    every region's path afterwards."""

    sha256: str
    regions: dict[str, Planned]
    paths: dict[str, str]
    added: list[str] = field(default_factory=list)
    renamed: dict[str, tuple[str, str]] = field(default_factory=dict)
    moved: dict[str, tuple[str, str]] = field(default_factory=dict)
    relevelled: dict[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.renamed) + len(self.moved) + len(self.relevelled)


def _line_key(number: int) -> str:
    return f"line.{number}"


def _complain(errors: dict[str, list[str]], number: int | None, message: str) -> None:
    key = _line_key(number) if number else "file"
    errors.setdefault(key, []).append(f"第{number}行：{message}" if number else message)


def _rows(text: str, errors: dict[str, list[str]]) -> list[tuple[int, list[str]]]:
    """The file's rows with their line numbers (the header checked and left out)."""
    rows = [(reader.line_num, row) for reader in [csv.reader(io.StringIO(text.lstrip("\ufeff")))] for row in reader]
    rows = [(number, [cell.strip() for cell in row]) for number, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        _complain(
            errors, None, "区划文件是空的：第一行为表头（code,name,level,parent 或 区划代码,名称,层级,上级区划代码）。"
        )
        return []
    (number, header), *body = rows
    english, chinese = list(FILE_COLUMNS), [FILE_HEADERS[c] for c in FILE_COLUMNS]
    if [cell.lower() for cell in header[: len(english)]] not in (english, chinese):
        _complain(
            errors,
            number,
            f"表头应为“{','.join(english)}”或“{','.join(chinese)}”，而不是“{','.join(header)}”。",
        )
        return []
    if not body:
        _complain(errors, None, "区划文件只有表头，没有区划。")
    if len(body) > FILE_LIMIT:
        _complain(errors, None, f"一个区划文件至多{FILE_LIMIT}个区划，这个文件有{len(body)}个。")
        return []
    return body


def read(text: str, errors: dict[str, list[str]]) -> list[Line]:
    """The file's lines, each checked on its own (code, name, level); problems go into ``errors`` by line."""
    lines: list[Line] = []
    seen: dict[str, int] = {}
    for number, row in _rows(text, errors):
        cells = (row + [""] * len(FILE_COLUMNS))[: len(FILE_COLUMNS)]
        if len(row) > len(FILE_COLUMNS) and any(row[len(FILE_COLUMNS) :]):
            _complain(
                errors,
                number,
                f"多出了{len(row) - len(FILE_COLUMNS)}列：每行只有区划代码、名称、层级、上级区划代码四列。",
            )
            continue
        code, name, level_text, parent = cells
        level = level_of(level_text)
        bad = len(errors)
        if level is None:
            _complain(errors, number, f"层级“{level_text}”不是省、市、县、乡之一。")
        elif not CODE_SHAPES[level].match(code):
            _complain(
                errors, number, f"区划代码“{code}”不是{LEVEL_NAMES[level]}级区划的代码：应为{CODE_SHAPE_NAMES[level]}。"
            )
        if not name:
            _complain(errors, number, "请填写区划名称。")
        elif len(name) > NAME_LIMIT:
            _complain(errors, number, f"区划名称不超过{NAME_LIMIT}个字。")
        if parent and parent == code:
            _complain(errors, number, f"区划“{code}”不能是它自己的上级。")
        if code in seen:
            _complain(errors, number, f"区划代码“{code}”与第{seen[code]}行重复。")
        elif code:
            seen[code] = number
        if len(errors) == bad and level is not None:
            lines.append(Line(number, code, name, level, parent))
    return lines


def plan(text: str, existing: list[Region]) -> tuple[Plan | None, dict[str, list[str]]]:
    """What loading ``text`` on a tree of ``existing`` regions changes, or the problems, by line (``line.N``, each
    message opening 第N行：) and for the whole file (``file``): a file with any problem changes nothing."""
    errors: dict[str, list[str]] = {}
    lines = read(text, errors)
    if "file" in errors or "line.1" in errors:  # no region read at all
        return None, errors
    refused = _refused_codes(text, lines)
    by_id = {r.id: r for r in existing}
    regions: dict[str, Planned] = {
        r.code: Planned(
            r.code, r.name, RegionLevel(r.level), by_id[r.parent_id].code if r.parent_id in by_id else "", None
        )
        for r in existing
    }
    for line in lines:
        regions[line.code] = Planned(line.code, line.name, line.level, line.parent, line.number)
    for line in lines:
        if line.parent not in refused:  # a parent whose own line is refused: that line is named already
            _check_parent(regions, line, errors)
    _check_children(regions, errors)
    roots = sorted(code for code, region in regions.items() if not region.parent)
    if len(roots) > 1:
        for code in roots:
            if regions[code].line:
                others = "、".join(c for c in roots if c != code)
                _complain(
                    errors,
                    regions[code].line,
                    f"区划树只能有一个根，“{code}”之外还有“{others}”：请填写上级区划代码。",
                )
    paths = _paths({code: r for code, r in regions.items() if r.parent not in refused}, errors)
    if errors:
        return None, errors
    result = Plan(hashlib.sha256(text.encode("utf-8")).hexdigest(), regions, paths)
    known = {r.code: r for r in existing}
    for line in lines:
        before = known.get(line.code)
        if before is None:
            result.added.append(line.code)
            continue
        after = regions[line.code]
        if before.name != after.name:
            result.renamed[line.code] = (before.name, after.name)
        if regions_parent(before, by_id) != after.parent:
            result.moved[line.code] = (regions_parent(before, by_id), after.parent)
        if RegionLevel(before.level) != after.level:
            result.relevelled[line.code] = (LEVEL_NAMES[RegionLevel(before.level)], LEVEL_NAMES[after.level])
    result.added.sort(key=lambda code: (paths[code].count("/"), paths[code]))
    return result, {}


def _refused_codes(text: str, lines: list[Line]) -> set[str]:
    """The codes the file states on lines refused on their own (a region below one of them is not checked again)."""
    kept = {line.number for line in lines}
    codes: set[str] = set()
    for number, row in _rows(text, {}):
        if number not in kept and row and row[0]:
            codes.add(row[0])
    return codes - {line.code for line in lines}


def regions_parent(region: Region, by_id: dict[int, Region]) -> str:
    parent = by_id.get(region.parent_id or 0)
    return parent.code if parent else ""


def _check_parent(regions: dict[str, Planned], line: Line, errors: dict[str, list[str]]) -> None:
    """The line's parent: in the file or the tree, of a level above the line's, its code the start of the line's."""
    if not line.parent:
        return
    parent = regions.get(line.parent)
    if parent is None:
        _complain(errors, line.number, f"上级区划代码“{line.parent}”既不在文件中，也不在区划树中。")
        return
    _check_pair(parent, regions[line.code], line.number, errors)


def _check_pair(parent: Planned, child: Planned, number: int | None, errors: dict[str, list[str]]) -> None:
    if LEVEL_RANK[parent.level] >= LEVEL_RANK[child.level]:
        _complain(
            errors,
            number,
            f"上级“{parent.code} {parent.name}”是{LEVEL_NAMES[parent.level]}级区划，"
            f"{LEVEL_NAMES[child.level]}级区划“{child.code}”的上级应在{LEVEL_NAMES[child.level]}级之上。",
        )
        return
    digits = PREFIX_DIGITS[parent.level]
    if not child.code.startswith(parent.code[:digits]):
        _complain(
            errors,
            number,
            f"区划代码“{child.code}”不在上级“{parent.code} {parent.name}”之下：应以“{parent.code[:digits]}”开头。",
        )


def _check_children(regions: dict[str, Planned], errors: dict[str, list[str]]) -> None:
    """A region the file leaves as it is stays right under a parent whose level or code the file changed."""
    for child in regions.values():
        if child.line is not None or not child.parent or child.parent not in regions:
            continue
        parent = regions[child.parent]
        if parent.line is not None:
            _check_pair(parent, child, parent.line, errors)


def _paths(regions: dict[str, Planned], errors: dict[str, list[str]]) -> dict[str, str]:
    """Every region's path from the root down; a loop of parents is named on each of its lines."""
    paths: dict[str, str] = {}
    for start in regions:
        trail: list[str] = []
        code = start
        while code and code not in paths and code in regions and code not in trail:
            trail.append(code)
            code = regions[code].parent
        if code in trail:  # a loop: the parents come back to a region already walked
            loop = trail[trail.index(code) :]
            text = " → ".join([*loop, code])
            for member in loop:
                if regions[member].line:  # walked once: its members have their (empty) paths from now on
                    _complain(errors, regions[member].line, f"上级关系成环：{text}。")
            for member in loop:
                paths[member] = ""
            continue
        if code and code not in paths:  # a missing parent: named on its line already
            for member in trail:
                paths[member] = ""
            continue
        prefix = paths.get(code, "") if code else ""
        for member in reversed(trail):
            prefix = path_of(prefix or None, member)
            paths[member] = prefix
    return paths
