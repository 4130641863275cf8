"""Settings for the tests only (测试专用配置): password hashing (口令哈希) with Argon2id's strong
parameters in production and development, the cheap ones only under ``SPOTCHECK_ENV=testing`` (the
tests sign in hundreds of times); the modules a test's worker imports (a job's pause point, where
a test kills the worker) likewise."""

from __future__ import annotations

from datetime import date

import pytest
from argon2 import PasswordHasher, extract_parameters
from flask import Flask

from spotcheck.core import clock, passwords
from spotcheck.core.database import db
from spotcheck.platform.config import ConfigError, load_config


def _parameters_of(password_hash: str) -> dict:
    found = extract_parameters(password_hash)
    return {"time_cost": found.time_cost, "memory_cost": found.memory_cost, "parallelism": found.parallelism}


@pytest.mark.seconds(2.9)
@pytest.mark.parametrize("env", ["production", "development"])
def test_production_and_development_hash_with_argon2id_strong_parameters(tmp_path, monkeypatch, env):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    cfg = load_config(str(tmp_path), {"SPOTCHECK_ENV": env})
    strong = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4}
    assert cfg["PASSWORD_HASHING"] == passwords.STRONG == strong
    default = PasswordHasher()  # the library's own recommendation (RFC 9106, low memory)
    assert strong == {
        "time_cost": default.time_cost,
        "memory_cost": default.memory_cost,
        "parallelism": default.parallelism,
    }
    app = Flask(__name__)
    app.config.update(cfg)
    with app.app_context():
        made = passwords.hash_password("Correct-Horse-1")
        assert made.startswith("$argon2id$") and _parameters_of(made) == strong
        assert passwords.verify_password(made, "Correct-Horse-1")
        assert not passwords.verify_password(made, "Correct-Horse-2")
        assert not passwords.verify_password(passwords.DUMMY_HASH, "Correct-Horse-1")
    # Outside an app (a script importing the module): the strong parameters too.
    assert _parameters_of(passwords.hash_password("Correct-Horse-1")) == strong


@pytest.mark.parametrize("env", ["production", "development"])
def test_the_cheap_parameters_are_refused_outside_testing(tmp_path, monkeypatch, env):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    with pytest.raises(ConfigError, match="PASSWORD_HASHING"):
        load_config(str(tmp_path), {"SPOTCHECK_ENV": env, "PASSWORD_HASHING": dict(passwords.FAST)})


def test_testing_hashes_cheaply_and_still_verifies_strong_hashes(app):
    assert app.config["PASSWORD_HASHING"] == passwords.FAST
    strong = PasswordHasher().hash("Correct-Horse-1")
    with app.app_context():
        made = passwords.hash_password("Correct-Horse-1")
        assert made.startswith("$argon2id$") and _parameters_of(made) == passwords.FAST
        assert passwords.verify_password(made, "Correct-Horse-1")
        assert passwords.verify_password(strong, "Correct-Horse-1")  # a hash keeps its own parameters
        assert not passwords.verify_password(strong, "Correct-Horse-2")
        assert not passwords.verify_password(passwords.DUMMY_HASH, "Correct-Horse-1")


@pytest.mark.parametrize("env", ["production", "development"])
def test_the_tests_modules_are_refused_outside_testing(tmp_path, monkeypatch, env):
    """A worker imports the modules of a test (a job's pause point: tests/support/job_pause.py) under testing only."""
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    assert load_config(str(tmp_path), {"SPOTCHECK_ENV": env})["SPOTCHECK_TEST_MODULES"] == ""
    with pytest.raises(ConfigError, match="SPOTCHECK_TEST_MODULES"):
        load_config(str(tmp_path), {"SPOTCHECK_ENV": env, "SPOTCHECK_TEST_MODULES": "tests.support.job_pause"})


@pytest.mark.parametrize("env", ["production", "development"])
def test_commits_wait_for_the_disk_outside_testing(tmp_path, monkeypatch, env):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    assert load_config(str(tmp_path), {"SPOTCHECK_ENV": env})["DATABASE_DURABLE"] is True
    with pytest.raises(ConfigError, match="DATABASE_DURABLE"):
        load_config(str(tmp_path), {"SPOTCHECK_ENV": env, "DATABASE_DURABLE": False})


def test_under_testing_commits_do_not_wait_for_the_disk(app):
    """The same transactions and locks; only the flush to disk is not awaited."""
    assert app.config["DATABASE_DURABLE"] is False
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(db.text("PRAGMA synchronous")).scalar() == 0  # OFF
        else:
            assert db.session.execute(db.text("SHOW synchronous_commit")).scalar() == "off"


@pytest.mark.parametrize("env", ["production", "testing"])
def test_a_trials_date_is_refused_outside_development(tmp_path, monkeypatch, env):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    with pytest.raises(ConfigError, match="SPOTCHECK_TODAY"):
        load_config(str(tmp_path), {"SPOTCHECK_ENV": env, "SPOTCHECK_TODAY": "2026-12-15"})


def test_a_development_instance_lives_on_its_trials_date_with_a_running_clock(tmp_path):
    with pytest.raises(ConfigError, match="YYYY-MM-DD"):
        load_config(str(tmp_path), {"SPOTCHECK_ENV": "development", "SPOTCHECK_TODAY": "15/12/2026"})
    try:
        clock.run_from(date(2031, 12, 15))
        first = clock.now()
        assert clock.today() == date(2031, 12, 15)
        assert clock.now() > first  # the clock runs on from there
    finally:
        clock.run_from(None)
    assert clock.today() != date(2031, 12, 15)
