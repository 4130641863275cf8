"""The target draw (随机抽取检查对象), DRAW-SPEC "Target draw".

Frame rows are ``(group, stratum, id)``: the department code, the stratum (risk class or a
flag class) and the entity's code. Each cell ``(group, stratum)`` is an exact simple random
sample: rows ranked by ``K(id) = HMAC(seed, "target|" ‖ id)``, the first ``n`` selected, the
next ``reserve_size`` kept in reserve for replacements.
"""
from __future__ import annotations

import heapq
from collections import defaultdict

from spotcheck.draw.primitives import ALGORITHM, Keyed, check_field, commitment, derive_seed, lines_digest

KIND = "targets"


def frame_digest(rows) -> bytes:
    """H over the rows sorted by (group, stratum, id), each ``group\\tstratum\\tid\\n``."""
    return lines_digest(f"{g}\t{s}\t{i}" for g, s, i in sorted(rows))


def cell_size(rule: dict, population: int) -> int:
    """How many to select from a cell of ``population`` rows: a count, or a ratio in basis
    points with a minimum (``min(M, max(m, ceil(r·M/10000)))``)."""
    if set(rule) == {"count"} and _whole(rule["count"]):
        return min(rule["count"], population)
    if set(rule) == {"ratio_bp", "min"} and _whole(rule["ratio_bp"]) and _whole(rule["min"]):
        return min(population, max(rule["min"], (rule["ratio_bp"] * population + 9999) // 10000))
    raise ValueError(f"a rule is {{'count': c}} or {{'ratio_bp': r, 'min': m}} with whole numbers ≥ 0, not {rule!r}")


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def cells(rows) -> dict[tuple[str, str], list[str]]:
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for group, stratum, entity in rows:
        grouped[(group, stratum)].append(entity)
    return grouped


def rank_cell(seed: bytes, ids, keep: int | None = None) -> list[str]:
    """Ids in rank order ``(K(id), id)``; with ``keep``, only the first ``keep`` of them."""
    key = Keyed(seed, "target|")
    keyed = ((key(entity), entity) for entity in ids)
    ranked = heapq.nsmallest(keep, keyed) if keep is not None else sorted(keyed)
    return [entity for _, entity in ranked]


def draw_targets(*, campaign: str, nonce: bytes, frame, rules: dict, reserve_size: int,
                 public_inputs: list[str]) -> dict:
    """Draw every cell and return the proof (without its timestamps, which the caller adds)."""
    check_field(campaign, "campaign")
    for text in public_inputs:
        if not isinstance(text, str):
            raise ValueError("public inputs are strings")
    rows = sorted({(check_field(g, "group"), check_field(s, "stratum"), check_field(i, "id")) for g, s, i in frame})
    if len(rows) != len(frame):
        raise ValueError("the frame lists a row twice")
    digest = frame_digest(rows)
    seed = derive_seed(nonce, KIND, campaign, digest, public_inputs)
    selected: dict[str, dict[str, list[str]]] = defaultdict(dict)
    reserves: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for (group, stratum), ids in sorted(cells(rows).items()):
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
        "frame": [list(row) for row in rows],
        "rules": rules,
        "reserve_size": reserve_size,
        "selected": dict(selected),
        "reserves": dict(reserves),
        "replacements": [],
    }


def visits(selected: dict) -> dict[str, list[str]]:
    """Each selected id with the groups that selected it: one visit per entity (进一次门)."""
    groups_by_id: dict[str, list[str]] = defaultdict(list)
    for group, strata in sorted(selected.items()):
        for ids in strata.values():
            for entity in ids:
                if group not in groups_by_id[entity]:
                    groups_by_id[entity].append(group)
    return dict(groups_by_id)


def current_selection(proof: dict) -> dict[str, dict[str, list[str]]]:
    """The selection after the proof's replacements, in order."""
    chosen = {g: {s: list(ids) for s, ids in strata.items()} for g, strata in proof["selected"].items()}
    for replacement in proof.get("replacements", []):
        ids = chosen[replacement["group"]][replacement["stratum"]]
        ids[ids.index(replacement["out"])] = replacement["in"]
    return chosen


def next_reserve(proof: dict, group: str, stratum: str) -> str | None:
    """The first reserve id of the cell not yet used by a replacement."""
    used = {r["in"] for r in proof.get("replacements", []) if r["group"] == group and r["stratum"] == stratum}
    return next((entity for entity in proof["reserves"][group][stratum] if entity not in used), None)


def replace_target(proof: dict, *, group: str, stratum: str, out: str, reason: str) -> dict:
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
