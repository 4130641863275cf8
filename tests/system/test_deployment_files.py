"""The deployment files (Dockerfile, docker-compose.yml) point at entry points that exist.

No Docker needed: the compose file is parsed with PyYAML, every command a service runs is
split into programs, and each program's target is checked against the code — the gunicorn
``module:attr``, the Celery ``-A`` module, the ``spotcheck`` console script and its
sub-commands — and every environment variable handed to the app is one the app reads.
"""
from __future__ import annotations

import importlib
import json
import re
import shlex
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
PYPROJECT = ROOT / "pyproject.toml"
PACKAGE = ROOT / "spotcheck"

SERVICES = ("postgres", "redis", "web", "worker", "beat")
SHELLS = ("sh", "bash", "/bin/sh", "/bin/bash")
SHELL_OPERATORS = ("&&", "||", ";", "|", "&")
#: Variables read by Python, pip or the base image rather than by Spotcheck.
NOT_APP_VARIABLES = re.compile(r"^(PYTHON|PIP_|PATH$|LANG$|LC_)")


# ---------------------------------------------------------------------------- parsing


def load_compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def load_scripts() -> dict:
    with PYPROJECT.open("rb") as fh:
        return tomllib.load(fh)["project"].get("scripts", {})


def split_shell(text: str) -> list[list[str]]:
    """Split a shell command line into the argv of each simple command (``a && b; c``)."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    programs: list[list[str]] = [[]]
    for token in lexer:
        if token in SHELL_OPERATORS:
            programs.append([])
        else:
            programs[-1].append(token)
    return [argv for argv in programs if argv]


def programs_of(command: str | list[str]) -> list[list[str]]:
    """The argv of every program a compose ``command`` (string or list form) runs."""
    argv = shlex.split(command) if isinstance(command, str) else [str(part) for part in command]
    if argv and argv[0] in SHELLS:
        assert len(argv) >= 3 and argv[1] == "-c", f"unsupported shell invocation: {argv!r}"
        programs = split_shell(argv[2])
    else:
        programs = [argv]
    result = []
    for program in programs:
        while program and program[0] in ("exec", "env"):
            program = program[1:]
        if program:
            result.append(program)
    return result


def commanded_services() -> list[tuple[str, list[str]]]:
    """``(service, argv)`` for every program every service with a command runs."""
    found = []
    for name, service in load_compose()["services"].items():
        if "command" in service:
            found.extend((name, argv) for argv in programs_of(service["command"]))
    return found


def dockerfile_instructions() -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs, with line continuations joined and comments dropped."""
    logical, current = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    if current:
        logical.append(current)
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1] if " " in text else "") for text in logical]


def dockerfile_cmd() -> list[str]:
    cmds = [args for instruction, args in dockerfile_instructions() if instruction == "CMD"]
    assert cmds, "the Dockerfile has no CMD"
    args = cmds[-1]
    assert args.lstrip().startswith("["), "CMD should use the exec (JSON) form so gunicorn is PID 1"
    return json.loads(args)


def dockerfile_env() -> dict[str, str]:
    env = {}
    for instruction, args in dockerfile_instructions():
        if instruction == "ENV":
            for item in shlex.split(args):
                key, sep, value = item.partition("=")
                assert sep, f"use ENV KEY=value, not the legacy form: {args!r}"
                env[key] = value
    return env


def gunicorn_args(argv: list[str]):
    from gunicorn.config import Config

    assert argv[0] == "gunicorn"
    return Config(prog="gunicorn").parser().parse_args(argv[1:])


def gunicorn_target(argv: list[str]) -> str:
    parsed = gunicorn_args(argv)
    assert len(parsed.args) == 1, f"gunicorn needs exactly one APP_MODULE: {argv!r}"
    return parsed.args[0]


def app_source_text() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in PACKAGE.rglob("*.py"))


def app_services() -> dict[str, dict]:
    """The services that run the Spotcheck image (built from the Dockerfile)."""
    return {name: service for name, service in load_compose()["services"].items() if "build" in service}


def environment_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture
def app_env(monkeypatch, tmp_path):
    """An environment in which building the app is cheap and touches nothing outside tmp_path.

    Building an app also makes its Celery app the current and default one, and Flask's CLI
    sets FLASK_RUN_FROM_CLI; both are put back afterwards so no other test sees them.
    """
    import celery._state as celery_state

    monkeypatch.setattr(celery_state, "default_app", celery_state.default_app)
    monkeypatch.setattr(celery_state._tls, "current_app", getattr(celery_state._tls, "current_app", None),
                        raising=False)
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "")  # recorded, so undo restores the original (or absence)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI")
    monkeypatch.setenv("SPOTCHECK_ENV", "testing")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("SPOTCHECK_INSTANCE", str(tmp_path / "instance"))
    for name in ("REDIS_URL", "SECRET_KEY", "SPOTCHECK_MIGRATIONS", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    return {"SPOTCHECK_ENV": "testing", "DATABASE_URL": "sqlite://",
            "SPOTCHECK_INSTANCE": str(tmp_path / "instance")}


@pytest.fixture
def fresh_import(app_env, monkeypatch):
    """Import a module afresh (running its top level) without leaving it or its side effects behind.

    The entry-point modules build the app at import time, so the import runs under
    ``app_env``; afterwards ``sys.modules`` and the parent package's attribute are put back
    as they were (and, by ``app_env``, the environment and Celery's current/default app).
    """

    def _import(name: str):
        parent_name, _, child = name.rpartition(".")
        if parent_name:
            parent = importlib.import_module(parent_name)
            monkeypatch.setattr(parent, child, getattr(parent, child, None), raising=False)
            monkeypatch.delattr(parent, child, raising=False)
        if name in sys.modules:
            monkeypatch.delitem(sys.modules, name)
        else:
            # Recorded so monkeypatch's undo removes the module again.
            monkeypatch.setitem(sys.modules, name, None)
            monkeypatch.delitem(sys.modules, name)
        return importlib.import_module(name)

    return _import


# ---------------------------------------------------------------------------- the compose file


def test_compose_declares_the_five_services():
    services = load_compose()["services"]
    for name in SERVICES:
        assert name in services, f"docker-compose.yml has no {name!r} service"


def test_every_app_service_has_a_command_we_can_check():
    programs = commanded_services()
    assert {name for name, _ in programs} >= {"web", "worker", "beat"}
    known = {"gunicorn", "celery", "spotcheck"}
    for name, argv in programs:
        assert argv[0] in known, f"{name}: don't know how to check the program {argv[0]!r} ({argv!r})"


def test_web_migrates_before_serving():
    programs = [argv for name, argv in commanded_services() if name == "web"]
    assert [argv[0] for argv in programs] == ["spotcheck", "gunicorn"]
    assert programs[0][1:3] == ["db", "upgrade"]


@pytest.mark.parametrize("name,argv", [item for item in commanded_services() if item[1][0] == "gunicorn"],
                         ids=lambda value: value if isinstance(value, str) else " ".join(value))
def test_gunicorn_target_exists(name, argv, fresh_import):
    module_name, _, attribute = gunicorn_target(argv).partition(":")
    assert attribute, f"{name}: give gunicorn module:attribute, not {gunicorn_target(argv)!r}"
    module = fresh_import(module_name)
    app = getattr(module, attribute, None)
    assert app is not None, f"{name}: {module_name} has no attribute {attribute!r}"
    assert callable(app), f"{name}: {module_name}:{attribute} is not a WSGI callable"


@pytest.mark.parametrize("name,argv", [item for item in commanded_services() if item[1][0] == "celery"],
                         ids=lambda value: value if isinstance(value, str) else " ".join(value))
def test_celery_app_and_subcommand_exist(name, argv, fresh_import):
    from celery import Celery
    from celery.bin.celery import celery as celery_cli

    args = argv[1:]
    module_name = None
    global_options = {opt for param in celery_cli.params for opt in param.opts + param.secondary_opts}
    while args and args[0].startswith("-"):
        option, sep, value = args[0].partition("=")
        assert option in global_options, f"{name}: celery has no global option {option!r}"
        if option in ("-A", "--app"):
            module_name = value if sep else args[1]
            args = args[1:] if sep else args[2:]
        else:
            args = args[1:]
    assert module_name, f"{name}: celery is run without -A: {argv!r}"
    assert args, f"{name}: celery is run without a sub-command: {argv!r}"

    # A bare module name makes Celery look up its attribute `celery` (or `app`); we use `celery`.
    assert ":" not in module_name, f"{name}: expected -A MODULE, got {module_name!r}"
    module = fresh_import(module_name)
    assert isinstance(getattr(module, "celery", None), Celery), \
        f"{name}: {module_name}.celery is not a celery.Celery"

    subcommand, options = args[0], args[1:]
    assert subcommand in celery_cli.commands, f"{name}: celery has no sub-command {subcommand!r}"
    known = {opt for param in celery_cli.commands[subcommand].params for opt in param.opts + param.secondary_opts}
    for option in options:
        if option.startswith("-"):
            assert option.partition("=")[0] in known, f"{name}: `celery {subcommand}` has no option {option!r}"


@pytest.mark.parametrize("name,argv", [item for item in commanded_services() if item[1][0] == "spotcheck"],
                         ids=lambda value: value if isinstance(value, str) else " ".join(value))
def test_spotcheck_subcommand_exists(name, argv, app_env):
    from click.testing import CliRunner

    scripts = load_scripts()
    assert "spotcheck" in scripts, "pyproject.toml declares no `spotcheck` console script"
    module_name, _, attribute = scripts["spotcheck"].partition(":")
    main = getattr(importlib.import_module(module_name), attribute)

    words = []
    for word in argv[1:]:
        if word.startswith("-"):
            break
        words.append(word)
    assert words, f"{name}: `spotcheck` is run without a sub-command"
    result = CliRunner().invoke(main, [*words, "--help"], env=app_env, catch_exceptions=True)
    assert result.exit_code == 0, (
        f"{name}: `spotcheck {' '.join(words)} --help` exited {result.exit_code}:\n{result.output}"
        f"{result.exception!r}"
    )


def test_healthcheck_hits_a_real_route(fresh_import):
    web = load_compose()["services"]["web"]
    test = web["healthcheck"]["test"]
    text = " ".join(test) if isinstance(test, list) else test
    assert "curl" not in text and "wget" not in text, "python:3.11-slim has neither curl nor wget"
    urls = re.findall(r"https?://[^'\"\s)]+", text)
    assert urls, f"the web healthcheck requests no URL: {text!r}"
    url = urlparse(urls[0])
    # readiness, not liveness: the container is unhealthy while PostgreSQL or Redis is away
    assert url.path == "/readyz", f"the web healthcheck asks {url.path}, not the readiness check /readyz"

    app = fresh_import("spotcheck.wsgi").app
    response = app.test_client().get(url.path)
    assert response.status_code == 200, f"{url.path} answered {response.status_code}"

    bind = gunicorn_args(next(argv for name, argv in commanded_services()
                              if name == "web" and argv[0] == "gunicorn")).bind
    assert any(address.rsplit(":", 1)[-1] == str(url.port) for address in bind), \
        f"the healthcheck asks port {url.port}, gunicorn binds {bind}"


def test_backing_services_have_healthchecks():
    services = load_compose()["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ping" in " ".join(services["redis"]["healthcheck"]["test"])
    assert any(":/var/lib/postgresql/data" in volume for volume in services["postgres"]["volumes"])
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["redis"]["condition"] == "service_healthy", name
    assert services["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_app_services_pass_only_variables_the_app_reads():
    source = app_source_text()
    services = app_services()
    assert set(services) >= {"web", "worker", "beat"}
    for name, service in services.items():
        env = environment_of(service)
        assert env, f"{name}: no environment"
        for variable in env:
            assert re.search(rf"[\"']{re.escape(variable)}[\"']", source), \
                f"{name}: passes {variable}, which nothing under spotcheck/ reads"


def test_production_settings_and_no_hardcoded_secret():
    for name, service in app_services().items():
        env = environment_of(service)
        assert env["SPOTCHECK_ENV"] == "production", name
        assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]*\}", env["SECRET_KEY"]), \
            f"{name}: SECRET_KEY must come from the environment and be required (${{SECRET_KEY:?...}})"
        assert env["DATABASE_URL"].startswith("postgresql://"), name
        assert env["REDIS_URL"].startswith("redis://"), name


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
            assert re.search(rf"[\"']{re.escape(variable)}[\"']", source), \
                f"the Dockerfile sets {variable}, which nothing under spotcheck/ reads"


def test_dockerignore_keeps_local_state_out_but_not_the_code():
    entries = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    for required in (".venv", ".git", "instance", ".pytest_cache", ".hypothesis"):
        assert required in entries, f".dockerignore should exclude {required}"
    assert any("__pycache__" in entry for entry in entries)
    for needed in ("spotcheck", "migrations", "pyproject.toml", "*", "."):
        assert needed not in entries, f".dockerignore excludes {needed}, which the image needs"


def test_web_worker_and_beat_share_the_storage_volume():
    """An upload kept by web is read by a worker: the same named volume at the same path, which
    is where SPOTCHECK_STORAGE points."""
    compose = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert "files" in compose["volumes"]
    for name, service in app_services().items():
        storage = environment_of(service)["SPOTCHECK_STORAGE"]
        assert f"files:{storage}" in service.get("volumes", []), name
    assert dockerfile_env()["SPOTCHECK_STORAGE"] == storage
