"""The inspector draw, version 2 (随机选派检查人员，第二版), DRAW-SPEC "Inspector draw, version 2".

Frame lines, digest, parameters and the order of visits are version 1's (:mod:`spotcheck.draw.inspectors`);
the seed names ``spotcheck-draw/2``. At each visit its candidates ``U`` (the pool inspectors of one
of its groups sharing a category with what that group needs there, sorted by id) are put in a
keyed Fisher–Yates order made lazily: position ``k`` swaps with ``k + r``, ``r`` uniform in
``[0, n − k)`` from ``HMAC(seed, "inspector|" ‖ visit ‖ "|" ‖ k ‖ "|" ‖ a)`` by rejection. Recusal,
capacity and the team are applied when an inspector is reached, so a visit costs about as many
HMACs as its team has members. The same distribution as version 1's ranking, at a fraction of
the cost.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Container, Iterator
from typing import Any

from spotcheck.draw import inspectors
from spotcheck.draw.inspectors import DrawError, Frame, visit_order
from spotcheck.draw.primitives import rank_keys

ALGORITHM = "spotcheck-draw/2"
_SPAN = 1 << 64


class VisitOrder:
    """A visit's order over its sorted candidates, computed only as far as it is read, with the
    swaps kept sparse (position → id) so the sorted list itself is shared between visits."""

    def __init__(self, seed: bytes, visit: str, candidates: list[str]):
        self._mac = rank_keys(seed, f"inspector|{visit}|")
        self._sorted = candidates
        self._swapped: dict[int, str] = {}
        self._done: list[str] = []

    def _at(self, position: int) -> str:
        return self._swapped.get(position, self._sorted[position])

    def _uniform(self, k: int, m: int) -> int:
        limit = _SPAN - (_SPAN % m)
        attempt = 0
        while True:
            x = int.from_bytes(self._mac(f"{k}|{attempt}")[:8], "big")
            if x < limit:
                return x % m
            attempt += 1

    def __iter__(self) -> Iterator[str]:
        """The candidates in the visit's order, each position computed when it is reached."""
        yield from self._done
        while len(self._done) < len(self._sorted):
            k = len(self._done)
            j = k + self._uniform(k, len(self._sorted) - k)
            here, there = self._at(k), self._at(j)
            self._swapped[j] = here
            self._swapped.pop(k, None)
            self._done.append(there)
            yield there


def candidates_of(frame: Frame, visit: str) -> list[str]:
    """``U``: the pool inspectors of the visit's groups sharing a category with what their own group
    needs at the visit, sorted by id (recusal and capacity are applied when one is reached)."""
    return sorted(
        inspector
        for group, needed in frame.needs[visit].items()
        for inspector, categories in frame.pool.get(group, {}).items()
        if categories & needed
    )


class Orders:
    """Every visit's order; each distinct candidate list is built once and shared by the visits
    with the same needs (DRAW-SPEC: rebuilding it per visit would cost visits × pool)."""

    def __init__(self, frame: Frame, seed: bytes):
        self.frame, self.seed = frame, seed
        self._lists: dict[tuple[tuple[str, frozenset[str]], ...], list[str]] = {}

    def __call__(self, visit: str) -> VisitOrder:
        needs = tuple(sorted(self.frame.needs[visit].items(), key=lambda pair: pair[0]))
        if needs not in self._lists:
            self._lists[needs] = candidates_of(self.frame, visit)
        return VisitOrder(self.seed, visit, self._lists[needs])


def eligible_when_reached(
    frame: Frame, visit: str, load: Counter[str], capacity: int | None, taken: Container[str]
) -> Callable[[str], bool]:
    """Whether an inspector reached in the visit's order may join: not recused for the visit, under
    capacity, not in ``taken`` (the team, and for a replacement those replaced out before)."""
    recused = frame.recused.get(visit, ())
    return lambda inspector: (
        inspector not in taken and inspector not in recused and (capacity is None or load[inspector] < capacity)
    )


def pick_team(
    frame: Frame,
    visit: str,
    order: VisitOrder,
    load: Counter[str],
    capacity: int | None,
    *,
    team_size: int,
    per_group_min: int,
) -> list[str]:
    """The team for one visit by walking its order (raises DrawError, as version 1 words it)."""
    team: list[str] = []
    eligible = eligible_when_reached(frame, visit, load, capacity, team)
    for group in sorted(frame.needs[visit]):
        taken = 0
        if per_group_min:
            for inspector in order:
                if frame.group_of[inspector] == group and eligible(inspector):
                    team.append(inspector)
                    taken += 1
                    if taken == per_group_min:
                        break
        if taken < per_group_min:
            raise DrawError(
                f"visit {visit}: department {group} has {taken} eligible inspector(s), "
                f"needs {per_group_min} (qualified, valid certificate, not recused, under capacity)"
            )
    if len(team) < team_size:
        for inspector in order:
            if eligible(inspector):
                team.append(inspector)
                if len(team) >= team_size:
                    break
    if len(team) < team_size:
        raise DrawError(
            f"visit {visit}: only {len(team)} eligible inspector(s) for a team of {team_size} "
            f"(qualified, valid certificate, not recused, under capacity)"
        )
    return team


def draw_teams(
    frame: Frame, seed: bytes, *, team_size: int, per_group_min: int, capacity: int | None
) -> dict[str, list[str]]:
    """Every visit's team, in visit order (raises DrawError)."""
    orders = Orders(frame, seed)
    load: Counter[str] = Counter()
    teams: dict[str, list[str]] = {}
    for visit in visit_order(seed, frame.needs):
        team = pick_team(frame, visit, orders(visit), load, capacity, team_size=team_size, per_group_min=per_group_min)
        load.update(team)
        teams[visit] = team
    return teams


def draw_inspectors(
    *,
    campaign: str,
    nonce: bytes,
    lines: list[str],
    team_size: int,
    per_group_min: int,
    capacity: int | None,
    public_inputs: list[str],
    algorithm: str = ALGORITHM,
    blind_key: bytes | None = None,
) -> dict[str, Any]:
    """Form every team and return the proof (without timestamps), or raise DrawError. Version 3
    (``spotcheck-draw/3``, with ``blind_key``) is this draw over the blinded lines."""
    return inspectors.draw_inspectors(
        campaign=campaign,
        nonce=nonce,
        lines=lines,
        team_size=team_size,
        per_group_min=per_group_min,
        capacity=capacity,
        public_inputs=public_inputs,
        algorithm=algorithm,
        form_teams=draw_teams,
        blind_key=blind_key,
    )


def replacement_for(
    proof: dict[str, Any], visit: str, out: str, teams: dict[str, list[str]], history: list[dict[str, Any]]
) -> str:
    """The first eligible inspector in the visit's order who replaces ``out``, given the teams as they
    stand and the earlier replacements (DRAW-SPEC "Precisions for both inspector versions")."""
    frame = Frame.parse(proof["frame_lines"])
    team = teams[visit]
    if out not in team:
        raise ValueError(f"{out} is not on the team of visit {visit}")
    load = Counter(member for members in teams.values() for member in members)
    replaced_out = {r["out"] for r in history if r["visit"] == visit}
    eligible = eligible_when_reached(frame, visit, load, proof.get("capacity"), set(team) | replaced_out)
    group = frame.group_of.get(out)
    remaining_in_group = sum(1 for member in team if member != out and frame.group_of.get(member) == group)
    own_group_only = remaining_in_group < proof.get("per_group_min", 0)
    for inspector in VisitOrder(bytes.fromhex(proof["seed"]), visit, candidates_of(frame, visit)):
        if eligible(inspector) and (not own_group_only or frame.group_of[inspector] == group):
            return inspector
    raise DrawError(f"visit {visit}: no eligible inspector left to replace {out}")
