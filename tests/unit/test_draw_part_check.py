"""A joint draw's rows checked by a bureau other than the lead's (DRAW-SPEC "The bureau's check", for its own
departments' rows): with the clear rows of its departments and each id's salt — never the key — every row is found in
the proof by its token, and the proof holds no other row of those departments; a changed, dropped or foreign row, a
wrong salt, or a proof that adds a row to the department fails. The frame digest is the lead's bureau's to check."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from spotcheck.draw import blinding, disclosure

VECTORS = Path(__file__).resolve().parents[1] / "data" / "draw-vectors"
TARGETS, INSPECTORS = "targets-joint-v3.json", "inspectors-rich-v3.json"


def load(name: str) -> dict:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def disclosed(name: str) -> dict:
    """The vector's ``.disclosure.json``: the key and the clear frame."""
    return load(name.replace(".json", ".disclosure.json"))


def part(name: str, groups: list[str]) -> dict:
    """The clear rows of ``groups`` with their salts, as the platform makes them from the key."""
    clear = disclosed(name)
    kind = load(name)["kind"]
    content = {"frame": clear["frame"]} if kind == "targets" else {"frame_lines": clear["frame_lines"]}
    found = disclosure.rows_of(content, groups)
    key = bytes.fromhex(clear["blind_key"])
    found["salts"] = {i: blinding.salt(key, kind, i).hex() for i in found.pop("ids")}
    return found


def failed(checks) -> list[str]:
    return [check.name for check in checks if not check.ok]


@pytest.mark.parametrize("name, group", [(TARGETS, "YJJ"), (TARGETS, "SCJ"), (INSPECTORS, "SCJ"), (INSPECTORS, "YJJ")])
def test_a_departments_clear_rows_with_their_salts_are_all_in_the_proof(name, group):
    checks = disclosure.part_checks(load(name), part(name, [group]), [group])
    assert not failed(checks)
    own = [check for check in checks if check.name.startswith(("clear rows of", "clear lines of"))]
    assert own and all(group in check.name for check in own)
    assert not any(check.name.startswith("H(key)") or "frame digest" in check.name for check in own)


def test_the_rows_given_are_the_departments_alone_with_a_salt_for_each():
    given = part(TARGETS, ["YJJ"])
    assert given["frame"] and {row[0] for row in given["frame"]} == {"YJJ"}
    assert sorted(given["salts"]) == sorted({row[2] for row in given["frame"]})
    lines = part(INSPECTORS, ["YJJ"])["frame_lines"]
    assert any(line.startswith("V\t") for line in lines) and any(line.startswith("P\tYJJ\t") for line in lines)
    assert not any(line.startswith("P\t") and not line.startswith("P\tYJJ\t") for line in lines)


def _change_an_id(given):
    row = given["frame"][0]
    salt = given["salts"].pop(row[2])
    row[2] = row[2][:-1] + ("Z" if row[2][-1] != "Z" else "Y")
    given["salts"][row[2]] = salt


def _drop_a_row(given):
    del given["frame"][-1]


def _move_a_row(given):
    given["frame"][0][1] = "D" if given["frame"][0][1] != "D" else "A"


def _wrong_salt(given):
    first = next(iter(given["salts"]))
    given["salts"][first] = "00" * 32


def _change_a_visit(given):
    index = next(i for i, line in enumerate(given["frame_lines"]) if line.startswith("V\t"))
    given["frame_lines"][index] += ",food"


def _drop_a_recusal(given):
    given["frame_lines"].remove(next(line for line in given["frame_lines"] if line.startswith("X\t")))


@pytest.mark.parametrize(
    "name, group, change",
    [
        (TARGETS, "YJJ", _change_an_id),
        (TARGETS, "YJJ", _drop_a_row),
        (TARGETS, "YJJ", _move_a_row),
        (TARGETS, "YJJ", _wrong_salt),
        (INSPECTORS, "SCJ", _change_a_visit),
        (INSPECTORS, "SCJ", _drop_a_recusal),
    ],
)
def test_a_changed_clear_row_or_salt_fails(name, group, change):
    given = part(name, [group])
    change(given)
    refused = failed(disclosure.part_checks(load(name), given, [group]))
    assert refused and all(group in refused_name for refused_name in refused)


def test_a_proof_with_a_row_the_department_does_not_have_fails_and_so_does_a_row_of_another_department():
    proof, given = load(TARGETS), part(TARGETS, ["YJJ"])
    extra = copy.deepcopy(proof)
    row = next(row for row in extra["frame"] if row[0] == "YJJ")
    given["frame"] = [
        r for r in given["frame"] if blinding.token_of(bytes.fromhex(given["salts"][r[2]]), r[2]) != row[2]
    ]
    refused = failed(disclosure.part_checks(proof, given, ["YJJ"]))
    assert refused == [next(name for name in refused if name.startswith(f"clear rows of YJJ/{row[1]}"))]
    foreign = part(TARGETS, ["YJJ", "SCJ"])
    assert failed(disclosure.part_checks(proof, foreign, ["YJJ"])) == ["the clear rows and their salts can be read"]


def test_a_clear_proof_or_an_unreadable_part_is_refused():
    assert failed(disclosure.part_checks(load("targets-joint.json"), part(TARGETS, ["YJJ"]), ["YJJ"])) == [
        "the proof is a blinded draw (spotcheck-draw/3)"
    ]
    for broken in ({"frame": []}, {"frame": [["YJJ", "A"]], "salts": {}}, "rows"):
        assert failed(disclosure.part_checks(load(TARGETS), broken, ["YJJ"])) == [
            "the clear rows and their salts can be read"
        ]
