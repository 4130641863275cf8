"""Reading uploaded spreadsheets row by row, without loading them whole.

* ``.xlsx``: openpyxl in read-only mode, cached values of formulas, the worksheet named like
  the template's (else the first one);
* ``.csv``: UTF-8 (with or without BOM), else GB18030 — Excel in a Chinese office saves
  "CSV (逗号分隔)" in GBK, which GB18030 contains; UTF-16 "Unicode 文本" (tab-separated) too.

Row numbers are those a user sees in Excel: the first row is 1.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

from flask_babel import lazy_gettext as _l

EXTENSIONS = (".xlsx", ".csv")
_CSV_FIELD_LIMIT = 1024 * 1024


class UnreadableFile(ValueError):
    """The file is not a spreadsheet we can read; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class RowSource:
    """The rows of one file: iterate :meth:`rows` for ``(row_number, values)``; :meth:`fraction`
    says how far the iteration has got (0.0–1.0), for progress bars."""

    def __init__(self, path: str | os.PathLike, *, sheet_title: str | None = None):
        self.path = Path(path)
        self.sheet_title = sheet_title
        self.suffix = self.path.suffix.lower()
        if self.suffix not in EXTENSIONS:
            raise UnreadableFile(_l("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
        self._fraction = 0.0

    def fraction(self) -> float:
        return self._fraction

    def rows(self) -> Iterator[tuple[int, list]]:
        if self.suffix == ".xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()
        self._fraction = 1.0

    # --- .xlsx --------------------------------------------------------------------------------

    def _xlsx_rows(self) -> Iterator[tuple[int, list]]:
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise UnreadableFile(_l("The file could not be read as an Excel workbook (.xlsx). "
                                    "Save it again from Excel as .xlsx, or as CSV.")) from None
        try:
            titled = [s for s in workbook.worksheets if self.sheet_title and s.title == self.sheet_title]
            sheet = titled[0] if titled else workbook.worksheets[0]
            total = sheet.max_row or 0
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if total:
                    self._fraction = min(number / total, 1.0)
                yield number, list(values)
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            if isinstance(exc, UnreadableFile):
                raise
            raise UnreadableFile(_l("The file could not be read as an Excel workbook (.xlsx). "
                                    "Save it again from Excel as .xlsx, or as CSV.")) from None
        finally:
            workbook.close()

    # --- .csv ---------------------------------------------------------------------------------

    def encoding(self) -> str:
        """UTF-16 or UTF-8 by their byte-order marks; UTF-8 when the whole file decodes; else GB18030."""
        with open(self.path, "rb") as raw:
            head = raw.read(4)
            if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return "utf-16"
            raw.seek(0)
            decoder = codecs.getincrementaldecoder("utf-8")()
            try:
                while chunk := raw.read(1 << 20):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return "gb18030"
        return "utf-8-sig"

    def _csv_rows(self) -> Iterator[tuple[int, list]]:
        encoding = self.encoding()
        size = self.path.stat().st_size or 1
        csv.field_size_limit(_CSV_FIELD_LIMIT)
        with open(self.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
            first = text.readline()
            delimiter = "\t" if encoding == "utf-16" or ("\t" in first and "," not in first) else ","
            lines = _chain([first], text)
            try:
                for number, values in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
                    self._fraction = min(raw.tell() / size, 1.0)
                    yield number, values
            except csv.Error:
                raise UnreadableFile(_l("The CSV file could not be read (a quote is not closed or a cell is too long).")) from None


def _chain(first: list[str], rest) -> Iterator[str]:
    yield from first
    yield from rest
