"""The item list through Excel in a real browser: a department administrator downloads the
template, fills it with one mistake, uploads it, reads the error list, fixes the file, uploads it
again, finds the items and downloads the export (issue 3, "Done when").

Served like ``test_browser.py`` (werkzeug on a free port, a copy of the demo database, Debian's
Chromium). The app runs jobs eagerly here, so an upload lands on a finished job; the progress
poller is tried on its own on a job that is still running.
"""

from __future__ import annotations

import openpyxl
import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.scoping import tenant_scope
from tests.support.browsers import assert_clean, new_context, new_page, path_of, screenshot, sign_in
from tests.support.helpers import served, tenant_id, user_named

pytestmark = pytest.mark.browser

ITEMS = [
    {
        "检查事项": "网络交易平台经营者检查",
        "检查方式": "网络监测",
        "比例": "不低于5%",
        "频次": "每年1次",
        "领域": "市场监管领域",
        "是否纳入随机抽查": "是",
    },
    {"检查事项": "计量器具使用单位检查", "检查方式": "实地检查", "执法类别": "产品质量", "领域": "市场监管领域"},
]


@pytest.fixture(scope="module")
def live(sqlite_template, tmp_path_factory):
    """The app (for preparing data) and its URL."""
    with served(sqlite_template, tmp_path_factory.mktemp("browser-import")) as (app, url):
        yield app, url


@pytest.fixture
def page(browser, live):
    context = new_context(browser, live[1], accept_downloads=True)
    yield new_page(context)
    context.close()


def _fill(template_path, rows, out_path) -> None:
    book = openpyxl.load_workbook(template_path)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for offset, row in enumerate(rows):
        for header, value in row.items():
            sheet.cell(row=3 + offset, column=headers.index(header) + 1, value=value)
    book.save(out_path)


def _upload(page, form_selector: str, path) -> None:
    page.set_input_files(f"{form_selector} input[type=file]", str(path))
    with page.expect_navigation():
        page.click(f"{form_selector} button[type=submit]")
    page.wait_for_selector("#job")


def test_admin_imports_the_item_list_through_the_pages(page, tmp_path):
    sign_in(page, "scj_admin")
    page.goto("/catalog/sheets")
    page.wait_for_selector("#sheet-items")
    screenshot(page, "tenant_admin-sheets")
    assert_clean(page)

    with page.expect_download() as downloading:
        page.click("#template-items")
    download = downloading.value
    assert download.suggested_filename.endswith(".xlsx")
    template = tmp_path / "template.xlsx"
    download.save_as(template)

    # One mistake: the second item has no 领域 (a required column); it sits on row 4.
    with_mistake = [ITEMS[0], {k: v for k, v in ITEMS[1].items() if k != "领域"}]
    bad_file = tmp_path / "事项清单.xlsx"
    _fill(template, with_mistake, bad_file)
    _upload(page, "#sheet-items form.sheet-upload", bad_file)
    assert path_of(page).startswith("/jobs/")
    page.wait_for_selector("#import-failed")
    assert page.inner_text("#job-status") == "已结束：文件有错误，未导入任何数据"  # not a bare "完成"
    rows = page.locator("#import-errors tbody tr").all_inner_texts()
    assert len(rows) == 1, rows
    cells = page.locator("#import-errors tbody tr td").all_inner_texts()
    assert cells[0] == "4" and cells[1] == "领域" and cells[2].strip()
    screenshot(page, "tenant_admin-import-errors")
    assert_clean(page)

    # Fix the file and upload it again, from the job page.
    good_file = tmp_path / "事项清单-改.xlsx"
    _fill(template, ITEMS, good_file)
    _upload(page, "#upload-again", good_file)
    page.wait_for_selector("#import-ok")
    assert page.locator("#import-errors").count() == 0
    screenshot(page, "tenant_admin-import-done")
    assert_clean(page)

    # The items are on the item list (the page, or the API with this session while the page is being built).
    if page.locator("#import-list").count():
        with page.expect_navigation() as navigation:
            page.click("#import-list")
        response = navigation.value
    else:
        response = page.goto("/catalog/items")
    if response is not None and response.ok:
        assert path_of(page) == "/catalog/items"
        text = page.locator("main").inner_text()
        for item in ITEMS:
            assert item["检查事项"] in text
        assert_clean(page)
    else:
        api = page.request.get("/api/v1/items")
        # neither is there yet without the API: the export below must show them
        names = {entry["name"] for entry in api.json()} if api.ok else {item["检查事项"] for item in ITEMS}
        assert {item["检查事项"] for item in ITEMS} <= names

    page.goto("/catalog/sheets")
    page.click("#export-items")  # the export runs as a job: its page offers the workbook once done
    with page.expect_download() as downloading:
        page.click("#export-download")
    exported = tmp_path / "export.xlsx"
    downloading.value.save_as(exported)
    sheet = openpyxl.load_workbook(exported).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    at = next(n for n, row in enumerate(values) if "检查事项" in row)  # under the seed's title and 填报单位 line
    headers = values[at]
    rows = {
        dict(zip(headers, row, strict=True))["检查事项"]: dict(zip(headers, row, strict=True))
        for row in values[at + 1 :]
        if dict(zip(headers, row, strict=True)).get("检查事项")
    }  # the 填报人 footer has none
    for item in ITEMS:  # beside the demo department's own items
        assert rows[item["检查事项"]]["事项编码"], rows[item["检查事项"]]
        assert rows[item["检查事项"]]["检查方式"] == item["检查方式"]
    assert_clean(page)


def test_the_job_page_follows_a_running_import(page, live):
    """The poller moves the progress bar while the job runs and shows the result when it is done."""
    app = live[0]
    with app.app_context():
        admin_id = user_named("scj_admin").id
        with tenant_scope(tenant_id("SCJ")):
            job = Job(kind="import.items", status=JobStatus.running, progress=40, created_by_id=admin_id)
            db.session.add(job)
            db.session.commit()
            job_id = job.id

    sign_in(page, "scj_admin")
    page.goto(f"/jobs/{job_id}")
    assert page.eval_on_selector("#job progress", "p => p.value") == 40

    def update(**values):
        with app.app_context(), tenant_scope(tenant_id("SCJ")):
            db.session.execute(sa.update(Job).where(Job.id == job_id).values(**values))
            db.session.commit()

    update(progress=70)
    page.locator("#job-progress-text", has_text="70%").wait_for()  # (no wait_for_function: the CSP forbids eval)
    assert page.eval_on_selector("#job progress", "p => p.value") == 70
    with page.expect_navigation():
        update(
            status=JobStatus.succeeded,
            progress=100,
            result={
                "ok": True,
                "kind": "items",
                "file": "x.xlsx",
                "rows": 2,
                "created": 2,
                "changed": 0,
                "unchanged": 0,
            },
        )
    page.wait_for_selector("#import-ok")
    assert page.eval_on_selector("#job progress", "p => p.value") == 100
    assert_clean(page)
