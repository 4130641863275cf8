"""The credit export's administration: the administrator reads the batches, their manifests and the
delivery log, and delivers a batch again, through the API and the pages; nobody else reaches them."""

from __future__ import annotations

import hashlib

import pytest
import schemathesis
import sqlalchemy as sa
from schemathesis import checks

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.job_models import Job
from spotcheck.core.scoping import tenant_scope
from tests.support.export_world import TODAY, audited
from tests.support.helpers import bearer, post_form, signed_in
from tests.support.results_world import handed_out, published


@pytest.mark.seconds(7)
def test_the_administrator_reads_batches_manifests_and_the_log_and_delivers_again(app, tmp_path):
    out = tmp_path / "credit"
    app.config["SPOTCHECK_EXPORT_DIR"] = str(out)
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            published(ids)
    admin = bearer(app, "yjj_admin")
    client = app.test_client()
    with frozen_at(TODAY):
        started = client.post("/api/v1/exports/batches", headers=admin)
    assert started.status_code == 202, started.get_data(as_text=True)
    job = client.get(f"/api/v1/jobs/{started.json['id']}", headers=admin).json
    assert job["status"] == "succeeded" and job["progress"] == 100 and job["result"]["number"] == 1
    listing = client.get("/api/v1/exports/batches", headers=admin).json
    assert listing["pending"] == 0 and [(b["name"], b["status"], b["records"]) for b in listing["items"]] == [
        ("YJJ-000001", "delivered", 1)
    ]
    batch_id = listing["items"][0]["id"]
    detail = client.get(f"/api/v1/exports/batches/{batch_id}", headers=admin).json
    assert (
        detail["manifest"]["batch_number"] == 1 and detail["manifest"]["files"][0]["sha256"] == detail["jsonl_sha256"]
    )
    jsonl = client.get(f"/api/v1/exports/batches/{batch_id}/files/jsonl", headers=admin)
    assert jsonl.status_code == 200 and hashlib.sha256(jsonl.data).hexdigest() == detail["jsonl_sha256"]
    operation = schemathesis.openapi.from_wsgi("/api/openapi.json", app)[
        "/api/v1/exports/batches/{batch_id}/files/{kind}"
    ]["GET"]
    case = operation.Case(path_parameters={"batch_id": batch_id, "kind": "manifest"})
    manifest = case.call(headers=admin)
    assert manifest.status_code == 200 and manifest.json()["batch_number"] == 1
    case.validate_response(manifest, checks=[checks.response_schema_conformance])  # as documented: JSON, not bytes
    again = client.post(f"/api/v1/exports/batches/{batch_id}/deliveries", headers=admin)
    assert (
        again.status_code == 202
        and client.get(f"/api/v1/jobs/{again.json['id']}", headers=admin).json["result"]["delivered"] is True
    )
    log = client.get("/api/v1/exports/deliveries", headers=admin).json
    assert [(d["ok"], d["again"]) for d in log["items"]] == [(True, True), (True, False)]
    assert sorted(p.name for p in (out / "YJJ").iterdir()) == ["YJJ-000001"]  # delivered again in place
    nothing = client.post("/api/v1/exports/batches", headers=admin)  # nothing waits: no empty batch
    assert client.get(f"/api/v1/jobs/{nothing.json['id']}", headers=admin).json["result"] == {
        "batch_id": None,
        "number": None,
        "records": 0,
    }
    assert client.get("/api/v1/exports/batches", headers=admin).json["total"] == 1

    bad = client.get("/api/v1/exports/deliveries?batch_id=abc&page=0", headers=admin)
    assert bad.status_code == 422 and {"batch_id", "page"} <= set(bad.json["errors"]["query"])
    for login, status in (("yjj_planner", 403), ("yjj_leader", 403), ("yjj_inspector", 403)):
        assert client.get("/api/v1/exports/batches", headers=bearer(app, login)).status_code == status
    other = bearer(app, "scj_admin")
    assert client.get(f"/api/v1/exports/batches/{batch_id}", headers=other).status_code == 404
    assert client.post(f"/api/v1/exports/batches/{batch_id}/deliveries", headers=other).status_code == 404

    page = signed_in(app, "yjj_admin")
    home = page.get("/exports").get_data(as_text=True)
    assert "YJJ-000001" in home and 'id="nav-exports"' in home
    shown = page.get(f"/exports/batches/{batch_id}").get_data(as_text=True)
    assert detail["manifest_sha256"] in shown and '"batch_number": 1' in shown
    moved = post_form(page, f"/exports/batches/{batch_id}/deliver", {}, token_from=f"/exports/batches/{batch_id}")
    assert moved.status_code == 302 and "/jobs/" in moved.headers["Location"]
    assert 'id="export-job-outcome"' in page.get(moved.headers["Location"]).get_data(as_text=True)
    assert page.get("/exports/deliveries").get_data(as_text=True).count('data-delivery="') == 3
    assert signed_in(app, "yjj_planner").get("/exports").status_code == 403
    assert 'id="nav-exports"' not in signed_in(app, "yjj_planner").get("/").get_data(as_text=True)
    with app.app_context(), tenant_scope(ids["tenant"]):
        kinds = db.session.scalars(sa.select(Job.kind).where(Job.kind.like("exports.%")).order_by(Job.id)).all()
        assert kinds == ["exports.export", "exports.deliver", "exports.export", "exports.deliver"]
        assert audited("export.batch_delivered") == 3
