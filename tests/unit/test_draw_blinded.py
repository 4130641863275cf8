"""Blinded draws (盲化抽取, DRAW-SPEC "Blinded draws, version 3"): the known answers reproduced from the clear inputs
and the key, and verified by the platform's verifier and by the independent check of the spec page; each business
checking its own row with its salt, the bureau checking every row with the key and the clear frame; any altered
proof, salt, key or clear row refused; the C tokens the Python's; and a redacted proof verifying its seed."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from spotcheck.draw import blinding, disclosure, native, target_frames, targets, versions
from spotcheck.draw.__main__ import main as draw_main
from spotcheck.draw.bundle import FILE_NAME, build
from spotcheck.draw.primitives import derive_seed
from spotcheck.draw.verify import verify
from tests.independent.draw_spec_check import check as independent_check, check_bureau, check_own
from tests.support.draw_strategies import ids as credit_ids

VECTORS = Path(__file__).resolve().parents[1] / "data" / "draw-vectors"
V3_VECTORS = ["targets-joint-v3.json", "inspectors-rich-v3.json"]
TIMES = ("committed_at", "frozen_at", "drawn_at")


def load(name):
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


def disclosed(name):
    """The vector's ``.disclosure.json``: the key, the clear frame, the holders' salts and what each must see."""
    return load(name.replace(".json", ".disclosure.json"))


def key_of(name):
    return bytes.fromhex(disclosed(name)["blind_key"])


def redraw(vector, clear):
    """The draw made again from the clear inputs and the key, its replacements made as the department makes them."""
    key = bytes.fromhex(clear["blind_key"])
    common = {
        "campaign": vector["campaign"],
        "nonce": bytes.fromhex(vector["nonce"]),
        "public_inputs": vector["public_inputs"],
        "blind_key": key,
    }
    if vector["kind"] == "targets":
        proof = targets.draw_targets(
            frame=[tuple(row) for row in clear["frame"]],
            rules=vector["rules"],
            reserve_size=vector["reserve_size"],
            **common,
        )
        for record in vector["replacements"]:
            targets.replace_target(
                proof, group=record["group"], stratum=record["stratum"], out=record["out"], reason=record["reason"]
            )
        return proof
    proof = versions.draw_inspectors(
        lines=clear["frame_lines"],
        team_size=vector["team_size"],
        per_group_min=vector["per_group_min"],
        capacity=vector["capacity"],
        **common,
    )
    for record in vector["replacements"]:
        versions.replace_inspector(proof, visit=record["visit"], out=record["out"], reason=record["reason"])
    return proof


def failed(proof):
    return [c.name for c in verify(proof) if not c.ok]


# --- the known answers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", V3_VECTORS)
def test_the_engine_reproduces_the_blinded_known_answers_from_the_clear_inputs_and_the_key(name):
    """Field by field, with the vector's replacements made by ``replace_target`` / ``replace_inspector``; only the
    platform's timestamps are left to the caller."""
    vector = load(name)
    ours = redraw(vector, disclosed(name))
    assert set(ours) == set(vector) - set(TIMES)
    for field in set(vector) - set(TIMES):
        assert ours[field] == vector[field], field
    if vector["kind"] == "inspectors":
        assert list(ours["teams"]) == list(vector["teams"])  # visits in draw order


@pytest.mark.parametrize("name", V3_VECTORS)
def test_the_blinded_known_answers_verify_here_and_in_the_independent_check(name):
    """Every check of the verifier holds, among them the version 3 ones; the check written from the spec page alone
    agrees."""
    vector = load(name)
    checks = verify(vector)
    assert checks and all(c.ok for c in checks), [str(c) for c in checks if not c.ok]
    names = {c.name for c in checks}
    assert {"every entity id is a token", "public inputs are not empty"} <= names
    assert "blind_commitment is 64 hex characters and differs from commitment" in names
    independent_check(vector)


@pytest.mark.parametrize("name", V3_VECTORS)
def test_every_holder_sees_what_the_disclosure_expects(name):
    """A business given its salt sees its rank, cell and status (targets), or its visit's lines, team and
    replacements (inspectors), exactly as the vector's ``expected`` says — here and in the independent check."""
    vector, clear = load(name), disclosed(name)
    assert clear["salts"]
    for identifier, salt_hex in clear["salts"].items():
        token, rows = disclosure.own_rows(vector, identifier, bytes.fromhex(salt_hex))
        assert token == blinding.token_of(bytes.fromhex(salt_hex), identifier)
        assert rows == clear["expected"][identifier], identifier
        assert check_own(vector, identifier, salt_hex) == clear["expected"][identifier], identifier
        checks = disclosure.own_checks(vector, identifier, salt_hex)
        assert all(c.ok for c in checks), [str(c) for c in checks if not c.ok]
        assert f"the holder's token {token} is in the draw" in [c.name for c in checks]


def test_the_target_disclosure_covers_a_selected_a_replaced_and_a_brought_in_holder():
    """DRAW-SPEC: the known answers' holders include each status a business may be told, and an entity in both
    departments' frames has one token, seen in both groups."""
    statuses = [row["status"] for rows in disclosed("targets-joint-v3.json")["expected"].values() for row in rows]
    assert "selected" in statuses and "not drawn" in statuses
    for prefix in ("reserve ", "replaced out: ", "brought in, replacing "):
        assert any(status.startswith(prefix) for status in statuses), prefix
    assert any(len(rows) == 2 for rows in disclosed("targets-joint-v3.json")["expected"].values())


@pytest.mark.parametrize("name", V3_VECTORS)
def test_the_salts_handed_to_holders_come_from_the_committed_key(name):
    """``salt(x) = HMAC(blind_key, "salt|" ‖ kind ‖ "|" ‖ x)``, and the key is the one whose hash was published."""
    vector, clear = load(name), disclosed(name)
    key = bytes.fromhex(clear["blind_key"])
    assert blinding.blind_commitment(key) == vector["blind_commitment"]
    for identifier, salt_hex in clear["salts"].items():
        assert blinding.salt(key, vector["kind"], identifier).hex() == salt_hex


def test_the_same_business_has_unrelated_tokens_in_two_draws():
    """The target draw and the inspector draw have their own keys: a visit's token is not its target token."""
    targets_key, inspectors_key = key_of("targets-joint-v3.json"), key_of("inspectors-rich-v3.json")
    assert targets_key != inspectors_key
    business = "91330100MA0DY12NXC"
    assert blinding.token(targets_key, "targets", business) != blinding.token(inspectors_key, "inspectors", business)
    assert blinding.token(targets_key, "targets", business) != blinding.token(targets_key, "inspectors", business)


# --- the holder's and the bureau's checks refuse what does not hold -------------------------------------------------


@pytest.mark.parametrize("name", V3_VECTORS)
def test_a_wrong_salt_is_not_found_in_the_draw(name):
    """Another holder's salt, or a salt with one byte changed, gives a token the draw does not hold: the holder's
    check fails on that, its public part still holding."""
    vector, clear = load(name), disclosed(name)
    (first, salt_hex), (_, other_salt) = list(clear["salts"].items())[:2]
    for wrong in (other_salt, ("0" if salt_hex[0] != "0" else "1") + salt_hex[1:]):
        assert disclosure.own_rows(vector, first, bytes.fromhex(wrong))[1] is None
        checks = disclosure.own_checks(vector, first, wrong)
        assert [c.name for c in checks if not c.ok] == [
            f"the holder's token {blinding.token_of(bytes.fromhex(wrong), first)} is in the draw"
        ]
        assert all(c.ok for c in checks[:-1])
        with pytest.raises(AssertionError, match="token in the draw"):
            check_own(vector, first, wrong)


def test_a_holders_check_of_a_clear_proof_is_refused():
    """``--own`` has nothing to check in a version 1 proof (its ids are in clear): it fails rather than pass."""
    clear = disclosed("targets-joint-v3.json")
    identifier, salt_hex = next(iter(clear["salts"].items()))
    checks = disclosure.own_checks(load("targets-joint.json"), identifier, salt_hex)
    assert [c.name for c in checks if not c.ok] == ["the proof is a blinded draw (spotcheck-draw/3)"]


@pytest.mark.parametrize("name", V3_VECTORS)
def test_the_bureau_check_passes_with_the_key_and_the_clear_frame(name):
    """``H(KEY) = blind_commitment`` and the clear frame blinded with the key gives the published digest."""
    vector, clear = load(name), disclosed(name)
    checks = disclosure.bureau_checks(vector, clear["blind_key"], clear)
    assert all(c.ok for c in checks), [str(c) for c in checks if not c.ok]
    names = [c.name for c in checks]
    assert "H(key) = blind_commitment" in names
    assert "the clear frame blinded with the key gives the frame digest" in names
    check_bureau(vector, clear["blind_key"], clear)


@pytest.mark.parametrize("name", V3_VECTORS)
def test_a_wrong_key_fails_the_bureau_check(name):
    """Any other key (the other draw's, or one byte changed) is not the committed one, and blinds to another
    digest."""
    vector, clear = load(name), disclosed(name)
    key = clear["blind_key"]
    other = disclosed(next(n for n in V3_VECTORS if n != name))["blind_key"]
    for wrong in (other, key[:-1] + ("0" if key[-1] != "0" else "1")):
        refused = [c.name for c in disclosure.bureau_checks(vector, wrong, clear) if not c.ok]
        assert refused == ["H(key) = blind_commitment", "the clear frame blinded with the key gives the frame digest"]
        with pytest.raises(AssertionError, match="blind_commitment"):
            check_bureau(vector, wrong, clear)


def _change_a_clear_id(clear):
    clear["frame"][3][2] = clear["frame"][3][2][:-1] + "Z"


def _move_a_clear_row(clear):
    clear["frame"][0][1] = "B"


def _drop_a_clear_row(clear):
    del clear["frame"][-1]


def _change_a_clear_visit(clear):
    index = next(i for i, line in enumerate(clear["frame_lines"]) if line.startswith("V\t"))
    clear["frame_lines"][index] = clear["frame_lines"][index].replace("91330100MA", "91330100MB", 1)


def _drop_a_clear_recusal(clear):
    clear["frame_lines"].remove(next(line for line in clear["frame_lines"] if line.startswith("X\t")))


def _widen_a_clear_need(clear):
    index = next(i for i, line in enumerate(clear["frame_lines"]) if line.startswith("V\t"))
    clear["frame_lines"][index] += ",food"


@pytest.mark.parametrize(
    "name, change",
    [
        ("targets-joint-v3.json", _change_a_clear_id),
        ("targets-joint-v3.json", _move_a_clear_row),
        ("targets-joint-v3.json", _drop_a_clear_row),
        ("inspectors-rich-v3.json", _change_a_clear_visit),
        ("inspectors-rich-v3.json", _drop_a_clear_recusal),
        ("inspectors-rich-v3.json", _widen_a_clear_need),
    ],
)
def test_a_changed_clear_row_fails_the_bureau_check(name, change):
    """A clear frame that is not the one drawn (an id, a stratum, a row, a recusal, a need) blinds to another
    digest, with the right key."""
    vector, clear = load(name), disclosed(name)
    change(clear)
    refused = [c.name for c in disclosure.bureau_checks(vector, clear["blind_key"], clear) if not c.ok]
    assert refused == ["the clear frame blinded with the key gives the frame digest"]
    with pytest.raises(AssertionError, match="frame_digest"):
        check_bureau(vector, clear["blind_key"], clear)


def test_the_bureau_check_counts_the_exclusions_against_the_published_counts():
    """The clear file's exclusions per reason must be the counts the public page showed beside the frame."""
    vector, clear = load("targets-joint-v3.json"), disclosed("targets-joint-v3.json")
    published = {reason: 1 for _, reason in clear["excluded"]}
    assert len(published) == 2
    checks = disclosure.bureau_checks(vector, clear["blind_key"], clear, published)
    assert all(c.ok for c in checks) and sum(c.name.startswith("excluded before the freeze") for c in checks) == 2
    wrong = {**published, clear["excluded"][0][1]: 2}
    refused = [c for c in disclosure.bureau_checks(vector, clear["blind_key"], clear, wrong) if not c.ok]
    assert [c.name for c in refused] == [f"excluded before the freeze: {clear['excluded'][0][1]}: 1"]
    assert refused[0].detail == "published 2"


# --- altered proofs ---------------------------------------------------------------------------------------------


def _flip(token):
    return token[:-1] + ("0" if token[-1] != "0" else "1")


def _not_drawn(proof, group, stratum):
    taken = set(proof["selected"][group][stratum]) | set(proof["reserves"][group][stratum])
    return next(t for g, s, t in proof["frame"] if (g, s) == (group, stratum) and t not in taken)


def _flip_a_visit(proof, kind):
    """The visit token of the first ``kind`` line changed (its line kept in order)."""
    lines = proof["frame_lines"]
    index = next(i for i, line in enumerate(lines) if line.startswith(kind + "\t"))
    fields = lines[index].split("\t")
    fields[1] = _flip(fields[1])
    lines[index] = "\t".join(fields)


TARGET_CHANGES = {
    "a selected token swapped for a not-drawn one": lambda p: p["selected"]["SCJ"]["B"].__setitem__(
        0, _not_drawn(p, "SCJ", "B")
    ),
    "a selected token changed": lambda p: p["selected"]["YJJ"]["A"].__setitem__(1, _flip(p["selected"]["YJJ"]["A"][1])),
    "a reserve token changed": lambda p: p["reserves"]["SCJ"]["C"].__setitem__(0, _flip(p["reserves"]["SCJ"]["C"][0])),
    "a frame token changed": lambda p: p["frame"][5].__setitem__(2, _flip(p["frame"][5][2])),
    "a frame row moved to another stratum": lambda p: p["frame"][0].__setitem__(1, "B"),
    "a frame row dropped": lambda p: p["frame"].pop(),
    "the replacement brings in the second reserve": lambda p: p["replacements"][0].__setitem__(
        "in", p["reserves"]["SCJ"]["A"][1]
    ),
    "blind_commitment equal to commitment": lambda p: p.__setitem__("blind_commitment", p["commitment"]),
    "blind_commitment in capitals": lambda p: p.__setitem__("blind_commitment", p["blind_commitment"].upper()),
    "blind_commitment missing": lambda p: p.pop("blind_commitment"),
    "public_inputs empty": lambda p: p.__setitem__("public_inputs", []),
    "a selected token in capitals": lambda p: p["selected"]["SCJ"]["D"].__setitem__(
        0, p["selected"]["SCJ"]["D"][0].upper()
    ),
    "the nonce changed": lambda p: p.__setitem__("nonce", "00" * 32),
}

INSPECTOR_CHANGES = {
    "a team member changed": lambda p: next(iter(p["teams"].values())).__setitem__(0, "3301002001"),
    "a team in another order": lambda p: next(iter(p["teams"].values())).reverse(),
    "a visit token changed in a V line": lambda p: _flip_a_visit(p, "V"),
    "a visit token changed in an X line": lambda p: _flip_a_visit(p, "X"),
    "a recusal dropped": lambda p: p["frame_lines"].pop(),
    "a pool line changed": lambda p: p["frame_lines"].__setitem__(1, "P\tSCJ\t3301002001\tfood,market"),
    "a teams key in capitals": lambda p: p.__setitem__("teams", {v.upper(): t for v, t in p["teams"].items()}),
    "a replacement brings in another": lambda p: p["replacements"][1].__setitem__("in", "3301045003"),
    "a replacement at a visit in capitals": lambda p: p["replacements"][0].__setitem__(
        "visit", p["replacements"][0]["visit"].upper()
    ),
    "blind_commitment equal to commitment": lambda p: p.__setitem__("blind_commitment", p["commitment"]),
    "public_inputs empty": lambda p: p.__setitem__("public_inputs", []),
}


@pytest.mark.parametrize(
    "name, change",
    [("targets-joint-v3.json", c) for c in TARGET_CHANGES]
    + [("inspectors-rich-v3.json", c) for c in INSPECTOR_CHANGES],
)
def test_an_altered_blinded_proof_is_refused(name, change):
    """Any change to a selection, reserve, team, replacement, frame row or version 3 field fails the verifier and
    the independent check."""
    proof = load(name)
    (TARGET_CHANGES if proof["kind"] == "targets" else INSPECTOR_CHANGES)[change](proof)
    assert proof != load(name)
    assert failed(proof), change
    with pytest.raises(AssertionError):
        independent_check(proof)


@pytest.mark.parametrize(
    "name, change, check_name",
    [
        (
            name,
            "blind_commitment equal to commitment",
            "blind_commitment is 64 hex characters and differs from commitment",
        )
        for name in V3_VECTORS
    ]
    + [(name, "public_inputs empty", "public inputs are not empty") for name in V3_VECTORS],
)
def test_the_version_3_field_checks_name_what_is_wrong(name, change, check_name):
    """A published key commitment equal to the nonce's, or a draw without an outside input, is refused by its own
    check, so that the page says why."""
    proof = load(name)
    (TARGET_CHANGES if proof["kind"] == "targets" else INSPECTOR_CHANGES)[change](proof)
    assert check_name in failed(proof)


def test_a_blinded_target_proof_that_names_businesses_in_clear_is_refused(monkeypatch):
    """A version 3 proof whose arithmetic holds but whose frame holds 统一社会信用代码 instead of tokens fails on
    that alone."""
    clear = disclosed("targets-joint-v3.json")
    vector = load("targets-joint-v3.json")
    monkeypatch.setattr(blinding, "blind_rows", lambda key, rows: rows)  # the draw made over the clear ids
    vector["replacements"] = []  # the vector's replacement names businesses by their tokens
    proof = redraw(vector, clear)
    assert proof["frame"][0][2].startswith("91330100")
    assert failed(proof) == ["every entity id is a token"]
    with pytest.raises(AssertionError, match="token"):
        independent_check(proof)


def test_a_blinded_inspector_proof_that_names_visits_in_clear_is_refused(monkeypatch):
    """The same for an inspector draw: visits (and so recusals) named by their business's code are refused."""
    clear = disclosed("inspectors-rich-v3.json")
    vector = load("inspectors-rich-v3.json")
    monkeypatch.setattr(blinding, "blind_lines", lambda key, lines: sorted(lines))  # the draw over the clear lines
    vector["replacements"] = []  # the vector's replacements name visits by their tokens
    vector["capacity"] = None  # another seed: the vector's capacity may not leave a team for every visit
    proof = redraw(vector, clear)
    assert any(visit.startswith("91330100") for visit in proof["teams"])
    assert failed(proof) == ["every entity id is a token"]
    with pytest.raises(AssertionError, match="token"):
        independent_check(proof)


# --- the engine -------------------------------------------------------------------------------------------------


any_ids = st.text(st.characters(blacklist_characters="\t\n|", blacklist_categories=("Cs",)), min_size=1, max_size=8)


@given(
    st.one_of(st.binary(min_size=32, max_size=32), st.binary(max_size=100)),
    st.sampled_from(["targets", "inspectors"]),
    st.lists(st.one_of(credit_ids, any_ids), max_size=30),
)
@settings(max_examples=200, deadline=None)
def test_the_c_tokens_are_the_python_tokens(key, kind, given_ids):
    """A frame's tokens made in C are those of the Python reference and of ``token(x)`` one by one, on any ids
    (UTF-8 beyond ASCII, ids that are prefixes of each other, repeats) and any key length."""
    assert native.BUILT, "spotcheck/draw/_native.c was not built"
    in_c = blinding.tokens(key, kind, given_ids)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(native, "BUILT", False)
        assert blinding.tokens(key, kind, given_ids) == in_c
    assert in_c == [blinding.token(key, kind, identifier) for identifier in given_ids]


frames = st.lists(
    st.tuples(st.sampled_from(["SCJ", "YJJ", "商务局"]), st.sampled_from(["A", "B", "flagged"]), credit_ids),
    min_size=1,
    max_size=40,
    unique=True,
)


@given(frames, st.binary(min_size=32, max_size=32))
@settings(max_examples=60, deadline=None)
def test_a_draw_from_the_blinded_frame_file_is_the_draw_from_the_rows(rows, key):
    """The frame file blinded at the freeze (in C, and in Python alike) is the proof's frame, and a draw from it is
    the draw from the clear rows with the key, the frame left out."""
    rules = {g: {s: {"ratio_bp": 3000, "min": 1} for s in ("A", "B", "flagged")} for g in ("SCJ", "YJJ", "商务局")}
    common = {"campaign": "联抽〔2026〕9号", "nonce": b"\x11" * 32, "rules": rules, "reserve_size": 2}
    common["public_inputs"] = ["observer:某 1"]
    from_rows = targets.draw_targets(frame=rows, blind_key=key, **common)
    blinded = blinding.blind_frame_file(key, target_frames.frame_file(rows))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(native, "BUILT", False)
        assert blinding.blind_frame_file(key, target_frames.frame_file(rows)) == blinded
    assert blinded == "".join(f"{g}\t{s}\t{t}\n" for g, s, t in from_rows["frame"]).encode()
    from_file = targets.draw_targets_from_file(frame_file=blinded, blind_key=key, **common)
    assert from_file == {k: v for k, v in from_rows.items() if k != "frame"}
    assert from_rows["algorithm"] == "spotcheck-draw/3"
    assert hashlib.sha256(blinded).hexdigest() == from_rows["frame_digest"]


def test_a_blinded_draw_without_an_outside_input_is_refused():
    """With no observer's input the operator, who chose the nonce and the key, could steer a frame nobody reads:
    each draw function refuses it, and the same draw without a key (version 1 or 2) is still allowed."""
    clear = disclosed("targets-joint-v3.json")
    vector = load("targets-joint-v3.json")
    rows = [tuple(r) for r in clear["frame"]]
    common = {"campaign": vector["campaign"], "nonce": b"\x22" * 32, "public_inputs": []}
    target_args = {"rules": vector["rules"], "reserve_size": 2, **common}
    with pytest.raises(ValueError, match="outside input"):
        targets.draw_targets(frame=rows, blind_key=b"\x01" * 32, **target_args)
    with pytest.raises(ValueError, match="outside input"):
        targets.draw_targets_from_file(
            frame_file=blinding.blind_frame_file(b"\x01" * 32, target_frames.frame_file(rows)),
            blind_key=b"\x01" * 32,
            **target_args,
        )
    inspector_args = {"lines": disclosed("inspectors-rich-v3.json")["frame_lines"], **common}
    inspector_args.update(team_size=2, per_group_min=1, capacity=None)
    with pytest.raises(ValueError, match="outside input"):
        versions.draw_inspectors(blind_key=b"\x01" * 32, **inspector_args)
    assert targets.draw_targets(frame=rows, **target_args)["algorithm"] == "spotcheck-draw/1"
    assert versions.draw_inspectors(**inspector_args)["algorithm"] == "spotcheck-draw/2"


# --- the command and the one-file verifier ----------------------------------------------------------------------


def _clear_file(tmp_path, name, change=None):
    clear = disclosed(name)
    frame = clear["frame"] if "frame" in clear else clear["frame_lines"]
    path = tmp_path / "clear.json"
    data = json.loads(disclosure.clear_file(load(name)["kind"], frame, clear.get("excluded")))
    if change:
        change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name", V3_VECTORS)
def test_verify_own_exits_0_for_a_holder_in_the_draw_and_1_for_a_wrong_salt(name, capsys):
    """``spotcheck draw verify PROOF --own ID SALT``: 0 and the holder's rows printed; 1 with a salt not its own."""
    clear = disclosed(name)
    identifier, salt_hex = next(iter(clear["salts"].items()))
    path = str(VECTORS / name)
    assert draw_main(["verify", path, "--own", identifier, salt_hex]) == 0
    out = capsys.readouterr().out
    assert "proof verified" in out and blinding.token_of(bytes.fromhex(salt_hex), identifier) in out
    assert draw_main(["verify", path, "--own", identifier, _flip(salt_hex)]) == 1
    assert "NOT verified" in capsys.readouterr().err


@pytest.mark.parametrize("name", V3_VECTORS)
def test_verify_with_the_key_and_the_clear_file_exits_0_and_1_for_a_wrong_key_or_row(name, tmp_path, capsys):
    """``--key KEY --clear FILE`` (either order): 0 for the disclosure; 1 for another key or a changed clear row."""
    key, path = disclosed(name)["blind_key"], str(VECTORS / name)
    clear = _clear_file(tmp_path, name)
    assert draw_main(["verify", path, "--key", key, "--clear", clear]) == 0
    assert "proof verified" in capsys.readouterr().out
    assert draw_main(["verify", path, "--clear", clear, "--key", key]) == 0
    assert draw_main(["verify", path, "--key", _flip(key), "--clear", clear]) == 1
    changed = _change_a_clear_id if name.startswith("targets") else _drop_a_clear_recusal
    assert draw_main(["verify", path, "--key", key, "--clear", _clear_file(tmp_path, name, changed)]) == 1
    assert "NOT verified" in capsys.readouterr().err


def test_verify_own_or_key_exits_2_when_a_file_cannot_be_read(tmp_path, capsys):
    """A proof or a clear file that is missing or not JSON, or arguments that are neither form: 2, not a verdict."""
    name = "targets-joint-v3.json"
    clear = disclosed(name)
    identifier, salt_hex = next(iter(clear["salts"].items()))
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    path = str(VECTORS / name)
    assert draw_main(["verify", str(tmp_path / "absent.json"), "--own", identifier, salt_hex]) == 2
    assert draw_main(["verify", str(broken), "--own", identifier, salt_hex]) == 2
    assert draw_main(["verify", str(broken), "--key", clear["blind_key"], "--clear", _clear_file(tmp_path, name)]) == 2
    assert draw_main(["verify", path, "--key", clear["blind_key"], "--clear", str(broken)]) == 2
    assert draw_main(["verify", path, "--key", clear["blind_key"], "--clear", str(tmp_path / "absent.json")]) == 2
    assert draw_main(["verify", path, "--own", identifier]) == 2
    assert draw_main(["verify", path, "--key", clear["blind_key"]]) == 2
    capsys.readouterr()


@pytest.mark.parametrize("name", V3_VECTORS)
def test_the_one_file_verifier_checks_a_holders_row(name, tmp_path):
    """``python3 spotcheck-verify.pyz PROOF --own ID SALT``, built from this source: 0 for the holder, 1 for a wrong
    salt."""
    verifier = tmp_path / FILE_NAME
    verifier.write_bytes(build())
    identifier, salt_hex = next(iter(disclosed(name)["salts"].items()))
    run = [sys.executable, "-I", str(verifier), str(VECTORS / name), "--own", identifier]
    held = subprocess.run([*run, salt_hex], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert held.returncode == 0 and "proof verified" in held.stdout, held.stdout[-2000:] + held.stderr
    assert blinding.token_of(bytes.fromhex(salt_hex), identifier) in held.stdout
    wrong = subprocess.run([*run, _flip(salt_hex)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert wrong.returncode == 1 and "NOT verified" in wrong.stderr, wrong.stdout[-2000:] + wrong.stderr


# --- a redacted proof -------------------------------------------------------------------------------------------


def redacted(name="targets-joint.json"):
    """A version 1 proof withdrawn from public view, as DRAW-SPEC "A redacted proof" writes it."""
    original = (VECTORS / name).read_bytes()
    proof = json.loads(original)
    counts: dict[str, dict[str, int]] = {}
    for group, stratum, _ in proof["frame"]:
        counts.setdefault(group, {}).setdefault(stratum, 0)
        counts[group][stratum] += 1
    kept = ("algorithm", "kind", "campaign", "commitment", "nonce", "frame_digest", "public_inputs", "seed")
    return {
        **{field: proof[field] for field in kept},
        "redacted": True,
        "original_sha256": hashlib.sha256(original).hexdigest(),
        "counts": counts,
    }


def test_a_redacted_proof_verifies_its_commitment_and_seed(tmp_path, capsys):
    """Only ``H(nonce) = commitment`` and the seed remain to check, and both hold; the rest is shown as redacted."""
    proof = redacted()
    checks = verify(proof)
    assert all(c.ok for c in checks), [str(c) for c in checks if not c.ok]
    names = [c.name for c in checks]
    assert "H(nonce) = commitment" in names and any(n.startswith("seed = HMAC") for n in names)
    assert any(n.startswith("redacted: ") for n in names)
    independent_check(proof)
    path = tmp_path / "redacted.json"
    path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    assert draw_main(["verify", str(path)]) == 0
    assert "proof verified" in capsys.readouterr().out


@pytest.mark.parametrize(
    "field, value",
    [
        ("nonce", "00" * 32),
        ("seed", _flip(redacted()["seed"])),
        ("public_inputs", ["observer:someone else"]),
        ("frame_digest", _flip(redacted()["frame_digest"])),
    ],
)
def test_a_redacted_proof_with_a_changed_nonce_or_seed_fails(field, value):
    """A redacted proof still binds the nonce to its commitment and the seed to the digest and inputs."""
    proof = redacted()
    proof[field] = value
    assert failed(proof)
    with pytest.raises(AssertionError):
        independent_check(proof)


def test_a_blinded_proof_cannot_be_redacted():
    """Redaction is for version 1 and 2 proofs: a version 3 proof has nothing to withdraw."""
    proof = load("targets-joint-v3.json")
    withdrawn = {field: proof[field] for field in redacted() if field in proof}
    withdrawn.update(redacted=True, counts={"SCJ": {"A": 15}}, original_sha256="ab" * 32)
    assert withdrawn["algorithm"] == "spotcheck-draw/3" and set(withdrawn) == set(redacted())
    assert failed(withdrawn)
    with pytest.raises(AssertionError):
        independent_check(withdrawn)


def test_the_blinded_seed_names_version_3():
    """``seed = HMAC(nonce, "spotcheck-draw/3|" ‖ kind ‖ …)``: the same inputs under version 1 give another seed."""
    for name in V3_VECTORS:
        vector = load(name)
        args = (
            bytes.fromhex(vector["nonce"]),
            vector["kind"],
            vector["campaign"],
            bytes.fromhex(vector["frame_digest"]),
            vector["public_inputs"],
        )
        assert derive_seed(*args, algorithm="spotcheck-draw/3").hex() == vector["seed"]
        assert derive_seed(*args).hex() != vector["seed"]
