"""A verifier anyone can run: the draw engine needs nothing but Python's standard library, runs as
``python3 -m spotcheck.draw verify``, and the public portal hands it out as one file whose SHA-256
it shows and which checks a demo proof in an empty folder of a bare Python."""

from __future__ import annotations

import ast
import hashlib
import re
import shutil
import sys
from pathlib import Path

import pytest

from spotcheck.draw import bundle, wording
from tests.support.verifier import bare_python, run_bare as _run, verifies_in_an_empty_folder

ROOT = Path(__file__).resolve().parents[2]
DRAW = ROOT / "spotcheck" / "draw"
VECTORS = Path(__file__).resolve().parents[1] / "data" / "draw-vectors"


def test_the_draw_package_imports_only_the_standard_library():
    outside = []
    for path in sorted(DRAW.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.level == 0
                else []
            )
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and not name.startswith("spotcheck.draw") and name != "spotcheck":
                    outside.append(f"{path.name}: {name}")
    assert not outside, outside


def test_import_spotcheck_draw_needs_neither_flask_nor_a_database(tmp_path):
    copy = tmp_path / "copy" / "spotcheck"
    shutil.copytree(DRAW, copy / "draw")
    shutil.copy(ROOT / "spotcheck" / "__init__.py", copy / "__init__.py")
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import spotcheck.draw, spotcheck.draw.verify; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'celery')); "
        "print('loaded:', loaded); assert not loaded"
    )
    result = _run([*bare_python(), "-c", code, str(copy.parent)], tmp_path)
    assert result.returncode == 0 and "loaded: []" in result.stdout, result.stderr


@pytest.mark.parametrize(
    "name", ["targets-joint.json", "inspectors-joint.json", "inspectors-joint-v2.json", "inspectors-rich-v2.json"]
)
def test_python_m_spotcheck_draw_verifies_the_known_answers(name, tmp_path):
    copy = tmp_path / "spotcheck"
    shutil.copytree(DRAW, copy / "draw")
    shutil.copy(ROOT / "spotcheck" / "__init__.py", copy / "__init__.py")
    # -I leaves the current folder off sys.path: run from it with an explicit path, as a user of a copy would
    code = (
        "import sys, runpy; sys.path.insert(0, '.'); sys.argv = ['spotcheck.draw', 'verify', sys.argv[1]]; "
        "runpy.run_module('spotcheck.draw', run_name='__main__')"
    )
    result = _run([*bare_python(), "-c", code, str(VECTORS / name)], tmp_path)
    assert result.returncode == 0 and "proof verified" in result.stdout, result.stdout + result.stderr


def test_the_bundle_is_the_same_bytes_every_time():
    first, second = bundle.build(), bundle.build()
    assert first == second and first.startswith(b"#!/usr/bin/env python3\n")


def test_the_portal_offers_the_verifier_and_shows_its_fingerprint(client, tmp_path):
    download = client.get(f"/public/draws/{bundle.FILE_NAME}")
    assert download.status_code == 200 and download.data == bundle.build()
    digest = hashlib.sha256(download.data).hexdigest()
    assert download.headers["X-Content-SHA256"] == digest
    algorithm = client.get("/public/draws/algorithm").get_data(as_text=True)
    assert re.search(rf'id="verifier-sha256">{digest}<', algorithm) and "下载验证程序" in algorithm
    verifies_in_an_empty_folder(download.data, (VECTORS / "targets-joint.json").read_bytes(), tmp_path / "empty")


def test_the_one_file_verifier_speaks_chinese_with_each_checks_own_name_kept(tmp_path):
    """The pyz prints what the Node verifier prints for each check (its Chinese label, its English name in
    brackets for programs), its verdict in Chinese with ``proof verified`` / ``proof NOT verified`` kept, and
    its usage in Chinese."""
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / bundle.FILE_NAME).write_bytes(bundle.build())
    proof = (VECTORS / "targets-joint.json").read_bytes()
    (folder / "PROOF.json").write_bytes(proof)
    result = _run([*bare_python(), bundle.FILE_NAME, "PROOF.json"], folder)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1].startswith("证明已验证：全部") and "(proof verified: all" in lines[-1]
    checks = [line for line in lines[:-1] if line.startswith(("ok", "FAIL"))]
    assert checks and len(checks) == len(lines) - 1
    for line in checks:  # every check in Chinese, none left in English alone
        assert re.match(r"(ok  |FAIL)  [^\[]*[\u4e00-\u9fff][^\[]*  \[[^\]]+\]", line), line
    assert "ok    公开的秘密随机数与事先公布的承诺值一致  [H(nonce) = commitment]" in lines
    assert any(line.startswith("ok    SCJ 风险等级 A 抽中：") for line in lines)
    position = proof.index(b'"seed"') + len(b'"seed": "') + 3
    changed = bytearray(proof)
    changed[position] = ord("0") if changed[position] != ord("0") else ord("1")
    (folder / "PROOF.json").write_bytes(bytes(changed))
    refused = _run([*bare_python(), bundle.FILE_NAME, "PROOF.json"], folder)
    assert (
        refused.returncode == 1 and refused.stderr.startswith("证明未通过验证：") and "NOT verified" in refused.stderr
    )
    assert any(line.startswith("FAIL  随机种子由秘密随机数") for line in refused.stdout.splitlines())
    usage = _run([*bare_python(), bundle.FILE_NAME], folder)
    assert usage.returncode == 2 and usage.stderr.startswith("用法") and "逐项核验抽取证明" in usage.stderr


def test_the_one_file_verifier_words_each_check_as_the_node_verifier_does():
    """The labels of the pyz (spotcheck/draw/wording.py) and of the Node verifier (verify-draw.mjs) are the
    same, pattern for pattern and word for word."""
    source = (ROOT / "spotcheck" / "platform" / "static" / "verifier-src" / "verify-draw.mjs").read_text(
        encoding="utf-8"
    )
    node = re.findall(r"\[/\^(.+?)/, \((?:m)?\) => [`\"](.+?)[`\"]\]", source)
    as_python = [(p.replace("\\/", "/"), re.sub(r"\$\{m\.(\w+)\}", r"{\1}", t)) for p, t in node]
    ours = [(pattern.pattern, text) for pattern, text in wording.LABELS]
    assert len(as_python) == len(ours) > 15
    for (node_pattern, node_text), (pattern, text) in zip(as_python, ours, strict=True):
        assert node_pattern.replace("(?<", "(?P<") == pattern and node_text == text, (node_pattern, pattern)
    assert wording.FLAGGED in source
