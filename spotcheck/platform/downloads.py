"""Files handed to a signed-in reader (下载), by the pages and the API alike: always as an attachment,
never cached (a workbook or a notice may hold personal data), the type never sniffed."""

from __future__ import annotations

import io
import os
from typing import IO

from flask import Response, send_file

from spotcheck.tenants.spreadsheets.vocabulary import XLSX_MEDIA_TYPE

#: What a download is made of: its bytes, a binary stream, or a stored file's path.
Source = bytes | bytearray | IO[bytes] | str | os.PathLike[str]


def private_file(source: Source, media_type: str, name: str) -> Response:
    """``source`` (bytes, a binary stream or a stored file's path) as the download ``name``."""
    sent = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    response = send_file(sent, mimetype=media_type.split(";")[0], as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def workbook(source: Source, name: str) -> Response:
    """An Excel workbook (.xlsx) as a download."""
    return private_file(source, XLSX_MEDIA_TYPE, name)


def pdf(path: str | os.PathLike[str], name: str) -> Response:
    """A PDF document as a download."""
    return private_file(path, "application/pdf", name)
