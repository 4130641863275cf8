"""The draw's loops over every row of a frame in C (本地加速), where the package was built with them
(:file:`_native.c`, built by ``setup.py``): a cell's lines sorted at the freeze, a cell's ids keyed by HMAC at the
draw, a frame's ids blinded (version 3's tokens), and a cell's ids blinded and sorted by token at a version 3
freeze. ``BUILT`` tells; where it is false, the Python code of
:mod:`~spotcheck.draw.target_frames`, :mod:`~spotcheck.draw.target_ranking` and :mod:`~spotcheck.draw.blinding` —
the reference, which gives the same bytes and pairs — runs instead."""

from __future__ import annotations

try:
    from spotcheck.draw._native import blind_sorted, cell_lines, hex_joined, pick, tokens
except ImportError:  # built without a C compiler or OpenSSL's headers
    BUILT = False
else:
    BUILT = True

__all__ = ["BUILT", "blind_sorted", "cell_lines", "hex_joined", "pick", "tokens"]

#: A bound above every key (HMAC-SHA256 keys have 32 bytes): :func:`pick` keeps every pair.
EVERY_KEY = b"\xff" * 33
#: A bound below every key: :func:`pick` keeps none (only the ids' checks).
NO_KEY = b""
