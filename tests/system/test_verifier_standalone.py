"""A verifier anyone can run: the draw engine needs nothing but Python's standard library, runs as
``python3 -m spotcheck.draw verify``, and the public portal hands it out as one file whose SHA-256
it shows and which checks a demo proof in an empty folder of a bare Python."""
from __future__ import annotations

import ast
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from spotcheck.draw import bundle

ROOT = Path(__file__).resolve().parents[2]
DRAW = ROOT / "spotcheck" / "draw"
VECTORS = Path(__file__).resolve().parents[1] / "data" / "draw-vectors"


def bare_python() -> list[str]:
    """A Python without the platform's packages: the system's own when it lacks Flask, else this one
    isolated (``-I``: no site-packages of the user, no environment, no current folder)."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and Path(candidate).exists() and not candidate.startswith(str(Path(sys.executable).parent)):
            probe = subprocess.run([candidate, "-I", "-c", "import flask"], capture_output=True, timeout=30)
            if probe.returncode != 0:
                return [candidate, "-I"]
    return [sys.executable, "-I", "-S"]  # -S: not even site-packages


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_draw_package_imports_only_the_standard_library():
    outside = []
    for path in sorted(DRAW.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and not name.startswith("spotcheck.draw") and name != "spotcheck":
                    outside.append(f"{path.name}: {name}")
    assert not outside, outside


def test_import_spotcheck_draw_needs_neither_flask_nor_a_database(tmp_path):
    copy = tmp_path / "copy" / "spotcheck"
    shutil.copytree(DRAW, copy / "draw")
    shutil.copy(ROOT / "spotcheck" / "__init__.py", copy / "__init__.py")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import spotcheck.draw, spotcheck.draw.verify; "
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'celery')); "
            "print('loaded:', loaded); assert not loaded")
    result = _run([*bare_python(), "-c", code, str(copy.parent)], tmp_path)
    assert result.returncode == 0 and "loaded: []" in result.stdout, result.stderr


@pytest.mark.parametrize("name", ["targets-joint.json", "inspectors-joint.json"])
def test_python_m_spotcheck_draw_verifies_the_known_answers(name, tmp_path):
    copy = tmp_path / "spotcheck"
    shutil.copytree(DRAW, copy / "draw")
    shutil.copy(ROOT / "spotcheck" / "__init__.py", copy / "__init__.py")
    # -I leaves the current folder off sys.path: run from it with an explicit path, as a user of a copy would
    code = "import sys, runpy; sys.path.insert(0, '.'); sys.argv = ['spotcheck.draw', 'verify', sys.argv[1]]; " \
           "runpy.run_module('spotcheck.draw', run_name='__main__')"
    result = _run([*bare_python(), "-c", code, str(VECTORS / name)], tmp_path)
    assert result.returncode == 0 and "proof verified" in result.stdout, result.stdout + result.stderr


def test_the_bundle_is_the_same_bytes_every_time():
    first, second = bundle.build(), bundle.build()
    assert first == second and first.startswith(b"#!/usr/bin/env python3\n")


def verifies_in_an_empty_folder(verifier: bytes, proof: bytes, folder: Path) -> None:
    """``python3 -I spotcheck-verify.pyz PROOF.json`` in an empty folder, in a Python with no packages:
    the proof verifies (exit 0) and writes nothing; with one byte of its seed changed it does not
    (exit 1)."""
    folder.mkdir()
    (folder / bundle.FILE_NAME).write_bytes(verifier)
    (folder / "PROOF.json").write_bytes(proof)
    result = _run([*bare_python(), bundle.FILE_NAME, "PROOF.json"], folder)
    assert result.returncode == 0 and "proof verified" in result.stdout, result.stdout[-2000:] + result.stderr
    assert sorted(os.listdir(folder)) == ["PROOF.json", bundle.FILE_NAME]  # it wrote nothing (no bytecode)
    changed = bytearray(proof)
    position = changed.index(b'"seed"') + len(b'"seed": "') + 3
    changed[position] = ord("0") if changed[position] != ord("0") else ord("1")
    (folder / "PROOF.json").write_bytes(bytes(changed))
    refused = _run([*bare_python(), bundle.FILE_NAME, "PROOF.json"], folder)
    assert refused.returncode == 1 and "NOT verified" in refused.stderr, refused.stdout[-2000:]


def test_the_portal_offers_the_verifier_and_shows_its_fingerprint(client, tmp_path):
    download = client.get(f"/public/draws/{bundle.FILE_NAME}")
    assert download.status_code == 200 and download.data == bundle.build()
    digest = hashlib.sha256(download.data).hexdigest()
    assert download.headers["X-Content-SHA256"] == digest
    algorithm = client.get("/public/draws/algorithm").get_data(as_text=True)
    assert re.search(rf'id="verifier-sha256">{digest}<', algorithm) and "下载验证程序" in algorithm
    verifies_in_an_empty_folder(download.data, (VECTORS / "targets-joint.json").read_bytes(), tmp_path / "empty")
