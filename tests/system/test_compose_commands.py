"""The compose file's commands point at entry points that exist (no Docker needed): the gunicorn
``module:attr``, the Celery ``-A`` module and sub-command, the ``spotcheck`` console script and its
sub-commands, and the web healthcheck's route."""

from __future__ import annotations

import importlib
import re
import sys
from urllib.parse import urlparse

import celery._state as celery_state
import pytest
from celery import Celery
from celery.bin.celery import celery as celery_cli
from click.testing import CliRunner

from tests.support.deployment_files import (
    SERVICES,
    commanded_services,
    gunicorn_args,
    gunicorn_target,
    load_compose,
    load_scripts,
)

# ---------------------------------------------------------------------------- fixtures


@pytest.fixture
def app_env(monkeypatch, tmp_path):
    """An environment in which building the app is cheap and touches nothing outside tmp_path.

    Building an app also makes its Celery app the current and default one, and Flask's CLI
    sets FLASK_RUN_FROM_CLI; both are put back afterwards so no other test sees them.
    """
    monkeypatch.setattr(celery_state, "default_app", celery_state.default_app)
    monkeypatch.setattr(
        celery_state._tls, "current_app", getattr(celery_state._tls, "current_app", None), raising=False
    )
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "")  # recorded, so undo restores the original (or absence)
    monkeypatch.delenv("FLASK_RUN_FROM_CLI")
    monkeypatch.setenv("SPOTCHECK_ENV", "testing")
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("SPOTCHECK_INSTANCE", str(tmp_path / "instance"))
    for name in ("REDIS_URL", "SECRET_KEY", "SPOTCHECK_MIGRATIONS", "FLASK_APP"):
        monkeypatch.delenv(name, raising=False)
    return {"SPOTCHECK_ENV": "testing", "DATABASE_URL": "sqlite://", "SPOTCHECK_INSTANCE": str(tmp_path / "instance")}


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


@pytest.mark.parametrize(
    "name,argv",
    [item for item in commanded_services() if item[1][0] == "gunicorn"],
    ids=lambda value: value if isinstance(value, str) else " ".join(value),
)
def test_gunicorn_target_exists(name, argv, fresh_import):
    module_name, _, attribute = gunicorn_target(argv).partition(":")
    assert attribute, f"{name}: give gunicorn module:attribute, not {gunicorn_target(argv)!r}"
    module = fresh_import(module_name)
    app = getattr(module, attribute, None)
    assert app is not None, f"{name}: {module_name} has no attribute {attribute!r}"
    assert callable(app), f"{name}: {module_name}:{attribute} is not a WSGI callable"


@pytest.mark.parametrize(
    "name,argv",
    [item for item in commanded_services() if item[1][0] == "celery"],
    ids=lambda value: value if isinstance(value, str) else " ".join(value),
)
def test_celery_app_and_subcommand_exist(name, argv, fresh_import):
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
    assert isinstance(getattr(module, "celery", None), Celery), f"{name}: {module_name}.celery is not a celery.Celery"

    subcommand, options = args[0], args[1:]
    assert subcommand in celery_cli.commands, f"{name}: celery has no sub-command {subcommand!r}"
    known = {opt for param in celery_cli.commands[subcommand].params for opt in param.opts + param.secondary_opts}
    for option in options:
        if option.startswith("-"):
            assert option.partition("=")[0] in known, f"{name}: `celery {subcommand}` has no option {option!r}"


@pytest.mark.parametrize(
    "name,argv",
    [item for item in commanded_services() if item[1][0] == "spotcheck"],
    ids=lambda value: value if isinstance(value, str) else " ".join(value),
)
def test_spotcheck_subcommand_exists(name, argv, app_env):
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
        f"{name}: `spotcheck {' '.join(words)} --help` exited {result.exit_code}:\n{result.output}{result.exception!r}"
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

    bind = gunicorn_args(
        next(argv for name, argv in commanded_services() if name == "web" and argv[0] == "gunicorn")
    ).bind
    assert any(address.rsplit(":", 1)[-1] == str(url.port) for address in bind), (
        f"the healthcheck asks port {url.port}, gunicorn binds {bind}"
    )
