"""`spotcheck demo` and configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from spotcheck.demo import DEPARTMENTS
from spotcheck.platform.config import ConfigError, load_config
from tests.support.helpers import DEMO_PASSWORD, login


def test_demo_is_idempotent_and_prints_every_login(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == second.exit_code == 0
    assert first.output == second.output
    assert DEMO_PASSWORD in first.output
    for _code, _name, _kind, users in DEPARTMENTS:
        for user_login, _display, _roles in users:
            assert user_login in first.output
    client = app.test_client()
    assert client.get("/api/v1/tenants").status_code == 401


def test_every_demo_user_can_sign_in(app):
    logins = ["admin"] + [login_name for *_, users in DEPARTMENTS for login_name, _, _ in users]
    for login_name in logins:
        assert login(app.test_client(), login_name).status_code == 302, login_name


def test_production_refuses_the_default_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(str(tmp_path), {"SPOTCHECK_ENV": "production"})
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ConfigError):
        load_config(str(tmp_path), {"SPOTCHECK_ENV": "production"})
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    assert load_config(str(tmp_path), {"SPOTCHECK_ENV": "production"})["SECRET_KEY"] == "x" * 40


def test_development_runs_embedded(tmp_path, monkeypatch):
    for name in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    cfg = load_config(str(tmp_path), {"SPOTCHECK_ENV": "development"})
    assert cfg["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///") and str(tmp_path) in cfg["SQLALCHEMY_DATABASE_URI"]
    # jobs wait in the embedded queue (files under the instance folder) for the worker ``spotcheck run``
    # starts: never in the request
    assert cfg["CELERY"]["broker_url"] == "filesystem://" and not cfg["CELERY"].get("task_always_eager")
    assert cfg["CELERY"]["broker_transport_options"]["data_folder_out"] == str(tmp_path / "queue" / "messages")
    assert load_config(str(tmp_path), {"SPOTCHECK_ENV": "testing"})["CELERY"]["task_always_eager"] is True


def test_services_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example/spotcheck")
    monkeypatch.setenv("REDIS_URL", "redis://cache.example:6379/1")
    cfg = load_config(str(tmp_path), {"SPOTCHECK_ENV": "development"})
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://db.example/spotcheck"
    assert cfg["CELERY"]["broker_url"] == "redis://cache.example:6379/1"
    assert not cfg["CELERY"].get("task_always_eager")


def test_the_identity_platforms_settings_are_refused_when_unsafe_or_incomplete(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)

    def loaded(**settings):
        return load_config(str(tmp_path), {"SPOTCHECK_ENV": "production", **settings})

    staff = {
        "SPOTCHECK_OIDC_ISSUER": "https://sso.example.gov.cn",
        "SPOTCHECK_OIDC_CLIENT_ID": "spotcheck",
        "SPOTCHECK_OIDC_CLIENT_SECRET": "s" * 40,
    }
    with pytest.raises(ConfigError, match="SPOTCHECK_OIDC_ISSUER"):  # passwords off with no provider: nobody gets in
        loaded(SPOTCHECK_PASSWORD_LOGIN="off")
    with pytest.raises(ConfigError, match="CLIENT_SECRET"):
        loaded(**{**staff, "SPOTCHECK_OIDC_CLIENT_SECRET": ""})
    with pytest.raises(ConfigError, match="https"):
        loaded(**{**staff, "SPOTCHECK_OIDC_ISSUER": "http://sso.example.gov.cn"})
    with pytest.raises(ConfigError, match="another provider"):  # the credit code never from the staff's issuer
        loaded(
            **staff,
            SPOTCHECK_OIDC_BUSINESS_ISSUER=staff["SPOTCHECK_OIDC_ISSUER"],
            SPOTCHECK_OIDC_BUSINESS_CLIENT_ID="b",
            SPOTCHECK_OIDC_BUSINESS_CLIENT_SECRET="b" * 40,
        )
    with pytest.raises(ConfigError, match="on or off"):
        loaded(**staff, SPOTCHECK_PASSWORD_LOGIN="no")
    assert loaded(**staff, SPOTCHECK_PASSWORD_LOGIN="off")["SPOTCHECK_PASSWORD_LOGIN"] == "off"


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError):
        load_config(str(tmp_path), {"SPOTCHECK_ENV": "staging"})


def _spotcheck(tmp_path, *args, **env):
    command = Path(sys.executable).with_name("spotcheck")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SPOTCHECK_", "SECRET_KEY", "DATABASE_URL"))}
    return subprocess.run(
        [str(command), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**clean, "SPOTCHECK_INSTANCE": str(tmp_path / "instance"), **env},
    )


@pytest.mark.slow(6)
def test_the_command_line_says_what_is_wrong_in_one_line(tmp_path):
    """A bad configuration, a database never prepared, a database not reachable: one clear line on
    stderr and exit status 2, never a traceback."""
    unsafe = _spotcheck(tmp_path, "audit", "verify")  # production without a secret key
    unprepared = _spotcheck(tmp_path, "audit", "verify", SPOTCHECK_ENV="development")
    unreachable = _spotcheck(
        tmp_path, "audit", "verify", SPOTCHECK_ENV="development", DATABASE_URL="postgresql://127.0.0.1:1/none"
    )
    for result, says in ((unsafe, "SECRET_KEY"), (unprepared, "spotcheck db upgrade"), (unreachable, "database error")):
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert says in result.stderr
