"""The operator's check (运维检查, ``spotcheck check``): reads only, across every department.

Every stored file a row names (rules documents, attachments, notices, export batches, statistics
tables) is there with the SHA-256 the row recorded; no job is stuck queued or running past its
lease; no job, export batch or notice delivery has failed lately. Each finding is one line an
operator can act on; :func:`run` returns them, empty when the deployment is healthy.
"""

from __future__ import annotations

import hashlib
import json
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from spotcheck.core import clock, deployment, personal_data, settings, storage
from spotcheck.core.database import db
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.scoping import system_access
from spotcheck.platform.config import local_host_problem, public_address_problem
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.directory import jurisdiction
from spotcheck.tenants.directory.models import DirectoryEntry, Entity, OperatingPlace
from spotcheck.tenants.exports.models import ExportBatch
from spotcheck.tenants.exports.vocabulary import BatchStatus
from spotcheck.tenants.notices.models import Delivery, Notice
from spotcheck.tenants.notices.vocabulary import DeliveryStatus, NoticeKind
from spotcheck.tenants.results.models import Attachment
from spotcheck.tenants.rules.models import RulesDocument

#: The kind of job whose result is a stored file (a statistics table, ``storage_key`` and ``sha256``).
FILE_RESULT_JOBS = ("supervision.table",)


@dataclass(frozen=True)
class StoredFile:
    """A stored file a row names: where it is named (``notice 12``), its key and recorded SHA-256."""

    named_by: str
    key: str
    sha256: str


def stored_files() -> list[StoredFile]:
    """Every stored file the database names (one line per key; a key named twice keeps its first row)."""
    found: dict[str, StoredFile] = {}

    def add(named_by: str, key: str | None, sha256: str | None) -> None:
        if key and key not in found:
            found[key] = StoredFile(named_by, key, sha256 or "")

    with system_access("operator check: list the stored files"):
        for document in db.session.scalars(sa.select(RulesDocument).order_by(RulesDocument.id)):
            add(f"rules_document {document.id}", document.stored_name, document.sha256)
            add(f"rules_document {document.id} (published)", document.published_stored_name, document.published_sha256)
        for row in db.session.execute(
            sa.select(Attachment.id, Attachment.storage_key, Attachment.sha256).order_by(Attachment.id)
        ):
            add(f"attachment {row.id}", row.storage_key, row.sha256)
        for row in db.session.execute(sa.select(Notice.id, Notice.storage_key, Notice.sha256).order_by(Notice.id)):
            add(f"notice {row.id}", row.storage_key, row.sha256)
        for batch in db.session.scalars(sa.select(ExportBatch).order_by(ExportBatch.id)):
            for part in ("jsonl", "csv", "manifest"):
                add(
                    f"export_batch {batch.id} ({part})", getattr(batch, f"{part}_key"), getattr(batch, f"{part}_sha256")
                )
        for job in db.session.scalars(
            sa.select(Job).where(Job.kind.in_(FILE_RESULT_JOBS), Job.status == JobStatus.succeeded).order_by(Job.id)
        ):
            result = job.result or {}
            add(f"job {job.id} ({job.kind})", result.get("storage_key"), result.get("sha256"))
        db.session.rollback()
    return list(found.values())


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(storage.CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def file_problems(files: list[StoredFile], root: Path) -> list[str]:
    """The files missing under ``root`` or whose content is not what their row recorded."""
    problems = []
    for item in files:
        path = root / item.key
        if not storage.KEY.match(item.key) or not path.is_file():
            problems.append(f"MISSING FILE  {item.key}  (named by {item.named_by})")
        elif item.sha256 and sha256_of(path) != item.sha256:
            problems.append(f"ALTERED FILE  {item.key}  (named by {item.named_by}: its SHA-256 differs)")
    return problems


def job_problems(*, hours: int) -> list[str]:
    """Jobs stuck queued or running past their lease (the periodic sweep should have taken them:
    is beat running?), jobs failed within ``hours``, export batches whose delivery failed, notice
    deliveries given up within ``hours``."""
    moment = clock.now()
    queued = timedelta(seconds=int(settings.get("SPOTCHECK_JOB_QUEUED_SECONDS") or 300))
    lease = timedelta(seconds=int(settings.get("SPOTCHECK_JOB_LEASE_SECONDS") or 900))
    since = moment - timedelta(hours=hours)
    problems = []
    with system_access("operator check: jobs and deliveries"):
        stuck_queued = sa.and_(
            Job.status == JobStatus.queued, sa.func.coalesce(Job.dispatched_at, Job.created_at) < moment - queued
        )
        stuck_running = sa.and_(
            Job.status == JobStatus.running,
            sa.func.coalesce(Job.heartbeat_at, Job.started_at, Job.created_at) < moment - lease,
        )
        for job in db.session.scalars(sa.select(Job).where(sa.or_(stuck_queued, stuck_running)).order_by(Job.id)):
            if job.status == JobStatus.queued:
                problems.append(
                    f"STUCK QUEUED  job {job.id} ({job.kind}, department {job.tenant_id}) since "
                    f"{_when(job.dispatched_at or job.created_at)}"
                )
            else:
                problems.append(
                    f"STUCK RUNNING job {job.id} ({job.kind}, department {job.tenant_id}), last sign of "
                    f"life {_when(job.heartbeat_at or job.started_at)}, past its lease of {lease}"
                )
        for job in db.session.scalars(
            sa.select(Job).where(Job.status == JobStatus.failed, Job.finished_at >= since).order_by(Job.id)
        ):
            problems.append(
                f"FAILED JOB    job {job.id} ({job.kind}, department {job.tenant_id}) at "
                f"{_when(job.finished_at)}: {(job.error or '').splitlines()[0][:160] if job.error else ''}"
            )
        for batch in db.session.scalars(
            sa.select(ExportBatch).where(ExportBatch.status == BatchStatus.failed).order_by(ExportBatch.id)
        ):
            problems.append(
                f"FAILED EXPORT export batch {batch.id} (number {batch.number}, department "
                f"{batch.tenant_id}), {batch.attempts} attempt(s): {batch.last_error[:160]}"
            )
        failed = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Delivery)
            .where(Delivery.status == DeliveryStatus.failed, Delivery.created_at >= since)
        )
        if failed:
            problems.append(
                f"FAILED SENDS  {failed} notice delivery(ies) given up in the last {hours} h "
                f"(e-mail or SMS: check SPOTCHECK_SMTP_HOST / the SMS gateway)"
            )
        db.session.rollback()
    return problems


def _when(moment: datetime | None) -> str:
    return moment.isoformat(timespec="seconds") if moment else "never"


#: The path that answers which deployment serves an address.
IDENTITY_PATH = "/healthz/deployment"


def address_problems(config: dict, *, fetch: bool = True) -> list[str]:
    """The public address every QR code carries: missing or local (:func:`public_address_problem`), or — fetched —
    not reaching this deployment (another answers, or none)."""
    problem = public_address_problem(config)
    if problem is not None:
        return [f"ADDRESS       {problem}"]
    if not fetch:
        return []
    return reach_problems(str(config["SPOTCHECK_PUBLIC_BASE_URL"]))


def reach_problems(base: str) -> list[str]:
    """Whether ``base`` reaches this deployment: its identity route answers the identity this database keeps."""
    base = base.rstrip("/")
    with system_access("operator check: this deployment's identity"):
        mine = deployment.identity()
        db.session.rollback()
    try:
        with urllib.request.urlopen(base + IDENTITY_PATH, timeout=10) as answer:  # the operator's own address
            theirs = json.loads(answer.read(4096).decode("utf-8")).get("deployment")
    except (OSError, ValueError, AttributeError) as error:
        return [
            f"ADDRESS       SPOTCHECK_PUBLIC_BASE_URL={base} does not reach this deployment: {base}{IDENTITY_PATH} "
            f"answered {type(error).__name__}: {str(error)[:120]} (from a host that cannot reach its own public "
            "address, run `spotcheck check --skip-address`)"
        ]
    if theirs != mine:
        return [
            f"ADDRESS       SPOTCHECK_PUBLIC_BASE_URL={base} reaches another deployment (it answers as "
            f"{str(theirs)[:12]}…, this one is {str(mine)[:12]}…): every QR code would lead there"
        ]
    return []


def notice_problems() -> list[str]:
    """The notices already written whose inspection code's QR carries a loopback, private or link-local address
    (a printed code cannot be corrected: re-issue them), by department."""
    problems = []
    with system_access("operator check: the notices' QR addresses"):
        rows = db.session.execute(
            sa.select(Tenant.name, Notice.qr_base, sa.func.count(Notice.id))
            .join(Tenant, Tenant.id == Notice.tenant_id)
            .where(Notice.qr_base.is_not(None))
            .group_by(Tenant.name, Notice.qr_base)
            .order_by(Tenant.name, Notice.qr_base)
        )
        for name, base, count in rows:
            if local_host_problem(str(base or "")) is not None:
                problems.append(
                    f"LOCAL QR      {count} notice(s) of {name} carry inspection codes at {base}, which no "
                    "business can open: re-issue them once SPOTCHECK_PUBLIC_BASE_URL is public"
                )
        db.session.rollback()
    return problems


def unrecorded_notices() -> list[str]:
    """The inspection notices written before the address their QR carries was kept (before migration 0056), by
    department: a note, not a finding — what they carry is the address in force when they were written."""
    notes = []
    with system_access("operator check: the notices written before their QR address was kept"):
        rows = db.session.execute(
            sa.select(Tenant.name, sa.func.count(Notice.id))
            .join(Tenant, Tenant.id == Notice.tenant_id)
            .where(Notice.qr_base.is_(None), Notice.kind == NoticeKind.inspection, Notice.visit_id.is_not(None))
            .group_by(Tenant.name)
            .order_by(Tenant.name)
        )
        for name, count in rows:
            notes.append(
                f"note: {count} inspection notice(s) of {name} were written before the address their QR "
                "carries was kept: if SPOTCHECK_PUBLIC_BASE_URL was not public then, re-issue them"
            )
        db.session.rollback()
    return notes


def outside_branches() -> list[str]:
    """The directory rows that name a business located outside their department's branch (管辖: kept from before the
    rule, or left by a business that moved), by department: a frame frozen and a proof published with them never
    change and a campaign under way finishes, but no new check reaches them — the department's administrator removes
    them. One query of the rows by department and registered place, then one count where a place lies outside."""
    problems = []
    with system_access("operator check: directory rows outside their department's branch"):
        held: dict[int, set[str]] = {}
        for tenant_id, code in db.session.execute(
            sa.select(DirectoryEntry.tenant_id, Entity.region_code)
            .join(Entity, Entity.id == DirectoryEntry.entity_id)
            .distinct()
        ):
            held.setdefault(tenant_id, set()).add(code)
        place_codes = set(db.session.scalars(sa.select(OperatingPlace.region_code).distinct()))
        for tenant_id in sorted(held):
            branch = jurisdiction.of_department(tenant_id)
            outside = sorted(held[tenant_id] - branch.holds_each(held[tenant_id]))
            if not outside:
                continue
            inside_places = sorted(branch.holds_each(place_codes))
            reached_by_place = sa.exists().where(
                OperatingPlace.entity_id == Entity.id, OperatingPlace.region_code.in_(inside_places)
            )
            rows = db.session.execute(
                sa.select(Entity.code, Entity.region_code, sa.func.count().over())
                .join(DirectoryEntry, DirectoryEntry.entity_id == Entity.id)
                .where(DirectoryEntry.tenant_id == tenant_id, Entity.region_code.in_(outside), ~reached_by_place)
                .order_by(Entity.code)
                .limit(1)
            ).first()
            if rows is None:
                continue
            code, place, count = rows
            problems.append(
                f"OUTSIDE BRANCH  {count} directory row(s) of {branch.department.full_name} name businesses located "
                f"outside its branch ({branch.region.name} and below), e.g. {code} at {branch.place_name(place)}: "
                "its campaigns under way finish; no new check reaches them — remove them from its directory"
            )
        db.session.rollback()
    return problems


def data_key_problems(config: dict) -> list[str]:
    """The data key: another than the one the values are under, or (in production) still derived from SECRET_KEY."""
    keys = personal_data.keys_of(personal_data.configured_key())
    with system_access("operator check: the data key's check value"):
        recorded = (deployment.record() or deployment.Deployment(data_key_check="")).data_key_check
        db.session.rollback()
    if recorded and recorded != keys.check:
        return [
            "DATA KEY      SPOTCHECK_DATA_KEY is not the key the protected values are under: set the key they were "
            "last adopted or rotated to (docs/operations.md, “The data key”)"
        ]
    if config["SPOTCHECK_ENV"] == "production" and not config.get("SPOTCHECK_DATA_KEY"):
        return [
            "DATA KEY      the protected values are under a key derived from SECRET_KEY, so changing SECRET_KEY "
            "would make them unreadable: give them a key of their own with `spotcheck keys adopt`"
        ]
    return []


def run(*, hours: int = 24, fetch_address: bool = True) -> tuple[int, list[str]]:
    """The number of stored files checked, and every finding (none: healthy). The public address and the notices'
    QR addresses are checked in production only (a trial serves on this machine by design)."""
    config = dict(current_app.config)
    files = stored_files()
    live = config["SPOTCHECK_ENV"] == "production"  # a trial or a test serves on this machine by design
    addresses = address_problems(config, fetch=fetch_address) + notice_problems() if live else []
    return len(files), (
        addresses
        + data_key_problems(config)
        + file_problems(files, storage.root())
        + job_problems(hours=hours)
        + outside_branches()
    )
