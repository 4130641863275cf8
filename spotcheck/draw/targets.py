"""The target draw (随机抽取检查对象), DRAW-SPEC "Target draw".

Frame rows are ``(group, stratum, id)``: the department code, the stratum (risk class or a
flag class) and the entity's code. Each cell ``(group, stratum)`` is an exact simple random
sample: rows ranked by ``K(id) = HMAC(seed, "target|" ‖ id)``, the first ``n`` selected, the
next ``reserve_size`` kept in reserve for replacements.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from spotcheck.draw import blinding
from spotcheck.draw.inspectors import NO_INPUT_V3
from spotcheck.draw.primitives import ALGORITHM, H, check_field, commitment, derive_seed
from spotcheck.draw.target_frames import Cells, Rows, cells_file, checked_cells, frame_blocks
from spotcheck.draw.target_ranking import rank_blocks

KIND = "targets"


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


def draw_targets(
    *,
    campaign: str,
    nonce: bytes,
    frame: Rows,
    rules: dict[str, Any],
    reserve_size: int,
    public_inputs: list[str],
    blind_key: bytes | None = None,
) -> dict[str, Any]:
    """Draw every cell of the frame's rows and return the proof (without its timestamps, which
    the caller adds). With ``blind_key``, a blinded draw (``spotcheck-draw/3``): the rows' ids are their tokens."""
    _check_parameters(campaign, public_inputs, blind_key)
    with cyclic_gc_paused():
        if blind_key is not None:
            frame = blinding.blind_rows(blind_key, [list(row) for row in frame])
        sorted_cells = checked_cells(frame)
        proof = _draw(
            campaign, nonce, sorted_cells, H(cells_file(sorted_cells)), rules, reserve_size, public_inputs, blind_key
        )
        proof["frame"] = [[group, stratum, entity] for (group, stratum), ids in sorted_cells for entity in ids]
    return proof


def draw_targets_from_file(
    *,
    campaign: str,
    nonce: bytes,
    frame_file: bytes,
    rules: dict[str, Any],
    reserve_size: int,
    public_inputs: list[str],
    blind_key: bytes | None = None,
) -> dict[str, Any]:
    """The same draw from the frozen frame file (:func:`frame_file`); the proof it returns leaves
    the frame out — the file is its frame (:func:`spotcheck.draw.proof_file.dumps` writes them
    together), so a frame of millions of rows is never turned into rows. With ``blind_key`` the file is the
    blinded one (:func:`spotcheck.draw.blinding.blind_frame_file`, made at the freeze) and the draw version 3's."""
    return draw_targets_from_blocks(
        campaign=campaign,
        nonce=nonce,
        blocks=frame_blocks(frame_file),
        digest=H(frame_file),
        rules=rules,
        reserve_size=reserve_size,
        public_inputs=public_inputs,
        blind_key=blind_key,
    )


def draw_targets_from_blocks(
    *,
    campaign: str,
    nonce: bytes,
    blocks: list[tuple[tuple[str, str], bytes, bytes, int]],
    digest: bytes,
    rules: dict[str, Any],
    reserve_size: int,
    public_inputs: list[str],
    blind_key: bytes | None = None,
) -> dict[str, Any]:
    """:func:`draw_targets_from_file` from the frame file's cells as
    :func:`~spotcheck.draw.target_frames.frame_blocks` reads them, and the file's digest — given by a caller that
    made both from a frame it kept in another form (:mod:`spotcheck.draw.token_frames`) and checked the digest: the
    same proof, without reading the file again."""
    _check_parameters(campaign, public_inputs, blind_key)
    with cyclic_gc_paused():
        return _draw_blocks(campaign, nonce, blocks, digest, rules, reserve_size, public_inputs, blind_key)


def _check_parameters(campaign: str, public_inputs: list[str], blind_key: bytes | None = None) -> None:
    check_field(campaign, "campaign")
    for text in public_inputs:
        if not isinstance(text, str):
            raise ValueError("public inputs are strings")
    if blind_key is not None and not public_inputs:
        raise ValueError(NO_INPUT_V3)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """A frame of millions of rows allocates millions of small containers at once (the cells,
    the proof's frame rows; building a frame, its capped list's rows); the cyclic collector would
    scan them again and again on the way and take about as long as the draw. They hold no cycles:
    pause it meanwhile (reference counting still frees everything), as before if it was already
    off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _draw(
    campaign: str,
    nonce: bytes,
    sorted_cells: Cells,
    digest: bytes,
    rules: dict[str, Any],
    reserve_size: int,
    public_inputs: list[str],
    blind_key: bytes | None = None,
) -> dict[str, Any]:
    """The proof of the draw over checked, sorted cells whose frame digest is ``digest``, without the frame."""
    blocks = [(cell, "\n".join(ids).encode("utf-8"), b"\n", len(ids)) for cell, ids in sorted_cells]
    return _draw_blocks(campaign, nonce, blocks, digest, rules, reserve_size, public_inputs, blind_key)


def _draw_blocks(
    campaign: str,
    nonce: bytes,
    blocks: list[tuple[tuple[str, str], bytes, bytes, int]],
    digest: bytes,
    rules: dict[str, Any],
    reserve_size: int,
    public_inputs: list[str],
    blind_key: bytes | None = None,
) -> dict[str, Any]:
    """The proof of the draw over the frame's cells (:func:`frame_blocks`) whose frame digest is ``digest``,
    without the frame: each cell's first ``n + reserve_size`` by rank, on two cores for a large frame. With
    ``blind_key`` the cells hold tokens, and the draw is version 3's (its seed and ``blind_commitment``)."""
    algorithm = ALGORITHM if blind_key is None else blinding.ALGORITHM
    seed = derive_seed(nonce, KIND, campaign, digest, public_inputs, algorithm=algorithm)
    selected: dict[str, dict[str, list[str]]] = defaultdict(dict)
    reserves: dict[str, dict[str, list[str]]] = defaultdict(dict)
    sizes = []
    for (group, stratum), _, _, count in blocks:
        try:
            rule = rules[group][stratum]
        except KeyError:
            raise ValueError(f"no rule for group {group} stratum {stratum}") from None
        sizes.append(cell_size(rule, count))
    ranked_cells = rank_blocks(
        seed,
        [
            (cell, data, separator, count, n + reserve_size)
            for (cell, data, separator, count), n in zip(blocks, sizes, strict=True)
        ],
    )
    for ((group, stratum), *_), n, ranked in zip(blocks, sizes, ranked_cells, strict=True):
        selected[group][stratum] = ranked[:n]
        reserves[group][stratum] = ranked[n : n + reserve_size]
    proof: dict[str, Any] = {
        "algorithm": algorithm,
        "kind": KIND,
        "campaign": campaign,
        "commitment": commitment(nonce),
        **({} if blind_key is None else {"blind_commitment": blinding.blind_commitment(blind_key)}),
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
    return proof


def visits(selected: dict[str, Any]) -> dict[str, list[str]]:
    """Each selected id with the groups that selected it: one visit per entity (进一次门)."""
    groups_by_id: dict[str, list[str]] = defaultdict(list)
    for group, strata in sorted(selected.items()):
        for ids in strata.values():
            for entity in ids:
                if group not in groups_by_id[entity]:
                    groups_by_id[entity].append(group)
    return dict(groups_by_id)


def group_sets(selected: dict[str, Any]) -> dict[tuple[str, ...], int]:
    """联合抽取的部门组合: how many visits each set of groups selected together. One ranking for all the groups of a
    joint draw is what makes their samples overlap, so which groups selected a token is public by construction; where
    the published results say which departments checked a business, a set that few visits share points to their
    tokens, and so to their strata (DRAW-SPEC "Blinded draws"; docs/draw-algorithm.md measures it)."""
    counted: dict[tuple[str, ...], int] = defaultdict(int)
    for groups in visits(selected).values():
        counted[tuple(sorted(groups))] += 1
    return dict(sorted(counted.items()))


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
