"""What a blinded draw discloses to whom (盲化抽取的核验), DRAW-SPEC "Blinded draws, version 3": the holder's check
(``--own ID SALT``: a business checks its own row with the salt given to it alone) and the bureau's check
(``--key KEY --clear FILE``: the supervising bureau, given the key and the clear frame, checks every row). Each runs
the public check first (:func:`spotcheck.draw.verify.verify`) and adds its own; standard library only.

A joint draw's departments may be supervised by different bureaus: the lead's bureau checks every row with the key,
and each other bureau its own departments' rows (:func:`part_checks`: their clear rows, each id with its salt; it
never holds the key, and without the other rows it cannot recompute the frame digest).
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


def clear_content(kind: str, frame: list[Any], excluded: list[list[str]] | None = None) -> dict[str, Any]:
    """What the clear file holds (DRAW-SPEC): ``frame`` (rows) or ``frame_lines``, and for a target draw
    ``excluded``."""
    if kind == targets.KIND:
        return {"frame": frame, "excluded": excluded or []}
    if kind != inspectors.KIND:
        raise ValueError(f"no such kind {kind!r}")
    return {"frame_lines": frame}


def clear_file(kind: str, frame: list[Any], excluded: list[list[str]] | None = None) -> bytes:
    """The clear file (DRAW-SPEC): :func:`clear_content` as JSON."""
    return json.dumps(clear_content(kind, frame, excluded), ensure_ascii=False, indent=1).encode()


def part_checks(proof: object, part: object, groups: Iterable[str]) -> list[Check]:
    """The check of a bureau other than the lead's in a joint draw (DRAW-SPEC "The bureau's check", for the rows of its
    own departments): the public check, then per cell of ``groups`` (targets) or per group (inspectors) that every
    clear row of it, its id blinded with its own salt, is in the proof's frame, and that the proof's frame holds no
    other row of it. ``part``: ``{"frame": [[group, stratum, id], …]}`` or ``{"frame_lines": [line, …]}``, with
    ``"salts": {id: salt in hex}``. The frame digest needs every department's rows: the lead's bureau checks it."""
    checks = verify(proof)
    if not _blinded(proof):
        return [*checks, Check("the proof is a blinded draw (spotcheck-draw/3)", False, str(_get(proof, "algorithm")))]
    try:
        if not isinstance(part, dict) or not isinstance(part.get("salts"), dict):
            raise TypeError("the clear rows are not a JSON object with their salts")
        wanted = sorted(set(groups))
        tokens = {identifier: _salted(identifier, salt) for identifier, salt in part["salts"].items()}
        if proof["kind"] == targets.KIND:
            checks += _part_rows(proof["frame"], part["frame"], tokens, wanted)
        else:
            checks += _part_lines(proof["frame_lines"], part["frame_lines"], tokens, wanted)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        checks.append(Check("the clear rows and their salts can be read", False, f"{type(exc).__name__}: {exc}"))
    return checks


def _salted(identifier: object, salt_hex: object) -> str:
    """The token of ``identifier`` with its salt (hex of 32 bytes)."""
    if not isinstance(identifier, str) or not isinstance(salt_hex, str):
        raise TypeError("an id or its salt is not a string")
    salt = bytes.fromhex(salt_hex)
    if len(salt) != 32:
        raise ValueError("a salt is not 32 bytes")
    return blinding.token_of(salt, identifier)


def _part_rows(frame: list[Any], rows: object, tokens: dict[str, str], groups: list[str]) -> list[Check]:
    """Per cell of ``groups``: the clear rows found in the proof's frame with their tokens, and as many as it holds."""
    if not isinstance(rows, list) or any(not isinstance(row, list) or len(row) != 3 for row in rows):
        raise ValueError("a clear frame row is not [group, stratum, id]")
    published = Counter((group, stratum) for group, stratum, _ in frame if group in groups)
    blinded = {(group, stratum, token) for group, stratum, token in frame if group in groups}
    clear: dict[tuple[str, str], list[str]] = {}
    for group, stratum, identifier in rows:
        if group not in groups:
            raise ValueError(f"a clear row of another department's group {group!r}")
        clear.setdefault((group, stratum), []).append(identifier)
    checks = []
    for cell in sorted(set(clear) | set(published)):
        ids = clear.get(cell, [])
        found = sum(1 for identifier in ids if (*cell, tokens[identifier]) in blinded)
        ok = found == len(ids) == published[cell]
        detail = "" if ok else f"{len(ids) - found} not in the proof; the proof's cell has {published[cell]}"
        checks.append(Check(f"clear rows of {cell[0]}/{cell[1]}: {len(ids)} in the proof with their salts", ok, detail))
    return checks


def _part_lines(frame: list[str], lines: object, tokens: dict[str, str], groups: list[str]) -> list[Check]:
    """Per group of ``groups``: its clear lines (:func:`rows_of`) found in the proof's frame lines, each visit by its
    token, and as many as the proof holds of the group."""
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise ValueError("clear frame_lines is not a list of strings")
    published = set(frame)
    checks = []
    for group in groups:
        mine = rows_of({"frame_lines": lines}, [group])["frame_lines"]
        shown = rows_of({"frame_lines": frame}, [group])["frame_lines"]
        found = sum(1 for line in mine if _blinded_line(line, tokens) in published)
        ok = found == len(mine) == len(shown)
        detail = "" if ok else f"{len(mine) - found} not in the proof; the proof has {len(shown)}"
        checks.append(Check(f"clear lines of {group}: {len(mine)} in the proof with their salts", ok, detail))
    return checks


def _pools(lines: list[str]) -> dict[str, set[str]]:
    """Each group's inspectors, as the ``P`` lines list them."""
    found: dict[str, set[str]] = {}
    for line in lines:
        parts = line.split("\t")
        if parts[0] == "P":
            found.setdefault(parts[1], set()).add(parts[2])
    return found


def _group_lines(lines: list[str], group: str, pools: dict[str, set[str]]) -> list[str]:
    """A group's lines: its visits' ``V`` lines, its ``P`` lines, and the ``X`` lines of its inspectors."""
    inspectors_of = pools.get(group, set())
    return [
        line
        for line in lines
        if (parts := line.split("\t"))
        and (
            (parts[0] == "V" and parts[2] == group)
            or (parts[0] == "P" and parts[1] == group)
            or (parts[0] == "X" and parts[2] in inspectors_of)
        )
    ]


def rows_of(content: dict[str, Any], groups: Iterable[str]) -> dict[str, Any]:
    """The part of a clear file's ``content`` (:func:`clear_content`) that departments ``groups`` hold: the target
    rows of those groups (``frame``), or their ``V`` and ``P`` lines and the ``X`` lines of their inspectors
    (``frame_lines``), each in the file's order; with ``ids``, the ids they name (what the salts are given for)."""
    wanted = set(groups)
    if "frame" in content:
        rows = [row for row in content["frame"] if row[0] in wanted]
        return {"frame": rows, "ids": sorted({row[2] for row in rows})}
    lines, pools = content["frame_lines"], _pools(content["frame_lines"])
    mine = {line for group in sorted(wanted) for line in _group_lines(lines, group, pools)}
    kept = [line for line in lines if line in mine]
    return {"frame_lines": kept, "ids": sorted({line.split("\t")[1] for line in kept if line[:2] in ("V\t", "X\t")})}


def _blinded_line(line: str, tokens: dict[str, str]) -> str:
    parts = line.split("\t")
    if parts[0] in ("V", "X"):
        parts[1] = tokens[parts[1]]
    return "\t".join(parts)
