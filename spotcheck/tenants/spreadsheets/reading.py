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
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask_babel import lazy_gettext as _l

from spotcheck.core import settings

EXTENSIONS = (".xlsx", ".csv")
_CSV_FIELD_LIMIT = 1024 * 1024


class UnreadableFileError(ValueError):
    """The file is not a spreadsheet we can read; ``message`` says why, in the user's language."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


DAMAGED = _l(
    "The workbook is damaged: part of it is not valid Excel content and cannot be read. Open it in "
    "Excel, save it again as .xlsx (or as CSV), and upload that file."
)
TOO_BIG_UNPACKED = _l(
    "The workbook unpacks to more than %(mb)d MB, more than an import may read. Split it, or save it as CSV."
)
TOO_MANY_TEXTS = _l(
    "The workbook's table of texts unpacks to more than %(mb)d MB, more than an import may hold in "
    "memory. Save it as CSV and upload that file."
)
PACKED_TOO_TIGHT = _l(
    "Part of the workbook unpacks to more than %(ratio)d times its packed size, which spreadsheet "
    "programs do not write; it is refused for safety. Save it as CSV and upload that file."
)
#: A part that unpacks to more than this many times its packed size, and is large, is a decompression bomb.
BOMB_RATIO, BOMB_FROM = 100, 16 * 1024 * 1024


def _limit(name: str, default_mb: int) -> int:
    try:
        value = settings.get(name)
    except RuntimeError:  # no application settings: the defaults
        value = None
    return int(value if value is not None else default_mb) * 1024 * 1024


def check_workbook_size(path: str | os.PathLike[str]) -> None:
    """Refuse, before any part is unpacked, a workbook that would unpack to more than the
    configured limit (``IMPORT_MAX_UNPACKED_MB``), whose table of shared texts — which any reader
    holds in memory whole — is over ``IMPORT_MAX_SHARED_STRINGS_MB``, or one of whose parts is
    packed suspiciously tight (a decompression bomb). The worksheets themselves are read
    streaming, a row at a time."""
    total_limit = _limit("IMPORT_MAX_UNPACKED_MB", 1024)
    texts_limit = _limit("IMPORT_MAX_SHARED_STRINGS_MB", 64)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFileError(
            _l("The file could not be read as an Excel workbook (.xlsx). Save it again from Excel as .xlsx, or as CSV.")
        ) from None
    if sum(member.file_size for member in members) > total_limit:
        raise UnreadableFileError(TOO_BIG_UNPACKED % {"mb": total_limit // (1024 * 1024)})
    for member in members:
        if member.filename.lower().endswith("sharedstrings.xml") and member.file_size > texts_limit:
            raise UnreadableFileError(TOO_MANY_TEXTS % {"mb": texts_limit // (1024 * 1024)})
        if member.file_size > BOMB_FROM and member.file_size > BOMB_RATIO * max(member.compress_size, 1):
            raise UnreadableFileError(PACKED_TOO_TIGHT % {"ratio": BOMB_RATIO})


class RowSource:
    """The rows of one file: iterate :meth:`rows` for ``(row_number, values)``; :meth:`fraction`
    says how far the iteration has got (0.0–1.0), for progress bars."""

    def __init__(self, path: str | os.PathLike, *, sheet_title: str | None = None):
        self.path = Path(path)
        self.sheet_title = sheet_title
        self.suffix = self.path.suffix.lower()
        if self.suffix not in EXTENSIONS:
            raise UnreadableFileError(_l("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
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
        import openpyxl  # heavy: openpyxl loads only when an .xlsx file is read
        from openpyxl.utils.exceptions import InvalidFileException  # with openpyxl, only for an .xlsx file

        check_workbook_size(self.path)
        try:
            workbook = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, OSError):
            raise UnreadableFileError(
                _l(
                    "The file could not be read as an Excel workbook (.xlsx). "
                    "Save it again from Excel as .xlsx, or as CSV."
                )
            ) from None
        except (KeyError, ValueError, SyntaxError, EOFError, zlib.error, TypeError, IndexError, AttributeError):
            raise UnreadableFileError(DAMAGED) from None
        try:
            titled = [s for s in workbook.worksheets if self.sheet_title and s.title == self.sheet_title]
            sheet = titled[0] if titled else workbook.worksheets[0]
            total = sheet.max_row or 0
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                if total:
                    self._fraction = min(number / total, 1.0)
                yield number, list(values)
        except UnreadableFileError:
            raise
        except (
            zipfile.BadZipFile,
            KeyError,
            ValueError,
            SyntaxError,
            EOFError,
            zlib.error,
            TypeError,
            IndexError,
            AttributeError,
        ):  # SyntaxError: XML that does not parse (ElementTree's ParseError)
            raise UnreadableFileError(DAMAGED) from None
        finally:
            workbook.close()

    # --- .csv ---------------------------------------------------------------------------------

    def encoding(self) -> str:
        """UTF-16 or UTF-8 by their byte-order marks; UTF-8 when the whole file decodes; else GB18030."""
        with self.path.open("rb") as raw:
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
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
            first = text.readline()
            delimiter = "\t" if encoding == "utf-16" or ("\t" in first and "," not in first) else ","
            lines = _chain([first], text)
            try:
                for number, values in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
                    self._fraction = min(raw.tell() / size, 1.0)
                    yield number, values
            except csv.Error:
                raise UnreadableFileError(
                    _l("The CSV file could not be read (a quote is not closed or a cell is too long).")
                ) from None


def _chain(first: list[str], rest: Iterable[str]) -> Iterator[str]:
    yield from first
    yield from rest
