"""The Dockerfile: a non-root image of the installed package, serving the compose file's gunicorn
target, its environment pointing at real things, and a .dockerignore that keeps local state out."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

from tests.support.deployment_files import (
    DOCKERIGNORE,
    NOT_APP_VARIABLES,
    ROOT,
    app_source_text,
    commanded_services,
    dockerfile_cmd,
    dockerfile_env,
    dockerfile_instructions,
    gunicorn_args,
    gunicorn_target,
)

# ---------------------------------------------------------------------------- the Dockerfile


def test_dockerfile_cmd_serves_the_same_gunicorn_target():
    cmd = dockerfile_cmd()
    assert cmd[0] == "gunicorn"
    targets = {gunicorn_target(argv) for _, argv in commanded_services() if argv[0] == "gunicorn"}
    assert targets == {gunicorn_target(cmd)}
    parsed = gunicorn_args(cmd)
    assert parsed.bind == ["0.0.0.0:5000"]
    assert parsed.workers == 2


def test_dockerfile_basics():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    by_name: dict[str, list[str]] = {}
    for instruction, args in instructions:
        by_name.setdefault(instruction, []).append(args)
    assert "5000" in by_name.get("EXPOSE", [""])[0].split()
    user = by_name.get("USER", [])
    assert user and user[-1] not in ("root", "0"), "the image must run as a non-root user"
    runs = " ".join(by_name.get("RUN", []))
    assert re.search(r"pip install --no-cache-dir \.(\s|$)", runs), "install the package non-editable"
    assert "-e" not in shlex.split(runs)


def test_dockerfile_environment_points_at_real_things():
    env = dockerfile_env()
    assert env.get("SPOTCHECK_MIGRATIONS") == "/app/migrations"
    workdir = [args for instruction, args in dockerfile_instructions() if instruction == "WORKDIR"][-1]
    assert env["SPOTCHECK_MIGRATIONS"] == f"{workdir.rstrip('/')}/migrations"
    assert (ROOT / "migrations" / "env.py").is_file()
    source = app_source_text()
    for variable in env:
        if not NOT_APP_VARIABLES.match(variable):
            assert re.search(rf"[\"']{re.escape(variable)}[\"']", source), (
                f"the Dockerfile sets {variable}, which nothing under spotcheck/ reads"
            )


def test_dockerignore_keeps_local_state_out_but_not_the_code():
    entries = {
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    for required in (".venv", ".git", "instance", ".pytest_cache", ".hypothesis"):
        assert required in entries, f".dockerignore should exclude {required}"
    assert any("__pycache__" in entry for entry in entries)
    for needed in ("spotcheck", "migrations", "pyproject.toml", "*", "."):
        assert needed not in entries, f".dockerignore excludes {needed}, which the image needs"


def test_the_served_app_keeps_its_start_up_objects_out_of_the_collectors_walks(tmp_path):
    """The gunicorn target freezes what start-up made (``gc.freeze``): a page making thousands of objects (a province
    bureau's figures) is not slowed by the collector walking the app's modules and tables each time."""
    env = {**os.environ, "SPOTCHECK_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'wsgi.db'}"}
    probe = "import gc, spotcheck.wsgi; print(gc.get_freeze_count())"
    frozen = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert int(frozen.stdout.strip().splitlines()[-1]) > 10_000, frozen.stderr[-2000:]
