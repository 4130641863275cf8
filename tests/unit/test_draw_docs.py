"""docs/draw-algorithm.md and the public page /public/draws/algorithm state what a verifier
depends on, as the code does it: the same identifiers, prefixes and fields, and a worked example
whose numbers the code computes today."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from spotcheck.draw import draw_targets, shuffle
from spotcheck.draw.primitives import ALGORITHM, rank_keys
from spotcheck.draw.proof_file import FIELD_ORDER
from spotcheck.draw.verify import FIELDS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "draw-algorithm.md").read_text(encoding="utf-8")
SOURCE = Path(__file__).resolve().parents[2] / "spotcheck" / "draw"
PREFIXES = sorted(
    set(
        re.findall(
            r'rank_keys(?:_bytes)?\(seed, [fb]?"([a-z]+\|)',
            "".join((SOURCE / name).read_text(encoding="utf-8") for name in ("target_ranking.py", "inspectors.py")),
        )
    )
)


def test_the_doc_names_the_algorithm_its_ranking_prefixes_and_every_proof_field():
    assert PREFIXES == ["inspector|", "target|", "visit|"]
    assert f'"{ALGORITHM}|" ‖ kind ‖ "|" ‖ campaign ‖ "|" ‖ frame_digest ‖ I' in DOC
    for prefix in PREFIXES:
        assert f'"{prefix}' in DOC, prefix
    for field in set().union(*FIELDS.values()) | {"committed_at", "frozen_at", "drawn_at"}:
        assert f"`{field}`" in DOC, field
    documented = [name for name in re.findall(r"^\| `([a-z_]+)`", DOC, re.M)]
    assert [name for name in FIELD_ORDER if name in documented] == documented  # the file's order


def test_the_doc_states_version_2_of_the_inspector_draw():
    """The seed's name, the shuffle's HMAC message and its rejection bound, as shuffle.py does them."""
    assert shuffle.ALGORITHM == "spotcheck-draw/2" and f'`"{shuffle.ALGORITHM}|"`' in DOC
    assert '`HMAC(seed, "inspector|" ‖ visit ‖ "|" ‖ k ‖ "|" ‖ a)`' in DOC
    source = (SOURCE / "shuffle.py").read_text(encoding="utf-8")
    assert 'rank_keys(seed, f"inspector|{visit}|")' in source and 'self._mac(f"{k}|{attempt}")' in source
    assert "`x < 2^64 − (2^64 mod m)`" in DOC and "limit = _SPAN - (_SPAN % m)" in source


def test_the_worked_example_is_what_the_code_computes():
    frame = [
        ("SCJ", "A", "91330100MA27XK4N8Y"),
        ("SCJ", "A", "91330100MA2H3L6P3Q"),
        ("SCJ", "A", "91330106MA28D9TY1C"),
        ("SCJ", "B", "91330102MA2CE0UW7J"),
    ]
    proof = draw_targets(
        campaign="市监抽〔2026〕1号",
        nonce=bytes(range(32)),
        frame=frame,
        rules={"SCJ": {"A": {"ratio_bp": 3000, "min": 1}, "B": {"count": 1}}},
        reserve_size=1,
        public_inputs=["观察员：人大代表 1234"],
    )
    for value in (proof["commitment"], proof["frame_digest"], proof["seed"]):
        assert f"`{value}`" in DOC
    key = rank_keys(bytes.fromhex(proof["seed"]), "target|")
    for _, _, entity in frame[:3]:
        assert f"| `{entity}` | `{key(entity).hex()}` |" in DOC
    assert proof["selected"]["SCJ"] == {"A": ["91330106MA28D9TY1C"], "B": ["91330102MA2CE0UW7J"]}
    assert proof["reserves"]["SCJ"] == {"A": ["91330100MA2H3L6P3Q"], "B": []}
    assert "`91330106MA28D9TY1C` is selected and `91330100MA2H3L6P3Q` is the reserve" in DOC


@pytest.mark.seconds(1.0)
def test_the_public_page_states_the_same_algorithm(client):
    page = client.get("/public/draws/algorithm").get_data(as_text=True)
    assert ALGORITHM in page and shuffle.ALGORITHM in page and "HMAC-SHA256" in page and "SHA-256" in page
    for prefix in ("target|", "inspector|"):
        assert prefix in page, prefix
    assert "python3 spotcheck-verify.pyz PROOF.json" in page and "python3 spotcheck-verify.pyz PROOF.json" in DOC
