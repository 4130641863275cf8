"""The target draw on two cores (并行抽取): a frame's cells sorted and its rows ranked in a forked child and in
this process give exactly what one core gives — the same frame file, the same ranking, the same refusals of
a bad frame — and a child that fails leaves its share to this process. The thresholds that keep small
draws on one core are lowered here so that every draw of these tests is split."""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import given, settings, strategies as st

from spotcheck.draw import draw_targets, parallel, target_frames, target_ranking
from spotcheck.draw.target_frames import frame_blocks, frame_file, frame_file_of_cells, parse_frame_file
from spotcheck.draw.target_ranking import rank_blocks, rank_cell
from spotcheck.draw.verify import verify
from tests.support.draw_strategies import ids

TWO_CORES = parallel.cores() >= 2 and hasattr(os, "fork")


@st.composite
def frames(draw):
    """Rows ``(group, stratum, id)`` of a few cells, distinct within each cell."""
    rows = []
    for group in draw(st.lists(st.sampled_from(["SCJ", "YJJ", "商务局"]), min_size=1, max_size=3, unique=True)):
        for stratum in draw(
            st.lists(st.sampled_from(["A", "B", "flagged", "风险高"]), min_size=1, max_size=3, unique=True)
        ):
            rows += [(group, stratum, code) for code in draw(st.lists(ids, min_size=1, max_size=60, unique=True))]
    return rows


def _cells_of(rows, shuffle: random.Random) -> list:
    """The rows as the database gives a frame's cells: each cell's ids in no order, joined by newlines."""
    found: dict = {}
    for group, stratum, code in rows:
        found.setdefault((group, stratum), []).append(code)
    cells = []
    for (group, stratum), codes in found.items():
        shuffle.shuffle(codes)
        cells.append((group, stratum, "\n".join(codes), len(codes)))
    shuffle.shuffle(cells)
    return cells


@pytest.mark.seconds(3.0)
@given(frames(), st.integers(0, 2**32))
@settings(max_examples=80, deadline=None)
def test_the_frame_file_of_cells_in_any_order_is_the_frame_file_of_the_rows(rows, seed):
    cells = _cells_of(rows, random.Random(seed))
    assert frame_file_of_cells(cells, threshold=0) == frame_file_of_cells(cells) == frame_file(rows)


@pytest.mark.seconds(2.7)
@given(frames(), st.binary(min_size=32, max_size=32), st.integers(0, 70))
@settings(max_examples=80, deadline=None)
def test_the_ranking_on_two_cores_and_in_halves_is_the_ranking_on_one(rows, seed, keep):
    file = frame_file(rows)
    blocks = [(cell, data, separator, count, keep) for cell, data, separator, count in frame_blocks(file)]
    split = rank_blocks(seed, blocks, threshold=0, half_at_least=1)
    assert (
        split == rank_blocks(seed, blocks) == [rank_cell(seed, ids_, keep=keep) for _, ids_ in parse_frame_file(file)]
    )


@pytest.mark.seconds(1.3)
@given(frames(), st.integers(0, 2**32), st.sampled_from(["swap", "repeat", "tab", "empty", "pipe", "newline"]))
@settings(max_examples=80, deadline=None)
def test_a_bad_frame_file_is_refused_on_two_cores_as_on_one(rows, seed, fault):
    lines = frame_file(rows).decode("utf-8").split("\n")[:-1]
    at = random.Random(seed).randrange(len(lines))
    group, stratum, code = lines[at].split("\t")
    if fault == "swap" and len(lines) > 1:
        lines[at], lines[at - 1] = lines[at - 1], lines[at]
    elif fault == "repeat":
        lines.insert(at, lines[at])
    elif fault == "tab":
        lines[at] = f"{group}\t{stratum}\t{code[:1]}\t{code[1:]}"
    elif fault == "empty":
        lines[at] = f"{group}\t{stratum}\t"
    elif fault == "pipe":
        lines[at] = f"{group}\t{stratum}\t{code}|"
    elif fault == "newline":
        lines.insert(at, "")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    try:
        parse_frame_file(data)
        one_core_refuses = False
    except ValueError:
        one_core_refuses = True
    try:
        blocks = frame_blocks(data)
        rank_blocks(
            b"s" * 32,
            [(cell, block, sep, count, 3) for cell, block, sep, count in blocks],
            threshold=0,
            half_at_least=1,
        )
        two_cores_refuse = False
    except ValueError:
        two_cores_refuse = True
    assert two_cores_refuse == one_core_refuses


@pytest.mark.seconds(3)
@given(frames(), st.integers(0, 2**32))
@settings(max_examples=40, deadline=None)
def test_a_cell_with_a_bad_id_is_refused_when_the_frame_is_built(rows, seed):
    cells = _cells_of(rows, random.Random(seed))
    group, stratum, codes, count = cells[0]
    with pytest.raises(ValueError):
        frame_file_of_cells([(group, stratum, codes + "\tX", count), *cells[1:]], threshold=0)
    with pytest.raises(ValueError):  # an id holding a newline splits into more ids than the cell's count
        frame_file_of_cells([(group, stratum, codes + "\nX", count), *cells[1:]], threshold=0)
    with pytest.raises(ValueError):  # an id twice
        first = codes.split("\n")[0]
        frame_file_of_cells([(group, stratum, f"{codes}\n{first}", count + 1), *cells[1:]], threshold=0)


@pytest.mark.skipif(not TWO_CORES, reason="one core, or no fork: everything runs in this process")
def test_the_other_core_takes_a_share_of_the_work():
    pids = parallel.map_in_two(lambda task: os.getpid(), list(range(6)), [1] * 6, threshold=0)
    assert os.getpid() in pids and len(set(pids)) == 2


def test_one_core_or_little_work_stays_in_this_process():
    pids = parallel.map_in_two(lambda task: os.getpid(), list(range(6)), [1] * 6)  # below the threshold
    assert set(pids) == {os.getpid()}


def test_a_child_that_dies_leaves_its_share_to_this_process():
    parent = os.getpid()

    def square(task: int) -> int:
        if os.getpid() != parent:
            os._exit(3)  # the child dies before it answers
        return task * task

    assert parallel.map_in_two(square, list(range(8)), [1] * 8, threshold=0) == [n * n for n in range(8)]


def test_an_error_in_the_work_is_raised_here_as_on_one_core():
    def fails_on_five(task: int) -> int:
        if task == 5:
            raise ValueError("five")
        return task

    with pytest.raises(ValueError, match="five"):
        parallel.map_in_two(fails_on_five, list(range(8)), [1] * 8, threshold=0)


def test_an_error_in_this_process_share_leaves_no_child_behind(monkeypatch):
    parent, forked = os.getpid(), []
    fork = parallel._fork
    monkeypatch.setattr(parallel, "_fork", lambda *args: forked.append(fork(*args)) or forked[-1])

    def big_there_fails_here(task: int) -> bytes:
        if os.getpid() == parent:
            raise ValueError("bad code")
        return b"x" * (1 << 20)  # more than a pipe holds: a child nobody reads would wait for ever

    with pytest.raises(ValueError, match="bad code"):
        parallel.map_in_two(big_there_fails_here, list(range(4)), [1] * 4, threshold=0)
    with pytest.raises(ChildProcessError):  # nothing left to wait for: the child was stopped and collected
        os.waitpid(forked[0][0], os.WNOHANG)


def test_an_id_holding_a_newline_is_ranked_as_the_one_id_the_proof_gives():
    seed = bytes(range(32))
    cells = [(("G", "A"), ["a\nb", "c", "d"])]
    assert target_ranking.rank_cells(seed, cells, [3]) == [rank_cell(seed, ["a\nb", "c", "d"], keep=3)]


@given(frames(), st.integers(0, 2**32), st.binary(min_size=32, max_size=32))
@settings(max_examples=40, deadline=None)
def test_a_proof_whose_rows_are_listed_in_any_order_verifies_the_same(rows, seed, nonce):
    rules: dict = {}
    for group, stratum, _ in rows:
        rules.setdefault(group, {})[stratum] = {"count": 3}
    proof = draw_targets(
        campaign="测抽〔2026〕1号", nonce=nonce, frame=rows, rules=rules, reserve_size=2, public_inputs=[]
    )
    shuffled = list(proof["frame"])
    random.Random(seed).shuffle(shuffled)
    assert [(c.name, c.ok) for c in verify({**proof, "frame": shuffled})] == [(c.name, c.ok) for c in verify(proof)]
    cells = parse_frame_file(frame_file(rows))
    assert target_frames.frame_columns(shuffled) == cells
    assert target_ranking.rank_cells(nonce, cells, [4] * len(cells)) == [
        rank_cell(nonce, ids_, keep=4) for _, ids_ in cells
    ]


@pytest.mark.skipif(not TWO_CORES, reason="one core, or no fork: everything runs in this process")
def test_work_in_the_background_is_done_by_the_other_core_while_this_one_goes_on():
    pending = parallel.in_background(lambda a, b: (os.getpid(), a + b), 2, 3, size=parallel.THRESHOLD)
    here = os.getpid()
    child, total = pending.result()
    assert child != here and total == 5


def test_work_in_the_background_is_done_here_when_small_or_when_the_child_dies():
    assert parallel.in_background(lambda: os.getpid(), size=10).result() == os.getpid()  # small: no child
    parent = os.getpid()

    def dies_in_a_child() -> int:
        if os.getpid() != parent:
            os._exit(3)
        return 7

    assert parallel.in_background(dies_in_a_child, size=parallel.THRESHOLD).result() == 7
