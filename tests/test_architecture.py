"""The architecture as tests: the import contracts of pyproject.toml (import-linter), no cycle
between the packages, and no page or API handler that commits (commands own their transactions)."""
from __future__ import annotations

import ast
import itertools
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["spotcheck.core", "spotcheck.tenants", "spotcheck.tasks", "spotcheck.platform", "spotcheck.draw",
            "spotcheck.demo"]


def test_the_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout and "6 kept" in result.stdout


def test_no_package_imports_another_that_imports_it_back():
    graph = grimp.build_graph("spotcheck")
    cycles = [(a, b) for a, b in itertools.combinations(PACKAGES, 2)
              if graph.chain_exists(a, b, as_packages=True) and graph.chain_exists(b, a, as_packages=True)]
    assert not cycles, f"packages that import each other: {cycles}"


#: Names of Flask's request and login machinery that the kernel and the departments' commands never use.
WEB_NAMES = {"flask": {"request", "session", "g", "current_app", "has_request_context", "redirect", "url_for",
                       "render_template", "flash", "abort"},
             "flask_login": None}


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, {alias.name for alias in node.names}
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, set()


def test_kernel_and_departments_use_no_request_or_login_machinery():
    found = []
    for package in ("core", "tenants"):
        for path in (ROOT / "spotcheck" / package).rglob("*.py"):
            for module, names in _imports(path):
                banned = WEB_NAMES.get(module.split(".")[0], set())
                if banned is None or (module == "flask" and names & banned):
                    found.append(f"{path.relative_to(ROOT)}: {module} {sorted(names)}")
    assert not found, "\n".join(found)


def _calls(path: Path, method: str) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and node.func.attr == method
            and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "session"]


def test_no_view_or_api_handler_commits_or_rolls_back():
    found = [f"{path.relative_to(ROOT)}:{line} {method}()"
             for folder in ("web", "api") for path in (ROOT / "spotcheck" / "platform" / folder).rglob("*.py")
             for method in ("commit", "rollback") for line in _calls(path, method)]
    assert not found, "views must leave transactions to the commands:\n" + "\n".join(found)
