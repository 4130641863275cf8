"""Going live safely (上线前): no production process serves while the address every inspection code's QR carries is
missing or local — the console's commands still run, so that an operator finds out why —, ``spotcheck check`` tells
whether the address reaches this deployment, and ``make demo`` prints the address its codes carry, on its own port."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import sqlalchemy as sa

from spotcheck.core import deployment
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.platform import operations_check
from spotcheck.platform.config import ConfigError, numeric_host, public_address_problem, require_public_address
from spotcheck.tenants.notices.models import Notice
from tests.support.demo_world import demo_city

ROOT = Path(__file__).resolve().parents[2]
SECRET = {"SECRET_KEY": "x" * 40}


@pytest.mark.parametrize(
    "address",
    [
        None,
        "",
        "http://127.0.0.1:5000",
        "http://localhost",
        "https://[::1]/",
        "http://10.2.3.4",
        "https://172.20.0.5",
        "http://192.168.1.10:8080",
        "http://169.254.1.1",
        "ftp://jiancha.example.gov.cn",
        "jiancha.example.gov.cn",
        # the same addresses written short or as one number, as browsers and inet_aton read them (issue 94)
        "https://127.1",
        "https://0x7f000001",
        "https://2130706433",
        "https://017700000001",
        "https://10.1",
        "https://0",
        "https://0x0a.0x1.2.3",
        "https://0x",  # 0.0.0.0 to a browser (WHATWG URL), though inet_aton refuses it
        "https://192.168.0x101",
        "https://[::ffff:127.0.0.1]",
        "https://127.1.",
        "https://jiancha.example.gov.cn:notaport",
    ],
)
def test_production_refuses_to_serve_without_a_public_address(address):
    config = {"SPOTCHECK_ENV": "production", "SPOTCHECK_PUBLIC_BASE_URL": address}
    assert public_address_problem(config) is not None
    with pytest.raises(ConfigError, match="SPOTCHECK_PUBLIC_BASE_URL"):
        require_public_address(config)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("http://jiancha.example.gov.cn", "not https"),
        ("http://58.17.1.5:8443", "not https"),
        ("https://operator:secret@jiancha.example.gov.cn", "user information"),
        ("https://jiancha@jiancha.example.gov.cn", "user information"),
        ("https://jiancha.cq.gov.cn/portal", "serves no sub-path"),
        ("https://jiancha.cq.gov.cn/?a=1", "serves no sub-path"),
        ("https://jiancha.cq.gov.cn?", "serves no sub-path"),
        ("https://jiancha.cq.gov.cn#top", "serves no sub-path"),
    ],
)
def test_production_refuses_http_user_information_and_a_sub_path_saying_why(address, why):
    config = {"SPOTCHECK_ENV": "production", "SPOTCHECK_PUBLIC_BASE_URL": address}
    with pytest.raises(ConfigError, match=why):
        require_public_address(config)
    assert why in public_address_problem({**config, "SPOTCHECK_ENV": "testing"})


def test_development_may_use_http_and_user_information_but_no_sub_path():
    for address in ("http://127.0.0.1:5000", "http://jiancha.example.gov.cn", "https://a@jiancha.example.gov.cn"):
        config = {"SPOTCHECK_ENV": "development", "SPOTCHECK_PUBLIC_BASE_URL": address}
        assert public_address_problem(config) is None or "loopback" in public_address_problem(config)
    sub_path = {"SPOTCHECK_ENV": "development", "SPOTCHECK_PUBLIC_BASE_URL": "http://jiancha.example.gov.cn/x"}
    assert "serves no sub-path" in public_address_problem(sub_path)


@pytest.mark.parametrize(
    "host",
    ["127.1", "0x7f000001", "2130706433", "017700000001", "10.1", "0", "0x0a.0x1.2.3", "1.2.3.4", "58.017.1.05"],
)
def test_a_numeric_host_is_read_as_inet_aton_reads_it(host):
    assert numeric_host(host) == ipaddress.IPv4Address(socket.inet_aton(host))


@pytest.mark.parametrize("host", ["jiancha.example.gov.cn", "1.2.3.4.5", "256.1.1.1", "09", "1.2.3.256", "١٢"])
def test_a_name_or_a_number_out_of_range_is_no_address(host):
    assert numeric_host(host) is None


@pytest.mark.parametrize(
    "address", ["https://jiancha.example.gov.cn", "https://58.17.1.5:8443", "https://jiancha.cq.gov.cn/"]
)
def test_production_serves_with_a_public_address_and_a_trial_with_a_local_one(address):
    require_public_address({"SPOTCHECK_ENV": "production", "SPOTCHECK_PUBLIC_BASE_URL": address})
    require_public_address({"SPOTCHECK_ENV": "development", "SPOTCHECK_PUBLIC_BASE_URL": "http://127.0.0.1:5000"})


def _spotcheck(tmp_path, *args, **env):
    command = Path(sys.executable).with_name("spotcheck")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SPOTCHECK_", "SECRET_KEY", "DATABASE_URL"))}
    return subprocess.run(
        [str(command), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**clean, "SPOTCHECK_INSTANCE": str(tmp_path / "instance"), **env},
    )


@pytest.mark.slow(8)
def test_the_server_and_the_worker_refuse_while_the_console_still_runs(tmp_path):
    """`spotcheck run`, the WSGI app and a Celery worker refuse, naming the variable, in one line; `db upgrade` and
    `check` run and say why."""
    production = {"SPOTCHECK_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}", **SECRET}
    upgraded = _spotcheck(tmp_path, "db", "upgrade", **production)
    assert upgraded.returncode == 0, upgraded.stderr
    served = _spotcheck(tmp_path, "run", "--port", "5999", **production)
    assert served.returncode == 2 and "Traceback" not in served.stderr
    assert len(served.stderr.strip().splitlines()) == 1 and "SPOTCHECK_PUBLIC_BASE_URL" in served.stderr
    local = _spotcheck(
        tmp_path, "run", "--port", "5999", SPOTCHECK_PUBLIC_BASE_URL="http://127.0.0.1:5000", **production
    )
    assert local.returncode == 2 and "loopback" in local.stderr
    for entry in ("spotcheck.wsgi", "spotcheck.worker"):
        imported = subprocess.run(
            [sys.executable, "-c", f"import {entry}"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            env={
                **{k: v for k, v in os.environ.items() if not k.startswith("SPOTCHECK_")},
                **production,
                "SPOTCHECK_INSTANCE": str(tmp_path / "instance"),
            },
        )
        assert imported.returncode != 0 and "SPOTCHECK_PUBLIC_BASE_URL" in imported.stderr, entry
    checked = _spotcheck(tmp_path, "check", "--skip-address", **production)
    assert checked.returncode == 1 and "ADDRESS       SPOTCHECK_PUBLIC_BASE_URL is not set" in checked.stdout


class _Answering(BaseHTTPRequestHandler):
    identity = "not-this-one"

    def do_GET(self):
        body = json.dumps({"deployment": self.identity}).encode()
        self.send_response(200 if self.path == operations_check.IDENTITY_PATH else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _server(identity: str) -> tuple[HTTPServer, str]:
    handler = type("Handler", (_Answering,), {"identity": identity})
    server = HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def test_check_fails_on_an_address_that_answers_as_another_deployment(app):
    with app.app_context():
        with system_access("test: the deployment's identity"):
            mine = deployment.identity()
            db.session.rollback()
        assert mine and app.test_client().get(operations_check.IDENTITY_PATH).get_json() == {"deployment": mine}
        other, address = _server("another-deployment-0123456789")
        try:
            [problem] = operations_check.reach_problems(address)
            assert problem.startswith("ADDRESS") and "SPOTCHECK_PUBLIC_BASE_URL" in problem and "another" in problem
        finally:
            other.shutdown()
        this, address = _server(mine)
        try:
            assert operations_check.reach_problems(address) == []
        finally:
            this.shutdown()
        [unreachable] = operations_check.reach_problems("http://127.0.0.1:9")
        assert "does not reach" in unreachable and "--skip-address" in unreachable


def test_check_lists_the_notices_printed_with_a_local_address_by_department(app):
    with app.app_context():
        demo_city()
        with system_access("test: the notices' addresses"):
            printed = db.session.scalar(
                sa.select(sa.func.count()).select_from(Notice).where(Notice.qr_base.is_not(None))
            )
            db.session.rollback()
        assert printed
        listed = operations_check.notice_problems()
        assert listed and all(line.startswith("LOCAL QR") and "http://127.0.0.1:5000" in line for line in listed)
        assert any("市场监督管理局" in line for line in listed)
        assert operations_check.unrecorded_notices() == []
        with system_access("test: notices written before their address was kept"):
            db.session.execute(sa.update(Notice).values(qr_base=None))
            db.session.commit()
        assert operations_check.notice_problems() == []
        noted = operations_check.unrecorded_notices()
        assert noted and all(line.startswith("note:") for line in noted) and any("市场监督管理局" in n for n in noted)


def test_make_demo_puts_its_own_port_in_its_codes(tmp_path):
    """`make demo` exports the address from PORT; `spotcheck demo` prints it, and the notices it writes carry it."""
    assert re.search(
        r"^export SPOTCHECK_PUBLIC_BASE_URL \?= http://127\.0\.0\.1:\$\(PORT\)$",
        (ROOT / "Makefile").read_text(encoding="utf-8"),
        re.M,
    )
    database = f"sqlite:///{tmp_path / 'demo.db'}"
    trial = {
        "SPOTCHECK_ENV": "development",
        "DATABASE_URL": database,
        "SPOTCHECK_STORAGE": str(tmp_path / "files"),
        "SPOTCHECK_PUBLIC_BASE_URL": "http://127.0.0.1:8080",
    }
    assert _spotcheck(tmp_path, "db", "upgrade", **trial).returncode == 0
    loaded = _spotcheck(tmp_path, "demo", "--entities", "1500", **trial)
    assert loaded.returncode == 0, loaded.stderr
    assert "QR carry http://127.0.0.1:8080/public/checks/" in loaded.stdout
    engine = sa.create_engine(database)
    with engine.connect() as connection:
        bases = set(connection.scalars(sa.text("SELECT DISTINCT qr_base FROM notice WHERE qr_base IS NOT NULL")))
    engine.dispose()
    assert bases == {"http://127.0.0.1:8080"}
