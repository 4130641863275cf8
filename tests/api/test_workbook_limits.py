"""Uploaded workbooks that cannot be read safely: a damaged one, and decompression bombs. Each is
a file-level error in Chinese; a bomb is refused before it is unpacked, so memory stays bounded."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl

from tests.support.helpers import bearer

ROOT = Path(__file__).resolve().parents[2]


def _upload(app, name: str, data: bytes) -> dict:
    client, headers = app.test_client(), bearer(app, "scj_admin")
    answer = client.post(
        "/api/v1/sheets/items/imports",
        headers=headers,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(data), name)},
    )
    assert answer.status_code == 202, answer.get_data(as_text=True)
    job = client.get(f"/api/v1/jobs/{answer.json['id']}", headers=headers).json
    assert job["status"] == "succeeded" and job["result"]["ok"] is False, job
    return job["result"]


def _workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    """The workbook ``data`` with its part ``name`` replaced by ``content``."""
    source, target = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info, content if info.filename == name else source.read(info))
        if name not in source.namelist():
            out.writestr(name, content)
    return target.getvalue()


def bomb(megabytes: int) -> bytes:
    """A small workbook whose shared-strings part unpacks to ``megabytes`` MB."""
    base = _workbook([["检查事项", "领域"], ["事项", "市场监管领域"]])
    target = io.BytesIO()
    # the fastest deflate: a run of one letter still packs 1,000 to 1 (the test is the unpacking)
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for info in source.infolist():
            if info.filename != "xl/sharedStrings.xml":
                out.writestr(info, source.read(info))
        with out.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                b' count="1" uniqueCount="1"><si><t>'
            )
            chunk = b"A" * (1 << 20)
            for _ in range(megabytes):
                part.write(chunk)
            part.write(b"</t></si></sst>")
    return target.getvalue()


def test_a_damaged_workbook_is_one_file_error_in_chinese(app):
    good = _workbook([["检查事项", "领域"], ["事项", "市场监管领域"]])
    damaged = _with_part(good, "xl/worksheets/sheet1.xml", b'<worksheet><sheetData><row r="1"><c r="A1" t="s')
    result = _upload(app, "damaged.xlsx", damaged)
    assert result["error_count"] == 1 and result["errors"][0]["row"] == 1
    assert "已损坏" in result["errors"][0]["reason"] and "token" not in result["errors"][0]["reason"]


def test_a_decompression_bomb_is_refused_before_it_is_unpacked(app):
    data = bomb(300)
    assert len(data) < 2 * 1024 * 1024  # a small upload …
    result = _upload(app, "bomb.xlsx", data)  # … that would unpack to 300 MB
    assert result["error_count"] == 1 and "CSV" in result["errors"][0]["reason"]


def test_reading_a_bomb_keeps_memory_bounded(tmp_path):
    """In a process of its own, reading a 1.5 GB bomb neither raises MemoryError under a 1 GB address
    limit nor grows the process by more than a few tens of MB."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb(1536))
    script = textwrap.dedent(f"""
        import resource, sys
        from spotcheck.tenants.spreadsheets.reading import RowSource, UnreadableFileError
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        try:
            list(RowSource({str(path)!r}).rows())
        except UnreadableFileError as refused:
            print("refused:", refused)
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print("grown_kb:", grown)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "refused:" in result.stdout
    grown = int(result.stdout.split("grown_kb:")[1].split()[0])
    assert grown < 64 * 1024, result.stdout
