"""The documents' page (公文版式) as a reader sees it: the text a PDF reader extracts, and a page
rendered to pixels (pypdfium2) — the red head, the page numbers, punctuation that never starts a
line, a signature that never stands alone and a long table that repeats its heading."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import pypdfium2
from pypdf import PdfReader

from spotcheck.tenants.notices import documents
from tests.support.documents import pdf_text

HEAD = {"issuer": "某市市场监督管理局", "number": "某市监检〔2026〕7号", "dated": "2026年11月23日"}
CAMPAIGN = SimpleNamespace(code="SCJ-2026-007", title="2026年食品经营者“双随机、一公开”抽查")
CLOSING = "，：；！？”》）"


def _inspection(name="某某食品有限公司", team=None) -> bytes:
    entity = SimpleNamespace(name=name, code="91310000MA1FL0XX1X", address="某市某区某路 123 号")
    team = team or [
        {"name": "张三", "leader": True, "cert_no": "31000012345"},
        {"name": "李四", "leader": False, "cert_no": "31000012346"},
        {"name": "王专家", "expert": True, "kind": "食品安全", "organisation": "某大学"},
    ]
    items = [
        {"name": "食品经营许可情况检查", "content": "许可证、进货台账"},
        {"name": "从业人员健康管理", "content": ""},
    ]
    return documents.pdf(
        "inspection",
        title="检查通知书",
        entity=entity,
        campaign=CAMPAIGN,
        items=items,
        team=team,
        window="2026年3月1日至2026年5月31日",
        contact="王五（某市市场监督管理局）",
        **HEAD,
    )


def _lines(data: bytes) -> list[list[str]]:
    return [
        [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        for page in PdfReader(io.BytesIO(data)).pages
    ]


def test_an_inspection_notice_says_everything_the_business_must_know():
    text = pdf_text(_inspection())
    for expected in (
        "某市市场监督管理局",
        "某市监检〔2026〕7号",
        "检查通知书",
        "某某食品有限公司",
        "91310000MA1FL0XX1X",
        "SCJ-2026-007",
        "2026年3月1日至2026年5月31日",
        "食品经营许可情况检查",
        "按检查人员要求提供相关材料",
        "张三",
        "组长",
        "31000012345",
        "李四",
        "组员",
        "王专家",
        "专家（食品安全）",
        "有权拒绝检查或申请回避",
        "联系人：王五（某市市场监督管理局）",
        "（印章）",
        "2026年11月23日",
    ):
        assert expected.replace(" ", "") in text, expected


def test_names_print_as_written_even_with_markup_characters():
    assert "A&B<食品>有限公司" in pdf_text(_inspection(name="A&B<食品>有限公司"))


def test_no_line_starts_with_closing_punctuation_and_every_page_is_numbered():
    team = [{"name": f"检查员{n}", "leader": n == 0, "cert_no": f"3100{n:07d}"} for n in range(40)]
    pages = _lines(_inspection(team=team))
    assert len(pages) >= 2
    for number, lines in enumerate(pages, 1):
        assert f"第 {number} 页 共 {len(pages)} 页" in lines
        assert not [line for line in lines if line[0] in CLOSING]


def test_the_signature_never_stands_alone_and_a_long_table_repeats_its_heading():
    visits = [
        {
            "entity_name": f"某某商贸有限公司第{n}分店",
            "entity_code": f"9131{n:014d}",
            "address": f"某市某区某路 {n} 号",
            "leader": n % 3 == 0,
            "teammates": "张三（组长）、李四",
        }
        for n in range(1, 61)
    ]
    data = documents.pdf(
        "assignment",
        title="派遣通知",
        inspector=SimpleNamespace(name="张三", cert_no="31000012345"),
        campaign=CAMPAIGN,
        window="2026年3月1日至2026年5月31日",
        visits=visits,
        items="食品经营许可情况检查",
        contact="王五",
        **HEAD,
    )
    pages = _lines(data)
    assert len(pages) >= 3
    for lines in pages[1:-1]:
        assert "检查对象" in lines and "同组人员" in lines  # the heading row on every page of the table
    last = "".join(pages[-1])
    assert "联系人：王五" in last and "2026年11月23日" in last and "某市某区某路60号" in last.replace(" ", "")


def test_a_rendered_page_has_the_red_head_and_black_text_on_white():
    page = pypdfium2.PdfDocument(_inspection())[0]
    assert [round(side / 72 * 25.4) for side in page.get_size()] == [210, 297]  # A4, in millimetres
    image = page.render(scale=1).to_pil().convert("RGB")
    width, _height = image.size

    def share(box, test):
        region = image.crop(box)
        pixels = [region.getpixel((x, y)) for y in range(0, region.height, 2) for x in range(0, region.width, 2)]
        return sum(1 for p in pixels if test(p)) / len(pixels)

    def red(p):
        return p[0] > 150 and p[1] < 90 and p[2] < 90

    def dark(p):
        return max(p) < 100

    assert share((0, 60, width, 140), red) > 0.02  # the issuing authority and its red rule
    assert share((0, 200, width, 700), red) == 0  # the body is black
    assert share((0, 200, width, 700), dark) > 0.01
    assert share((0, 0, width, 60), lambda p: p != (255, 255, 255)) == 0  # the top margin is blank


def test_every_kind_of_document_renders():
    results = [
        {"name": "甲公司", "code": "91310000MA1FL0XX1X", "checked_on": "2026年4月2日", "categories": "未发现问题"}
    ]
    transferred = {
        "campaign_code": "SCJ-2026-007",
        "campaign_title": "抽查",
        "entity_name": "甲公司",
        "entity_code": "91310000MA1FL0XX1X",
        "details": "请依法处理",
        "problems": [{"item": "许可", "categories": ["发现问题"], "findings": "无证经营"}],
    }
    documents_of = {
        "announcement": dict(campaign=CAMPAIGN, window="2026年3月1日至2026年5月31日", drawn=1, results=results),
        "transfer": dict(receiver="某市卫生健康委员会", transferred=transferred, contact="王五"),
        "criticism": dict(
            opening=["第一段。", "第二段。"],
            findings=[{"name": "某局", "reasons": [{"text": "未按时公示"}]}],
            closing=["请限期整改。"],
            contact="王五",
        ),
    }
    for kind, context in documents_of.items():
        text = pdf_text(documents.pdf(kind, title=kind, **HEAD, **context))
        assert re.search(r"第1页共1页", text), kind
        assert "某市市场监督管理局" in text
    assert "甲公司" in pdf_text(documents.pdf("announcement", title="公告", **HEAD, **documents_of["announcement"]))
    criticism = pdf_text(documents.pdf("criticism", title="通报", **HEAD, **documents_of["criticism"]))
    assert criticism.index("第一段") < criticism.index("某局") < criticism.index("请限期整改")
