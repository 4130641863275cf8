"""The credit-system export of 100,000 published results (信用信息共享): the platform's batch job —
claim the outbox records, stream them into the JSON Lines and CSV files, number, store, write the
manifest, deliver into a folder — against the naive way in the same run: load every row with the
ORM, then serialise it all in memory and write the files.

Each measurement runs in a fresh Python process (so that its peak memory is its own), at 10,000
and at 100,000 records, twice: once timed (and its peak resident memory read from the kernel,
``ru_maxrss``), once under ``tracemalloc`` for the peak of Python's own allocations. The export's
memory is flat when the figures at 100,000 are at most 1.2× those at 10,000.

The 100,000 outbox records are written in SQL as the owner (one campaign of 应急管理局, a visit and
a published result per entity, and the export record the publish command would have queued, its
payload in the same shape); the 10,000 run takes the first 10,000 of them
(``SPOTCHECK_EXPORT_BATCH_SIZE``). Between runs every record is made pending again.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.common import HERE, Figures, Line, Timer, admin_connect, emit, fresh_database, log, save, vacuum_analyze
from bench.directory_search import load as load_entities
from bench.public_search import _fill
from spotcheck.core.database import db
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.factory import create_app
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.exports import commands as services, formats
from spotcheck.tenants.exports.models import ExportRecord

NAME = "export_results"
RECORDS = int(os.environ.get("BENCH_EXPORT_RECORDS", "100000"))
SMALL = max(1, RECORDS // 10)
TITLE = f"Credit-system export of {RECORDS:,} published results (PostgreSQL, delivered into a folder)"
FLAT = 1.2

_PAYLOAD = """json_build_object(
  'entity_uscc', e.code, 'entity_name', e.name, 'department_code', t.code, 'department_name', t.name,
  'campaign_code', c.code, 'campaign_title', c.title, 'check_date', v.checked_on::text,
  'check_method_code', 'onsite', 'check_method_name', '实地检查',
  'result_category_codes', CASE WHEN v.id % 5 = 0 THEN json_build_array('pending_own_rules')
                                ELSE json_build_array('no_problem') END,
  'result_category_names', CASE WHEN v.id % 5 = 0 THEN json_build_array('发现问题待后续处理：违反本部门其他规定')
                                ELSE json_build_array('未发现问题') END,
  'items', json_build_array(json_build_object('item_code', 'YJJ-001', 'item_name', '危险化学品经营单位安全生产检查',
      'category_codes', CASE WHEN v.id % 5 = 0 THEN json_build_array('pending_own_rules')
                             ELSE json_build_array('no_problem') END,
      'category_names', CASE WHEN v.id % 5 = 0 THEN json_build_array('发现问题待后续处理：违反本部门其他规定')
                             ELSE json_build_array('未发现问题') END,
      'findings', CASE WHEN v.id % 5 = 0 THEN '应急预案未按规定演练，已责令限期整改。' ELSE '' END)),
  'follow_up_code', CASE WHEN v.id % 5 = 0 THEN 'to_follow_up' ELSE 'none_needed' END,
  'follow_up_name', CASE WHEN v.id % 5 = 0 THEN '待后续处置' ELSE '无需后续处置' END,
  'follow_ups', json_build_array(),
  'publication_date', (v.published_at AT TIME ZONE 'Asia/Shanghai')::date::text,
  'published_at', to_char(v.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
  'correction_reason', '')"""


def load(url: str) -> Figures:
    """``RECORDS`` entities, a visit and a published result each in one campaign, and the outbox."""
    with Timer() as timer:
        load_entities(url, RECORDS)
        with admin_connect(url, autocommit=False) as conn:
            found = conn.execute("SELECT id FROM tenant WHERE code = 'YJJ'").fetchone()
            assert found is not None  # the demo's 应急管理局
            tenant_id = found[0]
            _fill(
                conn,
                "campaign",
                {
                    "tenant_id": str(tenant_id),
                    "code": "'应急抽〔2026〕90号'",
                    "title": "'2026年危险化学品经营单位双随机抽查'",
                    "year": "2026",
                    "status": "'published'",
                    "window_start": "DATE '2026-01-01'",
                    "window_end": "DATE '2026-12-31'",
                },
                "(SELECT 1) AS one",
            )
            row = conn.execute("SELECT max(id) FROM campaign").fetchone()
            assert row is not None  # the query answers one row
            campaign_id = row[0]
            _fill(
                conn,
                "visit",
                {
                    "tenant_id": str(tenant_id),
                    "campaign_id": str(campaign_id),
                    "entity_id": "e.id",
                    "status": "'published'",
                    "checked_on": "DATE '2026-03-01' + (e.id * 7) % 200",
                    "method": "'onsite'",
                    "version": "1",
                    "entered_by": "'[]'::json",
                    "source": "'entered'",
                    "published_at": "TIMESTAMPTZ '2026-03-10' + ((e.id * 13) % 250) * INTERVAL '1 day' "
                    "+ (e.id % 600) * INTERVAL '1 minute'",
                },
                "entity e",
            )
            _fill(
                conn,
                "published_result",
                {
                    "tenant_id": "v.tenant_id",
                    "visit_id": "v.id",
                    "campaign_id": "v.campaign_id",
                    "entity_id": "v.entity_id",
                    "version": "1",
                    "current": "true",
                    "corrected": "false",
                    "checked_on": "v.checked_on",
                    "published_at": "v.published_at",
                },
                "visit v",
            )
            written = _fill(
                conn,
                "export_record",
                {
                    "tenant_id": "v.tenant_id",
                    "published_result_id": "p.id",
                    "visit_id": "v.id",
                    "version": "1",
                    "kind": "'result'",
                    "published_at": "v.published_at",
                    "created_at": "v.published_at",
                    "payload": _PAYLOAD,
                },
                "published_result p JOIN visit v ON v.id = p.visit_id JOIN entity e ON e.id = v.entity_id "
                "JOIN campaign c ON c.id = v.campaign_id JOIN tenant t ON t.id = v.tenant_id ORDER BY p.id",
            )
            conn.commit()
    return {"seconds": timer.seconds, "records": written, "tenant": tenant_id}


def reset(url: str) -> None:
    """Every record pending again; no batch, no delivery."""
    with admin_connect(url, autocommit=True) as conn:
        conn.execute("UPDATE export_record SET batch_id = NULL, delivered_at = NULL")
        conn.execute("DELETE FROM export_delivery")
        conn.execute("DELETE FROM export_batch")


# --- one measurement, in a process of its own ------------------------------------------------------


def _platform(count: int, out: Path) -> Figures:
    with tenant_scope(_tenant()):
        with Timer() as built:
            batch = services.build_batch(actor=SCHEDULER)
        assert batch is not None  # the outbox holds the loaded records
        with Timer() as delivered:
            counts = services.deliver_waiting(SCHEDULER)
    assert batch.records == count and counts == {"delivered": 1, "failed": 0}, (batch.records, counts)
    exported = sum(1 for _ in next(out.rglob("*.jsonl")).open(encoding="utf-8"))
    assert exported == count, exported
    return {
        "build_seconds": built.seconds,
        "deliver_seconds": delivered.seconds,
        "jsonl_bytes": batch.jsonl_size,
        "csv_bytes": batch.csv_size,
    }


def _naive(count: int, out: Path) -> Figures:
    """Load every row with the ORM, serialise everything in memory, then write and hash the files."""
    with tenant_scope(_tenant()):
        rows = db.session.scalars(
            sa.select(ExportRecord).where(ExportRecord.batch_id.is_(None)).order_by(ExportRecord.id).limit(count)
        ).all()
        records = [formats.record(r.id, r.kind, r.corrects_id, r.version, r.payload) for r in rows]
        jsonl = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records).encode(
            "utf-8"
        )
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(formats.CSV_COLUMNS)
        writer.writerows(formats.csv_row(r) for r in records)
        table = text.getvalue().encode("utf-8")
        out.mkdir(parents=True, exist_ok=True)
        for name, data in (("naive.jsonl", jsonl), ("naive.csv", table)):
            (out / name).write_bytes(data)
            hashlib.sha256(data).hexdigest()
    assert len(records) == count
    return {"jsonl_bytes": len(jsonl), "csv_bytes": len(table)}


def _tenant() -> int:
    return db.session.scalars(sa.select(Tenant.id).where(Tenant.code == "YJJ")).one()


def measure(url: str, mode: str, count: int, traced: bool) -> Figures:
    """Runs in the child process: one export, its time and peak memory."""
    folder = Path(tempfile.mkdtemp(prefix="spotcheck-bench-export-"))
    app = create_app(
        {
            "DATABASE_URL": url,
            "SPOTCHECK_STORAGE": str(folder / "storage"),
            "SPOTCHECK_EXPORT_DIR": str(folder / "out"),
            "SPOTCHECK_EXPORT_BATCH_SIZE": count,
        }
    )
    with app.app_context():
        _tenant()  # connected, imports done: what the process holds before the export
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if traced:
            tracemalloc.start()
        with Timer() as timer:
            figures = (_platform if mode == "platform" else _naive)(count, folder / "out")
        python_peak = tracemalloc.get_traced_memory()[1] if traced else None
        rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        db.session.remove()
        db.engine.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return {
        "mode": mode,
        "records": count,
        "traced": traced,
        "seconds": timer.seconds,
        "rss_before_kb": rss_before,
        "rss_peak_kb": rss_peak,
        "python_peak_bytes": python_peak,
        **figures,
    }


def _child(url: str, mode: str, count: int, traced: bool) -> Figures:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.export_results",
            "measure",
            url,
            mode,
            str(count),
            "traced" if traced else "timed",
        ],
        cwd=HERE.parent,
        capture_output=True,
        text=True,
        env={**os.environ, "SPOTCHECK_ENV": "testing"},
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{mode} {count} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _mb(kb: float) -> str:
    return f"{kb / 1024:,.0f} MB"


def _mib(size: float) -> str:
    return f"{size / (1 << 20):,.1f} MB"


def run() -> Figures:
    runs: dict[tuple[str, int, bool], dict[str, Any]] = {}
    with fresh_database("export") as url:
        log(f"writing {RECORDS:,} entities, visits, published results and their outbox records")
        loaded = load(url)
        vacuum_analyze(url, "export_record", "export_batch", "published_result", "visit", "entity")
        for mode in ("platform", "naive"):
            for count in (SMALL, RECORDS):
                for traced in (False, True):
                    log(f"{mode} export of {count:,} records ({'tracemalloc' if traced else 'timed'})")
                    reset(url)
                    runs[(mode, count, traced)] = _child(url, mode, count, traced)
        reset(url)

    def fig(mode: str, count: int, key: str, traced: bool = False) -> float:
        return runs[(mode, count, traced)][key]

    p_time, n_time = fig("platform", RECORDS, "seconds"), fig("naive", RECORDS, "seconds")
    p_rss = {c: fig("platform", c, "rss_peak_kb") for c in (SMALL, RECORDS)}
    n_rss = {c: fig("naive", c, "rss_peak_kb") for c in (SMALL, RECORDS)}
    p_py = {c: fig("platform", c, "python_peak_bytes", True) for c in (SMALL, RECORDS)}
    n_py = {c: fig("naive", c, "python_peak_bytes", True) for c in (SMALL, RECORDS)}
    flat_rss, flat_py = p_rss[RECORDS] / p_rss[SMALL], p_py[RECORDS] / p_py[SMALL]
    lines: list[Line] = [
        {
            "figure_name": f"batch export {RECORDS:,} (build + deliver)",
            "figure": f"{p_time:,.1f} s",
            "baseline_name": f"naive ORM load + serialise {RECORDS:,}",
            "baseline": f"{n_time:,.1f} s",
            "ratio": n_time / p_time,
        },
        {
            "figure_name": f"batch export {SMALL:,}",
            "figure": f"{fig('platform', SMALL, 'seconds'):,.2f} s",
            "baseline_name": f"naive {SMALL:,}",
            "baseline": f"{fig('naive', SMALL, 'seconds'):,.2f} s",
            "ratio": fig("naive", SMALL, "seconds") / fig("platform", SMALL, "seconds"),
        },
        {
            "figure_name": f"peak RSS, batch export {RECORDS:,}",
            "figure": _mb(p_rss[RECORDS]),
            "baseline_name": f"peak RSS, naive {RECORDS:,}",
            "baseline": _mb(n_rss[RECORDS]),
            "ratio": n_rss[RECORDS] / p_rss[RECORDS],
        },
        {
            "figure_name": f"peak Python heap, batch export {RECORDS:,}",
            "figure": _mib(p_py[RECORDS]),
            "baseline_name": f"peak Python heap, naive {RECORDS:,}",
            "baseline": _mib(n_py[RECORDS]),
            "ratio": n_py[RECORDS] / p_py[RECORDS],
        },
        {
            "figure_name": f"batch export: peak RSS {RECORDS:,} ÷ {SMALL:,}",
            "figure": f"{flat_rss:.2f}×",
            "baseline_name": f"naive: peak RSS {RECORDS:,} ÷ {SMALL:,}",
            "baseline": f"{n_rss[RECORDS] / n_rss[SMALL]:.2f}×",
            "ratio": None,
        },
        {
            "figure_name": f"batch export: Python heap {RECORDS:,} ÷ {SMALL:,}",
            "figure": f"{flat_py:.2f}×",
            "baseline_name": f"naive: Python heap {RECORDS:,} ÷ {SMALL:,}",
            "baseline": f"{n_py[RECORDS] / n_py[SMALL]:.2f}×",
            "ratio": None,
        },
    ]
    platform_big = runs[("platform", RECORDS, False)]
    notes = [
        f"Memory flat (at most {FLAT}× from {SMALL:,} to {RECORDS:,} records): peak RSS {flat_rss:.2f}× "
        f"({'yes' if flat_rss <= FLAT else 'NO'}), peak Python heap {flat_py:.2f}× "
        f"({'yes' if flat_py <= FLAT else 'NO'}).",
        f"Batch export of {RECORDS:,}: {platform_big['build_seconds']:,.1f} s building (claim with FOR UPDATE SKIP "
        "LOCKED, "
        f"stream {RECORDS:,} records 2,000 at a time through a server-side cursor into the two files, number, store, "
        f"manifest, commit) and {platform_big['deliver_seconds']:,.1f} s delivering into a folder; files "
        f"{_mib(platform_big['jsonl_bytes'])} JSON Lines and {_mib(platform_big['csv_bytes'])} CSV.",
        "Peak RSS is the whole process's (Python, Flask, SQLAlchemy, the connection: about "
        f"{_mb(runs[('platform', SMALL, False)]['rss_before_kb'])} before the export starts); the Python heap is "
        "tracemalloc's peak during the export alone, in a second run of the same measurement (tracemalloc slows it, so "
        "the times come from the first).",
        "The naive baseline does the same serialisation (the same record and CSV functions) but loads every ORM row "
        "first and builds both files in memory; it claims, numbers and delivers nothing, so it does less work.",
        f"Data: {loaded['records']:,} outbox records written in SQL in {loaded['seconds']:,.0f} s (not timed).",
    ]
    result = {
        "title": TITLE,
        "records": RECORDS,
        "small": SMALL,
        "runs": [dict(v) for v in runs.values()],
        "flat": {"rss": flat_rss, "python_heap": flat_py, "limit": FLAT},
        "lines": lines,
        "notes": notes,
    }
    emit(lines)
    for note in notes[:1]:
        print(f"  {note}", flush=True)
    save(NAME, result)
    return result


if __name__ == "__main__" and len(sys.argv) == 6 and sys.argv[1] == "measure":
    outcome = measure(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == "traced")
    print(json.dumps(outcome))
