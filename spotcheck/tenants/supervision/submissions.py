"""Submitting the statistical tables the rules ask for (报表报送): prepare (填报: freeze the figures), sign and
submit (签发报送), correct (更正), and read a table as it was submitted.

Freezing builds the table with the same builders as the downloads
(:data:`spotcheck.tenants.supervision.tables.TABLES`) for the department alone (the justice bureau's
area-wide table for every department, through the audited cross-department reading) and keeps its
sheets as data with their SHA-256: what was submitted is read and exported from there, whatever the
live figures become. The leader signs the version prepared — the digest they saw, so a table
prepared again in the meantime is not signed unseen — or, with no version prepared, freezes and
signs at once.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import cast

import sqlalchemy as sa
from flask_babel import force_locale

from spotcheck.core.actor import Actor
from spotcheck.core.clock import local
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, InvalidInputError, NotFoundError
from spotcheck.core.policy import Permission, has_permission
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.spreadsheets.forms import Section, Sheet, write
from spotcheck.tenants.supervision import duties, entries, figures, periods, tables
from spotcheck.tenants.supervision.duties import DutyState, applies, other_field_departments, state_of
from spotcheck.tenants.supervision.models import ReportSubmission
from spotcheck.tenants.supervision.policy import reading, sees_every_department

_PHONE = re.compile(r"^[0-9+()\- ]{5,32}$")


#: A value as JSON keeps it.
Json = None | bool | int | float | str | list["Json"] | dict[str, "Json"]


def _plain(value: object) -> Json:
    """A value of a sheet as JSON keeps it: numbers stay numbers, texts (lazy ones too) strings."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def digest_of(content: list[Json]) -> str:
    """The SHA-256 of frozen sheets (canonical JSON: keys sorted, UTF-8, no spaces)."""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _freeze(due: duties.Due, tenant: Tenant, actor: Actor) -> list[Json]:
    """The table of ``due`` as it stands now, as data: the department's own, or (the area-wide
    table) every department's through the bureau's audited reading."""

    def build(tenants: list[Tenant], single: bool) -> list[Json]:
        statuses = figures.compute(due.period, tenants)
        ctx = tables.Context(
            due.period,
            tenants,
            statuses,
            area=tables.place_of(tenant),
            single=single,
            title=due.title,
            filer=tenant.id,
            entered=entries.values(due.duty.code, due.period, [t.id for t in tenants] + [tenant.id]),
        )
        with force_locale("zh_CN"):
            return [_plain(asdict(sheet)) for sheet in tables.TABLES[due.duty.code].build(ctx)]

    if due.duty.area_wide:
        with reading(actor, f"table {due.duty.code} for submission", period=due.period):
            return build(figures.departments(period=due.period), False)
    return build([tenant], True)


def _due(tenant: Tenant, code: str | None, period: str | None) -> duties.Due:
    found = duties.find(tenant.id, str(code or ""), str(period or ""))
    if found is None:
        raise InvalidInputError(
            {"table": ["现行规则中没有这项报送义务：请在本部门的报表页选择应报送的统计表及其统计期。"]}
        )
    return found


def _own_tenant(actor: Actor) -> Tenant:
    tenant = db.session.get(Tenant, actor.tenant_id) if getattr(actor, "tenant_id", None) else None
    if tenant is None:
        raise NotFoundError("没有这个部门。")
    return tenant


def _applicable(tenant: Tenant, due: duties.Due) -> DutyState:
    if not applies(tenant, due, other_field_departments()):
        raise ConflictError(f"本部门不报送《{due.title}》（{due.duty.citation}）。")
    return state_of(tenant, due)


def _contact(contact: object, phone: object) -> tuple[str, str]:
    contact, phone = str(contact or "").strip(), str(phone or "").strip()
    problems: dict[str, list[str]] = {}
    if len(contact) > 100:
        problems["contact"] = ["填报人不超过100个字。"]
    if phone and not _PHONE.match(phone):
        problems["phone"] = ["联系电话只能是数字、空格、+、-和括号，5到32位。"]
    if problems:
        raise InvalidInputError(problems)
    return contact, phone


# --- reading what was submitted -------------------------------------------------------------------


def get(submission_id: int, reader: Actor) -> tuple[ReportSubmission, Tenant]:
    """A version of a table with its department: one's own department's, or any for the justice
    bureau (through its audited reading); NotFoundError otherwise."""
    if sees_every_department(reader):
        with reading(reader, "submitted table", department_id=None):
            row = db.session.get(ReportSubmission, submission_id)
            tenant = db.session.get(Tenant, row.tenant_id) if row is not None else None
            if row is not None:
                _ = row.content
    elif has_permission(reader, Permission.REPORTS_PREPARE) or has_permission(reader, Permission.SUPERVISION_VIEW):
        row = db.session.get(ReportSubmission, submission_id)
        tenant = db.session.get(Tenant, row.tenant_id) if row is not None else None
    else:
        row = tenant = None
    if row is None or tenant is None:
        raise NotFoundError("没有这份报表。")
    return row, tenant


def history(tenant_id: int, code: str, period: str) -> list[ReportSubmission]:
    """Every version of a department's table for a period, oldest first (in the current scope)."""
    return list(
        db.session.scalars(
            sa.select(ReportSubmission)
            .where(
                ReportSubmission.tenant_id == tenant_id,
                ReportSubmission.table_code == code,
                ReportSubmission.period == period,
            )
            .order_by(ReportSubmission.version)
        )
    )


def intact(row: ReportSubmission) -> bool:
    """The frozen sheets still have the digest they were frozen with."""
    return digest_of(row.content) == row.digest


def sheets_of(row: ReportSubmission) -> list[Sheet]:
    """The frozen sheets, their foot line naming who filled, signed and when (北京时间)."""
    signed = (
        f"    签发：{row.signed_by_name} {local(row.submitted_at):%Y-%m-%d %H:%M}（北京时间）"
        if row.submitted_at
        else "    （待签发）"
    )
    found = []
    for sheet in row.content:
        sections = [
            Section(**{**section, "formats": {int(k): v for k, v in (section.get("formats") or {}).items()}})
            for section in sheet["sections"]
        ]
        found.append(
            Sheet(
                sheet["name"],
                sheet["title"],
                list(sheet["lines"]),
                sections,
                signature=f"填报人：{row.contact or '—'}    联系电话：{row.phone or '—'}{signed}"
                f"    SHA-256：{row.digest}",
            )
        )
    return found


def workbook(row: ReportSubmission, tenant: Tenant) -> tuple[bytes, str]:
    """The table as submitted, as .xlsx, and its file name."""
    title = row.content[0]["title"] if row.content else row.title
    period = cast(periods.Period, periods.parse(row.period))  # stored as parsed
    name = tables.file_name(f"{title}（第{row.version}版）", period, tenant.full_name)
    return write(sheets_of(row)), name
