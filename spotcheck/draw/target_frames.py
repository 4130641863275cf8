"""The target frame as data (抽取范围文件), DRAW-SPEC "Target draw": rows ``(group, stratum, id)`` and the
frame file the digest is taken over — each row ``group\tstratum\tid\n``, sorted by (group, stratum, id)
by code point — built from cells (on two cores when large, in C where built: :mod:`~spotcheck.draw.native`),
read back cell by cell as stretches of bytes, and read from a proof's rows column by column.
"""

from __future__ import annotations

import itertools
import operator
from collections import defaultdict
from collections.abc import Sequence
from itertools import compress, islice
from operator import itemgetter
from typing import Any

from spotcheck.draw import native, parallel
from spotcheck.draw.primitives import FORBIDDEN_CHARACTERS, check_field

#: The frame's rows ``(group, stratum, id)``, as given (checked where the draw reads them).
Rows = Sequence[Sequence[Any]]


#: Cells ``((group, stratum), ids)`` in (group, stratum) order, each cell's ids sorted.
Cells = list[tuple[tuple[str, str], list[str]]]


def frame_columns(frame: Any) -> Cells:
    """A proof's frame rows (``[group, stratum, id]`` lists, as JSON gives them, in any order) as cells in
    (group, stratum) order with each cell's ids sorted, repeats kept (:func:`distinct` tells): read column by
    column and run by run (a run: rows of one cell one after the other) rather than row by row, for a frame of
    millions. ``ValueError``/``TypeError`` unless each row is three strings."""
    if not isinstance(frame, list) or any(length != 3 for length in map(len, frame)):
        raise ValueError("a frame row is not [group, stratum, id]")
    groups, strata, ids = (list(map(itemgetter(column), frame)) for column in range(3))
    for values in (groups, strata, ids):
        "".join(values)  # TypeError unless every field is a string
    starts = sorted(
        {0, len(frame)}
        | set(compress(itertools.count(1), map(operator.ne, groups, islice(groups, 1, None))))
        | set(compress(itertools.count(1), map(operator.ne, strata, islice(strata, 1, None))))
    )
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for start, end in itertools.pairwise(starts):
        found[(groups[start], strata[start])].extend(ids[start:end])
    return [(cell, sorted(found[cell])) for cell in sorted(found)]


def distinct(sorted_ids: list[str]) -> bool:
    """No id of a sorted list repeats."""
    return not any(map(operator.eq, sorted_ids, islice(sorted_ids, 1, None)))


def frame_file(rows: Rows) -> bytes:
    """The frozen frame as stored and published: the rows sorted by (group, stratum, id), each
    ``group\tstratum\tid\n`` in UTF-8 — exactly the bytes the frame digest is taken over."""
    return cells_file(checked_cells(rows))


def cells_file(sorted_cells: Cells) -> bytes:
    parts = []
    for (group, stratum), ids in sorted_cells:
        prefix = f"{group}\t{stratum}\t"
        try:
            parts.append(prefix + ("\n" + prefix).join(ids) + "\n")
        except TypeError:  # not strings: formatted as an f-string of each row would
            parts.append("".join(f"{prefix}{entity}\n" for entity in ids))
    return "".join(parts).encode("utf-8")


def cell_lines(task: tuple[str, str, str | list[str], int]) -> bytes:
    """One cell's lines of the frame file, sorted, from its ids in any order — given as one string joined
    by newlines (as a database aggregates them) or as a list — and how many rows the cell has: ``ValueError``
    unless every id is a clean non-empty field, none repeats and their number is ``count`` (an id holding a
    newline would split into two)."""
    group, stratum, given, count = task
    prefix = f"{check_field(group, 'group')}\t{check_field(stratum, 'stratum')}\t"
    if isinstance(given, str) and native.BUILT:  # the same checks, sort and lines in C
        problem, lines = native.cell_lines(given.encode("utf-8"), prefix.encode("utf-8"), count)
        if problem:
            raise ValueError(CELL_PROBLEMS[problem].format(cell=f"{group}/{stratum}"))
        return lines
    ids = given.split("\n") if isinstance(given, str) else list(given)
    if len(ids) != count or "" in ids:
        raise ValueError(CELL_PROBLEMS[1].format(cell=f"{group}/{stratum}"))
    joined = given if isinstance(given, str) else "\n".join(ids)  # a string given is its ids joined already
    if joined.count("\n") != len(ids) - 1 or any(c in joined for c in FORBIDDEN_CHARACTERS if c != "\n"):
        raise ValueError(CELL_PROBLEMS[2].format(cell=f"{group}/{stratum}"))
    ids.sort()
    if any(map(operator.eq, ids, islice(ids, 1, None))):
        raise ValueError(CELL_PROBLEMS[3].format(cell=f"{group}/{stratum}"))
    return (prefix + ("\n" + prefix).join(ids) + "\n").encode("utf-8") if ids else b""


#: What is wrong with a cell's ids, by the number :func:`spotcheck.draw.native.cell_lines` gives, checked in this order.
CELL_PROBLEMS = {
    1: "an id of {cell} is empty or contains a newline",
    2: "an id of {cell} contains a tab, a newline or '|'",
    3: "the frame lists a row of {cell} twice",
}


def frame_file_of_cells(
    cells: list[tuple[str, str, str | list[str], int]], *, threshold: int = parallel.THRESHOLD
) -> bytes:
    """The frozen frame file from its cells ``(group, stratum, ids, count)``, each cell's ids in any order
    (:func:`cell_lines`): the cells sorted and joined in (group, stratum) order — the same bytes as
    :func:`frame_file` of their rows. The cells are sorted on two cores when they are large."""
    ordered = sorted(cells, key=lambda cell: (cell[0], cell[1]))
    if len({(g, s) for g, s, *_ in ordered}) != len(ordered):
        raise ValueError("a cell is listed twice")
    return b"".join(parallel.map_in_two(cell_lines, ordered, [count for *_, count in ordered], threshold=threshold))


def parse_frame_file(data: bytes) -> Cells:
    """The cells of a frame file, in order, each with its ids; ``ValueError`` unless every line is
    ``group\tstratum\tid`` with clean non-empty fields and the lines are sorted and distinct.

    A sorted file holds each cell as one run of lines with the same ``group\tstratum\t``
    prefix, so a cell is cut out and split with a few string operations rather than line by line."""
    text = data.decode("utf-8")
    if text and not text.endswith("\n"):
        raise ValueError("the frame file does not end with a newline")
    if "|" in text:
        raise ValueError("a frame field contains '|'")
    sorted_cells: Cells = []
    position = 0
    while position < len(text):
        line_end = text.index("\n", position)
        fields = text[position:line_end].split("\t")
        if len(fields) != 3:
            raise ValueError(f"malformed frame line {text[position:line_end]!r}")
        group, stratum = check_field(fields[0], "group"), check_field(fields[1], "stratum")
        prefix = f"{group}\t{stratum}\t"
        last = text.rfind("\n" + prefix, position)  # the newline before the cell's last line, if not its first
        cell_end = text.index("\n", last + 1) if last >= 0 else line_end
        block = text[position + len(prefix) : cell_end]
        ids = block.split("\n" + prefix)
        separators = len(ids) - 1  # each holds one newline and two tabs; any other is inside an id
        if "" in ids or block.count("\n") != separators or block.count("\t") != 2 * separators:
            raise ValueError(f"frame lines of {group}/{stratum} are malformed or not sorted")
        if not all(map(operator.lt, ids, islice(ids, 1, None))):
            raise ValueError(f"frame lines of {group}/{stratum} are not sorted and distinct")
        if sorted_cells and sorted_cells[-1][0] >= (group, stratum):
            raise ValueError("frame lines are not sorted and distinct")
        sorted_cells.append(((group, stratum), ids))
        position = cell_end + 1
    return sorted_cells


def checked_cells(frame: Rows) -> Cells:
    """The frame's rows as cells ``((group, stratum), ids)`` in (group, stratum) order, each cell's
    ids sorted (read one after the other: the rows sorted by (group, stratum, id)), every field checked and no
    row listed twice (``ValueError`` otherwise, the same as checking row by row)."""
    try:
        grouped = cells(frame)
        clean = all(_clean_field(value) for cell in grouped for value in cell) and all(
            _clean_ids(ids) for ids in grouped.values()
        )
    except (TypeError, ValueError):
        clean = False
    if not clean:  # name the first bad field, row by row as given
        for g, s, i in frame:
            check_field(g, "group"), check_field(s, "stratum"), check_field(i, "id")
    sorted_cells = [(cell, sorted(set(ids))) for cell, ids in sorted(grouped.items())]
    if sum(len(ids) for _, ids in sorted_cells) != len(frame):
        raise ValueError("the frame lists a row twice")
    return sorted_cells


def _clean_field(value: Any) -> bool:
    try:
        check_field(value, "field")
    except ValueError:
        return False
    return True


def _clean_ids(ids: list[str]) -> bool:
    """Every id a non-empty string without a tab, a newline or ``|`` (checked in bulk; the
    caller treats a TypeError as "not clean")."""
    if not ids:
        return True
    joined = "|".join(ids)  # TypeError unless all are strings; "|" is forbidden: it must appear only as separator
    return (
        joined.count("|") == len(ids) - 1
        and "" not in ids
        and not any(c in joined for c in FORBIDDEN_CHARACTERS if c != "|")
    )


def cells(rows: Rows) -> dict[tuple[str, str], list[str]]:
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for group, stratum, entity in rows:
        grouped[(group, stratum)].append(entity)
    return grouped


def frame_blocks(data: bytes) -> list[tuple[tuple[str, str], bytes, bytes, int]]:
    """The cells of a frame file as stretches of it, in order: ``((group, stratum), ids, separator, count)``, the
    ids joined by the separator (a newline and the cell's ``group\tstratum\t``) as the file holds them. Checked
    here: UTF-8, ending with a newline, no ``|``, three clean fields a line, cells in order; each cell's ids are
    checked sorted and distinct where they are ranked (:func:`rank_blocks`). Nothing is decoded but the cells'
    names: a frame of millions of rows stays one ``bytes``."""
    data.decode("utf-8")  # UnicodeDecodeError is a ValueError
    if data and not data.endswith(b"\n"):
        raise ValueError("the frame file does not end with a newline")
    if b"|" in data:
        raise ValueError("a frame field contains '|'")
    found: list[tuple[tuple[str, str], bytes, bytes, int]] = []
    position = 0
    while position < len(data):
        line_end = data.index(b"\n", position)
        fields = data[position:line_end].split(b"\t")
        if len(fields) != 3:
            raise ValueError(f"malformed frame line {data[position:line_end]!r}")
        group = check_field(fields[0].decode("utf-8"), "group")
        stratum = check_field(fields[1].decode("utf-8"), "stratum")
        prefix = fields[0] + b"\t" + fields[1] + b"\t"
        separator = b"\n" + prefix
        last = data.rfind(separator, position)  # the newline before the cell's last line, if not its first
        cell_end = data.index(b"\n", last + 1) if last >= 0 else line_end
        block = data[position + len(prefix) : cell_end]
        separators = block.count(separator)
        if block.count(b"\n") != separators or block.count(b"\t") != 2 * separators:
            raise ValueError(f"frame lines of {group}/{stratum} are malformed or not sorted")
        if found and found[-1][0] >= (group, stratum):
            raise ValueError("frame lines are not sorted and distinct")
        found.append(((group, stratum), block, separator, separators + 1))
        position = cell_end + 1
    return found
