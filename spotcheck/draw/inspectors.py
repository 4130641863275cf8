"""The inspector draw, version 1 (随机选派检查人员), DRAW-SPEC "Inspector draw": kept to verify
and replace in the proofs it made; new draws use version 2 (:mod:`spotcheck.draw.shuffle`).

Frame lines (sorted as strings, digested like the target frame):

* ``V\\t<visit>\\t<group>\\t<categories>`` — what each group needs at each visit;
* ``P\\t<group>\\t<inspector>\\t<categories>`` — the eligible pool (valid certificate, active);
* ``X\\t<visit>\\t<inspector>`` — recusals (回避).

Visits are taken in the order of ``HMAC(seed, "visit|" ‖ visit)``. At each visit the eligible
inspectors (of one of the visit's groups, sharing a category with what that group needs there,
not recused, under capacity) are ranked by ``HMAC(seed, "inspector|" ‖ visit ‖ "|" ‖ inspector)``;
each group in sorted order first gets its ``per_group_min`` best, then the team is filled to
``team_size`` by rank.

Replacement of a team member (leave, a conflict declared after the draw): the best-ranked
inspector eligible for that visit — counting capacity over the teams as they stand, never one
who is on the team or was replaced out of it before — from the leaving member's group when
that group would otherwise fall below ``per_group_min``.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from spotcheck.draw import blinding
from spotcheck.draw.primitives import ALGORITHM, check_field, commitment, derive_seed, lines_digest, rank_keys

KIND = "inspectors"
#: Why a blinded draw needs an outside input (DRAW-SPEC "Blinded draws").
NO_INPUT_V3 = (
    "a blinded draw (spotcheck-draw/3) needs at least one outside input: the operator chose both the nonce and the "
    "key, and nobody else can read the frame"
)


class DrawError(Exception):
    """The teams cannot be formed; the message names the visit and what is missing. Nothing is drawn."""


def frame_lines(
    *,
    needs: Iterable[tuple[str, str, Iterable[str]]],
    pool: Iterable[tuple[str, str, Iterable[str]]],
    recusals: Iterable[tuple[str, str]],
) -> list[str]:
    """Build the sorted frame lines from (visit, group, categories), (group, inspector,
    categories) and (visit, inspector) tuples."""
    lines = set()
    for visit, group, categories in needs:
        lines.add(f"V\t{check_field(visit, 'visit')}\t{check_field(group, 'group')}\t{_categories(categories)}")
    for group, inspector, categories in pool:
        lines.add(f"P\t{check_field(group, 'group')}\t{check_field(inspector, 'inspector')}\t{_categories(categories)}")
    for visit, inspector in recusals:
        lines.add(f"X\t{check_field(visit, 'visit')}\t{check_field(inspector, 'inspector')}")
    return sorted(lines)


def _categories(categories: Iterable[str]) -> str:
    codes = sorted({check_field(c, "category") for c in categories})
    if not codes or any("," in c for c in codes):
        raise ValueError(f"categories {codes!r} are empty or contain a comma")
    return ",".join(codes)


@dataclass
class Frame:
    """The parsed frame: needs per visit and group, pool per group, recusals per visit."""

    needs: dict[str, dict[str, frozenset[str]]]
    pool: dict[str, dict[str, frozenset[str]]]  # group -> inspector -> categories
    group_of: dict[str, str]
    recused: dict[str, set[str]]

    @classmethod
    def parse(cls, lines: list[str]) -> Frame:
        needs: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
        pool: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
        group_of: dict[str, str] = {}
        recused: dict[str, set[str]] = defaultdict(set)
        for line in lines:
            parts = line.split("\t")
            if parts[0] == "V" and len(parts) == 4:
                needs[parts[1]][parts[2]] = frozenset(parts[3].split(","))
            elif parts[0] == "P" and len(parts) == 4:
                if group_of.setdefault(parts[2], parts[1]) != parts[1]:
                    raise ValueError(f"inspector {parts[2]} is in two groups")
                pool[parts[1]][parts[2]] = frozenset(parts[3].split(","))
            elif parts[0] == "X" and len(parts) == 3:
                recused[parts[1]].add(parts[2])
            else:
                raise ValueError(f"malformed frame line {line!r}")
        return cls(dict(needs), dict(pool), group_of, dict(recused))

    def eligible(self, visit: str, load: Counter[str], capacity: int | None) -> list[str]:
        """Inspectors who may go on ``visit`` given the current load (unsorted)."""
        out = []
        for group, needed in self.needs[visit].items():
            for inspector, categories in self.pool.get(group, {}).items():
                if (
                    categories & needed
                    and inspector not in self.recused.get(visit, ())
                    and (capacity is None or load[inspector] < capacity)
                ):
                    out.append(inspector)
        return out


def visit_order(seed: bytes, visit_ids: Iterable[str]) -> list[str]:
    key = rank_keys(seed, "visit|")
    return sorted(visit_ids, key=lambda visit: (key(visit), visit))


def ranking(seed: bytes, visit: str, inspectors: Iterable[str]) -> list[str]:
    key = rank_keys(seed, f"inspector|{visit}|")
    return sorted(inspectors, key=lambda inspector: (key(inspector), inspector))


def pick_team(frame: Frame, visit: str, ranked: list[str], *, team_size: int, per_group_min: int) -> list[str]:
    """The team for one visit from its ranked eligible inspectors (raises DrawError).

    Only the head of each group's ranking is read: given just the ``max(team_size, per_group_min)``
    best of every group, merged in rank order, it forms the same team and fails with the same message."""
    team: list[str] = []
    for group in sorted(frame.needs[visit]):
        own = [i for i in ranked if frame.group_of[i] == group and i not in team][:per_group_min]
        if len(own) < per_group_min:
            raise DrawError(
                f"visit {visit}: department {group} has {len(own)} eligible inspector(s), "
                f"needs {per_group_min} (qualified, valid certificate, not recused, under capacity)"
            )
        team.extend(own)
    for inspector in ranked:
        if len(team) >= team_size:
            break
        if inspector not in team:
            team.append(inspector)
    if len(team) < team_size:
        raise DrawError(
            f"visit {visit}: only {len(team)} eligible inspector(s) for a team of {team_size} "
            f"(qualified, valid certificate, not recused, under capacity)"
        )
    return team


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
    form_teams: Callable[..., dict[str, list[str]]] | None = None,
    blind_key: bytes | None = None,
) -> dict[str, Any]:
    """Form every team and return the proof (without timestamps), or raise DrawError. Versions 2 and 3
    (:mod:`spotcheck.draw.shuffle`) pass their own ``algorithm`` and ``form_teams``; version 3 its ``blind_key``, with
    which the visits of the clear ``lines`` are blinded (:func:`spotcheck.draw.blinding.blind_lines`)."""
    check_field(campaign, "campaign")
    if team_size < 2:
        raise ValueError("a team has at least 2 inspectors")
    if blind_key is not None:
        if not public_inputs:
            raise ValueError(NO_INPUT_V3)
        lines = blinding.blind_lines(blind_key, list(lines))
    lines = sorted(lines)
    frame = Frame.parse(lines)
    digest = lines_digest(lines)
    seed = derive_seed(nonce, KIND, campaign, digest, public_inputs, algorithm=algorithm)
    teams = (form_teams or draw_teams)(frame, seed, team_size=team_size, per_group_min=per_group_min, capacity=capacity)
    return {
        "algorithm": algorithm,
        "kind": KIND,
        "campaign": campaign,
        "commitment": commitment(nonce),
        **({} if blind_key is None else {"blind_commitment": blinding.blind_commitment(blind_key)}),
        "nonce": nonce.hex(),
        "frame_digest": digest.hex(),
        "public_inputs": list(public_inputs),
        "seed": seed.hex(),
        "frame_lines": lines,
        "team_size": team_size,
        "per_group_min": per_group_min,
        "capacity": capacity,
        "teams": teams,
        "replacements": [],
    }


def draw_teams(
    frame: Frame, seed: bytes, *, team_size: int, per_group_min: int, capacity: int | None
) -> dict[str, list[str]]:
    """Every visit's team, in visit order (raises DrawError).

    The same teams as ranking all of :meth:`Frame.eligible` at each visit, with less work: the
    visits share a few (group, needed categories) pairs, so each pair's candidates are listed once
    and an inspector leaves every list on reaching ``capacity``; a visit then leaves out its
    recusals and keys its candidates by ``R`` only to keep each group's best few (see :func:`pick_team`)."""
    keep = max(team_size, per_group_min)
    candidates: dict[tuple[str, frozenset[str]], dict[str, None]] = {}
    listed_in: dict[str, list[dict[str, None]]] = defaultdict(list)  # inspector -> the lists holding them
    load: Counter[str] = Counter()
    teams: dict[str, list[str]] = {}
    for visit in visit_order(seed, frame.needs):
        key = rank_keys(seed, f"inspector|{visit}|")
        recused = frame.recused.get(visit)
        best = []
        for group, needed in frame.needs[visit].items():
            listed = candidates.get((group, needed))
            if listed is None:
                listed = candidates[group, needed] = dict.fromkeys(
                    inspector
                    for inspector, categories in frame.pool.get(group, {}).items()
                    if categories & needed and (capacity is None or load[inspector] < capacity)
                )
                for inspector in listed:
                    listed_in[inspector].append(listed)
            eligible = [i for i in listed if i not in recused] if recused else listed
            best += heapq.nsmallest(keep, zip(map(key, eligible), eligible, strict=True))
        best.sort()
        team = pick_team(
            frame, visit, [inspector for _, inspector in best], team_size=team_size, per_group_min=per_group_min
        )
        load.update(team)
        if capacity is not None:
            for member in team:
                if load[member] >= capacity:
                    for listed in listed_in.pop(member, ()):
                        del listed[member]
        teams[visit] = team
    return teams


def current_teams(proof: dict[str, Any]) -> dict[str, list[str]]:
    teams = {visit: list(team) for visit, team in proof["teams"].items()}
    for replacement in proof.get("replacements", []):
        team = teams[replacement["visit"]]
        team[team.index(replacement["out"])] = replacement["in"]
    return teams


def replacement_for(
    proof: dict[str, Any],
    visit: str,
    out: str,
    teams: dict[str, list[str]] | None = None,
    history: list[dict[str, Any]] | None = None,
) -> str:
    """Who replaces ``out`` on ``visit`` given the teams as they stand and earlier replacements."""
    frame = Frame.parse(proof["frame_lines"])
    teams = current_teams(proof) if teams is None else teams
    history = proof.get("replacements", []) if history is None else history
    team = teams[visit]
    if out not in team:
        raise ValueError(f"{out} is not on the team of visit {visit}")
    load = Counter(member for members in teams.values() for member in members)
    excluded = set(team) | {r["out"] for r in history if r["visit"] == visit}
    candidates = [i for i in frame.eligible(visit, load, proof.get("capacity")) if i not in excluded]
    group = frame.group_of.get(out)
    per_group_min = proof.get("per_group_min", 0)
    remaining_in_group = sum(1 for member in team if member != out and frame.group_of.get(member) == group)
    if remaining_in_group < per_group_min:
        candidates = [i for i in candidates if frame.group_of[i] == group]
    ranked = ranking(bytes.fromhex(proof["seed"]), visit, candidates)
    if not ranked:
        raise DrawError(f"visit {visit}: no eligible inspector left to replace {out}")
    return ranked[0]
