"""The export's file formats (数据格式), version :data:`FORMAT_VERSION` — described field by field in
``docs/credit-export.md``; change both together (and the version when a field changes meaning).

A batch is three files, all UTF-8 (no byte-order mark), named after the department and the batch
number (``YJJ-000003``):

* ``<name>.jsonl`` — JSON Lines: one record per line, every field of :data:`FIELDS` with the
  per-item detail (``items``) and the follow-ups (``follow_ups``);
* ``<name>.csv`` — the same records, one row each, the columns of :data:`CSV_COLUMNS` (lists joined
  with ``;``), RFC 4180 quoting, CRLF line ends, a header row;
* ``<name>.manifest.json`` — the batch number, the counts, the time range, the format version and
  the size and SHA-256 of the two data files.

:class:`BatchWriter` writes the two data files a record at a time, hashing on the way, so the
memory a batch needs does not grow with its size.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import tempfile
from datetime import datetime
from pathlib import Path

from spotcheck.core.clock import iso_utc

FORMAT = "spotcheck-credit-export"
FORMAT_VERSION = "1.1"  # 1.1: check_end_date
STANDARD = "GB/T 40478-2021《企业信用监管档案数据项规范》附录A A.3 市场监管信息数据项（抽查检查）"

#: The fields of a record, in order (JSON Lines keys and CSV columns alike, lists joined in CSV).
FIELDS = [
    "record_id",
    "record_type",
    "corrects_record_id",
    "version",
    "entity_uscc",
    "entity_name",
    "department_code",
    "department_name",
    "campaign_code",
    "campaign_title",
    "check_date",
    "check_end_date",
    "check_method_code",
    "check_method_name",
    "result_category_codes",
    "result_category_names",
    "follow_up_code",
    "follow_up_name",
    "publication_date",
    "published_at",
    "correction_reason",
]
#: Only in JSON Lines: per item its categories and findings; the follow-ups one by one.
JSON_ONLY = ["items", "follow_ups"]
CSV_COLUMNS = FIELDS


def name_of(department_code: str, number: int) -> str:
    return f"{department_code}-{number:06d}"


def record(record_id: int, kind: str, corrects_id: int | None, version: int, payload: dict) -> dict:
    """A record as written: the frozen payload with its id and links."""
    row = {"record_id": record_id, "record_type": kind, "corrects_record_id": corrects_id, "version": version}
    for field in FIELDS[4:]:
        row[field] = payload.get(field)
    for field in JSON_ONLY:
        row[field] = payload.get(field, [])
    return row


def csv_row(row: dict) -> list[str]:
    values = []
    for field in CSV_COLUMNS:
        value = row.get(field)
        if isinstance(value, list):
            value = ";".join(str(v) for v in value)
        values.append("" if value is None else str(value))
    return values


class _HashingFile:
    """A temporary file that hashes what is written to it."""

    def __init__(self, folder: str, suffix: str):
        handle, self.path = tempfile.mkstemp(prefix=".export-", suffix=suffix, dir=folder)
        self.stream = os.fdopen(handle, "wb")
        self.digest, self.size = hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.stream.write(data)

    def close(self) -> None:
        if not self.stream.closed:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()

    def discard(self) -> None:
        if not self.stream.closed:
            self.stream.close()
        Path(self.path).unlink(missing_ok=True)


class BatchWriter:
    """Write a batch's JSON Lines and CSV files record by record into ``folder`` (temporary files,
    removed by :meth:`discard`), counting, hashing and keeping the time range."""

    def __init__(self, folder: str):
        Path(folder).mkdir(parents=True, exist_ok=True)
        self.jsonl = _HashingFile(folder, ".jsonl")
        self.csv = _HashingFile(folder, ".csv")
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, lineterminator="\r\n")
        self._csv.writerow(CSV_COLUMNS)
        self._flush_csv()
        self.records = self.corrections = 0
        self.first_at: datetime | None = None
        self.last_at: datetime | None = None
        self.first_id: int | None = None
        self.last_id: int | None = None

    def _flush_csv(self) -> None:
        self.csv.write(self._text.getvalue().encode("utf-8"))
        self._text.seek(0)
        self._text.truncate()

    def add(self, row: dict, published_at: datetime) -> None:
        self.jsonl.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
        self._csv.writerow(csv_row(row))
        if self._text.tell() > 1 << 16:
            self._flush_csv()
        self.records += 1
        self.corrections += row["record_type"] == "correction"
        if self.first_at is None or published_at < self.first_at:
            self.first_at = published_at
        if self.last_at is None or published_at > self.last_at:
            self.last_at = published_at
        self.first_id = row["record_id"] if self.first_id is None else min(self.first_id, row["record_id"])
        self.last_id = row["record_id"] if self.last_id is None else max(self.last_id, row["record_id"])

    def close(self) -> None:
        self._flush_csv()
        self.jsonl.close()
        self.csv.close()

    def discard(self) -> None:
        self.jsonl.discard()
        self.csv.discard()


def manifest(
    *,
    department_code: str,
    department_name: str,
    number: int,
    created_at: datetime,
    records: int,
    corrections: int,
    published_from: datetime | None,
    published_to: datetime | None,
    first_record_id: int | None,
    last_record_id: int | None,
    files: list[dict],
) -> bytes:
    """The manifest of a batch (清单), as the bytes stored and delivered."""
    name = name_of(department_code, number)
    body = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "standard": STANDARD,
        "batch": name,
        "batch_number": number,
        "department_code": department_code,
        "department_name": department_name,
        "created_at": iso_utc(created_at),
        "record_count": records,
        "results": records - corrections,
        "corrections": corrections,
        "published_from": iso_utc(published_from) if published_from else None,
        "published_to": iso_utc(published_to) if published_to else None,
        "first_record_id": first_record_id,
        "last_record_id": last_record_id,
        "encoding": "UTF-8",
        "files": files,
    }
    return (json.dumps(body, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
