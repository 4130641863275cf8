"""Backup and restore (备份与恢复) and the operator's check, as an operator runs them: ``spotcheck backup``,
``spotcheck restore`` onto a new database and an empty storage folder, then ``spotcheck check`` and
``spotcheck audit verify``; on PostgreSQL onto a cluster made with ``initdb`` for the test."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.rules import commands as rules
from tests.support.helpers import make_app, tenant_id, user_named

PDF = b"%PDF-1.4\n% spotcheck backup test\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _published_rules_file(app) -> str:
    """SCJ publishes its rules document with a PDF; the stored file's key."""
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(tenant_id("SCJ")):
            rules.save_text({"title": "实施细则", "body": "第一条 为规范随机抽查工作，制定本细则。"}, actor=admin)
            document = rules.attach_file({"file_name": "细则.pdf", "stream": io.BytesIO(PDF)}, actor=admin)
            rules.publish(actor=admin)
            key = document.stored_name
            db.session.commit()
    return key


def _cli(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def _works(restored) -> None:
    """The restored deployment serves the stored file, and the operator's checks pass."""
    assert restored.test_client().get("/public/SCJ/rules/file").data == PDF
    check = _cli(restored, "check")
    assert check.exit_code == 0 and "OK: " in check.output, check.output + check.stderr
    verified = _cli(restored, "audit", "verify")
    assert verified.exit_code == 0 and "audit trail intact" in verified.output, verified.stderr


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_sqlite_backup_restores_into_a_new_file_and_empty_folder(app, tmp_path):
    key = _published_rules_file(app)
    taken = _cli(app, "backup", str(tmp_path / "backup"))
    assert taken.exit_code == 0, taken.output + taken.stderr
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["source"] == "sqlite" and manifest["alembic_revision"] and f"files/{key}" in manifest["files"]

    restored = make_app(f"sqlite:///{tmp_path / 'restored.db'}", SPOTCHECK_STORAGE=str(tmp_path / "storage"))
    done = _cli(restored, "restore", str(tmp_path / "backup"))
    assert done.exit_code == 0, done.output + done.stderr
    _works(restored)

    again = _cli(restored, "restore", str(tmp_path / "backup"))  # over a database that is in use
    assert again.exit_code != 0 and "not empty" in again.stderr and "--force" in again.stderr

    (tmp_path / "storage" / key).unlink()  # a stored file lost
    check = _cli(restored, "check")
    assert check.exit_code == 1 and f"MISSING FILE  {key}" in check.output and "rules_document" in check.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_tampered_backup_is_refused_naming_the_file_and_nothing_is_restored(app, tmp_path):
    key = _published_rules_file(app)
    assert _cli(app, "backup", str(tmp_path / "backup")).exit_code == 0
    (tmp_path / "backup" / "files" / key).write_bytes(PDF.replace(b"backup", b"altered"))

    target = make_app(f"sqlite:///{tmp_path / 'restored.db'}", SPOTCHECK_STORAGE=str(tmp_path / "storage"))
    refused = _cli(target, "restore", str(tmp_path / "backup"))
    assert refused.exit_code != 0 and f"files/{key} does not match its SHA-256" in refused.stderr
    assert not any((tmp_path / "storage").rglob("*.pdf"))
    with sqlite3.connect(tmp_path / "restored.db") as connection:
        assert connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0


@pytest.mark.postgres
def test_a_postgresql_backup_restores_onto_a_new_cluster(postgres_url, new_cluster, tmp_path):
    source = make_app(postgres_url, SPOTCHECK_STORAGE=str(tmp_path / "source-storage"))
    key = _published_rules_file(source)
    assert _cli(source, "audit", "publish-heads").exit_code == 0
    heads = tmp_path / "audit-heads.json"  # what a citizen kept of /public/audit-heads.json before the loss
    heads.write_bytes(source.test_client().get("/public/audit-heads.json").data)
    assert json.loads(heads.read_text(encoding="utf-8"))
    taken = _cli(source, "backup", str(tmp_path / "backup"))
    assert taken.exit_code == 0, taken.output + taken.stderr
    roles = (tmp_path / "backup" / "roles.sql").read_text(encoding="utf-8")
    assert 'CREATE ROLE "spotcheck_app" NOLOGIN' in roles

    # a new cluster: no database "spotcheck", no role spotcheck_app, an empty storage folder
    restored = make_app(new_cluster, SPOTCHECK_STORAGE=str(tmp_path / "storage"))
    done = _cli(restored, "restore", str(tmp_path / "backup"))
    assert done.exit_code == 0, done.output + done.stderr
    _works(restored)
    assert (tmp_path / "storage" / key).read_bytes() == PDF
    against = _cli(restored, "audit", "verify", "--against", str(heads))
    assert against.exit_code == 0 and "every published head extended" in against.output, against.stderr

    refused = _cli(restored, "restore", str(tmp_path / "backup"))
    assert refused.exit_code != 0 and "not empty" in refused.stderr
    for application in (source, restored):
        with application.app_context():
            db.engine.dispose()
