"""The browser verifier (spotcheck-verify.js, 浏览器验证程序): one file, built by npm from
``static/verifier-src``, that checks a draw proof under Node and in the citizen's own browser.

Under Node it accepts the known answers and refuses their altered copies; on those, on proofs of
both inspector versions with replacements and on the proofs a campaign publishes, its verdicts are
``spotcheck.draw.verify.verify``'s, check for check. Blinded draws (spotcheck-draw/3) and redacted
proofs too, with the holder's check (``--own ID SALT``) and the bureau's (``--key KEY --clear FILE``)
printing what ``python3 -m spotcheck.draw verify`` prints, line for line. In Chromium the public verification page runs
it on the published proof and shows every check in Chinese with the time it took, on a desk and on
a phone. Without node or the built file these tests skip (fail with SPOTCHECK_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import (
    blinding,
    disclosure,
    inspectors,
    proof_file,
    shuffle,
    target_frames,
    targets,
    versions,
    wording,
)
from spotcheck.draw.__main__ import verify_command
from spotcheck.draw.verify import verify
from spotcheck.platform.web import browser_verifier
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.models import TeamMember
from tests.support.browsers import assert_styled, at_both_widths, new_context, new_page
from tests.support.campaign_world import build, planner_of
from tests.support.ceremony_world import campaign_through
from tests.support.helpers import served, user_named
from tests.support.verifier import node as _node, run_node as run

VECTORS = Path(__file__).resolve().parents[1] / "data" / "draw-vectors"
NAMES = ["targets-joint.json", "inspectors-joint.json", "inspectors-joint-v2.json", "inspectors-rich-v2.json"]


def same_as_python(proof: dict, path: Path, *, chinese: bool = True) -> int:
    """Write ``proof``, check it with Node and assert the same checks and verdicts as verify.py; the exit code.
    ``chinese``: every check has its label in Chinese (not so where wording.py has none either)."""
    path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    result = run(path, "--json")
    assert result.returncode in (0, 1), result.stderr
    checks = json.loads(result.stdout)["checks"]
    assert [(c["name"], c["ok"]) for c in checks] == [(c.name, c.ok) for c in verify(proof)]
    assert not chinese or all(re.search(r"[\u4e00-\u9fff]", c["label"]) for c in checks), [c["label"] for c in checks]
    assert result.returncode == (0 if all(c["ok"] for c in checks) else 1)
    return result.returncode


def vector(name: str) -> dict:
    return json.loads((VECTORS / name).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------- Node, the known answers


@pytest.mark.parametrize("name", NAMES)
def test_node_accepts_the_known_answers_in_chinese(name):
    result = run(VECTORS / name)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr
    assert "FAIL" not in result.stdout and "证明已验证" in result.stdout and "秒" in result.stdout
    assert "公开的秘密随机数与事先公布的承诺值一致" in result.stdout and "随机种子由秘密随机数" in result.stdout


def _with_replacements(name: str) -> dict:
    """A known answer with replacements recorded by the engine: two in one cell (targets), or three
    on two visits (inspectors, by the proof's own version)."""
    proof = vector(name)
    if proof["kind"] == "targets":
        group, stratum = next(
            (g, s)
            for g, strata in sorted(proof["reserves"].items())
            for s, ids in sorted(strata.items())
            if len(ids) >= 2
        )
        first = targets.replace_target(
            proof, group=group, stratum=stratum, out=proof["selected"][group][stratum][0], reason="已注销"
        )
        targets.replace_target(proof, group=group, stratum=stratum, out=first["in"], reason="已迁出")
        return proof
    made = 0
    for visit in list(proof["teams"])[:6]:  # two on a visit, one on another (where someone is left)
        for position in (0, 1):
            if made < 3 and (made < 2 or position == 1):
                try:
                    versions.replace_inspector(
                        proof, visit=visit, out=inspectors.current_teams(proof)[visit][position], reason="请假"
                    )
                    made += 1
                except inspectors.DrawError:
                    pass
    assert made == 3
    return proof


def _other_inspector(proof: dict, visit: str) -> str:
    pool = [line.split("\t")[2] for line in proof["frame_lines"] if line.startswith("P\t")]
    return next(i for i in pool if i not in proof["teams"][visit])


def _altered(proof: dict, how: str) -> dict:
    proof = copy.deepcopy(proof)
    if how == "swapped":
        if proof["kind"] == "targets":
            group, strata = next(iter(proof["selected"].items()))
            stratum = next(s for s, ids in strata.items() if ids and proof["reserves"][group][s])
            proof["selected"][group][stratum][0] = proof["reserves"][group][stratum][-1]
        else:
            visit = next(iter(proof["teams"]))
            proof["teams"][visit][0] = _other_inspector(proof, visit)
    elif how == "nonce":
        nonce = proof["nonce"]
        proof["nonce"] = ("1" if nonce[0] == "0" else "0") + nonce[1:]
    elif how == "unknown field":
        proof["remarks"] = "抽取顺利"
    elif how == "replacement in":
        record = proof["replacements"][0]
        if proof["kind"] == "targets":
            reserves = proof["reserves"][record["group"]][record["stratum"]]
            record["in"] = next(i for i in reserves if i != record["in"])
        else:
            record["in"] = _other_inspector(proof, record["visit"])
    return proof


@pytest.mark.parametrize("name", NAMES)
def test_node_refuses_altered_copies_as_python_does(name, tmp_path):
    original = _with_replacements(name)
    assert same_as_python(original, tmp_path / "replaced.json") == 0
    for how in ("swapped", "nonce", "unknown field", "replacement in"):
        altered = _altered(original, how)
        assert same_as_python(altered, tmp_path / f"{how}.json") == 1, how
        assert not all(check.ok for check in verify(altered)), how
    # the file as given, byte for byte: a byte of the published seed changed
    path = tmp_path / "seed.json"
    text = (VECTORS / name).read_text(encoding="utf-8")
    seed = vector(name)["seed"]
    path.write_text(text.replace(seed, ("0" if seed[0] != "0" else "1") + seed[1:]), encoding="utf-8")
    assert run(path).returncode == 1


def test_a_malformed_proof_is_a_failed_check_and_a_bad_file_exit_2(tmp_path):
    broken = vector("inspectors-rich-v2.json")
    broken["nonce"] = "not hex"
    assert same_as_python(broken, tmp_path / "broken.json") == 1
    result = run(tmp_path / "broken.json")
    assert "证明文件完整且格式正确" in result.stdout and "ValueError" in result.stdout and "Error:" not in result.stderr
    for proof in (
        vector("targets-joint.json") | {"frame": [["SCJ", "A"]]},
        vector("inspectors-joint.json") | {"team_size": 1},
        vector("inspectors-joint.json") | {"teams": ["a"]},
        {"kind": "audit"},
        [1, 2],
    ):
        same_as_python(proof, tmp_path / "malformed.json")
    (tmp_path / "not.json").write_text("{", encoding="utf-8")
    assert run(tmp_path / "not.json").returncode == 2
    assert run(tmp_path / "missing.json").returncode == 2
    usage = subprocess.run([_node(), str(browser_verifier.PATH)], capture_output=True, text=True, timeout=60)
    assert usage.returncode == 2 and "node spotcheck-verify.js PROOF.json" in usage.stderr
    assert "/3" in usage.stderr and "--own ID SALT" in usage.stderr and "--key KEY --clear FILE" in usage.stderr


def test_a_version_1_draw_with_a_capacity_that_binds_checks_as_python_does(tmp_path):
    """Each inspector version (version 3 blinded with a key) from one frame of three departments, recusals
    and a capacity: the teams, the replacements and a broken replacement history agree with verify.py."""
    needs = [
        (f"V{v:03d}", group, ["food", "drug"][v % 2 : v % 2 + 1] + (["safety"] if v % 3 == 0 else []))
        for v in range(40)
        for group in (["SCJ", "YJJ"] if v % 4 else ["SCJ", "YJJ", "SWJ"])
    ]
    skills = (["food", "drug"], ["drug", "safety"], ["safety", "food"])
    pool = [(group, f"{group}-{p:03d}", skills[p % 3]) for group in ("SCJ", "YJJ", "SWJ") for p in range(12)]
    recusals = [(f"V{v:03d}", f"SCJ-{v % 12:03d}") for v in range(0, 40, 3)]
    lines = inspectors.frame_lines(needs=needs, pool=pool, recusals=recusals)
    arguments = {
        "campaign": "市监联抽〔2026〕9号",
        "nonce": bytes(range(32)),
        "lines": lines,
        "team_size": 3,
        "per_group_min": 1,
        "capacity": 6,
        "public_inputs": ["observer:甲", ""],
    }
    for algorithm in (versions.VERSION_1, shuffle.ALGORITHM, blinding.ALGORITHM):
        if algorithm == blinding.ALGORITHM:
            proof = versions.draw_inspectors(blind_key=bytes(range(32, 64)), **arguments)
        else:
            proof = versions.redraw_inspectors(algorithm, **arguments)
        assert proof["algorithm"] == algorithm
        visits = list(proof["teams"])
        for visit in visits[:3] + visits[-2:]:
            versions.replace_inspector(proof, visit=visit, out=proof["teams"][visit][-1], reason="请假")
        assert same_as_python(proof, tmp_path / "drawn.json") == 0
        history = copy.deepcopy(proof)
        history["replacements"][0]["out"] = "nobody"  # the next replacement cannot be replayed
        assert same_as_python(history, tmp_path / "history.json") == 1
        assert same_as_python(proof | {"capacity": 4}, tmp_path / "tighter.json") == 1  # the teams cannot be formed
        assert not next(c for c in verify(proof | {"capacity": 4}) if c.name == "teams can be formed from the frame").ok


# ---------------------------------------------------------------------------- Node, blinded draws (version 3)

V3_NAMES = ["targets-joint-v3.json", "inspectors-rich-v3.json"]


def disclosed(name: str) -> dict:
    """The vector's ``.disclosure.json``: ``blind_key``, the clear frame, holders' salts and what each must see."""
    return json.loads((VECTORS / name.replace(".json", ".disclosure.json")).read_text(encoding="utf-8"))


def clear_file(name: str, path: Path, change=None) -> Path:
    """The clear file of the vector (DRAW-SPEC "The clear file"), changed by ``change`` when given."""
    found = disclosed(name)
    clear = (
        {"frame": found["frame"], "excluded": found["excluded"]}
        if "frame" in found
        else {"frame_lines": found["frame_lines"]}
    )
    if change:
        change(clear)
    path.write_text(json.dumps(clear, ensure_ascii=False), encoding="utf-8")
    return path


def python_checks(path: Path, own: tuple[str, str] | None = None, bureau: tuple[str, str] | None = None) -> list:
    proof = json.loads(path.read_text(encoding="utf-8"))
    if own:
        return disclosure.own_checks(proof, *own)
    if bureau:
        return disclosure.bureau_checks(proof, bureau[0], json.loads(Path(bureau[1]).read_text(encoding="utf-8")))
    return verify(proof)


def same_lines_as_python(path: Path, own: tuple[str, str] | None = None, bureau: tuple[str, str] | None = None) -> int:
    """``node spotcheck-verify.js PROOF.json [--own ID SALT | --key KEY --clear FILE]`` prints the lines that
    ``python3 -m spotcheck.draw verify`` prints (but the last, which tells the time it took) and exits as it does;
    with ``--json`` the same checks and verdicts as spotcheck.draw.disclosure's. The exit code."""
    flags = ["--own", *own] if own else ["--key", bureau[0], "--clear", bureau[1]] if bureau else []
    out, err = io.StringIO(), io.StringIO()
    code = verify_command(str(path), out, err, own=own, bureau=bureau)
    result = run(path, *flags)
    assert result.returncode == code, result.stdout[-2000:] + result.stderr
    verdict = ("证明已验证",)
    assert [line for line in result.stdout.splitlines() if not line.startswith(verdict)] == [
        line for line in out.getvalue().splitlines() if not line.startswith(verdict)
    ]
    assert result.stderr == err.getvalue()
    as_json = run(path, *flags, "--json")
    assert as_json.returncode == code, as_json.stderr
    checks = json.loads(as_json.stdout)["checks"]
    expected = python_checks(path, own, bureau)
    assert [(c["name"], c["ok"]) for c in checks] == [(c.name, c.ok) for c in expected]
    assert [c["label"] for c in checks] == [wording.label(c.name) for c in expected]  # wording.py's words
    return code


def expected_rows(expected: list | dict) -> list[str]:
    """The names of the holder's own checks the disclosure's ``expected`` says the holder must see."""
    if isinstance(expected, list):
        return [f"own {r['group']}/{r['stratum']}: rank {r['rank']} of {r['of']}: {r['status']}" for r in expected]
    return (
        [f"own line: {line}" for line in expected["lines"]]
        + [f"own team as drawn: {', '.join(expected['team'])}"]
        + [f"own replacement: {r['out']} → {r['in']}: {r['reason']}" for r in expected["replacements"]]
    )


@pytest.mark.parametrize("name", V3_NAMES)
def test_node_checks_the_blinded_known_answers_as_python_does(name, tmp_path):
    assert same_lines_as_python(VECTORS / name) == 0
    result = run(VECTORS / name)
    assert "证明已验证" in result.stdout and "盲化密钥的承诺值格式正确" in result.stdout
    assert "[every entity id is a token]" in result.stdout and "[public inputs are not empty]" in result.stdout
    assert "seed = HMAC(nonce, spotcheck-draw/3|" in result.stdout
    original = vector(name)
    # altered copies fail as they do in Python, the public check of version 3 included
    clear_id = next(iter(disclosed(name)["salts"]))  # a 统一社会信用代码 in clear: not a token
    for how in ("swapped", "nonce", "unknown field", "replacement in", "same commitments", "no inputs", "clear id"):
        if how == "same commitments":
            altered = original | {"blind_commitment": original["commitment"]}
        elif how == "no inputs":
            altered = original | {"public_inputs": []}
        elif how == "clear id":
            altered = copy.deepcopy(original)
            if altered["kind"] == "targets":
                altered["frame"][0][2] = clear_id
            else:
                altered["teams"] = {clear_id if n == 0 else v: t for n, (v, t) in enumerate(altered["teams"].items())}
        else:
            altered = _altered(original, how)
        # "algorithm is spotcheck-draw/1 or spotcheck-draw/2" has no label in wording.py either
        assert same_as_python(altered, tmp_path / f"{how}.json", chinese=how != "version 3") == 1, how
        assert same_lines_as_python(tmp_path / f"{how}.json") == 1, how


@pytest.mark.parametrize("name", V3_NAMES)
def test_each_holder_sees_its_own_rows_as_python_shows_them(name, tmp_path):
    found = disclosed(name)
    assert found["salts"].keys() == found["expected"].keys() and len(found["salts"]) >= 3
    for identifier, salt in found["salts"].items():
        assert same_lines_as_python(VECTORS / name, own=(identifier, salt)) == 0, identifier
        result = run(VECTORS / name, "--own", identifier, salt, "--json")
        names = [c["name"] for c in json.loads(result.stdout)["checks"]]
        rows = expected_rows(found["expected"][identifier])
        assert names[-len(rows) - 1].startswith("the holder's token ") and names[-len(rows) :] == rows, identifier
        assert "本对象的盲化标识" in run(VECTORS / name, "--own", identifier, salt).stdout
    if isinstance(next(iter(found["expected"].values())), list):  # the statuses in Chinese
        said = "".join(run(VECTORS / name, "--own", i, s).stdout for i, s in found["salts"].items())
        assert all(word in said for word in ("抽中", "备选第 1 位", "未抽中", "被替换（已注销）", "作为替补抽中，替换"))
    if isinstance(next(iter(found["expected"].values())), list):  # brought in, then replaced out again: replaced out
        proof = vector(name)
        record = proof["replacements"][0]
        brought_in = next(i for i, rows in found["expected"].items() if rows[0]["status"].startswith("brought in"))
        targets.replace_target(
            proof, group=record["group"], stratum=record["stratum"], out=record["in"], reason="已迁出"
        )
        path = tmp_path / "twice.json"
        path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
        assert same_lines_as_python(path, own=(brought_in, found["salts"][brought_in])) == 0
        assert "被替换（已迁出）" in run(path, "--own", brought_in, found["salts"][brought_in]).stdout
    # a wrong salt: the public check holds, the token is not in the draw
    identifier, salt = next(iter(found["salts"].items()))
    wrong = ("0" if salt[0] != "0" else "1") + salt[1:]
    assert same_lines_as_python(VECTORS / name, own=(identifier, wrong)) == 1
    assert same_lines_as_python(VECTORS / name, own=(identifier, "not hex")) == 1
    assert same_lines_as_python(VECTORS / "targets-joint.json", own=(identifier, salt)) == 1  # not a blinded draw


API = """
const verifier = require(process.argv[1]);
const text = require("fs").readFileSync(process.argv[2], "utf8");
const own = { id: process.argv[3], salt: process.argv[4] };
const sync = verifier.verifySync(text, { own }).map((c) => [c.name, c.ok]);
verifier.verify(JSON.parse(text), { own }).then((checks) => {
  console.log(JSON.stringify({ sync, async: checks.map((c) => [c.name, c.ok]) }));
});
"""


def test_the_holders_check_through_the_api(tmp_path):
    name = "targets-joint-v3.json"
    identifier, salt = next(iter(disclosed(name)["salts"].items()))
    result = subprocess.run(
        [_node(), "-e", API, str(browser_verifier.PATH), str(VECTORS / name), identifier, salt],
        capture_output=True,
        text=True,
        timeout=60,
    )
    outcome = json.loads(result.stdout)
    expected = [[c.name, c.ok] for c in disclosure.own_checks(vector(name), identifier, salt)]
    assert outcome["sync"] == outcome["async"] == expected and all(ok for _, ok in expected)


@pytest.mark.parametrize("name", V3_NAMES)
def test_the_bureau_checks_every_row_with_the_key_and_the_clear_file(name, tmp_path):
    key = disclosed(name)["blind_key"]
    clear = str(clear_file(name, tmp_path / "clear.json"))
    assert same_lines_as_python(VECTORS / name, bureau=(key, clear)) == 0
    either = run(VECTORS / name, "--clear", clear, "--key", key, "--json")  # the options in either order
    assert either.returncode == 0
    names = [c["name"] for c in json.loads(either.stdout)["checks"]]
    assert (
        "H(key) = blind_commitment" in names and "the clear frame blinded with the key gives the frame digest" in names
    )

    # a wrong key; a changed clear row; a changed token or field in the proof: each fails, as in Python
    wrong = ("0" if key[0] != "0" else "1") + key[1:]
    assert same_lines_as_python(VECTORS / name, bureau=(wrong, clear)) == 1
    assert same_lines_as_python(VECTORS / name, bureau=("zz", clear)) == 1
    if vector(name)["kind"] == "targets":
        changed = clear_file(
            name, tmp_path / "changed.json", lambda c: c["frame"][0].__setitem__(2, "91330100MA0000009X")
        )
    else:
        line = next(n for n, text in enumerate(disclosed(name)["frame_lines"]) if text.startswith("V\t"))
        changed = clear_file(
            name, tmp_path / "changed.json", lambda c: c["frame_lines"].__setitem__(line, c["frame_lines"][line] + "x")
        )
    assert same_lines_as_python(VECTORS / name, bureau=(key, str(changed))) == 1
    original = vector(name)
    token = next(iter(original["teams"])) if original["kind"] == "inspectors" else original["frame"][0][2]
    other = ("0" if token[0] != "0" else "1") + token[1:]
    holder, salt = next(iter(disclosed(name)["salts"].items()))
    for how, altered, holder_sees in (
        ("token", json.loads(json.dumps(original).replace(token, other)), 1),
        ("campaign", original | {"campaign": original["campaign"] + "补"}, 1),
        # only the bureau can tell: a holder cannot check from its salt that the key is the committed one
        ("blind commitment", original | {"blind_commitment": "0" * 64}, 0),
    ):
        path = tmp_path / f"{how}.json"
        path.write_text(json.dumps(altered, ensure_ascii=False), encoding="utf-8")
        assert same_lines_as_python(path, bureau=(key, clear)) == 1, how
        assert same_lines_as_python(path, own=(holder, salt)) == holder_sees, how


def test_a_clear_file_that_cannot_be_read_exits_2(tmp_path):
    name = "targets-joint-v3.json"
    (tmp_path / "clear.json").write_text("{", encoding="utf-8")
    for clear in (tmp_path / "clear.json", tmp_path / "missing.json"):
        result = run(VECTORS / name, "--key", disclosed(name)["blind_key"], "--clear", str(clear))
        assert result.returncode == 2 and "无法读取" in result.stderr and not result.stdout
    for flags in (["--own", "x"], ["--key", "k"], ["--key", "k", "--own", "x"], ["--own", "a", "b", "c"]):
        usage = run(VECTORS / name, *flags)
        assert usage.returncode == 2 and "--own ID SALT" in usage.stderr, flags


def _redacted(name: str) -> dict:
    """A version 1 or 2 proof withdrawn from public view (DRAW-SPEC "A redacted proof")."""
    data = (VECTORS / name).read_bytes()
    proof = json.loads(data)
    return {
        "algorithm": proof["algorithm"],
        "kind": proof["kind"],
        "campaign": proof["campaign"],
        "redacted": True,
        "original_sha256": hashlib.sha256(data).hexdigest(),
        "commitment": proof["commitment"],
        "nonce": proof["nonce"],
        "frame_digest": proof["frame_digest"],
        "public_inputs": proof["public_inputs"],
        "seed": proof["seed"],
        "counts": {
            group: {
                stratum: sum(1 for g, s, _ in proof.get("frame", []) if (g, s) == (group, stratum))
                for stratum in strata
            }
            for group, strata in proof.get("selected", {}).items()
        },
    }


@pytest.mark.parametrize("name", ["targets-joint.json", "inspectors-rich-v2.json"])
def test_a_redacted_proof_checks_its_nonce_and_seed_as_python_does(name, tmp_path):
    redacted = _redacted(name)
    assert same_as_python(redacted, tmp_path / "redacted.json") == 0
    assert same_lines_as_python(tmp_path / "redacted.json") == 0
    assert "明细已隐去" in run(tmp_path / "redacted.json").stdout
    nonce = redacted["nonce"]
    for how, altered in (
        ("nonce", redacted | {"nonce": ("1" if nonce[0] == "0" else "0") + nonce[1:]}),
        ("version 3", redacted | {"algorithm": "spotcheck-draw/3"}),  # a blinded draw is never redacted
        ("not true", redacted | {"redacted": 1}),
        ("no counts", {k: v for k, v in redacted.items() if k != "counts"}),
    ):
        # "algorithm is spotcheck-draw/1 or spotcheck-draw/2" has no label in wording.py either
        assert same_as_python(altered, tmp_path / f"{how}.json", chinese=how != "version 3") == 1, how
        assert same_lines_as_python(tmp_path / f"{how}.json") == 1, how


PROGRESS = """
const verifier = require(process.argv[1]);
const text = require("fs").readFileSync(process.argv[2], "utf8");
const seen = [];
let turns = 0;
const timer = setInterval(() => { turns += 1; }, 0);
verifier.verify(text, { sliceMs: 0, onProgress: (p) => seen.push(p) }).then((checks) => {
  clearInterval(timer);
  console.log(JSON.stringify({ ok: checks.every((c) => c.ok), n: checks.length, elapsed: checks.elapsedMs, seen, turns
  }));
});
"""


def test_in_a_page_it_yields_to_the_event_loop_and_reports_progress(tmp_path):
    """verify() gives the event loop its turn every few thousand hashes, saying how far it is."""
    lines = inspectors.frame_lines(
        needs=[(f"V{v:03d}", "SCJ", ["food"]) for v in range(150)],
        pool=[("SCJ", f"P{p:03d}", ["food"]) for p in range(80)],
        recusals=[],
    )
    proof = inspectors.draw_inspectors(
        campaign="市监抽〔2026〕8号",
        nonce=bytes(32),
        lines=lines,
        team_size=2,
        per_group_min=0,
        capacity=None,
        public_inputs=[],
    )
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(proof), encoding="utf-8")
    result = subprocess.run(
        [_node(), "-e", PROGRESS, str(browser_verifier.PATH), str(path)], capture_output=True, text=True, timeout=60
    )
    outcome = json.loads(result.stdout)
    assert outcome["ok"] and outcome["n"] == len(verify(proof)) and outcome["elapsed"] > 0
    seen = outcome["seen"]
    assert len(seen) > 5 and outcome["turns"] >= len(seen) - 1  # 12,150 HMACs, a turn every 2,048
    assert [p["done"] for p in seen] == sorted(p["done"] for p in seen) and seen[-1]["done"] == seen[-1]["total"] == 150
    assert seen[-1]["hashes"] == 150 + 150 * 80


# ---------------------------------------------------------------------------- a campaign's published proofs


def _prepare(app, found: dict) -> None:
    """A campaign drawn through the ceremony (targets, then inspectors by version 2) with one team
    member replaced afterwards: both proofs published with what they record."""
    found["campaign"] = campaign_id = campaign_through(build(), stop="inspectors")
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        member = db.session.scalar(
            sa.select(TeamMember)
            .where(TeamMember.campaign_id == campaign_id, TeamMember.active.is_(True))
            .order_by(TeamMember.id)
        )
        campaign_commands.replace_inspector(
            campaign_id, {"member_id": member.id, "reason": "leave"}, actor=planner_of(admin)
        )
        db.session.commit()


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    found: dict = {}
    with served(sqlite_template, tmp_path_factory.mktemp("browser-verifier"), lambda app: _prepare(app, found)) as (
        app,
        url,
    ):
        yield app, url, found


def _get(url: str) -> tuple[bytes, dict]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read(), dict(response.headers)


def test_node_checks_the_published_proofs_as_python_does(site, tmp_path):
    _app, url, found = site
    algorithms = set()
    for kind in ("targets", "inspectors"):
        data, _headers = _get(f"{url}/public/draws/campaigns/{found['campaign']}/proofs/{kind}.json")
        proof = json.loads(data)
        algorithms.add(proof["algorithm"])
        assert all(check.ok for check in verify(proof)) and (kind == "targets" or proof["replacements"])
        path = tmp_path / f"{kind}.json"
        path.write_bytes(data)  # the published bytes, as downloaded
        result = run(path, "--json")
        checks = json.loads(result.stdout)["checks"]
        assert result.returncode == 0 and [(c["name"], c["ok"]) for c in checks] == [
            (c.name, c.ok) for c in verify(proof)
        ]
    assert algorithms == {blinding.ALGORITHM}  # new draws of both kinds are blinded (DRAW-SPEC version 3)

    script, headers = _get(f"{url}/public/draws/{browser_verifier.FILE_NAME}")
    digest = hashlib.sha256(script).hexdigest()
    assert script == browser_verifier.PATH.read_bytes() and headers["X-Content-SHA256"] == digest
    page, _ = _get(f"{url}/public/draws/campaigns/{found['campaign']}/proofs/targets/verify")
    assert f'id="browser-verifier-sha256">{digest}<' in page.decode()


def test_without_the_built_file_the_page_says_so(site, monkeypatch, tmp_path):
    app, _url, found = site
    monkeypatch.setattr(browser_verifier, "PATH", tmp_path / "absent.js")
    client = app.test_client()
    page = client.get(f"/public/draws/campaigns/{found['campaign']}/proofs/inspectors/verify")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'id="browser-verify-missing"' in body and 'spotcheck-verify.js"></script>' not in body
    assert client.get(f"/public/draws/{browser_verifier.FILE_NAME}").status_code == 404


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["inspectors", "targets"])
def test_a_visitor_verifies_the_proof_in_the_page(browser, site, kind):
    _node()
    _app, url, found = site
    context = new_context(browser, url)
    page = new_page(context)
    path = f"/public/draws/campaigns/{found['campaign']}/proofs/{kind}/verify"
    page.goto(path)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.click("#browser-verify-start")
    page.wait_for_selector('#browser-verify[data-result="ok"]')
    assert page.get_attribute("#browser-verify", "data-thread") == "worker"  # off the page's main thread
    asked = [r for r in requests if "favicon" not in r and "/static/" not in r]
    assert len(asked) == 1 and asked[0].endswith(f"/proofs/{kind}.json"), asked  # the proof, then nothing

    # the same checks as the server's table above, with the same verdicts and the same Chinese words
    server = page.locator("#public-checks td[data-check]")
    mine = page.locator("#browser-checks td[data-check]")
    assert [cell.get_attribute("data-check") for cell in mine.all()] == [
        cell.get_attribute("data-check") for cell in server.all()
    ]
    assert mine.all_inner_texts() == server.all_inner_texts()
    marks = page.locator("#browser-checks td.check-mark").all_inner_texts()
    assert marks and all(mark == "✓ 通过" for mark in marks), marks
    labels = mine.all_inner_texts()
    assert "公开的秘密随机数与事先公布的承诺值一致" in labels and all(
        re.search(r"[\u4e00-\u9fff]", text) for text in labels
    )
    assert re.search(r"\d+\.\d\d", page.locator("#browser-verify-elapsed").inner_text())
    said = page.locator("#browser-verify-status").inner_text()  # done: no longer "recomputing"
    assert said.startswith("已重新计算抽取") and "正在重新计算" not in page.inner_text("#browser-verify"), said
    assert page.locator("#browser-verify progress").get_attribute("value") == page.locator(
        "#browser-verify progress"
    ).get_attribute("max")
    assert_styled(page)
    at_both_widths(page, f"public-browser-verify-{kind}")
    context.close()


@pytest.mark.seconds(6)
def test_a_blinded_proof_of_hundreds_of_thousands_of_businesses_verifies_under_node(tmp_path):
    """A stratum of 200,000 businesses blinded and drawn as the platform publishes it: Node checks every token of it
    as Python does (a cell's ids were once spread into one call's arguments, past the stack's size)."""
    rows = [["SCJ", "A", f"91231084MA{n:08d}"] for n in range(200_000)]
    key = bytes(range(32))
    blinded = blinding.blind_frame_file(key, target_frames.frame_file(rows))
    proof = targets.draw_targets_from_file(
        campaign="宁市监抽〔2026〕9号",
        nonce=bytes(range(32, 64)),
        frame_file=blinded,
        rules={"SCJ": {"A": {"ratio_bp": 300, "min": 1}}},
        reserve_size=5,
        public_inputs=["observer:市人大代表 张某 0917"],
        blind_key=key,
    )
    path = tmp_path / "proof.json"
    path.write_bytes(proof_file.dumps(proof, blinded))
    done = run(path)
    assert done.returncode == 0, done.stdout[-600:] + done.stderr[-600:]
    assert verify_command(str(path), io.StringIO(), io.StringIO()) == 0
