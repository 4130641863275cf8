"""Excel in and out (issue 3, item 5): templates, all-or-nothing imports as jobs, exports.

Each kind goes the way a department administrator goes: download the blank template, fill it
with openpyxl, upload it, find the rows, export, and upload the export again (nothing changes).
A file with mistakes imports nothing and names every bad row (row number, column, reason).
"""

from __future__ import annotations

import io

import openpyxl
import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.directory import bulk
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.items.models import ItemStatus
from spotcheck.tenants.spreadsheets.columns import DIRECTORY, HINT_MARKER, INSPECTORS, ITEMS
from tests.support.helpers import _pg_connect, bearer, make_app
from tests.support.sheets import (
    ITEM_ROWS,
    assert_chinese_reason,
    credit_code,
    directory_of,
    download,
    export_sheet,
    fill,
    items_of,
    sheet_rows,
    upload,
    workbook,
)

# --- templates ---------------------------------------------------------------------------------


def test_templates_have_the_seed_headers_hints_and_lists(app):
    client = app.test_client()
    admin = bearer(app, "scj_admin")
    for kind in (ITEMS, DIRECTORY, INSPECTORS):
        book = workbook(download(client, f"/api/v1/sheets/{kind.name}/template", admin))
        sheet = book.worksheets[0]
        assert sheet.title == kind.title
        assert [c.value for c in sheet[1]] == kind.headers
        assert sheet.cell(row=2, column=1).value == HINT_MARKER
        assert sheet.cell(row=2, column=2).font.color.rgb.endswith("808080")  # the hints are grey
        assert sheet.data_validations.dataValidation, "coded columns offer drop-down lists"
        assert "填写说明" in book.sheetnames
        assert sheet.column_dimensions["B"].width > 8
    assert [c.value for c in workbook(download(client, "/api/v1/sheets/items/template", admin)).worksheets[0][1]][
        :3
    ] == ["序号", "事项编码", "检查事项"]


# --- items ---------------------------------------------------------------------------------------


def test_items_template_fill_upload_export_reimport(app):
    client = app.test_client()
    admin = bearer(app, "scj_admin")
    with app.app_context():
        before = {i.code for i in items_of("SCJ")}
        other_department = len(items_of("YJJ"))
    filled = fill(download(client, "/api/v1/sheets/items/template", admin), ITEM_ROWS)

    result = upload(client, "items", filled, admin)
    assert result["ok"] is True, result
    assert (result["rows"], result["created"], result["changed"]) == (3, 3, 0)
    with app.app_context():
        items = [i for i in items_of("SCJ") if i.code not in before]
        assert [i.name for i in items] == [r["检查事项"] for r in ITEM_ROWS]
        first, second, third = items
        assert first.status == ItemStatus.draft
        assert first.methods == ["document", "onsite"] and first.inspector_categories == ["food"]
        assert (first.field, first.kind, first.random_check) == ("market", "key", True)
        assert (first.ratio_bp, first.frequency_times, first.frequency_period) == (500, 1, "year")
        assert second.random_check is False and second.inspector_categories == ["market", "quality"]
        assert (third.field, third.kind, third.random_check) == ("other", "general", True)
        assert len(items_of("YJJ")) == other_department  # another department's list is untouched
        listed = len([i for i in items_of("SCJ") if i.status != ItemStatus.retired])

    exported = export_sheet(client, "items", admin)
    rows = sheet_rows(exported)
    assert len(rows) == listed
    mine = {r["检查事项"]: r for r in rows}
    assert set(mine) >= {r["检查事项"] for r in ITEM_ROWS}
    assert mine["食品生产企业监督检查"]["事项编码"] == first.code
    assert mine["食品生产企业监督检查"]["检查方式"] == "书面检查、实地检查"
    assert (mine["食品生产企业监督检查"]["比例"], mine["食品生产企业监督检查"]["频次"]) == ("不低于5%", "每年1次")

    again = upload(client, "items", exported, admin, "export.xlsx")
    assert again["ok"] is True, again
    assert (again["created"], again["changed"], again["unchanged"]) == (0, 0, listed)
    with app.app_context():
        assert len(items_of("SCJ")) == len(before) + 3

    # A change through the export: the row with its 事项编码 changes that item.
    book = workbook(exported)
    sheet = book.worksheets[0]
    row = next(
        r
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(row=r, column=ITEMS.headers.index("检查事项") + 1).value == "食品生产企业监督检查"
    )
    sheet.cell(row=row, column=ITEMS.headers.index("比例") + 1, value="不低于10%")
    out = io.BytesIO()
    book.save(out)
    changed = upload(client, "items", out.getvalue(), admin)
    assert (changed["created"], changed["changed"], changed["unchanged"]) == (0, 1, listed - 1)
    with app.app_context():
        assert next(i for i in items_of("SCJ") if i.code == first.code).ratio_bp == 1000


def test_a_bad_items_file_imports_nothing_and_names_every_bad_row(app):
    client = app.test_client()
    admin = bearer(app, "scj_admin")
    template = download(client, "/api/v1/sheets/items/template", admin)
    rows = [
        {"检查事项": "好的事项", "领域": "其他领域"},  # row 3: fine
        {"子项": "没有名称", "领域": "其他领域"},  # row 4: 检查事项 missing
        {"检查事项": "方式不明", "检查方式": "飞行检查", "领域": "其他领域"},  # row 5: unknown code
        {"检查事项": "好的事项", "领域": "其他领域"},  # row 6: duplicate of row 3
        {"检查事项": "无领域"},  # row 7: required 领域 missing
        {"检查事项": "编码不存在", "事项编码": "SCJ-999", "领域": "其他领域", "是否纳入随机抽查": "也许"},  # row 8
        {"检查事项": "比例是文字", "比例": "abc", "领域": "其他领域"},  # row 9: 抽查比例 is a percentage
        {"检查事项": "比例为零", "比例": "0%", "频次": "每年0次", "领域": "其他领域"},  # row 10: above 0, at least once
    ]
    with app.app_context():
        before = len(items_of("SCJ"))
    result = upload(client, "items", fill(template, rows), admin)
    assert result["ok"] is False
    assert result["error_rows"] == 7
    bad = {(e["row"], e["column"]) for e in result["errors"]}
    assert {
        (4, "检查事项"),
        (5, "检查方式"),
        (6, "检查事项"),
        (7, "领域"),
        (8, "事项编码"),
        (8, "是否纳入随机抽查"),
        (9, "比例"),
        (10, "比例"),
        (10, "频次"),
    } <= bad
    reasons = {(e["row"], e["column"]): e["reason"] for e in result["errors"]}
    assert "抽查比例" in reasons[(9, "比例")] and "抽查频次" in reasons[(10, "频次")]
    assert 3 not in {e["row"] for e in result["errors"]}
    for error in result["errors"]:
        assert_chinese_reason(error["reason"])
    with app.app_context():
        assert len(items_of("SCJ")) == before


def test_missing_required_columns_are_named_in_one_error(app):
    client = app.test_client()
    admin = bearer(app, "scj_admin")
    book = openpyxl.Workbook()
    book.active.append(["序号", "子项", "检查依据"])
    book.active.append([1, "子项一", "某法"])
    out = io.BytesIO()
    book.save(out)
    result = upload(client, "items", out.getvalue(), admin)
    assert result["ok"] is False and result["error_count"] == 1
    (error,) = result["errors"]
    assert error["row"] == 1 and "检查事项" in error["column"] and "领域" in error["column"]
    assert "检查事项" in error["reason"]


def test_csv_in_gb18030_or_utf8_imports(app):
    """Excel in a Chinese office saves CSV in GBK (GB18030 contains it); others save UTF-8, with or without BOM."""
    client = app.test_client()
    admin = bearer(app, "scj_admin")
    with app.app_context():
        before = len(items_of("SCJ"))
    for number, encoding in enumerate(("gb18030", "utf-8-sig", "utf-8"), start=1):
        text = (
            "序号,检查事项,检查方式,领域,类别,是否纳入随机抽查\r\n"
            f"1,特种设备使用单位检查{number},实地检查、书面检查,市场监管领域,重点检查事项,是\r\n"
            f'2,"广告发布行为检查，含网络广告{number}",网络监测,市场监管领域,,否\r\n'
        )
        result = upload(client, "items", text.encode(encoding), admin, "事项清单.csv")
        assert result["ok"] is True, (encoding, result)
        assert result["created"] == 2
        with app.app_context():
            items = sorted(items_of("SCJ"), key=lambda i: i.id)
            assert len(items) == before + 2 * number
            assert [i.name for i in items[-2:]] == [
                f"特种设备使用单位检查{number}",
                f"广告发布行为检查，含网络广告{number}",
            ]
            assert items[-1].random_check is False

    # Excel's "Unicode text" (UTF-16, tab-separated), and a workbook with the seed's title lines above the headers.
    text = "检查事项\t领域\r\n双随机检查一\t其他领域\r\n"
    assert upload(client, "items", text.encode("utf-16"), admin, "清单.csv")["created"] == 1
    book = openpyxl.Workbook()
    book.active.append(["城口县XXX随机抽查事项清单"])
    book.active.append(["填报单位：（盖章）", None, "时间：   年   月   日"])
    book.active.append(["序号", "检查事项", "领域"])
    book.active.append([1, "标题下的事项", "其他领域"])
    book.active.append([2, "标题下的事项二", None])
    out = io.BytesIO()
    book.save(out)
    result = upload(client, "items", out.getvalue(), admin)
    assert result["ok"] is False and [(e["row"], e["column"]) for e in result["errors"]] == [(5, "领域")]


# --- the target directory and the registry ----------------------------------------------------

DIRECTORY_ROWS = [
    {
        "统一社会信用代码/对象编码": credit_code(1),
        "名称": "杭州味美食品有限公司",
        "对象类型": "企业",
        "行业代码": "C1391",
        "行政区划代码": "231084901",
        "地址": "文三路1号",
        "登记状态": "存续",
        "经营异常名录": "否",
        "严重违法失信": "否",
        "投诉举报数": 2,
        "信用等级": "B",
        "监管类别": "食品生产",
        "风险等级": "B",
        "标签": "重点、食品",
        "上次检查日期": "2025-06-30",
    },
    {
        "统一社会信用代码/对象编码": credit_code(2),
        "名称": "西湖区老张面馆",
        "对象类型": "个体工商户",
        "行业代码": "H6211",
        "行政区划代码": "231084901",
        "经营异常名录": "是",
        "最近处罚日期": "2025/3/1",
        "风险等级": "高",
    },
    {
        "统一社会信用代码/对象编码": "PRJ-2026-001",
        "名称": "地铁三号线施工项目",
        "对象类型": "项目",
        "行业代码": "E48",
        "行政区划代码": "231084900",
    },
]


def test_directory_template_fill_upload_export_reimport(app):
    client = app.test_client()
    admin = bearer(app, "scj_admin")
    with app.app_context():
        before = len(directory_of("SCJ"))
    filled = fill(download(client, "/api/v1/sheets/directory/template", admin), DIRECTORY_ROWS)
    result = upload(client, "directory", filled, admin)
    assert result["ok"] is True, result
    assert (result["created"], result["entities_created"]) == (3, 3)
    with app.app_context():
        entries = directory_of("SCJ")
        assert len(entries) == before + 3
        first, second, project = (entries[r["统一社会信用代码/对象编码"]] for r in DIRECTORY_ROWS)
        assert (first.risk, first.category, first.tag_list) == ("B", "食品生产", ["重点", "食品"])
        assert str(first.last_inspected_on) == "2025-06-30" and first.entity.complaints == 2
        assert first.entity.name == "杭州味美食品有限公司" and first.entity.credit_rating == "B"
        assert second.risk == "A" and second.entity.abnormal is True and str(second.entity.penalized_on) == "2025-03-01"
        assert second.entity.entity_type == "individual"
        assert project.entity.entity_type == "project" and project.risk == "C"

    exported = export_sheet(client, "directory", admin)
    rows = sheet_rows(exported)
    assert len(rows) == before + 3
    assert {r["名称"] for r in DIRECTORY_ROWS} <= {r["名称"] for r in rows}
    again = upload(client, "directory", exported, admin, "export.xlsx")
    assert again["ok"] is True, again
    assert (again["created"], again["changed"], again["unchanged"]) == (0, 0, before + 3)
    assert (again["entities_created"], again["entities_changed"]) == (0, 0)

    # A file with fewer columns changes only those: here the risk class and the name.
    csv = (
        "统一社会信用代码/对象编码,名称,行业代码,行政区划代码,风险等级\n"
        f"{credit_code(1)},杭州味美食品股份有限公司,C1391,231084901,D\n"
    ).encode()
    narrow = upload(client, "directory", csv, admin, "risk.csv")
    assert (narrow["changed"], narrow["entities_changed"]) == (1, 1), narrow
    with app.app_context():
        entry = directory_of("SCJ")[credit_code(1)]
        assert (entry.risk, entry.category, entry.tag_list) == ("D", "食品生产", ["重点", "食品"])
        assert (entry.entity.name, entry.entity.address, entry.entity.complaints) == (
            "杭州味美食品股份有限公司",
            "文三路1号",
            2,
        )


def test_a_bad_directory_file_imports_nothing_and_names_every_bad_row(app):
    client = app.test_client()
    admin = bearer(app, "scj_admin")
    template = download(client, "/api/v1/sheets/directory/template", admin)
    good = DIRECTORY_ROWS[0]
    wrong_digit = credit_code(7)[:-1] + ("0" if credit_code(7)[-1] != "0" else "1")
    rows = [
        good,  # row 3
        {**good, "统一社会信用代码/对象编码": wrong_digit, "名称": "校验位错误公司"},  # row 4: bad check character
        {**good, "统一社会信用代码/对象编码": credit_code(8), "名称": ""},  # row 5: name missing
        {**good, "统一社会信用代码/对象编码": credit_code(9), "对象类型": "外星企业"},  # row 6: unknown type
        {**good, "名称": "重复的公司"},  # row 7: same code as row 3
        {**good, "统一社会信用代码/对象编码": credit_code(10), "行业代码": "Z99", "风险等级": "极高"},  # row 8
    ]
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Entity))
        entries = len(directory_of("SCJ"))
    result = upload(client, "directory", fill(template, rows), admin)
    assert result["ok"] is False
    assert result["error_rows"] == 5
    bad = {(e["row"], e["column"]) for e in result["errors"]}
    assert {
        (4, "统一社会信用代码/对象编码"),
        (5, "名称"),
        (6, "对象类型"),
        (7, "统一社会信用代码/对象编码"),
        (8, "行业代码"),
        (8, "风险等级"),
    } <= bad
    for error in result["errors"]:
        assert_chinese_reason(error["reason"])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Entity)) == before
        assert len(directory_of("SCJ")) == entries


def test_another_department_adds_missing_entities_but_cannot_change_the_registry(app):
    client = app.test_client()
    lead = bearer(app, "scj_admin")
    template = download(client, "/api/v1/sheets/directory/template", lead)
    assert upload(client, "directory", fill(template, DIRECTORY_ROWS[:2]), lead)["ok"] is True

    other = bearer(app, "yjj_admin")
    rows = [
        {**DIRECTORY_ROWS[0], "名称": "改名后的公司", "经营异常名录": "是", "监管类别": "危化品使用", "风险等级": "A"},
        {
            "统一社会信用代码/对象编码": credit_code(3),
            "名称": "城东化工有限公司",
            "行业代码": "C2614",
            "行政区划代码": "231084904",
            "风险等级": "较高",
        },
    ]
    result = upload(client, "directory", fill(template, rows), other)
    assert result["ok"] is True, result
    assert (result["created"], result["entities_created"], result["entities_changed"]) == (2, 1, 0)
    assert result["registry_kept"] == 1
    with app.app_context():
        kept = db.session.scalar(sa.select(Entity).where(Entity.code == credit_code(1)))
        assert (kept.name, kept.abnormal) == ("杭州味美食品有限公司", False)
        assert db.session.scalar(sa.select(Entity.name).where(Entity.code == credit_code(3))) == "城东化工有限公司"
        entries = directory_of("YJJ")
        assert {credit_code(1), credit_code(3)} <= set(entries) and credit_code(2) not in entries
        assert (entries[credit_code(1)].category, entries[credit_code(1)].risk) == ("危化品使用", "A")
        lead = directory_of("SCJ")
        assert (lead[credit_code(1)].category, lead[credit_code(2)].category) == ("食品生产", "")
        assert credit_code(3) not in lead


@pytest.mark.postgres
def test_a_citys_first_directory_file_writes_the_registry_at_once_in_the_files_order(postgres_url, monkeypatch):
    """A city's registry uploaded through the page into a registry holding fewer (its first load): the entities
    are written at once in the order of the file, the registry's indexes built again after them as the bulk
    import builds them, the bureau's entries written with them, and the counts the administrator is shown."""
    monkeypatch.setattr(bulk, "REBUILD_FROM", 10)
    with _pg_connect(postgres_url, autocommit=True) as owner:
        owner.execute("TRUNCATE entity CASCADE")  # the registry before the city's first load
    app = make_app(postgres_url)
    numbers = [17, 3, 12, 5, 9, 1, 14, 7, 11, 2, 16, 4]
    csv = "统一社会信用代码/对象编码,名称,行业代码,行政区划代码,监管类别,风险等级\n" + "".join(
        f"{credit_code(n)},杭州首载{n}号食品有限公司,C1391,231084901,食品生产,{'ABCD'[n % 4]}\n" for n in numbers
    )
    with app.app_context():
        unique_code = db.session.scalar(sa.text("SELECT 'uq_entity_code'::regclass::oid"))
        db.session.rollback()
    result = upload(app.test_client(), "directory", csv.encode(), bearer(app, "scj_admin"), "registry.csv")
    assert result["ok"] is True, result
    assert [result[k] for k in ("created", "changed", "unchanged", "entities_created", "entities_changed")] == [
        12,
        0,
        0,
        12,
        0,
    ]
    with app.app_context():
        ids = dict(db.session.execute(sa.select(Entity.code, Entity.id)).all())
        rebuilt = db.session.scalar(sa.text("SELECT 'uq_entity_code'::regclass::oid"))
        entries = {code: (e.entity.name, e.category, e.risk) for code, e in directory_of("SCJ").items()}
        db.session.rollback()
    assert sorted(numbers, key=lambda n: ids[credit_code(n)]) == numbers and len(ids) == len(numbers)
    assert rebuilt != unique_code  # dropped for the merge and built again once after it
    assert entries == {credit_code(n): (f"杭州首载{n}号食品有限公司", "食品生产", "ABCD"[n % 4]) for n in numbers}

    again = upload(
        app.test_client(),
        "directory",
        csv.replace(",C1391,231084901,食品生产,", ",C1391,231084901,食品销售,").encode(),
        bearer(app, "scj_admin"),
        "registry.csv",
    )
    assert [again[k] for k in ("created", "changed", "unchanged", "entities_created")] == [0, 12, 0, 0]


@pytest.mark.postgres
def test_an_entity_another_department_adds_during_an_import_is_kept_as_theirs(postgres_url, monkeypatch):
    """Two departments' files name the same new business; the other one's import commits it while this one is being
    merged: this import still succeeds, the registry keeps the business as the other department wrote it, this
    department's entry is made for it, and the administrator is not told the file created it."""
    app = make_app(postgres_url)
    first_load = bulk.is_first_load

    def meanwhile(connection, count):  # after the file is staged and counted, before its new entities are written
        with _pg_connect(postgres_url, autocommit=True) as other:
            other.execute(
                "INSERT INTO entity (code, name, entity_type, industry_code, region_code, address, status, abnormal, "
                "blacklisted, complaints, updated_at) VALUES (%s, '别的部门先录入的公司', 'enterprise', 'C2614', "
                "'231084904', '', 'active', false, false, 0, now())",
                (credit_code(3),),
            )
        return first_load(connection, count)

    monkeypatch.setattr(bulk, "is_first_load", meanwhile)
    csv = (
        "统一社会信用代码/对象编码,名称,行业代码,行政区划代码,监管类别,风险等级\n"
        f"{credit_code(3)},城东化工有限公司,C2614,231084904,危化品使用,A\n"
        f"{credit_code(4)},城西化工有限公司,C2614,231084904,危化品使用,B\n"
    )
    result = upload(app.test_client(), "directory", csv.encode(), bearer(app, "yjj_admin"), "名录.csv")
    assert result["ok"] is True, result
    assert (result["created"], result["entities_created"]) == (2, 1)
    with app.app_context():
        names = dict(
            db.session.execute(
                sa.select(Entity.code, Entity.name).where(Entity.code.in_([credit_code(3), credit_code(4)]))
            ).all()
        )
        entries = {code: entry.risk for code, entry in directory_of("YJJ").items()}
        db.session.rollback()
    assert names == {credit_code(3): "别的部门先录入的公司", credit_code(4): "城西化工有限公司"}
    assert (entries[credit_code(3)], entries[credit_code(4)]) == ("A", "B")
