"""Writing .xlsx workbooks: blank templates and exports of the current lists, in the same shape.

The first worksheet holds the list: the Chinese headers in row 1 and, in a template, a grey row
of hints in row 2 (skipped by the import). An export of a department's list is the seed's form
(seed 003 附件1–2, seed 004): the title (the department's name and the list's) and the
填报单位/时间 line above the headers, the 填报人/联系电话 line under the rows — the import finds the
header row below the title and passes over the foot line (it fills no column it reads). Coded columns offer
drop-down lists; code and ID columns are formatted as text so Excel keeps their leading zeros and all 18 characters. A
second worksheet, 填写说明, explains every column. Workbooks are written in openpyxl's
streaming mode, so an export of a large directory does not sit in memory cell by cell.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from spotcheck.core import text
from spotcheck.tenants.spreadsheets.columns import CHOICE, CODE, FLAG, HINT_MARKER, RATIO, SheetKind

_LAST_ROW = 1048576
_HEADER_FONT = Font(bold=True)
_REQUIRED_FONT = Font(bold=True, color="9B1C1C")
_HEADER_FILL = PatternFill("solid", fgColor="E5E7EB")
_HINT_FONT = Font(italic=True, color="808080", size=9)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TITLE_FONT = Font(name="宋体", size=16, bold=True)
_CENTRE = Alignment(horizontal="center", vertical="center")
_LEFT = Alignment(horizontal="left", vertical="center")


@dataclass(frozen=True)
class Heading:
    """The seed's form around an exported list: ``title`` (城口县XXX随机抽查事项清单: the department's
    name and the list's), ``line`` (填报单位（盖章）…时间…) and ``footer`` (填报人…联系电话…)."""

    title: str
    line: str
    footer: str


def template(kind: SheetKind) -> IO[bytes]:
    """A blank template: headers, a grey row of hints, drop-down lists, the 填写说明 sheet."""
    return _workbook(kind, [], hints=True)


def export(kind: SheetKind, rows: Iterable[list], heading: Heading | None = None) -> IO[bytes]:
    """The current list: the template's headers, then one row per record (values as the import reads
    them); with ``heading``, the seed's title and 填报单位 line above and the 填报人 line below."""
    return _workbook(kind, rows, hints=False, heading=heading)


def _merged_line(
    sheet: WriteOnlyWorksheet,
    row: int,
    columns: int,
    value: str,
    font: Font | None = None,
    alignment: Alignment = _LEFT,
) -> WriteOnlyCell:
    """A line of text across the list's ``columns`` columns (row ``row``)."""
    sheet.merged_cells.add(f"A{row}:{get_column_letter(columns)}{row}")
    cell = WriteOnlyCell(sheet, value=clean_text(value))
    cell.data_type = "s"
    cell.alignment = alignment
    if font is not None:
        cell.font = font
    return cell


def _workbook(kind: SheetKind, rows: Iterable[list], *, hints: bool, heading: Heading | None = None) -> IO[bytes]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind.title[:31])
    above = 2 if heading else 0
    first_data_row = above + (3 if hints else 2)
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.kind in (CODE, RATIO):  # as text: Excel would turn a typed 5% into the number 0.05
            sheet.column_dimensions[letter].number_format = "@"
        if column.choices and column.kind in (CHOICE, FLAG):
            validation = DataValidation(
                type="list",
                formula1='"' + ",".join(column.choices) + '"',
                allow_blank=True,
                showErrorMessage=True,
                errorStyle="warning",
                error="请从下拉列表中选择：" + "、".join(column.choices),
            )
            validation.add(f"{letter}{first_data_row}:{letter}{_LAST_ROW}")
            sheet.data_validations.dataValidation.append(validation)
    sheet.freeze_panes = f"A{first_data_row}"
    if heading:
        sheet.append([_merged_line(sheet, 1, len(kind.columns), heading.title, _TITLE_FONT, _CENTRE)])
        sheet.append([_merged_line(sheet, 2, len(kind.columns), heading.line)])
    sheet.append(
        [_styled(sheet, c.header, _REQUIRED_FONT if c.required else _HEADER_FONT, _HEADER_FILL) for c in kind.columns]
    )
    if hints:
        sheet.append([_styled(sheet, c.hint, _HINT_FONT, alignment=_WRAP) for c in kind.columns])
    written = first_data_row - 1
    for row in rows:
        sheet.append([_value(sheet, value) for value in row])
        written += 1
    if heading:
        sheet.append([])
        sheet.append([_merged_line(sheet, written + 2, len(kind.columns), heading.footer)])
    _instructions(book, kind)
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 — returned open, the caller's to close
    book.save(out)
    out.seek(0)
    return out


def _styled(
    sheet: WriteOnlyWorksheet,
    value: str,
    font: Font,
    fill: PatternFill | None = None,
    alignment: Alignment | None = None,
) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def clean_text(value: object) -> object:
    """A character a workbook cannot hold (kept from before the platform refused them) left out of
    a text, so one stored value never breaks a workbook; anything else as it is."""
    return text.FORBIDDEN.sub("", value) if isinstance(value, str) else value


def _value(sheet: WriteOnlyWorksheet, value: object) -> object:
    """Text stays text: a value beginning with ``=`` is not turned into a formula; see :func:`clean_text`."""
    value = clean_text(value)
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _instructions(book: Workbook, kind: SheetKind) -> None:
    sheet = book.create_sheet("填写说明")
    for letter, width in (("A", 26), ("B", 8), ("C", 70)):
        sheet.column_dimensions[letter].width = width
    sheet.append([_styled(sheet, kind.title + " 填写说明", _HEADER_FONT)])
    for note in kind.notes:
        sheet.append([note])
    sheet.append([])
    sheet.append([_styled(sheet, text, _HEADER_FONT, _HEADER_FILL) for text in ("列", "必填", "说明或可选值")])
    for column in kind.columns:
        if column.hint == HINT_MARKER:
            continue
        text = column.hint
        if column.choices and column.kind != FLAG:
            text = (text + "。" if text else "") + "可选值：" + "、".join(column.choices)
        sheet.append([column.header, "是" if column.required else "", text])
