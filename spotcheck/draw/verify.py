"""Verify a published draw proof (验证抽取证明), offline, on the standard library alone.

Recomputes from the proof: ``H(nonce) = commitment``, the frame digest, the seed, and every
selection, reserve, team and replacement. ``spotcheck draw verify PROOF.json`` prints each
check and exits 0 only when all hold.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from spotcheck.draw import blinding, inspectors, parallel, proof_file, target_frames, target_ranking, targets, versions
from spotcheck.draw.primitives import ALGORITHM, H, derive_seed, lines_digest


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""

    def __str__(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.name}" + (f" — {self.detail}" if self.detail else "")


def verify_file(path: str) -> list[Check]:
    """Every check of the proof file at ``path`` (:func:`verify_bytes`)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return [Check("read the proof", False, f"{type(exc).__name__}: {exc}")]
    return verify_bytes(data)


def verify_bytes(data: bytes) -> list[Check]:
    """Every check of a proof file's bytes. A target proof as the platform writes it (one frame row a line,
    nothing escaped: :func:`proof_file.split_frame`) has its frame read as the frame file it was written
    from — a frame of millions of rows is never turned into rows — with the same checks and verdicts as
    from its rows; any other proof is read as JSON."""
    try:
        split = proof_file.split_frame(data)
        if split is not None:
            try:
                return list(_checks(split[0], _FileFrame(split[1])))
            except _NotAsWrittenError:
                pass  # read as JSON, as any proof
            except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
                return [Check("proof is complete and well-formed", False, f"{type(exc).__name__}: {exc}")]
        proof = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return [Check("read the proof", False, f"{type(exc).__name__}: {exc}")]
    return verify(proof)


def verify(proof: object) -> list[Check]:
    """Every check of the proof, in order; a malformed proof gives a failed check, not an exception."""
    try:
        return list(_checks(proof))
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        return [Check("proof is complete and well-formed", False, f"{type(exc).__name__}: {exc}")]


class _NotAsWrittenError(Exception):
    """The frame of a proof file is not the sorted frame file it seemed to be: the proof is read as JSON."""


class _RowFrame:
    """A target proof's frame from its rows, in any order (as JSON gives them)."""

    def __init__(self, rows: Any):
        self.sorted_cells = target_frames.frame_columns(rows)
        self.cells = [(cell, len(ids)) for cell, ids in self.sorted_cells]

    def digest(self) -> bytes:
        return H(target_frames.cells_file(self.sorted_cells))

    def distinct(self) -> bool:
        return all(target_frames.distinct(ids) for _, ids in self.sorted_cells)

    def ranked(self, seed: bytes, keeps: list[int]) -> list[list[str]]:
        return target_ranking.rank_cells(seed, self.sorted_cells, keeps)

    def frame_ids(self) -> list[str]:
        return [entity for _, ids in self.sorted_cells for entity in ids]


class _FileFrame:
    """A target proof's frame as the frame file it was written from (:func:`proof_file.split_frame`): its
    cells read as stretches of bytes; a file whose rows are not sorted and distinct is not one the platform
    wrote (:class:`_NotAsWrittenError`)."""

    def __init__(self, data: bytes):
        self.data = data
        hashing = parallel.in_background(H, data, size=len(data))  # the digest on the other core meanwhile
        try:
            self.blocks = target_frames.frame_blocks(data)
        except ValueError:
            raise _NotAsWrittenError() from None
        finally:
            self._digest = hashing.result()
        self.cells = [(cell, count) for cell, _, _, count in self.blocks]

    def digest(self) -> bytes:
        return self._digest

    def distinct(self) -> bool:
        return True  # checked where the cells are ranked

    def ranked(self, seed: bytes, keeps: list[int]) -> list[list[str]]:
        try:
            return target_ranking.rank_blocks(
                seed,
                [
                    (cell, block, separator, count, keep)
                    for (cell, block, separator, count), keep in zip(self.blocks, keeps, strict=True)
                ],
            )
        except ValueError:
            raise _NotAsWrittenError() from None

    def frame_ids(self) -> list[str]:
        """The frame's ids, as strings."""
        return [entity.decode("utf-8") for _, block, separator, _ in self.blocks for entity in block.split(separator)]


#: The fields of a proof of each kind (DRAW-SPEC "The proof"); the timestamps may be absent.
_COMMON = {
    "algorithm",
    "kind",
    "campaign",
    "commitment",
    "nonce",
    "frame_digest",
    "public_inputs",
    "seed",
    "replacements",
}
FIELDS = {
    targets.KIND: _COMMON | {"frame", "rules", "reserve_size", "selected", "reserves"},
    inspectors.KIND: _COMMON | {"frame_lines", "team_size", "per_group_min", "capacity", "teams"},
}
OPTIONAL = {"committed_at", "frozen_at", "drawn_at"}


#: The fields of a redacted proof (DRAW-SPEC "A redacted proof"): a version 1 or 2 proof withdrawn from public view.
REDACTED_FIELDS = {
    "algorithm",
    "kind",
    "campaign",
    "redacted",
    "original_sha256",
    "commitment",
    "nonce",
    "frame_digest",
    "public_inputs",
    "seed",
    "counts",
}
#: The versions of each kind a proof may have.
KNOWN = {targets.KIND: (ALGORITHM, blinding.ALGORITHM), inspectors.KIND: versions.INSPECTOR_VERSIONS}


def _fields_check(proof: dict[str, Any], fields: set[str], name: str) -> tuple[Check, bool]:
    missing, unknown = fields - set(proof), set(proof) - fields - OPTIONAL
    detail = "; ".join(
        filter(None, [f"missing {sorted(missing)}" if missing else "", f"unknown {sorted(unknown)}" if unknown else ""])
    )
    return Check(name, not missing and not unknown, detail), not missing


def _checks(proof: object, frame: _RowFrame | _FileFrame | None = None) -> Iterator[Check]:
    if not isinstance(proof, dict):
        raise TypeError("the proof is not a JSON object")
    kind, algorithm = proof.get("kind"), proof.get("algorithm")
    if kind not in FIELDS:
        yield Check("kind is targets or inspectors", False, repr(kind))
        return
    redacted = "redacted" in proof
    known = KNOWN[kind] if not redacted else tuple(v for v in KNOWN[kind] if v != blinding.ALGORITHM)
    yield Check(
        f"algorithm is {algorithm if algorithm in known else ' or '.join(known)}", algorithm in known, str(algorithm)
    )
    if algorithm not in known:
        return
    if redacted:
        yield from _redacted_checks(proof)
        return
    blinded = algorithm == blinding.ALGORITHM
    fields = FIELDS[kind] | ({"blind_commitment"} if blinded else set())
    check, complete = _fields_check(proof, fields, "the proof has exactly the fields of its kind")
    yield check
    if not complete:
        return
    nonce = _nonce(proof)
    yield Check("H(nonce) = commitment", H(nonce).hex() == proof["commitment"])
    if blinded:
        blind = proof["blind_commitment"]
        yield Check(
            "blind_commitment is 64 hex characters and differs from commitment",
            blinding.is_token(blind) and blind != proof["commitment"],
        )
    if kind == targets.KIND:
        frame = frame or _RowFrame(proof["frame"])
        digest = frame.digest()
        yield Check("frame rows are distinct", frame.distinct())
    else:
        lines = proof["frame_lines"]
        if not all(isinstance(line, str) for line in lines):
            raise ValueError("a frame line is not a string")
        digest = lines_digest(lines)
        yield Check("frame lines are sorted and distinct", lines == sorted(set(lines)))
    yield Check("frame digest", digest.hex() == proof["frame_digest"])
    inputs = _inputs(proof)
    if blinded:
        strays = _not_tokens(proof, frame if kind == targets.KIND else None)
        yield Check("every entity id is a token", not strays, ", ".join(strays[:3]))
        yield Check("public inputs are not empty", bool(inputs))
    seed = derive_seed(nonce, kind, proof["campaign"], digest, inputs, algorithm=cast(str, algorithm))  # one of known
    yield Check(f"seed = HMAC(nonce, {algorithm}|kind|campaign|frame_digest ‖ I)", seed.hex() == proof["seed"])
    if kind == targets.KIND:
        yield from _target_checks(proof, seed, cast(_RowFrame | _FileFrame, frame))
    else:
        yield from _inspector_checks(proof, seed, lines)


def _not_tokens(proof: dict[str, Any], frame: _RowFrame | _FileFrame | None) -> list[str]:
    """The ids of a version 3 proof that are not tokens (DRAW-SPEC "Blinded draws": frame rows' third field,
    ``selected``, ``reserves``, replacements' ``out``/``in``; the second field of ``V`` and ``X`` lines, the keys of
    ``teams``, replacements' ``visit``)."""
    if proof["kind"] == targets.KIND:
        ids: list[Any] = [
            entity for strata in proof["selected"].values() for cell in strata.values() for entity in cell
        ]
        ids += [entity for strata in proof["reserves"].values() for cell in strata.values() for entity in cell]
        ids += [record[field] for record in proof["replacements"] for field in ("out", "in")]
        cells = frame.frame_ids() if frame is not None else []
    else:
        ids = [line.split("\t")[1] for line in proof["frame_lines"] if line[:2] in ("V\t", "X\t")]
        ids += list(proof["teams"]) + [record["visit"] for record in proof["replacements"]]
        cells = []
    return [str(entity) for entity in [*ids, *cells] if not blinding.is_token(entity)]


def _inputs(proof: dict[str, Any]) -> list[str]:
    inputs = proof["public_inputs"]
    if not isinstance(inputs, list) or not all(isinstance(x, str) for x in inputs):
        raise ValueError("public_inputs is not a list of strings")
    return inputs


def _nonce(proof: dict[str, Any]) -> bytes:
    nonce = bytes.fromhex(proof["nonce"])
    if len(nonce) != 32:
        raise ValueError("the nonce is not 32 bytes")
    return nonce


def _redacted_checks(proof: dict[str, Any]) -> Iterator[Check]:
    """A redacted proof: ``H(nonce) = commitment`` and the seed; the rest is redacted (DRAW-SPEC)."""
    check, complete = _fields_check(proof, REDACTED_FIELDS, "the proof has exactly the fields of a redacted proof")
    yield check
    if not complete:
        return
    nonce = _nonce(proof)
    yield Check("H(nonce) = commitment", H(nonce).hex() == proof["commitment"])
    digest = bytes.fromhex(proof["frame_digest"])
    inputs = _inputs(proof)
    seed = derive_seed(nonce, proof["kind"], proof["campaign"], digest, inputs, algorithm=proof["algorithm"])
    yield Check(f"seed = HMAC(nonce, {proof['algorithm']}|kind|campaign|frame_digest ‖ I)", seed.hex() == proof["seed"])
    original = proof["original_sha256"]
    yield Check(
        f"redacted: the original proof's SHA-256 is {original}",
        proof["redacted"] is True and blinding.is_token(original),
    )


def _target_checks(proof: dict[str, Any], seed: bytes, frame: _RowFrame | _FileFrame) -> Iterator[Check]:
    reserve_size = proof["reserve_size"]
    if not isinstance(reserve_size, int) or reserve_size < 0:
        raise ValueError("reserve_size is not a whole number")
    cells = [cell for cell, _ in frame.cells]
    listed = {(g, s) for g, strata in proof["selected"].items() for s in strata}
    listed |= {(g, s) for g, strata in proof["reserves"].items() for s in strata}
    yield Check(
        "selection lists exactly the frame's cells",
        listed == set(cells),
        ", ".join(f"{g}/{s}" for g, s in sorted(listed ^ set(cells))),
    )
    sizes = [targets.cell_size(proof["rules"][group][stratum], count) for (group, stratum), count in frame.cells]
    rankings = frame.ranked(seed, [n + reserve_size for n in sizes])
    for ((group, stratum), count), n, ranked in zip(frame.cells, sizes, rankings, strict=True):
        selected = proof["selected"].get(group, {}).get(stratum)
        reserve = proof["reserves"].get(group, {}).get(stratum)
        yield Check(f"selected {group}/{stratum}: {n} of {count}", selected == ranked[:n])
        yield Check(f"reserve {group}/{stratum}: {len(ranked[n:])}", reserve == ranked[n : n + reserve_size])
    replayed = {"selected": proof["selected"], "reserves": proof["reserves"], "replacements": []}
    for number, record in enumerate(proof["replacements"], 1):
        group, stratum = record["group"], record["stratum"]
        current = targets.current_selection(replayed).get(group, {}).get(stratum, [])
        expected = targets.next_reserve(replayed, group, stratum)
        ok = record["out"] in current and record["in"] == expected and bool(record.get("reason"))
        yield Check(
            f"replacement {number} in {group}/{stratum}: {record['out']} → {record['in']}",
            ok,
            "" if ok else f"expected the next unused reserve {expected}",
        )
        replayed["replacements"].append(record)


def _inspector_checks(proof: dict[str, Any], seed: bytes, lines: list[str]) -> Iterator[Check]:
    team_size, per_group_min, capacity = proof["team_size"], proof["per_group_min"], proof["capacity"]
    try:
        expected = versions.redraw_inspectors(
            proof["algorithm"],
            campaign=proof["campaign"],
            nonce=bytes.fromhex(proof["nonce"]),
            lines=lines,
            team_size=team_size,
            per_group_min=per_group_min,
            capacity=capacity,
            public_inputs=proof["public_inputs"],
        )["teams"]
    except inspectors.DrawError as failed:
        yield Check("teams can be formed from the frame", False, str(failed))
        return
    teams = proof["teams"]
    yield Check("a team for every visit, no other", set(teams) == set(expected))
    yield Check("visits in draw order", list(teams) == list(expected))
    for visit, team in expected.items():
        yield Check(f"team {visit}: {', '.join(team)}", teams.get(visit) == team)
    replayed = {**proof, "replacements": []}
    for number, record in enumerate(proof["replacements"], 1):
        try:
            incoming = versions.replacement_for(replayed, record["visit"], record["out"])
        except (inspectors.DrawError, ValueError) as exc:
            yield Check(f"replacement {number} at {record['visit']}", False, str(exc))
            return
        ok = record["in"] == incoming and bool(record.get("reason"))
        yield Check(
            f"replacement {number} at {record['visit']}: {record['out']} → {record['in']}",
            ok,
            "" if ok else f"expected {incoming}",
        )
        replayed["replacements"].append(record)
