"""Which inspector draw a proof was made with (抽取算法版本): version 1 (:mod:`spotcheck.draw.inspectors`),
version 2 (:mod:`spotcheck.draw.shuffle`) or version 3 (version 2's shuffle over blinded visits,
:mod:`spotcheck.draw.blinding`: every new draw). A published proof never changes, so a replacement follows the
version its draw was made with, and the verifier checks each."""

from __future__ import annotations

from typing import Any

from spotcheck.draw import blinding, inspectors, shuffle
from spotcheck.draw.primitives import ALGORITHM as VERSION_1, check_field

#: The version new inspector draws are made with (with a blinding key; without one, version 2's).
CURRENT = blinding.ALGORITHM
INSPECTOR_VERSIONS = (VERSION_1, shuffle.ALGORITHM, blinding.ALGORITHM)
#: The versions whose teams are drawn by the lazy shuffle.
SHUFFLED = (shuffle.ALGORITHM, blinding.ALGORITHM)


def draw_inspectors(*, blind_key: bytes | None = None, **arguments: Any) -> dict[str, Any]:
    """A new inspector draw: version 3 with ``blind_key`` (the clear lines blinded), version 2 without (a draw
    frozen before blinding); the proof, or DrawError."""
    if blind_key is None:
        return redraw_inspectors(shuffle.ALGORITHM, **arguments)
    proof: dict[str, Any] = shuffle.draw_inspectors(algorithm=blinding.ALGORITHM, blind_key=blind_key, **arguments)
    return proof


def redraw_inspectors(algorithm: str, **arguments: Any) -> dict[str, Any]:
    """The teams ``algorithm`` forms from these inputs (the verifier's replay: version 3's lines are blinded
    already)."""
    if algorithm in SHUFFLED:
        proof: dict[str, Any] = shuffle.draw_inspectors(algorithm=algorithm, **arguments)
        return proof
    proof = inspectors.draw_inspectors(**arguments)
    return proof


def replacement_for(
    proof: dict[str, Any],
    visit: str,
    out: str,
    teams: dict[str, list[str]] | None = None,
    history: list[dict[str, Any]] | None = None,
) -> str:
    """Who replaces ``out`` on ``visit``, by the proof's own version, given the teams as they stand
    and the earlier replacements (default: the proof's)."""
    teams = inspectors.current_teams(proof) if teams is None else teams
    history = proof.get("replacements", []) if history is None else history
    if proof.get("algorithm") in SHUFFLED:
        return shuffle.replacement_for(proof, visit, out, teams, history)
    return inspectors.replacement_for(proof, visit, out, teams, history)


def replace_inspector(proof: dict[str, Any], *, visit: str, out: str, reason: str) -> dict[str, Any]:
    """Record the replacement of a team member; returns the record (also appended to the proof)."""
    check_field(reason, "reason")
    incoming = replacement_for(proof, visit, out)
    record = {"visit": visit, "out": out, "in": incoming, "reason": reason}
    proof.setdefault("replacements", []).append(record)
    return record
