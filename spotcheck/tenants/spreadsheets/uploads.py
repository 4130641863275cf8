"""Uploaded spreadsheets waiting for their import job (待导入文件): checked for type and size when
uploaded, kept in the shared storage (:mod:`spotcheck.core.storage`) under a key the server
chose, read by the job — in whichever process runs it — then removed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from spotcheck.core import settings, storage
from spotcheck.core.errors import InvalidInputError
from spotcheck.tenants.spreadsheets.reading import EXTENSIONS

AREA = "imports"


@dataclass(frozen=True)
class StoredUpload:
    key: str  # chosen by the server, never taken from the request
    file_name: str  # as the user named it, for messages only
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(settings.get("IMPORT_MAX_BYTES") or settings.get("UPLOAD_MAX_BYTES"))


def store_upload(filename: str | None, stream: BinaryIO | None, *, tenant_id: int) -> StoredUpload:
    """Check an uploaded file's type and size and keep it for the import job."""
    name = Path((filename or "").replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    if not name or stream is None:
        raise InvalidInputError({"file": [_l("Choose the file to upload.")]})
    if suffix == ".xls":
        raise InvalidInputError(
            {
                "file": [
                    _l(
                        "Old Excel files (.xls) cannot be read: in Excel choose "
                        "“Save as” and the type “Excel workbook (.xlsx)”."
                    )
                ]
            }
        )
    if suffix not in EXTENSIONS:
        raise InvalidInputError({"file": [_l("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")]})
    stored = storage.save(stream, area=AREA, tenant_id=tenant_id, suffix=suffix, limit=max_upload_bytes())
    try:
        if stored.size == 0:
            raise InvalidInputError({"file": [_l("The file is empty.")]})
        if suffix == ".xlsx" and storage.head(stored.key, 4) != b"PK\x03\x04":
            raise InvalidInputError({"file": [_l("The file's content is not an Excel workbook (.xlsx).")]})
    except InvalidInputError:
        storage.delete(stored.key)
        raise
    return StoredUpload(key=stored.key, file_name=name[:200], size=stored.size, sha256=stored.sha256)


def stored_path(key: str) -> Path:
    """The uploaded file, for the import job (NotFoundError when it is gone: upload it again)."""
    return storage.path(key)


def discard(key: str) -> None:
    storage.delete(key)
