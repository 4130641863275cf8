"""Blinded identifiers (盲化标识), DRAW-SPEC "Blinded draws, version 3": a draw's ids published as tokens.

``salt(x) = HMAC(blind_key, "salt|" ‖ kind ‖ "|" ‖ x)`` and ``token(x) = hex(H(salt(x) ‖ x))``. The key is committed
at approval beside the nonce (``blind_commitment = H(blind_key)``) and never published: the public checks the
arithmetic over the tokens, a business its own row with its salt, the supervising bureau every row with the key.
The tokens of a whole frame are made in C where built (:mod:`spotcheck.draw.native`); the Python here is the
reference and the fallback, and gives the same bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import operator
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from itertools import islice

from spotcheck.draw import native, parallel
from spotcheck.draw.primitives import H, check_field, rank_keys_bytes
from spotcheck.draw.target_frames import CELL_PROBLEMS, cell_lines, frame_blocks

ALGORITHM = "spotcheck-draw/3"
#: A token, or a key or commitment in hex: 64 lowercase hex characters.
HEX64 = re.compile(r"[0-9a-f]{64}")


def new_blind_key() -> bytes:
    """32 random bytes from ``secrets``: one per draw, committed at approval, kept encrypted, never published."""
    return secrets.token_bytes(32)


def blind_commitment(blind_key: bytes) -> str:
    """``H(blind_key)`` in hex: published with the nonce's commitment."""
    return H(blind_key).hex()


def salt(blind_key: bytes, kind: str, identifier: str) -> bytes:
    """``HMAC(blind_key, "salt|" ‖ kind ‖ "|" ‖ x)``: the value given to the holder of ``x`` alone."""
    return hmac.new(blind_key, f"salt|{kind}|{identifier}".encode(), hashlib.sha256).digest()


def token_of(salt_bytes: bytes, identifier: str) -> str:
    """``token(x)``: the 64 lowercase hex characters of ``H(salt ‖ x)``."""
    return H(salt_bytes + identifier.encode("utf-8")).hex()


def token(blind_key: bytes, kind: str, identifier: str) -> str:
    return token_of(salt(blind_key, kind, identifier), identifier)


def is_token(value: object) -> bool:
    return isinstance(value, str) and HEX64.fullmatch(value) is not None


def tokens_joined(blind_key: bytes, kind: str, ids: bytes, separator: bytes = b"\n") -> bytes:
    """The tokens of ``ids`` (UTF-8, joined by ``separator``), in their order, joined by newlines — in C where built
    (a million in about a third of a second), else here."""
    if not ids:
        return b""
    prefix = f"salt|{kind}|".encode()
    if native.BUILT:
        return native.tokens(blind_key, prefix, ids, separator)
    mac = rank_keys_bytes(blind_key, prefix)
    sha256 = hashlib.sha256
    return b"\n".join(
        sha256(mac(identifier) + identifier).hexdigest().encode("ascii") for identifier in ids.split(separator)
    )


def tokens(blind_key: bytes, kind: str, ids: list[str]) -> list[str]:
    """``[token(x) for x in ids]``."""
    if not ids:
        return []
    return tokens_joined(blind_key, kind, "\n".join(ids).encode("utf-8")).decode("ascii").split("\n")


#: A cell's ids are blinded in two halves, one on each core, from twice this many.
_HALF_AT_LEAST = 25_000


def tokens_in_two(blind_key: bytes, kind: str, ids: bytes, separator: bytes, count: int) -> bytes:
    """:func:`tokens_joined`, the ids of a large stretch split at a separator near the middle and blinded on two
    cores (:mod:`spotcheck.draw.parallel`): the same bytes."""
    cut = ids.find(separator, len(ids) // 2) if count >= 2 * _HALF_AT_LEAST else -1
    if cut < 0:
        return tokens_joined(blind_key, kind, ids, separator)
    halves = [ids[:cut], ids[cut + len(separator) :]]
    done = parallel.map_in_two(
        lambda half: tokens_joined(blind_key, kind, half, separator), halves, [count // 2, count - count // 2]
    )
    return b"\n".join(done)


def blind_frame_file(blind_key: bytes, frame_file: bytes) -> bytes:
    """A target frame file (sorted rows ``group\\tstratum\\tid``) with every id replaced by its token, sorted again:
    the file the published digest of a version 3 draw is taken over."""
    parts = []
    for (group, stratum), block, separator, count in frame_blocks(frame_file):
        blinded = tokens_in_two(blind_key, "targets", block, separator, count).decode("ascii")
        parts.append(cell_lines((group, stratum, blinded, count)))
    return b"".join(parts)


def blind_rows(blind_key: bytes, rows: list[list[str]]) -> list[list[str]]:
    """Clear target rows ``[group, stratum, id]`` with each id's token in its place (order kept)."""
    blinded = tokens(blind_key, "targets", [row[2] for row in rows])
    return [[group, stratum, t] for (group, stratum, _), t in zip(rows, blinded, strict=True)]


def blind_lines(blind_key: bytes, lines: list[str]) -> list[str]:
    """Clear inspector frame lines with the visit id of each ``V`` and ``X`` line replaced by its token (``P`` lines
    name inspectors, who stay in clear), sorted as the digest takes them."""
    visits = sorted({line.split("\t")[1] for line in lines if line[:2] in ("V\t", "X\t")})
    by_visit = dict(zip(visits, tokens(blind_key, "inspectors", visits), strict=True))
    out = []
    for line in lines:
        parts = line.split("\t")
        if parts[0] in ("V", "X"):
            parts[1] = by_visit[check_field(parts[1], "visit")]
        out.append("\t".join(parts))
    return sorted(out)


def token_map(blind_key: bytes, kind: str, ids: list[str], wanted: set[str] | None = None) -> dict[str, str]:
    """token → id for ``ids`` (with ``wanted``, for those tokens only: a draw's few thousand of a frame's millions)."""
    if not ids:
        return {}
    made = tokens_in_two(blind_key, kind, "\n".join(ids).encode("utf-8"), b"\n", len(ids)).decode("ascii").split("\n")
    if wanted is None:
        return dict(zip(made, ids, strict=True))
    return {t: identifier for t, identifier in zip(made, ids, strict=True) if t in wanted}


#: A cell of a version 3 target frame as the freeze makes it: ``((group, stratum), tokens, codes, count)`` — the
#: tokens' 32 bytes each in ascending order, one after the other, and the codes in the same order, each followed by a
#: newline (the clear file's cell).
BlindCell = tuple[tuple[str, str], bytes, bytes, int]


def blind_sorted(blind_key: bytes, kind: str, ids: bytes, count: int, cell: str = "") -> tuple[bytes, bytes]:
    """A cell's ids (UTF-8 joined by newlines, in any order) blinded and sorted by token in one pass: the tokens' raw
    32 bytes in ascending order (the order of their hex: the published lines'), and the ids in that order, each
    followed by a newline. ``ValueError`` (naming ``cell``) unless the ids are ``count`` clean non-empty fields and
    none repeats — the checks of :func:`~spotcheck.draw.target_frames.cell_lines`. In C where built, else here: the
    same bytes."""
    if count == 0 and not ids:
        return b"", b""
    prefix = f"salt|{kind}|".encode()
    if native.BUILT:
        problem, made, codes = native.blind_sorted(blind_key, prefix, ids, count)
    else:
        problem, made, codes = _blind_sorted_python(blind_key, prefix, ids, count)
    if problem:
        raise ValueError(CELL_PROBLEMS[problem].format(cell=cell))
    return made, codes


def _blind_sorted_python(blind_key: bytes, prefix: bytes, ids: bytes, count: int) -> tuple[int, bytes, bytes]:
    """:func:`blind_sorted` in Python (the reference): ``(problem, tokens, codes)`` as the C part gives them."""
    split = ids.split(b"\n")
    if len(split) != count or b"" in split:
        return 1, b"", b""
    if b"\t" in ids or b"|" in ids:
        return 2, b"", b""
    mac, sha256 = rank_keys_bytes(blind_key, prefix), hashlib.sha256
    made = [sha256(mac(identifier) + identifier).digest() for identifier in split]
    order = sorted(range(count), key=made.__getitem__)
    ranked = [made[i] for i in order]
    if any(map(operator.eq, ranked, islice(ranked, 1, None))):
        return 3, b"", b""
    return 0, b"".join(ranked), b"".join(split[i] + b"\n" for i in order)


def blind_cells(blind_key: bytes, cells: list[tuple[str, str, str | list[str], int]]) -> list[BlindCell]:
    """A version 3 target frame's cells ``(group, stratum, ids, count)`` — each cell's ids in any order, joined by
    newlines (as the database aggregates them) or a list — blinded and sorted by token (:func:`blind_sorted`), in
    (group, stratum) order: the freeze's one pass over the codes. In C the cells are done by two threads (the C part
    lets go of the interpreter's lock); ``ValueError`` for a bad field, a repeated id or a cell listed twice."""
    ordered = sorted(cells, key=lambda cell: (cell[0], cell[1]))
    if len({(g, s) for g, s, *_ in ordered}) != len(ordered):
        raise ValueError("a cell is listed twice")

    def one(cell: tuple[str, str, str | list[str], int]) -> BlindCell:
        group, stratum, given, count = cell
        check_field(group, "group"), check_field(stratum, "stratum")
        joined = given if isinstance(given, str) else "\n".join(given)
        made, codes = blind_sorted(blind_key, "targets", joined.encode("utf-8"), count, f"{group}/{stratum}")
        return (group, stratum), made, codes, count

    big = sum(count for *_, count in ordered) >= parallel.THRESHOLD and len(ordered) > 1
    if not (native.BUILT and big and parallel.cores() > 1):
        return [one(cell) for cell in ordered]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(one, ordered))
