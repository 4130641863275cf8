"""What a blinded draw discloses to whom (盲化抽取的核验), DRAW-SPEC "Blinded draws, version 3": the holder's check
(``--own ID SALT``: a business checks its own row with the salt given to it alone) and the bureau's check
(``--key KEY --clear FILE``: the supervising bureau, given the key and the clear frame, checks every row). Each runs
the public check first (:func:`spotcheck.draw.verify.verify`) and adds its own; standard library only.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any, TypeGuard

from spotcheck.draw import blinding, inspectors, targets
from spotcheck.draw.primitives import H, lines_digest, rank_keys
from spotcheck.draw.verify import Check, verify

#: What a holder's check prints of each status, in the words of DRAW-SPEC (``expected`` of the vectors).
SELECTED, NOT_DRAWN = "selected", "not drawn"


def own_rows(proof: dict[str, Any], identifier: str, salt: bytes) -> tuple[str, list[Any] | dict[str, Any] | None]:
    """The holder's view of a version 3 proof: its token, and — for a target draw — per group whose frame holds the
    token ``{"group", "stratum", "rank", "of", "status"}``; for an inspector draw ``{"lines", "team",
    "replacements"}``; None when the token is not in the draw."""
    token = blinding.token_of(salt, identifier)
    if proof["kind"] == targets.KIND:
        rows = _own_target_rows(proof, token)
        return token, rows or None
    visit = _own_visit(proof, token)
    return token, visit


def _own_target_rows(proof: dict[str, Any], token: str) -> list[dict[str, Any]]:
    cells: dict[tuple[str, str], list[str]] = {}
    for group, stratum, entity in proof["frame"]:
        cells.setdefault((group, stratum), []).append(entity)
    rows = []
    for (group, stratum), ids in sorted(cells.items()):
        if token not in ids:
            continue
        rows.append(
            {
                "group": group,
                "stratum": stratum,
                "rank": rank_in_cell(proof["seed"], ids, token),
                "of": len(ids),
                "status": holder_status(proof, group, stratum, token),
            }
        )
    return rows


def rank_in_cell(seed: str, ids: Iterable[str], token: str) -> int:
    """The rank of ``token`` in its cell of ``ids`` (1 = first by ``(K, id)``, ``K`` its target rank key under the
    seed, hex): where the draw ranked it."""
    key = rank_keys(bytes.fromhex(seed), "target|")
    mine = (key(token), token)
    return 1 + sum(1 for entity in ids if (key(entity), entity) < mine)


def holder_status(proof: dict[str, Any], group: str, stratum: str, token: str) -> str:
    """Where the token stands after the replacements: the last one that names it says (brought in, then replaced out
    again: replaced out)."""
    for record in reversed(proof["replacements"]):
        if (record["group"], record["stratum"]) != (group, stratum):
            continue
        if record["out"] == token:
            return f"replaced out: {record['reason']}"
        if record["in"] == token:
            return f"brought in, replacing {record['out']}"
    if token in proof["selected"].get(group, {}).get(stratum, []):
        return SELECTED
    reserve = proof["reserves"].get(group, {}).get(stratum, [])
    if token in reserve:
        return f"reserve {reserve.index(token) + 1}"
    return NOT_DRAWN


def _own_visit(proof: dict[str, Any], token: str) -> dict[str, Any] | None:
    lines = [line for line in proof["frame_lines"] if line[:2] in ("V\t", "X\t") and line.split("\t")[1] == token]
    if not lines:
        return None
    return {
        "lines": lines,
        "team": list(proof["teams"].get(token, [])),
        "replacements": [record for record in proof["replacements"] if record["visit"] == token],
    }


def own_checks(proof: object, identifier: str, salt_hex: str) -> list[Check]:
    """The holder's check: the public check, then the holder's rows; its last check holds only when the token is in
    the draw. A holder cannot tell from its salt alone that the salt comes from the committed key: the bureau's
    check covers that."""
    checks = verify(proof)
    if not _blinded(proof):
        return [*checks, Check("the proof is a blinded draw (spotcheck-draw/3)", False, str(_get(proof, "algorithm")))]
    try:
        salt = bytes.fromhex(salt_hex)
        if len(salt) != 32:
            raise ValueError("the salt is not 32 bytes")
        token, found = own_rows(proof, identifier, salt)
        own = [Check(f"the holder's token {token} is in the draw", found is not None)]
        if isinstance(found, list):
            own += [
                Check(f"own {row['group']}/{row['stratum']}: rank {row['rank']} of {row['of']}: {row['status']}", True)
                for row in found
            ]
        elif isinstance(found, dict):
            own += [Check(f"own line: {line}", True) for line in found["lines"]]
            own.append(Check(f"own team as drawn: {', '.join(found['team'])}", True))
            own += [
                Check(f"own replacement: {record['out']} → {record['in']}: {record['reason']}", True)
                for record in found["replacements"]
            ]
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        return [*checks, Check("the holder's salt and id can be read", False, f"{type(exc).__name__}: {exc}")]
    return checks + own


def _blinded(proof: object) -> TypeGuard[dict[str, Any]]:
    return isinstance(proof, dict) and proof.get("algorithm") == blinding.ALGORITHM and "redacted" not in proof


def _get(proof: object, field: str) -> object:
    return proof.get(field) if isinstance(proof, dict) else None


def clear_digest(proof: dict[str, Any], blind_key: bytes, clear: dict[str, Any]) -> bytes:
    """The frame digest of the clear file's frame blinded with ``blind_key`` (DRAW-SPEC "The bureau's check")."""
    if proof["kind"] == targets.KIND:
        rows = clear["frame"]
        if not isinstance(rows, list) or any(not isinstance(row, list) or len(row) != 3 for row in rows):
            raise ValueError("a clear frame row is not [group, stratum, id]")
        blinded = sorted(tuple(row) for row in blinding.blind_rows(blind_key, rows))
        return H("".join(f"{g}\t{s}\t{i}\n" for g, s, i in blinded).encode("utf-8"))
    lines = clear["frame_lines"]
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise ValueError("clear frame_lines is not a list of strings")
    return lines_digest(blinding.blind_lines(blind_key, lines))


def bureau_checks(
    proof: object, key_hex: str, clear: object, published_excluded: dict[str, int] | None = None
) -> list[Check]:
    """The bureau's check: the public check, then ``H(KEY) = blind_commitment``, the clear frame blinded with the key
    giving the proof's ``frame_digest``, and (a target draw) the exclusions per reason — equal to
    ``published_excluded`` where the page states them."""
    checks = verify(proof)
    if not _blinded(proof):
        return [*checks, Check("the proof is a blinded draw (spotcheck-draw/3)", False, str(_get(proof, "algorithm")))]
    try:
        key = bytes.fromhex(key_hex)
        if len(key) != 32:
            raise ValueError("the key is not 32 bytes")
        if not isinstance(clear, dict):
            raise TypeError("the clear file is not a JSON object")
        checks.append(Check("H(key) = blind_commitment", H(key).hex() == proof["blind_commitment"]))
        digest = clear_digest(proof, key, clear)
        checks.append(
            Check("the clear frame blinded with the key gives the frame digest", digest.hex() == proof["frame_digest"])
        )
        if proof["kind"] == targets.KIND:
            excluded = clear.get("excluded", [])
            if not isinstance(excluded, list) or any(
                not isinstance(row, list) or len(row) != 2 or not all(isinstance(v, str) for v in row)
                for row in excluded
            ):
                raise ValueError("excluded is not a list of [id, reason]")
            counted = Counter(reason for _, reason in excluded)
            for reason in sorted(set(counted) | set(published_excluded or {})):
                shown = (published_excluded or {}).get(reason)
                checks.append(
                    Check(
                        f"excluded before the freeze: {reason}: {counted[reason]}",
                        published_excluded is None or shown == counted[reason],
                        "" if published_excluded is None or shown == counted[reason] else f"published {shown}",
                    )
                )
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        checks.append(Check("the key and the clear file can be read", False, f"{type(exc).__name__}: {exc}"))
    return checks


def clear_file(kind: str, frame: list[Any], excluded: list[list[str]] | None = None) -> bytes:
    """The clear file (DRAW-SPEC): ``frame`` (rows) or ``frame_lines``, and for a target draw ``excluded``."""
    if kind == targets.KIND:
        return json.dumps({"frame": frame, "excluded": excluded or []}, ensure_ascii=False, indent=1).encode()
    if kind != inspectors.KIND:
        raise ValueError(f"no such kind {kind!r}")
    return json.dumps({"frame_lines": frame}, ensure_ascii=False, indent=1).encode()
