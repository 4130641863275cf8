"""The draw of targets (spotcheck-draw/1): the counts of each stratum, the seed, the replacement by
the next reserve, and the uniformity of the selection."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings, strategies as st

from spotcheck.draw import draw_targets, replace_target
from spotcheck.draw.primitives import H
from spotcheck.draw.verify import verify
from tests.independent.draw_spec_check import check as independent_check
from tests.support.draw_strategies import ids

# --- properties -------------------------------------------------------------------------------


@st.composite
def target_draws(draw):
    groups = draw(st.lists(st.sampled_from(["SCJ", "YJJ", "SWJ"]), min_size=1, max_size=3, unique=True))
    frame, rules = [], {}
    for group in groups:
        for stratum in draw(st.lists(st.sampled_from(["A", "B", "C", "flagged"]), min_size=1, max_size=3, unique=True)):
            members = draw(st.lists(ids, min_size=1, max_size=40, unique=True))
            frame += [(group, stratum, m) for m in members]
            rules.setdefault(group, {})[stratum] = draw(
                st.one_of(
                    st.builds(lambda c: {"count": c}, st.integers(0, 50)),
                    st.builds(lambda r, m: {"ratio_bp": r, "min": m}, st.integers(0, 10000), st.integers(0, 5)),
                )
            )
    return {
        "campaign": "测抽〔2026〕1号",
        "nonce": draw(st.binary(min_size=32, max_size=32)),
        "frame": frame,
        "rules": rules,
        "reserve_size": draw(st.integers(0, 5)),
        "public_inputs": draw(
            st.lists(
                st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=12),
                max_size=3,
            )
        ),
    }


@pytest.mark.seconds(2.1)
@given(target_draws())
@settings(max_examples=150, deadline=None)
def test_target_draw_properties(params):
    first, second = draw_targets(**params), draw_targets(**params)
    assert first == second  # the same inputs give the same result
    for (group, stratum), members in Counter((g, s) for g, s, _ in params["frame"]).items():
        rule = params["rules"][group][stratum]
        chosen = first["selected"][group][stratum]
        expected = (
            min(rule["count"], members)
            if "count" in rule
            else min(members, max(rule["min"], -(-rule["ratio_bp"] * members // 10000)))
        )
        assert len(chosen) == expected and len(set(chosen)) == expected
        assert not set(chosen) & set(first["reserves"][group][stratum])
    assert all(c.ok for c in verify(first))
    independent_check(first)


@pytest.mark.seconds(1.7)
@given(target_draws(), st.integers(0, 31), st.integers(1, 255))
@settings(max_examples=100, deadline=None)
def test_changing_one_byte_of_the_nonce_changes_the_seed(params, position, flip):
    first = draw_targets(**params)
    nonce = bytearray(params["nonce"])
    nonce[position] ^= flip
    assert draw_targets(**{**params, "nonce": bytes(nonce)})["seed"] != first["seed"]
    assert draw_targets(**{**params, "public_inputs": params["public_inputs"] + ["x"]})["seed"] != first["seed"]


@pytest.mark.seconds(1.6)
@given(target_draws())
@settings(max_examples=100, deadline=None)
def test_target_replacement_is_the_next_reserve(params):
    proof = draw_targets(**params)
    for group, strata in proof["selected"].items():
        for stratum, chosen in strata.items():
            reserve = proof["reserves"][group][stratum]
            for position, out in enumerate(chosen[: len(reserve)]):
                record = replace_target(proof, group=group, stratum=stratum, out=out, reason="已注销")
                assert record["in"] == reserve[position]
    assert all(c.ok for c in verify(proof))
    independent_check(proof)


# --- statistics -------------------------------------------------------------------------------


def test_selection_is_uniform_over_many_seeds():
    """2,000 draws of 5 from a 50-candidate cell: every candidate is chosen about 200 times.
    Pearson's chi-square with 49 degrees of freedom stays under 85.35 (p = 0.001)."""
    frame = [("SCJ", "A", f"91330100MA{n:08d}") for n in range(50)]
    counts = Counter()
    for seed_number in range(2000):
        proof = draw_targets(
            campaign="统计检验",
            nonce=H(seed_number.to_bytes(4, "big")),
            frame=frame,
            rules={"SCJ": {"A": {"count": 5}}},
            reserve_size=0,
            public_inputs=[],
        )
        counts.update(proof["selected"]["SCJ"]["A"])
    expected = 2000 * 5 / 50
    chi_square = sum((counts[entity] - expected) ** 2 / expected for _, _, entity in frame)
    assert sum(counts.values()) == 10000
    assert chi_square < 85.35, chi_square
