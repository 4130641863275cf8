"""Excel in and out, continued: the inspectors' list (with its ID numbers masked on export), and the
import pages — who may do what, a refused upload, a job that breaks."""

from __future__ import annotations

import io
import re
from pathlib import Path

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.spreadsheets import commands as sheets, uploads
from tests.support.helpers import bearer, csrf_token, signed_in, tenant_id
from tests.support.sheets import (
    XLSX,
    download,
    export_sheet,
    exported_on_the_page,
    fill,
    id_number,
    sheet_rows,
    upload,
    xlsx_text,
)

# --- inspectors ----------------------------------------------------------------------------------

INSPECTOR_ROWS = [
    {
        "姓名": "王芳",
        "性别": "女",
        "身份证号码": id_number(1),
        "执法机构全称": "杭州市市场监督管理局",
        "职务": "科员",
        "执法证编号": "33010001",
        "执法证有效期至": "2027-12-31",
        "执法类别": "食品安全、产品质量",
        "执法区域": "西湖区",
        "业务专长": "食品生产",
        "是否专家": "否",
    },
    {
        "姓名": "李强",
        "性别": "男",
        "身份证号码": id_number(2),
        "执法机构全称": "杭州市市场监督管理局",
        "执法证编号": "33010002",
        "执法类别": "市场监管综合",
        "是否专家": "是",
        "备注": "借调",
    },
]


def test_inspectors_template_fill_upload_export_reimport_and_masking(app):
    client = app.test_client()
    admin = bearer(app, "scj_admin")
    filled = fill(download(client, "/api/v1/sheets/inspectors/template", admin), INSPECTOR_ROWS)
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Inspector))
    result = upload(client, "inspectors", filled, admin)
    assert result["ok"] is True, result
    assert result["created"] == 2
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        people = {p.cert_no: p for p in db.session.scalars(sa.select(Inspector))}
        assert people["33010001"].categories == ["food", "quality"]
        assert str(people["33010001"].cert_expires_on) == "2027-12-31"
        assert people["33010002"].is_expert is True and people["33010002"].sex == "M"
        assert people["33010001"].id_masked == id_number(1)[:6] + "********" + id_number(1)[-4:]

    full = export_sheet(client, "inspectors", admin)
    ids = {r["执法证编号"]: r["身份证号码"] for r in sheet_rows(full)}
    assert len(ids) == before + 2
    assert (ids["33010001"], ids["33010002"]) == (id_number(1), id_number(2))
    assert all(re.fullmatch(r"\d{17}[\dX]", number) for number in ids.values())

    planner = bearer(app, "scj_planner")
    masked = export_sheet(client, "inspectors", planner)
    shown = {r["执法证编号"]: r["身份证号码"] for r in sheet_rows(masked)}
    assert shown["33010001"] == id_number(1)[:6] + "********" + id_number(1)[-4:]
    text = xlsx_text(masked)
    assert not any(number in text for number in ids.values())
    page = exported_on_the_page(signed_in(app, "scj_planner"), "inspectors")
    assert id_number(1) not in xlsx_text(page)

    # The full export and the masked one both re-import without changing anything.
    for data in (full, masked):
        again = upload(client, "inspectors", data, admin)
        assert again["ok"] is True, again
        assert (again["created"], again["changed"], again["unchanged"]) == (0, 0, before + 2)


def test_a_bad_inspectors_file_imports_nothing(app):
    client = app.test_client()
    admin = bearer(app, "scj_admin")
    template = download(client, "/api/v1/sheets/inspectors/template", admin)
    good = INSPECTOR_ROWS[0]
    bad_digit = id_number(5)[:-1] + ("1" if id_number(5)[-1] != "1" else "2")
    rows = [
        good,  # row 3
        {**good, "执法证编号": "33010005", "身份证号码": bad_digit},  # row 4: check digit
        {**good, "执法证编号": "33010001", "身份证号码": id_number(6)},  # row 5: certificate twice
        {**good, "执法证编号": "33010007", "身份证号码": id_number(7), "执法类别": "天文观测"},  # row 6: unknown
        {**good, "执法证编号": "33010008", "身份证号码": id_number(1)},  # row 7: ID number twice
        {**good, "执法证编号": "33010009", "身份证号码": "", "性别": ""},  # row 8: missing ID and sex
        {**good, "执法证编号": "33010010", "身份证号码": float(id_number(10)[:17] + "0")},  # row 9: Excel's 3.3E+17
    ]
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Inspector))
    result = upload(client, "inspectors", fill(template, rows), admin)
    assert result["ok"] is False
    assert result["error_rows"] == 6
    bad = {(e["row"], e["column"]) for e in result["errors"]}
    assert {
        (4, "身份证号码"),
        (5, "执法证编号"),
        (6, "执法类别"),
        (7, "身份证号码"),
        (8, "身份证号码"),
        (8, "性别"),
        (9, "身份证号码"),
    } <= bad
    assert id_number(1) not in str(result) and bad_digit not in str(result)  # no personal data in the result
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspector)) == before
    # the list of recent imports says the file was refused, not "done"
    listed = signed_in(app, "scj_admin").get("/catalog/sheets").get_data(as_text=True)
    assert "已结束：文件有错误，未导入任何数据" in listed and "<td>已完成</td>" not in listed


# --- pages and access --------------------------------------------------------------------------


def test_pages_upload_show_progress_and_errors(app):
    client = signed_in(app, "scj_admin")
    page = client.get("/catalog/sheets")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for kind in ("items", "directory", "inspectors"):
        assert f'id="sheet-{kind}"' in html and f'id="upload-{kind}"' in html
    template = client.get("/catalog/sheets/items/template")
    assert template.status_code == 200 and "attachment" in template.headers["Content-Disposition"]

    bad = fill(template.data, [{"检查事项": "缺少领域的事项"}])
    response = client.post(
        "/catalog/sheets/items/upload",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, "/catalog/sheets"), "items-file": (io.BytesIO(bad), "清单.xlsx")},
    )
    assert response.status_code == 302
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="import-errors"' in job_page and "<td>3</td>" in job_page and "<td>领域</td>" in job_page
    assert 'id="upload-again"' in job_page

    good = fill(template.data, [{"检查事项": "有领域的事项", "领域": "其他领域"}])
    response = client.post(
        "/catalog/sheets/items/upload",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, "/catalog/sheets"), "items-file": (io.BytesIO(good), "清单.xlsx")},
    )
    job_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'id="import-ok"' in job_page
    assert "job-progress.js" not in job_page  # a finished job is not polled


def test_bad_uploads_are_refused_before_any_job(app):
    client = signed_in(app, "scj_admin")
    for name, data in (
        ("list.xls", b"\xd0\xcf\x11\xe0 old excel"),
        ("list.txt", b"a,b"),
        ("fake.xlsx", b"not a zip at all"),
    ):
        response = client.post(
            "/catalog/sheets/items/upload",
            content_type="multipart/form-data",
            data={"csrf_token": csrf_token(client, "/catalog/sheets"), "items-file": (io.BytesIO(data), name)},
        )
        assert response.status_code == 200, name
        assert 'class="field has-error"' in response.get_data(as_text=True), name
    headers = bearer(app, "scj_admin")
    api = app.test_client().post(
        "/api/v1/sheets/items/imports",
        headers=headers,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"x"), "list.pdf")},
    )
    assert api.status_code == 422 and "file" in api.get_json()["errors"]["json"]
    assert app.test_client().post("/api/v1/sheets/items/imports", headers=headers).status_code == 422
    assert app.test_client().get("/api/v1/sheets/nonsense/template", headers=headers).status_code == 404
    big = make_large_app_limit(app)
    assert big.status_code == 422


def make_large_app_limit(app):
    app.config["IMPORT_MAX_BYTES"] = 1024
    return app.test_client().post(
        "/api/v1/sheets/items/imports",
        headers=bearer(app, "scj_admin"),
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(b"x" * 2048), "big.csv")},
    )


def test_who_may_do_what(app):
    planner = signed_in(app, "scj_planner")
    page = planner.get("/catalog/sheets").get_data(as_text=True)
    assert 'id="export-items"' in page and 'id="upload-items"' not in page and 'id="template-items"' not in page
    assert exported_on_the_page(planner, "items").startswith(b"PK")  # a workbook
    assert planner.get("/catalog/sheets/items/template").status_code == 403
    headers = bearer(app, "scj_planner")
    client = app.test_client()
    assert (
        client.post(
            "/api/v1/sheets/items/imports",
            headers=headers,
            content_type="multipart/form-data",
            data={"file": (io.BytesIO(b"a"), "a.csv")},
        ).status_code
        == 403
    )
    assert client.post("/api/v1/sheets/items/exports", headers=bearer(app, "scj_inspector")).status_code == 403
    # The API document says what an export answers: 202 with the job, then the workbook from its file.
    paths = client.get("/api/openapi.json").json["paths"]
    assert "202" in paths["/api/v1/sheets/{kind}/exports"]["post"]["responses"]
    assert "/api/v1/sheets/{kind}/export" not in paths  # nothing is exported inside the request any more
    assert XLSX in paths["/api/v1/jobs/{job_id}/file"]["get"]["responses"]["200"]["content"]
    # An export's workbook is its asker's (and the administrator's): another reader's, or another department's, is 404.
    mine = client.post("/api/v1/sheets/items/exports", headers=headers).get_json()["id"]
    assert client.get(f"/api/v1/jobs/{mine}/file", headers=headers).status_code == 200
    assert client.get(f"/api/v1/jobs/{mine}/file", headers=bearer(app, "yjj_admin")).status_code == 404
    assert client.get(f"/api/v1/jobs/{mine}/file", headers=bearer(app, "scj_admin")).status_code == 200
    admin = bearer(app, "scj_admin")
    verification = client.post("/api/v1/audit/verifications", headers=admin).get_json()["id"]
    assert client.get(f"/api/v1/jobs/{verification}/file", headers=admin).status_code == 404  # no file: not an export
    assert app.test_client().get("/catalog/sheets").status_code == 302  # anonymous: to the login page


def test_an_import_that_breaks_shows_a_failed_job_not_an_error_page(app, monkeypatch, tmp_path):
    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sheets, "run_import", broken)
    client = signed_in(app, "scj_admin")
    response = client.post(
        "/catalog/sheets/items/upload",
        content_type="multipart/form-data",
        data={"csrf_token": csrf_token(client, "/catalog/sheets"), "items-file": (io.BytesIO(b"a,b\n"), "x.csv")},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert 'data-status="failed"' in page.get_data(as_text=True)
    stored = Path(app.config["SPOTCHECK_STORAGE"]) / uploads.AREA
    assert not [path for path in stored.rglob("*") if path.is_file()]  # the upload is not left behind
