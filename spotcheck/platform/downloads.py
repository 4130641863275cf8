"""Files handed to a signed-in reader (下载), by the pages and the API alike: always as an attachment,
never cached (a workbook or a notice may hold personal data), the type never sniffed."""

from __future__ import annotations

import io

from flask import send_file

from spotcheck.tenants.spreadsheets.vocabulary import XLSX_MEDIA_TYPE


def private_file(source, media_type: str, name: str):
    """``source`` (bytes, a binary stream or a stored file's path) as the download ``name``."""
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    response = send_file(source, mimetype=media_type.split(";")[0], as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def workbook(source, name: str):
    """An Excel workbook (.xlsx) as a download."""
    return private_file(source, XLSX_MEDIA_TYPE, name)


def pdf(path, name: str):
    """A PDF document as a download."""
    return private_file(path, "application/pdf", name)
