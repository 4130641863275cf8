"""Uploaded spreadsheets waiting for their import job (待导入文件): checked for type and size when
uploaded, kept under a name the server chose, read by the job, then removed."""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from spotcheck.core.errors import NotFound, ValidationFailed
from spotcheck.tenants.spreadsheets.reading import EXTENSIONS

_STORED_NAME = re.compile(r"^\d+-[0-9a-f]{32}\.(xlsx|csv)$")


@dataclass(frozen=True)
class StoredUpload:
    stored_name: str  # chosen by the server, never taken from the request
    file_name: str  # as the user named it, for messages only
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES") or current_app.config["UPLOAD_MAX_BYTES"])


def imports_dir() -> Path:
    """Uploaded files wait here (under the instance folder, never under static/) until imported."""
    path = Path(current_app.instance_path) / "uploads" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(filename: str | None, stream, *, tenant_id: int) -> StoredUpload:
    """Check an uploaded file's type and size and keep it for the import job."""
    name = Path((filename or "").replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    if not name:
        raise ValidationFailed({"file": [_l("Choose the file to upload.")]})
    if suffix == ".xls":
        raise ValidationFailed({"file": [_l("Old Excel files (.xls) cannot be read: in Excel choose "
                                            "“Save as” and the type “Excel workbook (.xlsx)”.")]})
    if suffix not in EXTENSIONS:
        raise ValidationFailed({"file": [_l("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")]})
    limit = max_upload_bytes()
    stored_name = f"{tenant_id}-{secrets.token_hex(16)}{suffix}"
    path = imports_dir() / stored_name
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "wb") as out:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed({"file": [_l("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024))]})
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationFailed({"file": [_l("The file is empty.")]})
        if suffix == ".xlsx" and not path.read_bytes()[:4] == b"PK\x03\x04":
            raise ValidationFailed({"file": [_l("The file's content is not an Excel workbook (.xlsx).")]})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredUpload(stored_name=stored_name, file_name=name[:200], size=size, sha256=digest.hexdigest())


def stored_path(stored_name: str) -> Path:
    if not _STORED_NAME.match(stored_name or ""):
        raise NotFound(_l("The uploaded file is no longer there; upload it again."))
    return imports_dir() / stored_name


def discard(stored_name: str) -> None:
    if _STORED_NAME.match(stored_name or ""):
        (imports_dir() / stored_name).unlink(missing_ok=True)
