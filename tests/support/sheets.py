"""The spreadsheets as a department administrator handles them (电子表格): fill a downloaded template with
openpyxl, upload it, read a sheet's rows back, and check that a refusal's reason is in Chinese;
shared by the tests of imports and exports."""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache
from pathlib import Path

import openpyxl
import sqlalchemy as sa
from babel.messages.pofile import read_po
from stdnum.cn import ric, uscc

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory.models import DirectoryEntry
from spotcheck.tenants.items.models import Item
from tests.support.helpers import csrf_token, tenant_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PO_FILE = Path(__file__).resolve().parents[2] / "spotcheck/translations/zh_Hans_CN/LC_MESSAGES/messages.po"


# --- helpers ---------------------------------------------------------------------------------


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 (GB 32100 check character)."""
    base = f"91330199MA7Q{n:05d}"  # a region the demo city does not use
    return base + uscc.calc_check_digit(base)


def id_number(n: int) -> str:
    """A valid 公民身份号码 (GB 11643 check digit), born in Beijing (no demo inspector is)."""
    base = f"110101198503{(n % 28) + 1:02d}{n % 1000:03d}"
    return base + ric.calc_check_digit(base + "0")


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@lru_cache(maxsize=1)
def _translated_patterns() -> list[re.Pattern]:
    """The English messages that the Chinese catalog translates, as patterns over formatted text."""
    with PO_FILE.open("rb") as handle:
        catalog = read_po(handle)
    patterns = []
    for message in catalog:
        if message.id and message.string and isinstance(message.id, str):
            parts = re.split(r"%\(\w+\)[sd]", message.id)
            patterns.append(re.compile("^" + ".*".join(map(re.escape, parts)) + "$", re.DOTALL))
    return patterns


def assert_chinese_reason(reason: str) -> None:
    """A reason is Chinese — or its message is still waiting for its translation in the catalog
    (the translations are added at the end of the issue), never an English text the catalog translates."""
    assert reason.strip()
    if not has_cjk(reason):
        assert not any(p.match(reason) for p in _translated_patterns()), f"untranslated reason: {reason}"


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def fill(template: bytes, rows: list[dict], *, keep_hints: bool = True) -> bytes:
    """The template with ``rows`` (header → value) written below its headers, as a user fills it."""
    book = workbook(template)
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    if not keep_hints:
        sheet.delete_rows(2)
    start = sheet.max_row + 1
    for offset, row in enumerate(rows):
        for header, value in row.items():
            sheet.cell(row=start + offset, column=headers.index(header) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sheet_rows(data: bytes) -> list[dict]:
    """The rows of an export, header → value: below the header row (the seed's title and 填报单位
    line above it), the 填报人 line under the rows left out."""
    sheet = workbook(data).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    at = next(i for i, row in enumerate(values) if row[0] == "序号")
    headers = values[at]
    return [
        dict(zip(headers, row, strict=True))
        for row in values[at + 1 :]
        if any(v not in (None, "") for v in row) and not str(row[0] or "").startswith("填报人：")
    ]


def upload(client, kind: str, data: bytes, headers: dict, filename: str = "filled.xlsx"):
    response = client.post(
        f"/api/v1/sheets/{kind}/imports",
        headers=headers,
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 202, response.get_data(as_text=True)
    job = client.get(f"/api/v1/jobs/{response.get_json()['id']}", headers=headers).get_json()
    assert job["status"] == "succeeded", job
    assert job["progress"] == 100
    return job["result"]


def download(client, url: str, headers: dict | None = None) -> bytes:
    response = client.get(url, headers=headers or {})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == XLSX
    return response.data


def export_sheet(client, kind: str, headers: dict) -> bytes:
    """The department's list of ``kind`` exported through the API: 202 with the job (run at once in the
    tests), which succeeded with its progress at 100, then its workbook."""
    response = client.post(f"/api/v1/sheets/{kind}/exports", headers=headers)
    assert response.status_code == 202, response.get_data(as_text=True)[:500]
    job = client.get(f"/api/v1/jobs/{response.get_json()['id']}", headers=headers).get_json()
    assert job["kind"] == f"export.{kind}" and job["status"] == "succeeded" and job["progress"] == 100, job
    return download(client, f"/api/v1/jobs/{job['id']}/file", headers)


def exported_on_the_page(client, kind: str) -> bytes:
    """The list of ``kind`` exported as a signed-in reader does on the spreadsheets page: the button starts the
    job, the job page offers the workbook once done, the link downloads it."""
    started = client.post(f"/catalog/sheets/{kind}/export", data={"csrf_token": csrf_token(client, "/catalog/sheets")})
    assert started.status_code == 302 and "/jobs/" in started.location, started.get_data(as_text=True)[:500]
    page = client.get(started.location).get_data(as_text=True)
    link = re.search(r'id="export-download" href="([^"]+)"', page)
    assert link, page
    listed = client.get("/catalog/sheets").get_data(as_text=True)  # the export listed once, under its title
    assert listed.count('id="recent-exports"') == 1 and re.search(r"<title>[^<]*</title>", listed), listed[:800]
    return download(client, link.group(1))


def xlsx_text(data: bytes) -> str:
    """Everything a workbook holds as text (shared and inline strings), to scan for personal data."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "".join(archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml"))


def directory_of(code: str) -> dict[str, DirectoryEntry]:
    """The department's directory entries by their entities' codes."""
    with tenant_scope(tenant_id(code)):
        return {e.entity.code: e for e in db.session.scalars(sa.select(DirectoryEntry))}


def items_of(code: str) -> list[Item]:
    with tenant_scope(tenant_id(code)):
        return list(db.session.scalars(sa.select(Item).order_by(Item.code)))


ITEM_ROWS = [
    {
        "检查事项": "食品生产企业监督检查",
        "子项": "生产许可条件",
        "检查依据": "《食品安全法》第一百一十条",
        "检查主体": "市市场监督管理局",
        "抽查对象": "食品生产企业",
        "检查内容": "生产条件、原料进货查验",
        "检查方式": "实地检查、书面检查",
        "比例": "不低于5%",
        "频次": "每年1次",
        "执法类别": "食品安全",
        "检查结果的运用情形": "依法公示",
        "领域": "市场监管领域",
        "类别": "重点检查事项",
        "是否纳入随机抽查": "是",
    },
    {
        "检查事项": "产品质量监督抽查",
        "检查方式": "检验检测",
        "执法类别": "产品质量、市场监管综合",
        "领域": "市场监管领域",
        "是否纳入随机抽查": "否",
        "备注": "按年度计划",
    },
    {"检查事项": "价格行为检查", "检查方式": "onsite", "领域": "其他领域"},
]
