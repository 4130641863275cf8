"""The ranking of a target draw (排序), DRAW-SPEC "Target draw": ``K(id) = HMAC(seed, "target|" ‖ id)``
for every row of a cell, the first ``keep`` by ``(K(id), id)`` kept — the HMACs of a large frame
computed on two cores (:mod:`spotcheck.draw.parallel`), in C where built (:mod:`spotcheck.draw.native`), each
cell's ids checked sorted and distinct on the way.
"""

from __future__ import annotations

import heapq
import operator
from collections.abc import Callable, Iterable
from functools import partial
from itertools import islice, pairwise

from spotcheck.draw import native, parallel
from spotcheck.draw.primitives import rank_keys, rank_keys_bytes
from spotcheck.draw.target_frames import Cells, distinct


def rank_cell(seed: bytes, ids: Iterable[str], keep: int | None = None) -> list[str]:
    """Ids in rank order ``(K(id), id)``; with ``keep``, only the first ``keep`` of them."""
    ids = list(ids)
    keyed = zip(map(rank_keys(seed, "target|"), ids), ids, strict=True)
    ranked = heapq.nsmallest(keep, keyed) if keep is not None else sorted(keyed)
    return [entity for _, entity in ranked]


#: A share of a cell to rank: the seed, the cell's ids as UTF-8 joined by ``separator`` (a stretch of the
#: frame file: the separator is a newline and the cell's ``group\tstratum\t``), and how many to keep.
Block = tuple[bytes, bytes, bytes, int]


#: What ranking a share gives: whether its ids are non-empty, sorted and distinct, its first and last id, and
#: its first ``keep`` ids as ``(K(id), id)`` in rank order.
Ranked = tuple[bool, bytes, bytes, list[tuple[bytes, bytes]]]


def _rank_block(block: Block) -> Ranked:
    """Rank one share (ids compared as UTF-8 bytes: the order of their code points), checking its ids — in C
    where built (:mod:`~spotcheck.draw.native`: the same pairs)."""
    seed, data, separator, keep = block
    if native.BUILT:
        return _rank_block_in_c(block)
    ids = data.split(separator)
    clean = b"" not in ids and all(map(operator.lt, ids, islice(ids, 1, None)))
    return clean, ids[0], ids[-1], smallest(keep, rank_keys_bytes(seed, b"target|"), ids)


def _rank_block_in_c(block: Block) -> Ranked:
    """:func:`_rank_block` by :func:`spotcheck.draw.native.pick`, in one pass over the share: its ids checked and
    the pairs under the bound of :func:`smallest` picked (all of them without a bound, none when nothing is kept),
    then the first ``keep`` taken as :func:`smallest` takes them."""
    seed, data, separator, keep = block
    bound = _bound(keep, data.count(separator) + 1)
    limit = native.NO_KEY if keep <= 0 else bound[0] if bound is not None else native.EVERY_KEY
    clean, first, last, pairs = native.pick(seed, b"target|", data, separator, limit)
    if bound is None:
        return clean, first, last, heapq.nsmallest(keep, pairs)
    return (
        clean,
        first,
        last,
        _first_by_rank(keep, pairs, lambda: native.pick(seed, b"target|", data, separator, native.EVERY_KEY)[3]),
    )


#: How far above its expected share of the keys the bound of :func:`smallest` is set, in standard deviations.
_MARGIN_SIGMAS = 8


def smallest(keep: int, key: Callable[[bytes], bytes], ids: list[bytes]) -> list[tuple[bytes, bytes]]:
    """``heapq.nsmallest(keep, zip(map(key, ids), ids))`` for ``bytes`` keys (HMAC-SHA256 outputs, spread evenly
    over their range), without a step of Python for each of millions of pairs: the pairs under a bound a little above
    the share ``keep`` of them is expected to take are picked out by C iterators as they are computed, then
    sorted (:func:`_first_by_rank`)."""
    bound = _bound(keep, len(ids))
    if bound is None:
        return heapq.nsmallest(keep, zip(map(key, ids), ids, strict=True))
    return _first_by_rank(
        keep,
        list(filter(partial(operator.gt, bound), zip(map(key, ids), ids, strict=True))),
        lambda: zip(map(key, ids), ids, strict=True),
    )


def _first_by_rank(
    keep: int, picked: list[tuple[bytes, bytes]], every: Callable[[], Iterable[tuple[bytes, bytes]]]
) -> list[tuple[bytes, bytes]]:
    """The first ``keep`` pairs by rank, from ``picked``: every pair under the bound of :func:`_bound`. When it holds
    ``keep`` pairs or more, its first ``keep`` are the first of all — the same pairs in the same order, whatever the
    keys; when it holds fewer (keys not spread evenly: for an HMAC, about never), ``every`` pair is ranked again."""
    picked.sort()
    if len(picked) >= keep:
        return picked[:keep]
    return heapq.nsmallest(keep, every())


def _bound(keep: int, count: int) -> tuple[bytes] | None:
    """``(bound,)``, greater than a pair ``(k, id)`` exactly when greater than its key ``k``: the share of ``count``
    keys ``keep`` is expected to take, raised by :data:`_MARGIN_SIGMAS` standard deviations and 16 keys; None
    when that is half of them or more (nothing to gain over the heap)."""
    if keep <= 0 or 2 * keep >= count:
        return None
    share = keep / count
    share += _MARGIN_SIGMAS * (share * (1 - share) / count) ** 0.5 + 16 / count
    return (int(share * (1 << 64)).to_bytes(8, "big"),) if share < 0.5 else None


#: A cell is ranked in two halves, one on each core, from twice this many rows.
_HALF_AT_LEAST = 25_000


def _halves(data: bytes, separator: bytes, count: int, half_at_least: int) -> list[bytes]:
    """A large cell's ids in two stretches cut at a separator near the middle (one stretch when small)."""
    if count < 2 * half_at_least:
        return [data]
    cut = data.find(separator, len(data) // 2)
    return [data] if cut < 0 else [data[:cut], data[cut + len(separator) :]]


#: A cell to rank: its (group, stratum), its ids as UTF-8 joined by a separator, the separator, how many ids,
#: and how many to keep.
CellBlock = tuple[tuple[str, str], bytes, bytes, int, int]


def rank_blocks(
    seed: bytes, cells: list[CellBlock], *, threshold: int = parallel.THRESHOLD, half_at_least: int = _HALF_AT_LEAST
) -> list[list[str]]:
    """The first ``keep`` ids of each cell in rank order ``(K(id), id)``, as strings, every key computed — on two
    cores when the cells hold ``threshold`` rows or more in all (a large cell in two halves, each keeping its
    own first ``keep``, merged here). ``ValueError`` unless each cell's ids are non-empty, sorted and distinct."""
    tasks: list[Block] = []
    weights: list[int] = []
    owners: list[int] = []
    for index, (_cell, data, separator, count, keep) in enumerate(cells):
        parts = _halves(data, separator, count, half_at_least)
        for part in parts:
            tasks.append((seed, part, separator, keep))
            weights.append(count // len(parts))
            owners.append(index)
    shares: list[list[Ranked]] = [[] for _ in cells]
    for owner, ranked in zip(
        owners, parallel.map_in_two(_rank_block, tasks, weights, threshold=threshold), strict=True
    ):
        shares[owner].append(ranked)
    out = []
    for ((group, stratum), *_, keep), parts_ranked in zip(cells, shares, strict=True):
        if not all(clean for clean, *_ in parts_ranked) or any(
            earlier[2] >= later[1] for earlier, later in pairwise(parts_ranked)
        ):
            raise ValueError(f"frame lines of {group}/{stratum} are empty, not sorted or not distinct")
        best = heapq.nsmallest(keep, [pair for *_, pairs in parts_ranked for pair in pairs])
        out.append([entity.decode("utf-8") for _, entity in best])
    return out


def rank_cells(seed: bytes, sorted_cells: Cells, keeps: list[int]) -> list[list[str]]:
    """Each cell's first ``keep`` ids in rank order (:func:`rank_blocks`, on two cores for a large frame). A proof
    that fails its checks — ids that repeat, or an id that is empty or holds a newline, which joining by newlines
    would split — is ranked id by id as given, on one core."""
    if not all(distinct(ids) and _joinable(ids) for _, ids in sorted_cells):
        return [rank_cell(seed, ids, keep=keep) for (_, ids), keep in zip(sorted_cells, keeps, strict=True)]
    return rank_blocks(
        seed,
        [
            (cell, "\n".join(ids).encode("utf-8"), b"\n", len(ids), keep)
            for (cell, ids), keep in zip(sorted_cells, keeps, strict=True)
        ],
    )


def _joinable(ids: list[str]) -> bool:
    """The ids joined by newlines split back into the same ids."""
    try:
        return "" not in ids and "\n".join(ids).count("\n") == len(ids) - 1
    except TypeError:  # not strings
        return False
