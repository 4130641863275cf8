"""The page of an official document (公文版式): A4 with the margins of GB/T 9704, the issuing
authority in red above a red rule (版头), the document number (发文字号), the title, the body, the
signature block with the seal's place (落款、印章) and "第 N 页 共 M 页" at the foot of every page.

Rendered with ReportLab's Platypus and a CJK TrueType font embedded as a subset: about 20 ms a
page, so a campaign of 3,000 visits writes its notices in about a minute of one worker. Lines
break between any two Chinese characters, never before a closing punctuation mark (避头点).

A document's body is a list of blocks, :class:`Para` and :class:`Grid`; the texts are plain
(escaped here), so a name with "<" or "&" prints as it is written.
"""

from __future__ import annotations

import io
import os
import zlib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument, PDFObjectReference
from reportlab.pdfbase.ttfonts import TTFont, TTFontFace
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
    paragraph as _paragraph,
)
from reportlab.platypus.paragraph import FragLine, ParaLines
from reportlab.platypus.paraparser import ParaFrag

from spotcheck.tenants.notices.qr_block import Qr, qr_table

FONT = "SpotcheckCJK"
#: TrueType CJK fonts, first found wins (``make pdf-libs`` installs the first from Debian);
#: ``SPOTCHECK_DOCUMENT_FONT`` names another file.
FONT_FILES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
RED, GREY = colors.HexColor("#cc0000"), colors.HexColor("#555555")
MARGINS = {"topMargin": 30 * mm, "rightMargin": 26 * mm, "bottomMargin": 28 * mm, "leftMargin": 28 * mm}
WIDTH = A4[0] - MARGINS["leftMargin"] - MARGINS["rightMargin"]

rl_config.useA85 = 0  # binary streams: smaller documents, written faster than ASCII85 text

# Marks that may not start a line (避头点: closing punctuation, GB/T 15834) or end one (避尾点:
# opening quotes, brackets and title marks), beyond the ones ReportLab knows.
NOT_FIRST = frozenset(ALL_CANNOT_START) | frozenset("，：；！？”’》〉）〕】…")
NOT_LAST = frozenset(ALL_CANNOT_END) | frozenset("“‘《〈（〔【")


@dataclass(frozen=True)
class Para:
    """A paragraph (段落), indented by two characters unless ``plain``; ``lines`` keep their breaks."""

    text: str
    plain: bool = False


@dataclass(frozen=True)
class Grid:
    """A table (表格): ``columns`` are (heading, share of the width or None for the rest); a cell
    is a text or a list of lines."""

    columns: list[tuple[str, float | None]]
    rows: list[list[str | list[str]]] = field(default_factory=list)


@dataclass(frozen=True)
class Paper:
    """A whole document (公文): its head, body blocks and signature."""

    issuer: str
    number: str
    title: str
    dated: str
    body: list[Para | Grid | Qr]


#: The characters most documents use, in a fixed order: every document assigns them first, so the
#: first of its font subsets (256 glyphs each) is the same in every document and made once per
#: process (:func:`font`); a document's own names and addresses go to its further subsets.
COMMON = (
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ 第页共年月日号〔〕（）：，。、；“”《》-文书检查通知派遣结果公告移送函报至"
    "本次为跨部门联合进一多项事由牵头同参加各的完成定于序内容请准备相关材料统社会信用代码根据双随机开监管工作要求你单位"
    "经抽取被确对象任务期间员展地点住所营场及如下按人提供执行时将出示法证件姓名分组长另有以专家与业咨询意见不计入数担论"
    "在予配实情况和无正当理拒绝阻挠依处少两未或利害系权申回避志选列束后个录应主动址了户现已截更平台可称异议自之起向抄中"
    "发问题属职责范围并接收签存市区县省局委办公司店厂"
)


class _Flate:
    """ReportLab's Flate filter, remembering the last font files it compressed (the same bytes
    object comes back from the subset cache, so its hash is computed once)."""

    pdfname = "FlateDecode"

    @staticmethod
    @lru_cache(maxsize=16)
    def encode(data: bytes) -> bytes:
        return zlib.compress(data)


def _made_once(face: TTFontFace) -> None:
    """A subset of the font, and its compressed file, made once per set of glyphs."""
    make, add = face.makeSubset, face.addSubsetObjects
    made = lru_cache(maxsize=16)(lambda glyphs: make(list(glyphs)))

    def add_subset_objects(doc: PDFDocument, fontname: str, subset: list[int]) -> PDFObjectReference:
        reference = add(doc, fontname, subset)
        stream = doc.idToObject.get(f"fontFile:{face.filename}({fontname})")
        if stream is not None and stream.filters:
            stream.filters = [_Flate]
        return reference

    face.makeSubset = lambda subset: made(tuple(subset))
    face.addSubsetObjects = add_subset_objects


@cache
def font() -> str:
    """Registers the document font once per process and returns its name. Its subsets are made
    once for each set of glyphs (the common first subset, see :data:`COMMON`)."""
    configured = os.environ.get("SPOTCHECK_DOCUMENT_FONT")
    for path in (configured,) if configured else FONT_FILES:
        if Path(path).exists():
            typeface = TTFont(FONT, path, subfontIndex=0, asciiReadable=False)
            _made_once(typeface.face)
            pdfmetrics.registerFont(typeface)
            return FONT
    raise RuntimeError(
        "No CJK TrueType font for the documents: install fonts-wqy-microhei "
        "(make pdf-libs) or set SPOTCHECK_DOCUMENT_FONT to a .ttf/.ttc file."
    )


@cache
def styles() -> dict[str, ParagraphStyle]:
    name = font()
    body = ParagraphStyle(
        "body",
        fontName=name,
        fontSize=12,
        leading=21,
        firstLineIndent=24,
        spaceAfter=6,
        wordWrap="CJK",
        alignment=TA_JUSTIFY,
    )
    return {
        "body": body,
        "plain": ParagraphStyle("plain", parent=body, firstLineIndent=0),
        "number": ParagraphStyle("number", parent=body, firstLineIndent=0, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontSize=18,
            leading=26,
            firstLineIndent=0,
            alignment=TA_CENTER,
            spaceBefore=10,
            spaceAfter=14,
        ),
        "cell": ParagraphStyle("cell", fontName=name, fontSize=10.5, leading=15, wordWrap="CJK"),
        "sign": ParagraphStyle("sign", parent=body, firstLineIndent=0, alignment=TA_CENTER, spaceAfter=0),
    }


def _latin(glyph: str) -> bool:
    return glyph.isascii() and glyph.isalnum()


def _may_break(before: str, after: str) -> bool:
    """A line may end after ``before`` and the next begin with ``after``: not before a closing mark,
    not after an opening one, not inside a Latin word or a number."""
    return after not in NOT_FIRST and before not in NOT_LAST and not (_latin(before) and _latin(after))


@cache
def _width(text: str, font_name: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, font_name, size)


def _line(chars: list[str], frags: list[ParaFrag], width: float, used: float, hard: bool) -> FragLine:
    """ReportLab's line (``FragLine``) of ``chars``, one word per run of the same frag."""
    words, ascent, descent, size = [], 0.0, 0.0, 0.0
    run_start = 0
    for n in range(1, len(chars) + 1):
        if n == len(chars) or frags[n] is not frags[run_start]:
            frag = frags[run_start]
            word = frag.clone()
            word.text = "".join(chars[run_start:n])
            words.append(word)
            up, down = pdfmetrics.getAscentDescent(frag.fontName, frag.fontSize)
            ascent, descent, size = max(ascent, up), min(descent, down), max(size, frag.fontSize)
            run_start = n
    return _paragraph.FragLine(
        kind=1,
        extraSpace=width - used,
        wordCount=1,
        words=words,
        fontSize=size,
        ascent=ascent,
        descent=descent,
        maxWidth=width,
        currentWidth=used,
        lineBreak=hard,
    )


def _break_lines(frags: list[ParaFrag], widths: list[float]) -> ParaLines:
    """Chinese line breaking (断行): as many characters as fit, then back to the nearest place
    :func:`_may_break` allows; where there is none, closing marks hang in the margin."""
    chars, owners = [], []
    for frag in frags:
        for char in (frag.text or "") or [""]:
            chars.append(char)
            owners.append(frag)
    sizes = [_width(char, frag.fontName, frag.fontSize) for char, frag in zip(chars, owners, strict=True)]
    lines: list[FragLine] = []
    start, count = 0, len(chars)
    while start < count:
        width = widths[min(len(lines), len(widths) - 1)]
        used, end, hard = 0.0, start, False
        while end < count:
            if hasattr(owners[end], "lineBreak"):
                end, hard = end + 1, True
                break
            if end > start and used + sizes[end] > width + 1e-8:
                break
            used, end = used + sizes[end], end + 1
        if not hard and end < count:
            cut = end
            while cut > start + 1 and not _may_break(chars[cut - 1], chars[cut]):
                cut -= 1
            if cut == start + 1 and not _may_break(chars[cut - 1], chars[cut]):
                cut = end
                while cut < count and chars[cut] in NOT_FIRST:
                    cut += 1
            end = cut
            used = sum(sizes[start:end])
        lines.append(_line(chars[start:end], owners[start:end], width, used, hard))
        start = end
        while start < count and chars[start] == " " and not hard:
            start += 1
    return _paragraph.ParaLines(kind=1, lines=lines)


class _Paragraph(Paragraph):
    """A paragraph broken by the Chinese rules of :func:`_break_lines`, once per width (a table
    asks its cells their height several times)."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if getattr(self, "_wrapped_at", None) != available_width or not hasattr(self, "blPara"):
            self._wrapped: tuple[float, float] = super().wrap(available_width, available_height)
            self._wrapped_at = available_width
        return self._wrapped

    def breakLinesCJK(self, max_widths: float | list[float] | tuple[float, ...]) -> ParaLines:  # noqa: N802 — ReportLab's name
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara
        self.height = 0
        return _break_lines(self.frags, list(max_widths) if isinstance(max_widths, (list, tuple)) else [max_widths])


def _text(value: object) -> str:
    lines = value if isinstance(value, (list, tuple)) else str(value).split("\n")
    return "<br/>".join(escape(str(line)) for line in lines)


class _Heading(Flowable):
    """The issuing authority (发文机关标志), red, spaced and drawn bold (fill and stroke)."""

    def __init__(self, text: str, size: float = 22):
        super().__init__()
        self.text, self.size = text, size
        self.spacing = size * 0.15

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, self.size * 1.3

    def draw(self) -> None:
        canvas, name = self.canv, font()
        width = pdfmetrics.stringWidth(self.text, name, self.size) + self.spacing * (len(self.text) - 1)
        text = canvas.beginText((self.width - width) / 2, self.size * 0.25)
        text.setFont(name, self.size)
        text.setCharSpace(self.spacing)
        text.setTextRenderMode(2)
        canvas.setFillColor(RED)
        canvas.setStrokeColor(RED)
        canvas.setLineWidth(self.size / 40)
        text.textOut(self.text)
        canvas.drawText(text)


class _Signature(Flowable):
    """The signature block (落款): authority and date right of centre, with the seal's place (印章)."""

    def __init__(self, issuer: str, dated: str):
        super().__init__()
        self.issuer, self.dated = issuer, dated

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 26 + 2 * 21

    def draw(self) -> None:
        canvas, name, left = self.canv, font(), self.width * 0.55
        centre = left + (self.width - left) / 2
        canvas.setFont(name, 12)
        canvas.drawCentredString(centre, 21 + 5, self.issuer)
        canvas.drawCentredString(centre, 5, self.dated)
        canvas.saveState()
        canvas.setStrokeColor(RED)
        canvas.setFillColor(RED)
        canvas.setDash(4, 3)
        canvas.setLineWidth(1.5)
        canvas.circle(left + (self.width - left) * 0.18 + 46, 26, 46, stroke=1, fill=0)
        canvas.setFont(name, 9)
        canvas.drawCentredString(left + (self.width - left) * 0.18 + 46, 56, "（印章）")
        canvas.restoreState()


def _numbered(page_count_font: str) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Writes "第 N 页 共 M 页" at the foot of every page once the number of pages is known."""

        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, object]] = []
            pdfmetrics.getFont(page_count_font).splitString(COMMON, self._doc)

        def showPage(self) -> None:  # noqa: N802 — ReportLab's name (Canvas.showPage)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFont(page_count_font, 9)
                self.setFillColor(GREY)
                self.drawCentredString(A4[0] / 2, MARGINS["bottomMargin"] / 2, f"第 {number} 页 共 {total} 页")
                super().showPage()
            super().save()

    return NumberedCanvas


PADDING = 5


def _cell(value: object, width: float, style: ParagraphStyle) -> str | _Paragraph:
    """A cell's text as it is where every line fits the column (drawn as it is, the cheap way), or
    a paragraph broken into lines by the Chinese rules."""
    lines = [str(line) for line in (value if isinstance(value, (list, tuple)) else [value])]
    if all(_width(line, style.fontName, style.fontSize) <= width - 2 * PADDING for line in lines):
        return "\n".join(lines)
    return _Paragraph(_text(lines), style)


def _grid(block: Grid) -> Table:
    style = styles()["cell"]
    fixed = sum(share for _, share in block.columns if share)
    rest = [share for _, share in block.columns if not share]
    widths = [WIDTH * (share or (1 - fixed) / len(rest)) for _, share in block.columns]
    rows = [[_cell(heading, width, style) for (heading, _), width in zip(block.columns, widths, strict=True)]]
    rows += [[_cell(cell, width, style) for cell, width in zip(row, widths, strict=True)] for row in block.rows]
    table = Table(rows, colWidths=widths, repeatRows=1, spaceBefore=6, spaceAfter=10)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), style.fontName, style.fontSize, style.leading),
                ("GRID", (0, 0), (-1, -1), 0.75, colors.HexColor("#333333")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def render(paper: Paper) -> bytes:
    """The document as PDF bytes (A4, the font embedded as a subset)."""
    style = styles()
    story = [
        _Heading(paper.issuer),
        HRFlowable(width="100%", thickness=2, color=RED, spaceBefore=6, spaceAfter=14),
        _Paragraph(_text(paper.number), style["number"]),
        _Paragraph(_text(paper.title), style["title"]),
    ]
    for block in paper.body:
        if isinstance(block, Grid):
            story.append(_grid(block))
        elif isinstance(block, Qr):
            story.append(qr_table(block, [_Paragraph(_text(line), style["plain"]) for line in block.lines], WIDTH))
        else:
            story.append(_Paragraph(_text(block.text), style["plain" if block.plain else "body"]))
    # the signature never stands alone on a page: the last paragraph goes with it
    last = [story.pop()] if isinstance(paper.body[-1], Para) else []
    story.append(KeepTogether([*last, Spacer(1, 18), _Signature(paper.issuer, paper.dated)]))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=paper.title,
        author=paper.issuer,
        subject=paper.number,
        creator="Spotcheck",
        lang="zh-CN",
        **MARGINS,
    )
    document.build(story, canvasmaker=_numbered(style["body"].fontName))
    return out.getvalue()
