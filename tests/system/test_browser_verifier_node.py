"""The browser verifier (spotcheck-verify.js, 浏览器验证程序): one file, built by npm from
``static/verifier-src``, that checks a draw proof under Node and in the citizen's own browser.

Under Node it accepts the known answers and refuses their altered copies; on those, on proofs of
both inspector versions with replacements and on the proofs a campaign publishes, its verdicts are
``spotcheck.draw.verify.verify``'s, check for check. In Chromium the public verification page runs
it on the published proof and shows every check in Chinese with the time it took, on a desk and on
a phone. Without node or the built file these tests skip (fail with SPOTCHECK_REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import subprocess
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import inspectors, targets, versions
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


def same_as_python(proof: dict, path: Path) -> int:
    """Write ``proof``, check it with Node and assert the same checks and verdicts as verify.py; the exit code."""
    path.write_text(json.dumps(proof, ensure_ascii=False), encoding="utf-8")
    result = run(path, "--json")
    assert result.returncode in (0, 1), result.stderr
    checks = json.loads(result.stdout)["checks"]
    assert [(c["name"], c["ok"]) for c in checks] == [(c.name, c.ok) for c in verify(proof)]
    assert all(re.search(r"[\u4e00-\u9fff]", c["label"]) for c in checks), [c["label"] for c in checks]
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


def test_a_version_1_draw_with_a_capacity_that_binds_checks_as_python_does(tmp_path):
    """Both inspector versions from one frame of three departments, recusals and a capacity: the
    teams, the replacements and a broken replacement history agree with verify.py."""
    needs = [
        (f"V{v:03d}", group, ["food", "drug"][v % 2 : v % 2 + 1] + (["safety"] if v % 3 == 0 else []))
        for v in range(40)
        for group in (["SCJ", "YJJ"] if v % 4 else ["SCJ", "YJJ", "SWJ"])
    ]
    skills = (["food", "drug"], ["drug", "safety"], ["safety", "food"])
    pool = [(group, f"{group}-{p:03d}", skills[p % 3]) for group in ("SCJ", "YJJ", "SWJ") for p in range(12)]
    recusals = [(f"V{v:03d}", f"SCJ-{v % 12:03d}") for v in range(0, 40, 3)]
    lines = inspectors.frame_lines(needs=needs, pool=pool, recusals=recusals)
    for algorithm in (versions.VERSION_1, versions.CURRENT):
        proof = versions.redraw_inspectors(
            algorithm,
            campaign="市监联抽〔2026〕9号",
            nonce=bytes(range(32)),
            lines=lines,
            team_size=3,
            per_group_min=1,
            capacity=6,
            public_inputs=["observer:甲", ""],
        )
        visits = list(proof["teams"])
        for visit in visits[:3] + visits[-2:]:
            versions.replace_inspector(proof, visit=visit, out=proof["teams"][visit][-1], reason="请假")
        assert same_as_python(proof, tmp_path / "drawn.json") == 0
        history = copy.deepcopy(proof)
        history["replacements"][0]["out"] = "nobody"  # the next replacement cannot be replayed
        assert same_as_python(history, tmp_path / "history.json") == 1
        assert same_as_python(proof | {"capacity": 4}, tmp_path / "tighter.json") == 1  # the teams cannot be formed
        assert not next(c for c in verify(proof | {"capacity": 4}) if c.name == "teams can be formed from the frame").ok


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
    assert algorithms == {"spotcheck-draw/1", "spotcheck-draw/2"}

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
