"""A version 3 target frame as a platform keeps it (盲化抽取范围的存储形式): each cell's tokens as their raw 32 bytes,
sorted, rather than the published file's lines of 64 hex characters — 32 MB a million rows against 70 MB. The
published bytes do not change: :func:`expand` gives back exactly the frame file of DRAW-SPEC (each row
``group\\tstratum\\ttoken\\n``, sorted), whose digest is the published one, and :func:`blocks` its cells as
:func:`~spotcheck.draw.target_frames.frame_blocks` reads them from that file, without reading it again.

The stored form: :data:`MAGIC`, a line of JSON naming the cells (``[[group, stratum, count], …]``, in order), then
the cells' tokens one after the other. A frame file never starts with :data:`MAGIC` (a NUL byte), so a frame kept
before this form (its lines) is told apart by its first bytes.
"""

from __future__ import annotations

import binascii
import hashlib
import json

from spotcheck.draw import native
from spotcheck.draw.primitives import check_field

MAGIC = b"\x00spotcheck-tokens/1\n"
TOKEN_BYTES = 32

#: A cell as kept: ``((group, stratum), tokens)``, the tokens' raw bytes sorted, one after the other.
TokenCell = tuple[tuple[str, str], bytes]


def is_packed(stored: bytes) -> bool:
    return stored.startswith(MAGIC)


def pack(cells: list[TokenCell]) -> bytes:
    """The stored form of a frame's cells (in (group, stratum) order, each cell's tokens sorted)."""
    names = [[group, stratum, len(made) // TOKEN_BYTES] for (group, stratum), made in cells]
    header = json.dumps(names, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return b"".join([MAGIC, header, b"\n", *(made for _, made in cells)])


def unpack(stored: bytes) -> list[TokenCell]:
    """The cells of a stored frame; ``ValueError`` unless it is one."""
    if not is_packed(stored):
        raise ValueError("not a frame of tokens as kept")
    end = stored.index(b"\n", len(MAGIC))
    names = json.loads(stored[len(MAGIC) : end].decode("utf-8"))
    position, cells = end + 1, []
    for group, stratum, count in names:
        size = count * TOKEN_BYTES
        cell = (check_field(group, "group"), check_field(stratum, "stratum"))
        cells.append((cell, stored[position : position + size]))
        position += size
    if position != len(stored):
        raise ValueError("the frame of tokens as kept has the wrong length")
    return cells


def _hex_block(made: bytes, separator: bytes) -> bytes:
    """The tokens' hex joined by ``separator`` (a newline and the cell's ``group\\tstratum\\t``)."""
    if native.BUILT:
        return native.hex_joined(made, separator)
    return binascii.hexlify(made, b"\n", TOKEN_BYTES).replace(b"\n", separator)


def blocks(stored: bytes) -> list[tuple[tuple[str, str], bytes, bytes, int]]:
    """The cells of the published frame file, as :func:`~spotcheck.draw.target_frames.frame_blocks` reads them:
    ``((group, stratum), ids, separator, count)``, the ids (the tokens' hex) joined by the separator."""
    found = []
    for (group, stratum), made in unpack(stored):
        if not made:
            continue
        separator = f"\n{group}\t{stratum}\t".encode()
        found.append(((group, stratum), _hex_block(made, separator), separator, len(made) // TOKEN_BYTES))
    return found


def file_of_blocks(found: list[tuple[tuple[str, str], bytes, bytes, int]]) -> bytes:
    """The published frame file of :func:`blocks`: each cell's first prefix, its ids with their separators, a
    newline."""
    return b"".join(part for _, block, separator, _ in found for part in (separator[1:], block, b"\n"))


def digest_of_blocks(found: list[tuple[tuple[str, str], bytes, bytes, int]]) -> str:
    """The SHA-256 (hex) of :func:`file_of_blocks`, without writing the file."""
    sha = hashlib.sha256()
    for _, block, separator, _ in found:
        sha.update(separator[1:])
        sha.update(block)
        sha.update(b"\n")
    return sha.hexdigest()


def expand(stored: bytes) -> bytes:
    """The published frame file (DRAW-SPEC: the lines the digest is taken over) of a frame kept as tokens."""
    return file_of_blocks(blocks(stored))


def hex_tokens(made: bytes) -> list[str]:
    """A cell's kept tokens as the proof writes them (64 hex characters each), in order."""
    return _hex_block(made, b"\n").decode("ascii").split("\n") if made else []
