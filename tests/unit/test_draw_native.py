"""The draw's loops over every row in C (本地加速, :mod:`spotcheck.draw.native`): the package is built with them,
and they give exactly what the Python reference gives — the same frame lines, the same keys, the same pairs in
the same order, the same refusals of a bad cell — on any ids, UTF-8 beyond ASCII and ids that are prefixes of
each other included."""

from __future__ import annotations

import hashlib
import hmac
from contextlib import contextmanager

import pytest
from hypothesis import given, settings, strategies as st

from spotcheck.draw import blinding, native, target_frames, target_ranking, token_frames
from spotcheck.draw.primitives import rank_keys_bytes
from tests.support.draw_strategies import ids as credit_ids

#: Ids of any characters a frame field may hold (no tab, newline or '|'), short so that prefixes and repeats come up.
any_ids = st.text(st.characters(blacklist_characters="\t\n|", blacklist_categories=("Cs",)), min_size=1, max_size=4)
some_ids = st.one_of(credit_ids, any_ids)


@contextmanager
def in_python():
    """The Python reference runs instead of the C part, meanwhile."""
    built = native.BUILT
    native.BUILT = False
    try:
        yield
    finally:
        native.BUILT = built


def test_the_package_is_built_with_its_c_part():
    """``make install`` builds it (setup.py); without it a draw of a million takes about a second longer."""
    assert native.BUILT, "spotcheck/draw/_native.c was not built: install libssl-dev and run `pip install -e .`"


def _lines(task):
    try:
        return target_frames.cell_lines(task)
    except ValueError as refused:
        return f"refused: {refused}"


def _same_lines_in_c_and_python(task) -> None:
    in_c = _lines(task)
    with in_python():
        assert _lines(task) == in_c


@given(
    st.lists(some_ids, max_size=40),
    st.sampled_from(["SCJ", "商务局"]),
    st.sampled_from(["A", "风险高"]),
    st.integers(-1, 1),
)
@settings(max_examples=300, deadline=None)
def test_a_cells_lines_in_c_are_the_pythons_for_any_ids(given_ids, group, stratum, miscount):
    """Sorted, prefixed and checked alike — refused alike when an id is empty, repeats or the count is off."""
    _same_lines_in_c_and_python((group, stratum, "\n".join(given_ids), len(given_ids) + miscount))


#: Ids that tie on the 8 bytes the C sort orders by first (after the ids' common prefix) and differ only after them,
#: beside ids that end inside those 8 bytes or one byte before them.
tying_ids = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(["", "9", "91330100", "9133010\x00", "汉"]),
    st.text(st.characters(blacklist_characters="\t\n|", blacklist_categories=("Cs",)), max_size=3),
)


@pytest.mark.seconds(1.1)
@given(st.lists(tying_ids, max_size=60), st.integers(0, 1))
@settings(max_examples=300, deadline=None)
def test_ids_alike_in_their_first_bytes_are_sorted_in_c_as_in_python(given_ids, miscount):
    """Where 8 bytes after the common prefix do not tell two ids apart, the rest does: the lines are Python's."""
    _same_lines_in_c_and_python(("SCJ", "A", "\n".join(given_ids), len(given_ids) + miscount))


def test_a_city_sized_cell_is_sorted_in_c_as_in_python():
    """400,000 codes of one region (told apart in the bytes after the region and kind) in a shuffled order: the lines
    in code order, each once."""
    codes = [f"91330100MA{number * 7919 % 400_000:07d}X" for number in range(400_000)]
    lines = target_frames.cell_lines(("SCJ", "A", "\n".join(codes), len(codes)))
    assert lines == "".join(f"SCJ\tA\t{code}\n" for code in sorted(codes)).encode()


@pytest.mark.parametrize(
    "codes, problem",
    [
        ("91330100MA0000001X\n\n91330100MA0000002X", "is empty or contains a newline"),
        ("91330100MA0000001X\t9", "contains a tab, a newline or '|'"),
        ("91330100MA0000001X|9", "contains a tab, a newline or '|'"),
        ("91330100MA0000002X\n91330100MA0000001X\n91330100MA0000002X", "twice"),
    ],
)
def test_a_bad_cell_is_refused_by_the_c_part_as_by_python(codes, problem):
    task = ("SCJ", "A", codes, codes.count("\n") + 1)
    with pytest.raises(ValueError, match=problem) as in_c:
        target_frames.cell_lines(task)
    with in_python(), pytest.raises(ValueError) as reference:
        target_frames.cell_lines(task)
    assert str(in_c.value) == str(reference.value)


@given(
    st.binary(max_size=100),
    st.binary(max_size=12),
    st.lists(st.binary(min_size=1, max_size=30), min_size=1, max_size=20),
)
@settings(max_examples=200, deadline=None)
def test_the_keys_in_c_are_rfc_2104_hmac_sha256(seed, prefix, messages):
    """Keys of any length (longer than a block: hashed first), any prefix: what :mod:`hmac` computes."""
    separator = b"\n\x00"
    data = separator.join(messages)
    expected = [hmac.new(seed, prefix + m, hashlib.sha256).digest() for m in data.split(separator)]
    *_, pairs = native.pick(seed, prefix, data, separator, native.EVERY_KEY)
    assert [key for key, _ in pairs] == expected
    assert [key for key, _ in pairs] == list(map(rank_keys_bytes(seed, prefix), data.split(separator)))


@pytest.mark.seconds(1.0)
@given(
    st.binary(min_size=32, max_size=32),
    st.lists(some_ids, min_size=1, max_size=200),
    st.integers(-1, 210),
    st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_a_shares_ranking_in_c_is_the_pythons(seed, given_ids, keep, sort):
    """Sorted or not (then not clean), any keep: the same check, first and last id and first ``keep`` pairs."""
    codes = sorted(set(given_ids)) if sort else given_ids
    separator = b"\nSCJ\tA\t"
    block = (seed, separator.join(code.encode("utf-8") for code in codes), separator, keep)
    in_c = target_ranking._rank_block(block)
    with in_python():
        assert target_ranking._rank_block(block) == in_c


def test_a_large_share_is_picked_under_the_bound_in_c():
    """20,000 ids keeping 10 %: the pairs under the bound, in C, are the heap's first — and fewer than all."""
    codes = [f"91330100MA{number:08d}".encode() for number in range(20_000)]
    seed, data = b"\x07" * 32, b"\n".join(codes)
    bound = target_ranking._bound(2005, len(codes))
    assert bound is not None
    clean, first, last, under = native.pick(seed, b"target|", data, b"\n", bound[0])
    assert clean and (first, last) == (codes[0], codes[-1])
    assert 2005 <= len(under) < 4000
    key = rank_keys_bytes(seed, b"target|")
    assert sorted(under)[:2005] == sorted(zip(map(key, codes), codes, strict=True))[:2005]
    assert target_ranking._rank_block((seed, data, b"\n", 2005))[3] == sorted(under)[:2005]


def _blinded(key, given_ids, count):
    try:
        return blinding.blind_sorted(key, "targets", "\n".join(given_ids).encode("utf-8"), count, "SCJ/A")
    except ValueError as refused:
        return f"refused: {refused}"


@pytest.mark.seconds(1.0)
@given(st.binary(min_size=1, max_size=80), st.lists(some_ids, max_size=40), st.integers(-1, 1))
@settings(max_examples=300, deadline=None)
def test_a_cell_blinded_and_sorted_by_token_in_c_is_the_pythons(key, given_ids, miscount):
    """A version 3 freeze's one pass (:func:`spotcheck.draw.blinding.blind_sorted`): the same raw tokens in the same
    order and the same codes beside them, in C and in Python — refused alike when an id is empty, repeats or the
    count is off."""
    in_c = _blinded(key, given_ids, len(given_ids) + miscount)
    with in_python():
        assert _blinded(key, given_ids, len(given_ids) + miscount) == in_c


def test_a_cell_blinded_and_sorted_gives_each_token_beside_its_code_in_the_published_order():
    """The tokens are DRAW-SPEC's (``token(x)`` of each code) in the order of their hex — the published file's — and
    each code stands where its token stands; a bad cell is refused as :func:`cell_lines` refuses it."""
    key = b"\x2e" * 32
    codes = [f"91330100MA{number * 7919 % 5000:07d}X" for number in range(5000)]
    made, joined = blinding.blind_sorted(key, "targets", "\n".join(codes).encode(), len(codes))
    tokens = [made[i : i + 32].hex() for i in range(0, len(made), 32)]
    assert tokens == sorted(tokens) == sorted(blinding.tokens(key, "targets", codes))
    assert [blinding.token(key, "targets", code) for code in joined.decode().split("\n")[:-1]] == tokens
    for codes_given, problem in [("9\n\n8", "is empty"), ("9\t1", "a tab"), ("9\n8\n9", "twice")]:
        with pytest.raises(ValueError, match=problem):
            blinding.blind_sorted(key, "targets", codes_given.encode(), codes_given.count("\n") + 1, "SCJ/A")


@given(
    st.lists(st.tuples(st.sampled_from(["SCJ", "商务局"]), st.sampled_from(["A", "B", "风险高"])), unique=True),
    st.lists(credit_ids, min_size=1, max_size=30, unique=True),
)
@settings(max_examples=100, deadline=None)
def test_a_frame_kept_as_raw_tokens_gives_back_the_published_file(cells, codes):
    """The stored form (:mod:`spotcheck.draw.token_frames`, 32 bytes a token) written back is, byte for byte, the
    frame file :func:`blind_frame_file` publishes, and its cells are those :func:`frame_blocks` reads from it — in C
    and in Python."""
    key = b"\x11" * 32
    given = [
        (group, stratum, "\n".join(codes[i % 3 :]), len(codes[i % 3 :])) for i, (group, stratum) in enumerate(cells)
    ]
    given = [cell for cell in given if cell[3]]
    blinded = blinding.blind_cells(key, given)
    kept = token_frames.pack([(cell, made) for cell, made, _, _ in blinded])
    published = blinding.blind_frame_file(key, target_frames.frame_file_of_cells(given))
    assert token_frames.expand(kept) == published
    assert token_frames.blocks(kept) == target_frames.frame_blocks(published)
    with in_python():
        assert token_frames.expand(kept) == published
    assert len(kept) < len(published) / 2 + 100
