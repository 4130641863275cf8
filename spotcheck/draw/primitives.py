"""The byte-level building blocks of ``spotcheck-draw/1`` (DRAW-SPEC "Sequence").

H = SHA-256, HMAC = HMAC-SHA256; strings are UTF-8; hex is lowercase.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib
import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

ALGORITHM = "spotcheck-draw/1"
FORBIDDEN_CHARACTERS = ("\t", "\n", "|")


def H(data: bytes) -> bytes:  # noqa: N802 — H is DRAW-SPEC.md's name for SHA-256, kept so the code reads as the page
    return hashlib.sha256(data).digest()


def new_nonce() -> bytes:
    """32 random bytes from ``secrets``: committed to at approval, revealed in the proof."""
    return secrets.token_bytes(32)


def commitment(nonce: bytes) -> str:
    """``H(nonce)`` in hex: published when the campaign is approved."""
    return H(nonce).hex()


def inputs_digest(public_inputs: list[str]) -> bytes:
    """``I = H("\\n".join(public_inputs))``: the observers' inputs in the order entered."""
    return H("\n".join(public_inputs).encode("utf-8"))


def derive_seed(
    nonce: bytes, kind: str, campaign: str, frame_digest: bytes, public_inputs: list[str], *, algorithm: str = ALGORITHM
) -> bytes:
    """``seed = HMAC(nonce, algorithm ‖ "|" ‖ kind ‖ "|" ‖ campaign ‖ "|" ‖ frame_digest ‖ I)``, the
    algorithm being ``spotcheck-draw/1`` or (inspector draws) ``spotcheck-draw/2``."""
    message = f"{algorithm}|{kind}|{campaign}|".encode() + frame_digest + inputs_digest(public_inputs)
    return hmac.new(nonce, message, hashlib.sha256).digest()


def lines_digest(lines: Iterable[str]) -> bytes:
    """H of the lines, each followed by ``\\n`` (the caller sorts them)."""
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8"))
        digest.update(b"\n")
    return digest.digest()


#: The bytes of HMAC's inner and outer key pads (RFC 2104), as ``bytes.translate`` tables.
_INNER_PAD = bytes(x ^ 0x36 for x in range(256))
_OUTER_PAD = bytes(x ^ 0x5C for x in range(256))


def rank_keys(seed: bytes, prefix: str) -> Callable[[str], bytes]:
    """``x -> HMAC(seed, prefix ‖ x)`` (RFC 2104 over SHA-256, the same bytes as :mod:`hmac`) for strings:
    :func:`rank_keys_bytes` on their UTF-8."""
    mac = rank_keys_bytes(seed, prefix.encode("utf-8"))
    return lambda suffix: mac(suffix.encode("utf-8"))


def rank_keys_bytes(seed: bytes, prefix: bytes, sha256: Callable[..., Any] | None = None) -> Callable[[bytes], bytes]:
    """``x -> HMAC(seed, prefix ‖ x)`` for ``x`` in UTF-8 (a frame file's ids as it holds them), from the two
    SHA-256 states keyed once — a copy of each, two updates and two digests a call, less than ``hmac.digest``'s
    keying each call; the rankings of both draws are mostly this. ``sha256`` is the constructor of those states,
    by default :func:`sha256_for_keys`."""
    sha256 = sha256 or sha256_for_keys()
    block = hashlib.sha256().block_size
    key = hashlib.sha256(seed).digest() if len(seed) > block else seed
    key = key.ljust(block, b"\0")
    inner = sha256(key.translate(_INNER_PAD))
    inner.update(prefix)
    outer = sha256(key.translate(_OUTER_PAD))
    inner_copy, outer_copy = inner.copy, outer.copy

    def mac(suffix: bytes) -> bytes:
        first = inner_copy()
        first.update(suffix)
        second = outer_copy()
        second.update(first.digest())
        digest: bytes = second.digest()
        return digest

    return mac


def sha256_constructors() -> list[Callable[..., Any]]:
    """The SHA-256s this interpreter has: OpenSSL's (:func:`hashlib.sha256`) and, where built, CPython's own
    (``_sha2`` from Python 3.12, ``_sha256`` before) — the same digests."""
    found: list[Callable[..., Any]] = [hashlib.sha256]
    for module, name in (("_sha2", "sha256"), ("_sha256", "sha256")):
        try:
            found.append(getattr(importlib.import_module(module), name))
        except (ImportError, AttributeError):
            continue
        break
    return found


#: How many keys :func:`sha256_for_keys` times with each SHA-256, and how many times.
_TRIAL_KEYS, _TRIALS = 500, 3


@functools.cache
def sha256_for_keys() -> Callable[..., Any]:
    """Of :func:`sha256_constructors`, the one that makes :func:`rank_keys_bytes` fastest here, timed once a process
    on a few hundred keys (a few milliseconds). A key costs two compressions and a copy of two states: OpenSSL
    compresses faster, CPython's own copies a state for less (where OpenSSL has no SHA instructions, it makes a
    key in two thirds of the time) — which wins depends on the processor."""
    found = sha256_constructors()
    if len(found) == 1:
        return found[0]
    suffixes = [b"%018d" % n for n in range(_TRIAL_KEYS)]
    best: dict[Callable[..., Any], float] = {}
    for _ in range(_TRIALS):
        for sha256 in found:
            mac = rank_keys_bytes(b"\x5a" * 32, b"target|", sha256)
            started = time.perf_counter()
            for suffix in suffixes:
                mac(suffix)
            took = time.perf_counter() - started
            best[sha256] = min(best.get(sha256, took), took)
    return min(found, key=best.__getitem__)


def check_field(value: object, what: str) -> str:
    """A field as read from a proof or a caller (any value): a non-empty string, which may not contain a tab, a
    newline or ``|`` (they would make the bytes ambiguous)."""
    if not isinstance(value, str) or not value or any(c in value for c in FORBIDDEN_CHARACTERS):
        raise ValueError(f"{what} {value!r} is empty or contains a tab, a newline or '|'")
    return value
