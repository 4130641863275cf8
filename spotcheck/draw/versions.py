"""Which inspector draw a proof was made with (抽取算法版本): version 1 (:mod:`spotcheck.draw.inspectors`)
or version 2 (:mod:`spotcheck.draw.shuffle`, every new draw). A published proof never changes, so a
replacement follows the version its draw was made with, and the verifier checks either."""

from __future__ import annotations

from typing import Any

from spotcheck.draw import inspectors, shuffle
from spotcheck.draw.primitives import ALGORITHM as VERSION_1, check_field

#: The version new inspector draws are made with.
CURRENT = shuffle.ALGORITHM
INSPECTOR_VERSIONS = (VERSION_1, shuffle.ALGORITHM)


def draw_inspectors(**arguments: Any) -> dict[str, Any]:
    """A new inspector draw (by :data:`CURRENT`): the proof, or DrawError."""
    return redraw_inspectors(CURRENT, **arguments)


def redraw_inspectors(algorithm: str, **arguments: Any) -> dict[str, Any]:
    """The teams ``algorithm`` forms from these inputs (the verifier's replay)."""
    engine = shuffle if algorithm == shuffle.ALGORITHM else inspectors
    proof: dict[str, Any] = engine.draw_inspectors(**arguments)
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
    if proof.get("algorithm") == shuffle.ALGORITHM:
        return shuffle.replacement_for(proof, visit, out, teams, history)
    return inspectors.replacement_for(proof, visit, out, teams, history)


def replace_inspector(proof: dict[str, Any], *, visit: str, out: str, reason: str) -> dict[str, Any]:
    """Record the replacement of a team member; returns the record (also appended to the proof)."""
    check_field(reason, "reason")
    incoming = replacement_for(proof, visit, out)
    record = {"visit": visit, "out": out, "in": incoming, "reason": reason}
    proof.setdefault("replacements", []).append(record)
    return record
