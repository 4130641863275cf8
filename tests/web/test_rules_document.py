"""The rules document (一细则): text, an uploaded file checked by type and content, stored under the
instance folder and served only through a permission-checked route; publication."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.rules.models import RulesDocument
from tests.support.helpers import bearer, make_app, post_form, signed_in, tenant_id

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
HTML = b"<!doctype html><html><script>alert(1)</script></html>"


@pytest.fixture
def rules_app(database_url, tmp_path, monkeypatch):
    """An app with its own instance folder, so the stored files can be found and are cleaned up."""
    monkeypatch.setenv("SPOTCHECK_INSTANCE", str(tmp_path / "instance"))
    application = make_app(database_url)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def field_errors(html: str, field: str) -> list[str]:
    """The error messages the form's error summary gives the form field ``field`` (each a link to it)."""
    return re.findall(rf'<li><a href="#{field}">[^<]*</a>：([^<]*)</li>', html)


def upload(client, name: str, content: bytes):
    return post_form(client, "/catalog/rules/file", {"file": (io.BytesIO(content), name)}, token_from="/catalog/rules")


def stored_files(app) -> list[Path]:
    """The files in the shared storage (uploads never stay anywhere else)."""
    return [p for p in Path(app.config["SPOTCHECK_STORAGE"]).rglob("*") if p.is_file()]


def test_admin_writes_uploads_and_publishes_through_the_pages(rules_app):
    app = rules_app
    admin = signed_in(app, "scj_admin")
    first = admin.get("/catalog/rules")
    assert first.status_code == 200 and 'id="rules-text-form"' in first.get_data(as_text=True)

    untitled = post_form(admin, "/catalog/rules/text", {"title": "", "body": "正文"}, token_from="/catalog/rules")
    assert untitled.status_code == 200 and field_errors(untitled.get_data(as_text=True), "title")
    saved = post_form(
        admin,
        "/catalog/rules/text",
        {"title": "市场监管局双随机抽查工作实施细则", "body": "第一条 为规范……"},
        token_from="/catalog/rules",
    )
    assert saved.status_code == 302

    for name, content in (
        ("细则.html", HTML),
        ("细则.pdf", EXE),
        ("细则.pdf", HTML),
        ("细则.pdf", b""),
        ("细则.exe", EXE),
    ):
        refused = upload(admin, name, content)
        assert refused.status_code == 200 and field_errors(refused.get_data(as_text=True), "file"), name
    assert stored_files(app) == []

    accepted = upload(admin, "实施细则（2026年版）.pdf", PDF)
    assert accepted.status_code == 302
    page = admin.get("/catalog/rules").get_data(as_text=True)
    assert "实施细则（2026年版）.pdf" in page and hashlib.sha256(PDF).hexdigest() in page and str(len(PDF)) in page
    assert "第一条 为规范……" in page

    [stored] = stored_files(app)
    assert stored.read_bytes() == PDF
    assert Path(app.static_folder) not in stored.parents and stored.parent.parent.name == "rules"
    assert "实施细则" not in stored.name and stored.suffix == ".pdf"  # the server chose the name

    assert post_form(admin, "/catalog/rules/publish", {}, token_from="/catalog/rules").status_code == 302
    assert "tag published" in admin.get("/catalog/rules").get_data(as_text=True)

    planner = signed_in(app, "scj_planner")
    planner_page = planner.get("/catalog/rules").get_data(as_text=True)
    assert "市场监管局双随机抽查工作实施细则" in planner_page and 'id="rules-file-form"' not in planner_page
    download = planner.get("/catalog/rules/file")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and quote("实施细则（2026年版）.pdf") in disposition
    assert upload(planner, "x.pdf", PDF).status_code == 403
    assert post_form(planner, "/catalog/rules/publish", {}, token_from="/catalog/rules").status_code == 403

    other = signed_in(app, "yjj_planner")
    assert other.get("/catalog/rules/file").status_code == 404
    assert "市场监管局双随机抽查工作实施细则" not in other.get("/catalog/rules").get_data(as_text=True)
    assert signed_in(app, "scj_inspector").get("/catalog/rules/file").status_code == 403
    assert app.test_client().get("/catalog/rules/file").status_code == 302  # to the login page

    replaced = upload(admin, "细则.pdf", PDF + b"% v2\n")
    assert replaced.status_code == 302
    # the replacement is a draft: staff see it, the public keeps the published file until it is published
    assert planner.get("/catalog/rules/file").data == PDF + b"% v2\n"
    assert app.test_client().get("/public/SCJ/rules/file").data == PDF
    assert 'id="rules-unpublished"' in admin.get("/catalog/rules").get_data(as_text=True)
    assert len(stored_files(app)) == 2
    assert post_form(admin, "/catalog/rules/publish", {}, token_from="/catalog/rules").status_code == 302
    [stored_again] = stored_files(app)  # the superseded published file is gone
    assert stored_again != stored and app.test_client().get("/public/SCJ/rules/file").data == PDF + b"% v2\n"


def test_rules_document_by_api(rules_app):
    app = rules_app
    client, headers = app.test_client(), bearer(app, "swj_admin")
    bad = client.put("/api/v1/rules", headers=headers, json={"title": "", "body": "x"})
    assert bad.status_code == 422 and "title" in bad.json["errors"]["json"]
    put = client.put("/api/v1/rules", headers=headers, json={"title": "商务局抽查细则（测试）", "body": "第一条"})
    assert put.status_code == 200 and put.json["title"] == "商务局抽查细则（测试）" and put.json["file_url"] is None
    assert client.get("/api/v1/rules", headers=headers).json["body"] == "第一条"

    for name, content in (("a.html", HTML), ("a.pdf", EXE), ("a.pdf", HTML)):
        refused = client.post("/api/v1/rules/file", headers=headers, data={"file": (io.BytesIO(content), name)})
        assert refused.status_code == 422 and "file" in refused.json["errors"]["json"], name
    missing = client.post("/api/v1/rules/file", headers=headers, data={})
    assert missing.status_code == 422
    posted = client.post("/api/v1/rules/file", headers=headers, data={"file": (io.BytesIO(PDF), "细则.pdf")})
    assert posted.status_code == 200, posted.json
    assert posted.json["sha256"] == hashlib.sha256(PDF).hexdigest() and posted.json["size"] == len(PDF)
    assert posted.json["file_name"] == "细则.pdf" and posted.json["file_url"] == "/api/v1/rules/file"
    assert "stored_name" not in posted.json

    planner = bearer(app, "swj_planner")
    assert client.put("/api/v1/rules", headers=planner, json={"title": "x"}).status_code == 403
    assert client.post("/api/v1/rules/publish", headers=planner).status_code == 403
    published = client.post("/api/v1/rules/publish", headers=headers)
    assert published.status_code == 200 and published.json["published"] is True
    got = client.get("/api/v1/rules/file", headers=planner)
    assert got.status_code == 200 and got.data == PDF and got.headers["Content-Disposition"].startswith("attachment")
    assert client.get("/api/v1/rules", headers=planner).json["published"] is True

    other = bearer(app, "yjj_admin")
    assert client.get("/api/v1/rules/file", headers=other).status_code == 404
    assert "商务局抽查细则（测试）" not in client.get("/api/v1/rules", headers=other).get_data(as_text=True)

    # an edit of the published document is a draft until it is published again
    public = app.test_client()
    edited = client.put(
        "/api/v1/rules", headers=headers, json={"title": "商务局抽查细则（修订稿）", "body": "第一条（修订）"}
    )
    assert edited.status_code == 200 and edited.json["unpublished_changes"] is True
    assert edited.json["published_title"] == "商务局抽查细则（测试）"
    page = public.get("/public/SWJ/rules").get_data(as_text=True)
    assert "商务局抽查细则（测试）" in page and "修订" not in page
    newer = client.post("/api/v1/rules/file", headers=headers, data={"file": (io.BytesIO(PDF + b"%v3\n"), "新.pdf")})
    assert newer.status_code == 200 and public.get("/public/SWJ/rules/file").data == PDF
    republished = client.post("/api/v1/rules/publish", headers=headers)
    assert republished.status_code == 200 and republished.json["unpublished_changes"] is False
    assert "第一条（修订）" in public.get("/public/SWJ/rules").get_data(as_text=True)
    assert public.get("/public/SWJ/rules/file").data == PDF + b"%v3\n"


def test_a_file_needs_the_text_first(rules_app):
    """A department without a rules document is told to write its title and text first."""
    app = rules_app
    with app.app_context(), tenant_scope(tenant_id("SFJ")):
        db.session.execute(sa.delete(RulesDocument))
        db.session.commit()
    client, headers = app.test_client(), bearer(app, "sfj_admin")
    assert client.get("/api/v1/rules", headers=headers).status_code == 404
    early = client.post("/api/v1/rules/file", headers=headers, data={"file": (io.BytesIO(PDF), "a.pdf")})
    assert early.status_code == 422 and "file" in early.json["errors"]["json"]
    page = signed_in(app, "sfj_admin").get("/catalog/rules").get_data(as_text=True)
    assert 'id="rules-text-form"' in page and 'id="rules-file-form"' not in page
    assert client.post("/api/v1/rules/publish", headers=headers).status_code == 404
