"""A blinded draw's clear file as the platform keeps it (明文抽取范围的存储): sealed bytes, the cells in token order.

DRAW-SPEC's clear file — the clear frame and the businesses left out with their reasons — is what the department and
its bureau read of a version 3 draw (:func:`.draws.read_clear`, the one reader; each reading audited by whoever
reads). A draw frozen since it is kept here is sealed with AES-256-GCM under a key derived from the data key
(:func:`spotcheck.core.personal_data.seal`; ``spotcheck keys adopt`` and ``rotate`` move it): a line of JSON (the
kind, the cells ``[group, stratum, count]`` and the exclusions ``[code, reason]``), then each cell's codes one a line
**in the order of their tokens** — the order the kept frame holds its tokens (:mod:`spotcheck.draw.token_frames`), so
the code of a drawn token is found by a binary search of its cell, never by blinding the whole frame again. An
inspector draw's clear lines follow the JSON line as they are. 19 MB a million codes, where the draws frozen before
keep Fernet's base64 of a JSON text (``clear_encrypted``, 38 MB), still read.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, overload

from spotcheck.core import personal_data
from spotcheck.draw.blinding import BlindCell
from spotcheck.draw.token_frames import TOKEN_BYTES

#: What a sealed clear file is (its AES-GCM associated data): it opens as nothing else.
PURPOSE = b"spotcheck-clear-file/1"
#: The names a clear file is read by (:class:`ClearFile`, a mapping as the JSON kept before was).
FIELDS = ("frame_file", "excluded")


class ClearFile(Mapping[str, Any]):
    """A draw's clear file as read: ``["frame_file"]`` the clear frame's lines (sorted, as DRAW-SPEC writes them) and
    ``["excluded"]`` the ``[code, reason]`` pairs. A target draw's file kept in token order also gives each cell's codes
    in that order (:meth:`codes_in`)."""

    def __init__(
        self,
        kind: str,
        excluded: list[list[str]],
        *,
        frame_file: str | None = None,
        cells: list[tuple[str, str, int]] | None = None,
        codes: bytes = b"",
    ):
        self.kind, self.excluded = kind, excluded
        self._frame_file, self._names, self._codes = frame_file, cells, codes

    @property
    def token_order(self) -> bool:
        """Whether the cells' codes are kept in the order of their tokens (a target draw frozen since 0083)."""
        return self._names is not None

    @cached_property
    def cells(self) -> list[tuple[tuple[str, str], Sequence[str]]]:
        """``((group, stratum), codes)`` in (group, stratum) order: in token order when :attr:`token_order`, else as
        the clear frame sorts them."""
        if self._names is None:
            found: dict[tuple[str, str], list[str]] = {}
            for line in (self._frame_file or "").splitlines():
                group, stratum, code = line.split("\t")
                found.setdefault((group, stratum), []).append(code)
            return list(found.items())
        codes = self._codes.split(b"\n")  # bytes: decoded only where looked up (:meth:`codes_in`)
        out: list[tuple[tuple[str, str], Sequence[str]]] = []
        position = 0
        for group, stratum, count in self._names:
            out.append(((group, stratum), _Decoded(codes[position : position + count])))
            position += count
        return out

    def codes_in(self, group: str, stratum: str) -> Sequence[str]:
        """The codes of one cell in token order (:attr:`token_order`), none when the frame has no such cell."""
        return next((codes for cell, codes in self.cells if cell == (group, stratum)), [])

    @cached_property
    def frame_file(self) -> str:
        if self._frame_file is not None:
            return self._frame_file
        parts = []
        for (group, stratum), codes in self.cells:
            prefix = f"{group}\t{stratum}\t".encode()
            kept = codes.codes if isinstance(codes, _Decoded) else [code.encode("utf-8") for code in codes]
            parts.append(prefix + (b"\n" + prefix).join(sorted(kept)) + b"\n" if kept else b"")
        return b"".join(parts).decode("utf-8")  # UTF-8's byte order is its code points': DRAW-SPEC's

    def __getitem__(self, name: str) -> Any:
        if name == "frame_file":
            return self.frame_file
        if name == "excluded":
            return self.excluded
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(FIELDS)

    def __len__(self) -> int:
        return len(FIELDS)


class _Decoded(Sequence[str]):
    """A cell's codes as kept (UTF-8), each decoded when read: a draw reads 15,000 of a million."""

    def __init__(self, codes: list[bytes]):
        self.codes = codes

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:  # an int: one code; a slice: a list
        if isinstance(index, slice):
            return [code.decode("utf-8") for code in self.codes[index]]
        return self.codes[index].decode("utf-8")

    def __len__(self) -> int:
        return len(self.codes)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented


def targets_file(cells: Sequence[BlindCell], excluded: list[list[str]]) -> bytes:
    """A target draw's clear file from the freeze's blinded cells (:func:`spotcheck.draw.blinding.blind_cells`: each
    cell's codes in token order) and its exclusions, sealed."""
    names = [[group, stratum, count] for (group, stratum), _, _, count in cells]
    head = json.dumps({"kind": "targets", "cells": names, "excluded": excluded}, ensure_ascii=False)
    return personal_data.seal(b"".join([head.encode("utf-8"), b"\n", *(codes for *_, codes, _ in cells)]), PURPOSE)


def lines_file(kind: str, frame_file: bytes, excluded: list[list[str]]) -> bytes:
    """A clear file of frame lines as they are (an inspector draw's), sealed."""
    head = json.dumps({"kind": kind, "excluded": excluded}, ensure_ascii=False)
    return personal_data.seal(head.encode("utf-8") + b"\n" + frame_file, PURPOSE)


def opened(sealed: bytes, keys: personal_data.Keys | None = None) -> ClearFile:
    """A sealed clear file read (``cryptography.exceptions.InvalidTag`` when it was changed or is under another key);
    ``keys``: the data key's, when not the configured one checked against the deployment's record."""
    data = personal_data.unseal(sealed, PURPOSE) if keys is None else personal_data.unseal_with(keys, sealed, PURPOSE)
    end = data.index(b"\n")
    head = json.loads(data[:end].decode("utf-8"))
    if "cells" in head:
        codes = data[end + 1 : -1] if len(data) > end + 1 else b""  # each code ends with a newline: the last dropped
        return ClearFile(head["kind"], head["excluded"], cells=[tuple(c) for c in head["cells"]], codes=codes)
    return ClearFile(head["kind"], head["excluded"], frame_file=data[end + 1 :].decode("utf-8"))


def from_json(text: str, kind: str) -> ClearFile:
    """A clear file kept before 0083 (Fernet over JSON: ``frame_file`` and ``excluded``), read as the same."""
    clear = json.loads(text)
    return ClearFile(kind, clear.get("excluded") or [], frame_file=clear["frame_file"])


#: Every this many kept tokens, one is listed for the first step of :func:`codes_of_tokens`.
_STRIDE = 256


def codes_of_tokens(made: bytes, codes: Sequence[str], wanted: list[str]) -> dict[str, str]:
    """token → code for those of ``wanted`` (hex) in a cell whose kept tokens are ``made`` (32 bytes each, sorted)
    and codes, in the same order, ``codes``: each found by a binary search of every 256th token, then within its
    stretch of 8 KB (``bytes.find``, a match counted where a token starts) — a draw's 15,000 drawn tokens of a million
    in a few hundredths of a second."""
    step = _STRIDE * TOKEN_BYTES
    marks = [made[at : at + TOKEN_BYTES] for at in range(0, len(made), step)]
    found = {}
    for token in wanted:
        raw = bytes.fromhex(token)
        start = (bisect.bisect_right(marks, raw) - 1) * step
        if start < 0:
            continue
        end = min(start + step, len(made))
        at = made.find(raw, start, end)
        while at >= 0 and (at - start) % TOKEN_BYTES:
            at = made.find(raw, at + 1, end)
        if at >= 0:
            found[token] = codes[at // TOKEN_BYTES]
    return found
