"""The single-file verifier (独立验证程序) run as a citizen would: in an empty folder, in a Python
with none of the platform's packages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from spotcheck.draw import bundle
from spotcheck.platform.web import browser_verifier
from tests.support.helpers import service_missing


def bare_python() -> list[str]:
    """A Python without the platform's packages: the system's own when it lacks Flask, else this one
    isolated (``-I``: no site-packages of the user, no environment, no current folder)."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and Path(candidate).exists() and not candidate.startswith(str(Path(sys.executable).parent)):
            probe = subprocess.run([candidate, "-I", "-c", "import flask"], capture_output=True, timeout=30)
            if probe.returncode != 0:
                return [candidate, "-I"]
    return [sys.executable, "-I", "-S"]  # -S: not even site-packages


def run_bare(argv: list[str], cwd: Path) -> subprocess.CompletedProcess:
    """Run ``argv`` in ``cwd`` with nothing of this environment but a PATH and a UTF-8 locale."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def verifies_in_an_empty_folder(verifier: bytes, proof: bytes, folder: Path) -> None:
    """``python3 -I spotcheck-verify.pyz PROOF.json`` in an empty folder, in a Python with no packages:
    the proof verifies (exit 0) and writes nothing; with one byte of its seed changed it does not
    (exit 1)."""
    folder.mkdir()
    (folder / bundle.FILE_NAME).write_bytes(verifier)
    (folder / "PROOF.json").write_bytes(proof)
    result = run_bare([*bare_python(), bundle.FILE_NAME, "PROOF.json"], folder)
    assert result.returncode == 0 and "proof verified" in result.stdout, result.stdout[-2000:] + result.stderr
    assert sorted(p.name for p in folder.iterdir()) == [
        "PROOF.json",
        bundle.FILE_NAME,
    ]  # it wrote nothing (no bytecode)
    changed = bytearray(proof)
    position = changed.index(b'"seed"') + len(b'"seed": "') + 3
    changed[position] = ord("0") if changed[position] != ord("0") else ord("1")
    (folder / "PROOF.json").write_bytes(bytes(changed))
    refused = run_bare([*bare_python(), bundle.FILE_NAME, "PROOF.json"], folder)
    assert refused.returncode == 1 and "NOT verified" in refused.stderr, refused.stdout[-2000:]


def node() -> str:
    """Node.js, with the browser verifier (``spotcheck-verify.js``) built: a skip (a failure with
    ``SPOTCHECK_REQUIRE_SERVICES=1``) without them."""
    executable = shutil.which("node")
    if executable is None:
        service_missing("Node.js", "no `node` on PATH (apt-get install nodejs)")
    if not browser_verifier.PATH.is_file():
        service_missing("the browser verifier", f"{browser_verifier.FILE_NAME} is not built (make verifier)")
    return executable


def run_node(path: Path, *flags: str) -> subprocess.CompletedProcess:
    """``node spotcheck-verify.js PROOF.json`` (exit 0 when every check holds)."""
    return subprocess.run(
        [node(), str(browser_verifier.PATH), str(path), *flags], capture_output=True, text=True, timeout=120
    )
