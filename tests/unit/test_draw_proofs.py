"""The draw engine's proofs (spotcheck-draw/1, and /2 for inspector draws): the known answers
reproduced and verified, and any change to a proof caught by the verifier."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from spotcheck.cli import main
from spotcheck.draw import draw_targets, replace_inspector, versions
from spotcheck.draw.verify import verify, verify_file
from tests.independent.draw_spec_check import check as independent_check

#: The known-answer proofs of the draw specification (copied into the repository's test data).
VECTORS = Path(__file__).resolve().parents[1] / "data" / "draw-vectors"
VECTOR_FILES = ["targets-joint.json", "inspectors-joint.json", "inspectors-joint-v2.json", "inspectors-rich-v2.json"]


def load(name):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def redraw(proof):
    if proof["kind"] == "targets":
        return draw_targets(
            campaign=proof["campaign"],
            nonce=bytes.fromhex(proof["nonce"]),
            frame=[tuple(r) for r in proof["frame"]],
            rules=proof["rules"],
            reserve_size=proof["reserve_size"],
            public_inputs=proof["public_inputs"],
        )
    drawn = versions.redraw_inspectors(
        proof["algorithm"],
        campaign=proof["campaign"],
        nonce=bytes.fromhex(proof["nonce"]),
        lines=proof["frame_lines"],
        team_size=proof["team_size"],
        per_group_min=proof["per_group_min"],
        capacity=proof["capacity"],
        public_inputs=proof["public_inputs"],
    )
    for record in proof["replacements"]:  # each replacement made as the department would make it
        replace_inspector(drawn, visit=record["visit"], out=record["out"], reason=record["reason"])
    return drawn


# --- known answers ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_the_engine_reproduces_the_known_answers(name):
    vector = load(name)
    ours = redraw(vector)
    for key in vector.keys() - {"committed_at", "frozen_at", "drawn_at"}:  # the times are the platform's
        assert ours[key] == vector[key], key
    if vector["kind"] == "inspectors":
        assert list(ours["teams"]) == list(vector["teams"])  # visits in draw order


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_the_verifier_accepts_the_known_answers(name):
    checks = verify_file(str(VECTORS / name))
    assert checks and all(c.ok for c in checks), [str(c) for c in checks if not c.ok]
    independent_check(load(name))


@pytest.mark.parametrize("name", VECTOR_FILES)
def test_verify_command_prints_each_check_and_exits_zero(name):
    result = CliRunner().invoke(
        main, ["draw", "verify", str(VECTORS / name)], env={"SPOTCHECK_ENV": "production", "SECRET_KEY": ""}
    )
    assert result.exit_code == 0, result.output
    assert "ok" in result.output and "H(nonce) = commitment" in result.output and "FAIL" not in result.output


@pytest.mark.seconds(7)
@pytest.mark.parametrize("name", VECTOR_FILES)
def test_any_changed_byte_is_rejected(name, tmp_path):
    """Every single-byte change of the file either breaks the JSON, leaves the same proof (a
    change of layout whitespace), or is caught by the verifier."""
    original = (VECTORS / name).read_bytes()
    proof = json.loads(original)
    accepted = []
    for position in range(len(original)):
        byte = original[position]
        replacement = b"0" if byte != ord("0") else b"1"
        if chr(byte) in "0123456789abcdef":
            replacement = b"e" if byte != ord("e") else b"f"
        mutated = original[:position] + replacement + original[position + 1 :]
        try:
            changed = json.loads(mutated)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue  # not a proof at all: the verifier refuses to read it (tested below)
        if changed == proof or _without_times(changed) == _without_times(proof):
            continue  # layout whitespace, or the platform's own timestamps (DRAW-SPEC: informational)
        if all(c.ok for c in verify(changed)):
            accepted.append((position, original[max(0, position - 20) : position + 20]))
    assert not accepted, f"changes the verifier accepted: {accepted[:5]}"


def _without_times(proof):
    return (
        {key: value for key, value in proof.items() if key not in ("committed_at", "frozen_at", "drawn_at")}
        if isinstance(proof, dict)
        else proof
    )


def test_an_unreadable_proof_fails(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    checks = verify_file(str(broken))
    assert len(checks) == 1 and not checks[0].ok


@pytest.mark.parametrize(
    "field,value",
    [
        ("nonce", "00" * 32),
        ("public_inputs", ["observer:someone else"]),
        ("campaign", "联抽〔2026〕2号"),
        ("algorithm", "spotcheck-draw/2"),
    ],
)
def test_changing_an_input_fails_verification(field, value):
    proof = load("targets-joint.json")
    proof[field] = value
    assert not all(c.ok for c in verify(proof))
