"""The compose file's settings: healthchecks on the backing services, production settings with no
secret written in, only variables the app reads, and one storage volume shared by web and workers."""

from __future__ import annotations

import re

import yaml

from tests.support.deployment_files import (
    COMPOSE_FILE,
    app_services,
    app_source_text,
    dockerfile_env,
    environment_of,
    load_compose,
)


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
            assert re.search(rf"[\"']{re.escape(variable)}[\"']", source), (
                f"{name}: passes {variable}, which nothing under spotcheck/ reads"
            )


def test_production_settings_and_no_hardcoded_secret():
    for name, service in app_services().items():
        env = environment_of(service)
        assert env["SPOTCHECK_ENV"] == "production", name
        for required in ("SECRET_KEY", "SPOTCHECK_PUBLIC_BASE_URL", "SPOTCHECK_DATA_KEY"):
            assert re.fullmatch(rf"\$\{{{required}:\?[^}}]*\}}", env[required]), (
                f"{name}: {required} must come from the environment and be required (${{{required}:?...}})"
            )
        assert env["DATABASE_URL"].startswith("postgresql://"), name
        assert env["REDIS_URL"].startswith("redis://"), name


def test_web_worker_and_beat_share_the_storage_volume():
    """An upload kept by web is read by a worker: the same named volume at the same path, which
    is where SPOTCHECK_STORAGE points."""
    compose = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert "files" in compose["volumes"]
    for name, service in app_services().items():
        storage = environment_of(service)["SPOTCHECK_STORAGE"]
        assert f"files:{storage}" in service.get("volumes", []), name
    assert dockerfile_env()["SPOTCHECK_STORAGE"] == storage
