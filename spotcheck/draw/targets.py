"""The target draw (随机抽取检查对象), DRAW-SPEC "Target draw".

Frame rows are ``(group, stratum, id)``: the department code, the stratum (risk class or a
flag class) and the entity's code. Each cell ``(group, stratum)`` is an exact simple random
sample: rows ranked by ``K(id) = HMAC(seed, "target|" ‖ id)``, the first ``n`` selected, the
next ``reserve_size`` kept in reserve for replacements.
"""
from __future__ import annotations

import gc
import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import Any

from spotcheck.draw.primitives import (
    ALGORITHM,
    FORBIDDEN_CHARACTERS,
    H,
    check_field,
    commitment,
    derive_seed,
    rank_keys,
)

KIND = "targets"

#: The frame's rows ``(group, stratum, id)``, as given (checked where the draw reads them).
Rows = Sequence[Sequence[Any]]
#: Cells ``((group, stratum), ids)`` in (group, stratum) order, each cell's ids sorted.
Cells = list[tuple[tuple[str, str], list[str]]]

def frame_digest(rows: Rows) -> bytes:
    """H over the rows sorted by (group, stratum, id), each ``group\tstratum\tid\n`` (rows are
    not checked here: the verifier reports a bad frame by its own checks)."""
    sorted_cells = [(cell, sorted(ids)) for cell, ids in sorted(cells(rows).items())]
    return H(_cells_file(sorted_cells))


def frame_file(rows: Rows) -> bytes:
    """The frozen frame as stored and published: the rows sorted by (group, stratum, id), each
    ``group\tstratum\tid\n`` in UTF-8 — exactly the bytes the frame digest is taken over."""
    return _cells_file(_checked_cells(rows))


def _cells_file(sorted_cells: Cells) -> bytes:
    parts = []
    for (group, stratum), ids in sorted_cells:
        prefix = f"{group}\t{stratum}\t"
        try:
            parts.append(prefix + ("\n" + prefix).join(ids) + "\n")
        except TypeError:  # not strings: formatted as an f-string of each row would
            parts.append("".join(f"{prefix}{entity}\n" for entity in ids))
    return "".join(parts).encode("utf-8")


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
        block = text[position + len(prefix):cell_end]
        ids = block.split("\n" + prefix)
        separators = len(ids) - 1  # each holds one newline and two tabs; any other is inside an id
        if "" in ids or block.count("\n") != separators or block.count("\t") != 2 * separators:
            raise ValueError(f"frame lines of {group}/{stratum} are malformed or not sorted")
        if not all(map(str.__lt__, ids, islice(ids, 1, None))):
            raise ValueError(f"frame lines of {group}/{stratum} are not sorted and distinct")
        if sorted_cells and sorted_cells[-1][0] >= (group, stratum):
            raise ValueError("frame lines are not sorted and distinct")
        sorted_cells.append(((group, stratum), ids))
        position = cell_end + 1
    return sorted_cells


def cell_size(rule: dict[str, Any], population: int) -> int:
    """How many to select from a cell of ``population`` rows: a count, or a ratio in basis
    points with a minimum (``min(M, max(m, ceil(r·M/10000)))``)."""
    if set(rule) == {"count"} and _whole(rule["count"]):
        count: int = rule["count"]
        return min(count, population)
    if set(rule) == {"ratio_bp", "min"} and _whole(rule["ratio_bp"]) and _whole(rule["min"]):
        least: int = rule["min"]
        ratio_bp: int = rule["ratio_bp"]
        return min(population, max(least, (ratio_bp * population + 9999) // 10000))
    raise ValueError(f"a rule is {{'count': c}} or {{'ratio_bp': r, 'min': m}} with whole numbers ≥ 0, not {rule!r}")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _checked_cells(frame: Rows) -> Cells:
    """The frame's rows as cells ``((group, stratum), ids)`` in (group, stratum) order, each cell's
    ids sorted (read one after the other: the rows sorted by (group, stratum, id)), every field checked and no
    row listed twice (``ValueError`` otherwise, the same as checking row by row)."""
    try:
        grouped = cells(frame)
        clean = all(_clean_field(value) for cell in grouped for value in cell) and all(
            _clean_ids(ids) for ids in grouped.values())
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
    return (joined.count("|") == len(ids) - 1 and "" not in ids
            and not any(c in joined for c in FORBIDDEN_CHARACTERS if c != "|"))


def cells(rows: Rows) -> dict[tuple[str, str], list[str]]:
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for group, stratum, entity in rows:
        grouped[(group, stratum)].append(entity)
    return grouped


def rank_cell(seed: bytes, ids: Iterable[str], keep: int | None = None) -> list[str]:
    """Ids in rank order ``(K(id), id)``; with ``keep``, only the first ``keep`` of them."""
    ids = list(ids)
    keyed = zip(map(rank_keys(seed, "target|"), ids), ids)
    ranked = heapq.nsmallest(keep, keyed) if keep is not None else sorted(keyed)
    return [entity for _, entity in ranked]


def draw_targets(*, campaign: str, nonce: bytes, frame: Rows, rules: dict[str, Any], reserve_size: int,
                 public_inputs: list[str]) -> dict[str, Any]:
    """Draw every cell of the frame's rows and return the proof (without its timestamps, which
    the caller adds)."""
    _check_parameters(campaign, public_inputs)
    with _cyclic_gc_paused():
        sorted_cells = _checked_cells(frame)
        proof = _draw(campaign, nonce, sorted_cells, H(_cells_file(sorted_cells)), rules, reserve_size, public_inputs)
        proof["frame"] = [[group, stratum, entity] for (group, stratum), ids in sorted_cells for entity in ids]
    return proof


def draw_targets_from_file(*, campaign: str, nonce: bytes, frame_file: bytes, rules: dict[str, Any], reserve_size: int,
                           public_inputs: list[str]) -> dict[str, Any]:
    """The same draw from the frozen frame file (:func:`frame_file`); the proof it returns leaves
    the frame out — the file is its frame (:func:`spotcheck.draw.proof_file.dumps` writes them
    together), so a frame of millions of rows is never turned into rows."""
    _check_parameters(campaign, public_inputs)
    with _cyclic_gc_paused():
        return _draw(campaign, nonce, parse_frame_file(frame_file), H(frame_file), rules, reserve_size, public_inputs)


def _check_parameters(campaign: str, public_inputs: list[str]) -> None:
    check_field(campaign, "campaign")
    for text in public_inputs:
        if not isinstance(text, str):
            raise ValueError("public inputs are strings")


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A frame of millions of rows allocates millions of small containers at once (the cells,
    the proof's frame rows); the cyclic collector would scan them again and again on the way
    and take about as long as the draw. They hold no cycles: pause it meanwhile (reference
    counting still frees everything), as before if it was already off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _draw(campaign: str, nonce: bytes, sorted_cells: Cells, digest: bytes, rules: dict[str, Any], reserve_size: int,
          public_inputs: list[str]) -> dict[str, Any]:
    """The proof of the draw over checked, sorted cells whose frame digest is ``digest``, without the frame."""
    seed = derive_seed(nonce, KIND, campaign, digest, public_inputs)
    selected: dict[str, dict[str, list[str]]] = defaultdict(dict)
    reserves: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for (group, stratum), ids in sorted_cells:
        try:
            rule = rules[group][stratum]
        except KeyError:
            raise ValueError(f"no rule for group {group} stratum {stratum}") from None
        n = cell_size(rule, len(ids))
        ranked = rank_cell(seed, ids, keep=n + reserve_size)
        selected[group][stratum] = ranked[:n]
        reserves[group][stratum] = ranked[n:n + reserve_size]
    return {
        "algorithm": ALGORITHM,
        "kind": KIND,
        "campaign": campaign,
        "commitment": commitment(nonce),
        "nonce": nonce.hex(),
        "frame_digest": digest.hex(),
        "public_inputs": list(public_inputs),
        "seed": seed.hex(),
        "rules": rules,
        "reserve_size": reserve_size,
        "selected": dict(selected),
        "reserves": dict(reserves),
        "replacements": [],
    }


def visits(selected: dict[str, Any]) -> dict[str, list[str]]:
    """Each selected id with the groups that selected it: one visit per entity (进一次门)."""
    groups_by_id: dict[str, list[str]] = defaultdict(list)
    for group, strata in sorted(selected.items()):
        for ids in strata.values():
            for entity in ids:
                if group not in groups_by_id[entity]:
                    groups_by_id[entity].append(group)
    return dict(groups_by_id)


def current_selection(proof: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """The selection after the proof's replacements, in order."""
    chosen = {g: {s: list(ids) for s, ids in strata.items()} for g, strata in proof["selected"].items()}
    for replacement in proof.get("replacements", []):
        ids = chosen[replacement["group"]][replacement["stratum"]]
        ids[ids.index(replacement["out"])] = replacement["in"]
    return chosen


def next_reserve(proof: dict[str, Any], group: str, stratum: str) -> str | None:
    """The first reserve id of the cell not yet used by a replacement."""
    used = {r["in"] for r in proof.get("replacements", []) if r["group"] == group and r["stratum"] == stratum}
    return next((entity for entity in proof["reserves"][group][stratum] if entity not in used), None)


def replace_target(proof: dict[str, Any], *, group: str, stratum: str, out: str, reason: str) -> dict[str, Any]:
    """Record the replacement of a selected target by the next unused reserve of its cell;
    returns the replacement record (also appended to the proof)."""
    check_field(reason, "reason")
    if out not in current_selection(proof).get(group, {}).get(stratum, []):
        raise ValueError(f"{out} is not selected in {group}/{stratum}")
    incoming = next_reserve(proof, group, stratum)
    if incoming is None:
        raise ValueError(f"the reserve of {group}/{stratum} is used up")
    record = {"group": group, "stratum": stratum, "out": out, "in": incoming, "reason": reason}
    proof.setdefault("replacements", []).append(record)
    return record


def expected_separate_visits(sorted_cells: Cells, rules: dict[str, Any]) -> float:
    """联合抽查节省的检查户次: the visits that separate, independent draws would need on average.

    Drawn independently, a cell ``(group, stratum)`` of ``M`` rows choosing ``n`` visits each of
    its rows with probability ``n / M``; an entity in several groups' cells is visited at least
    once with probability ``1 − Π (1 − n_g / M_g)``. The sum over the entities is the expected
    number of visits; the coordinated draw's visits (:func:`visits`) are compared with it.
    ``sorted_cells``: ``[((group, stratum), ids), …]`` as :func:`parse_frame_file` returns them."""
    missed: dict[str, float] = {}
    for (group, stratum), ids in sorted_cells:
        population = len(ids)
        if not population:
            continue
        keep = 1.0 - cell_size(rules[group][stratum], population) / population
        for entity in ids:
            missed[entity] = missed.get(entity, 1.0) * keep
    return sum(1.0 - value for value in missed.values())


def expected_joint_visits(sorted_cells: Cells, rules: dict[str, Any]) -> float:
    """联合抽查预计检查户次: the visits a joint draw with one seed makes on average. Every cell ranks
    its rows by the same key ``K(id)``, so a cell choosing ``n`` of ``M`` takes the rows whose key
    falls below its ``n / M`` quantile, and an entity in several groups' cells is visited when its
    key is below the largest of them: with probability ``max (n_g / M_g)`` (exact as the cells grow).
    Compare :func:`expected_separate_visits`: independent draws visit it with ``1 − Π (1 − n_g / M_g)``."""
    taken: dict[str, float] = {}
    for (group, stratum), ids in sorted_cells:
        population = len(ids)
        if not population:
            continue
        share = cell_size(rules[group][stratum], population) / population
        for entity in ids:
            taken[entity] = max(taken.get(entity, 0.0), share)
    return sum(taken.values())
