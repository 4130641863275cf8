"""The first ``n + reserve`` of a cell by rank (排序取前): picked out under a bound by C iterators instead of a heap
walked in Python — always exactly what ``heapq.nsmallest`` gives, the same pairs in the same order, for HMAC keys
and for keys that are not spread evenly at all (then the bound takes too few and every pair is ranked again)."""

from __future__ import annotations

import hashlib
import heapq
import types

import pytest
from hypothesis import given, settings, strategies as st

from spotcheck.draw import target_ranking
from spotcheck.draw.primitives import rank_keys_bytes
from spotcheck.draw.target_ranking import smallest


def _ids(count: int) -> list[bytes]:
    return [f"91330100MA{number:08d}".encode() for number in range(count)]


@given(st.binary(min_size=32, max_size=32), st.integers(0, 4000), st.integers(0, 4100))
@settings(max_examples=60, deadline=None)
def test_the_pick_under_a_bound_is_the_heap_of_the_first_by_rank(seed, count, keep):
    ids, key = _ids(count), rank_keys_bytes(seed, b"target|")
    assert smallest(keep, key, ids) == heapq.nsmallest(keep, zip(map(key, ids), ids, strict=True))


@pytest.mark.parametrize("skew", ["all large", "all small", "half tiny", "ties in the first bytes"])
def test_keys_not_spread_evenly_give_the_same_first_by_rank(skew):
    def key(entity: bytes) -> bytes:
        digest = hashlib.sha256(entity).digest()
        if skew == "all large":
            return b"\xff" + digest  # none under the bound: every pair ranked again
        if skew == "all small":
            return b"\x00" * 8 + digest  # every pair under it
        if skew == "half tiny":
            return (b"\x00" if digest[0] % 2 else b"\x80") + digest
        return b"\x01" * 8 + digest[:1]  # many keys alike but for their last byte

    ids = _ids(5000)
    for keep in (1, 50, 505, 2499):
        assert smallest(keep, key, ids) == heapq.nsmallest(keep, zip(map(key, ids), ids, strict=True)), (skew, keep)


def test_an_hmac_ranking_of_a_large_cell_is_picked_without_the_heap(monkeypatch):
    """The bound is what ranks a large cell (the heap is only the fallback): a share of 10 % of 20,000 rows."""

    def no_heap(*args):
        raise AssertionError("ranked by the heap")

    monkeypatch.setattr(target_ranking, "heapq", types.SimpleNamespace(nsmallest=no_heap))
    ids = _ids(20_000)
    key = rank_keys_bytes(b"\x07" * 32, b"target|")
    picked = smallest(2005, key, ids)
    monkeypatch.undo()
    assert picked == heapq.nsmallest(2005, zip(map(key, ids), ids, strict=True))
