"""An export's file (导出文件) may hold personal data — the inspectors' full ID numbers for their department's
administrator: it is kept for ``SPOTCHECK_EXPORT_FILE_HOURS`` (72 h) after the export, the job page says until when,
each download is in the audit trail (the job and the file's name, never its content), and past its time its download
is refused and the hourly task deletes it, saying so on the job page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from spotcheck.core import storage
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.job_models import Job
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import system_access
from spotcheck.tasks import job_sweep
from tests.support.helpers import csrf_token, signed_in

EXPORTED = datetime(2026, 11, 23, 2, tzinfo=UTC)  # 10:00 in Beijing


def _entries(app, action: str, job_id: int) -> list[AuditEntry]:
    with app.app_context(), system_access("the test reads the audit trail"):
        return list(
            db.session.scalars(
                sa.select(AuditEntry).where(AuditEntry.action == action, AuditEntry.object_id == str(job_id))
            )
        )


def test_an_exports_file_is_kept_its_hours_each_download_audited_then_refused_and_deleted(app):
    admin = signed_in(app, "scj_admin")
    with frozen_at(EXPORTED):
        started = admin.post(
            "/catalog/sheets/inspectors/export", data={"csrf_token": csrf_token(admin, "/catalog/sheets")}
        )
        assert started.status_code == 302
        job_id = int(started.location.rstrip("/").rsplit("/", 1)[1])
        page = admin.get(f"/jobs/{job_id}").get_data(as_text=True)
        kept = re.search(r'id="export-kept-until">(.*?)</p>', page, re.S)
        assert kept and "2026-11-26 10:00" in kept.group(1) and "72" in kept.group(1)  # Beijing time, 72 h on
        link = re.search(r'id="export-download" href="([^"]+)"', page).group(1)
        assert admin.get(link).status_code == 200
        assert admin.get(link).status_code == 200
    downloads = _entries(app, "job.file_downloaded", job_id)
    assert len(downloads) == 2 and all(e.actor_login == "scj_admin" for e in downloads)  # each download, by whom
    assert set(downloads[0].details) == {"kind", "file"} and downloads[0].details["kind"] == "export.inspectors"

    with app.app_context(), system_access("the test reads the job"):
        key = db.session.get(Job, job_id).result["key"]
    with frozen_at(EXPORTED + timedelta(hours=71, minutes=59)), app.app_context():
        assert job_sweep.forget_files(actor=SCHEDULER) == 0  # not yet
    with frozen_at(EXPORTED + timedelta(hours=72, minutes=1)):
        refused = admin.get(link)
        assert refused.status_code == 410 and "重新导出" in refused.get_data(as_text=True)  # refused past its time
        with app.app_context():
            assert storage.exists(key)  # still on disk until the task runs: refused all the same
            assert job_sweep.forget_files(actor=SCHEDULER) == 1
            assert job_sweep.forget_files(actor=SCHEDULER) == 0  # once
            assert not storage.exists(key)
        page = admin.get(f"/jobs/{job_id}").get_data(as_text=True)
        assert 'id="export-forgotten"' in page and 'id="export-download"' not in page
    (deleted,) = _entries(app, "job.file_deleted", job_id)
    assert deleted.details["hours"] == 72 and deleted.tenant_id is not None  # in the department's own trail
