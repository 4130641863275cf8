"""Submitting the statistical tables the rules ask for (报表报送), as commands: prepare (填报: freeze the
figures) and sign and submit (签发报送) or correct (更正). The freezing and the reading of what was
submitted are in :mod:`spotcheck.tenants.supervision.submissions`."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import local, now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.supervision import duties, entries
from spotcheck.tenants.supervision.models import ReportEntry, ReportSubmission, SubmissionStatus
from spotcheck.tenants.supervision.policy import REPORT_ACTIONS
from spotcheck.tenants.supervision.submissions import _applicable, _contact, _due, _freeze, _own_tenant, digest_of


@command(Permission.REPORTS_PREPARE)
def prepare(data: dict, *, actor: Actor) -> ReportSubmission:
    """Freeze the table of ``data["code"]`` for ``data["period"]`` now, for the leader to sign
    (填报), with the filler's ``contact`` and ``phone``; a version prepared before and not signed is
    replaced by this one."""
    tenant = _own_tenant(actor)
    due = _due(tenant, data.get("code"), data.get("period"))
    contact, phone = _contact(data.get("contact", ""), data.get("phone", ""))
    state = _applicable(tenant, due)
    REPORT_ACTIONS.require(state, actor, "prepare")
    content = _freeze(due, tenant, actor)
    row = state.prepared
    if row is None:
        row = ReportSubmission(
            table_code=due.duty.code,
            period=due.period.code,
            version=len(state.versions) + 1,
            status=SubmissionStatus.prepared,
        )
        db.session.add(row)
    row.title, row.due_on, row.content, row.digest = due.title, due.due_on, content, digest_of(content)
    earlier = state.current  # a correction keeps the filler of the version it corrects unless told otherwise
    row.contact = contact or row.contact or (earlier.contact if earlier else "")
    row.phone = phone or row.phone or (earlier.phone if earlier else "")
    row.prepared_by_name, row.prepared_at = actor.display_name, now()
    db.session.flush()
    audit.record(
        "report.prepared",
        "report_submission",
        row.id,
        actor=actor,
        details={"table": due.duty.code, "period": due.period.code, "version": row.version, "sha256": row.digest},
    )
    return row


@command(Permission.REPORTS_SUBMIT)
def submit(data: dict, *, actor: Actor) -> ReportSubmission:
    """Sign and submit the table of ``data["code"]`` for ``data["period"]`` (签发报送): the version
    prepared — whose ``digest`` the leader saw — or, with none prepared and no digest given, the
    figures frozen now. A table already submitted is corrected (更正): a new version with its
    ``reason``, the earlier one kept; ``contact`` and ``phone`` name the filler."""
    tenant = _own_tenant(actor)
    due = _due(tenant, data.get("code"), data.get("period"))
    digest, contact, phone, reason = (
        data.get("digest", ""),
        data.get("contact"),
        data.get("phone"),
        data.get("reason", ""),
    )
    state = _applicable(tenant, due)
    REPORT_ACTIONS.require(state, actor, "submit")
    reason = str(reason or "").strip()
    if state.versions and not reason:
        raise InvalidInputError(
            {
                "reason": [
                    f"《{due.title}》（{due.period.label}）已于{state.submitted_on}报送："
                    "更正须写明更正理由，原报送的报表保留。"
                ]
            }
        )
    if len(reason) > 2000:
        raise InvalidInputError({"reason": ["更正理由不超过2000个字。"]})
    row = state.prepared
    digest = str(digest or "").strip().lower()
    if digest:
        if row is None:
            raise ConflictError("没有待签发的报表：请先生成报表，核对后再签发。")
        if digest != row.digest:
            raise ConflictError("待签发的报表已重新生成，与您核对的不一致：请核对新的报表后再签发。")
    elif row is None or not due.duty.area_wide:
        row = prepare({"code": due.duty.code, "period": due.period.code}, actor=actor)
    given_contact, given_phone = _contact(contact, phone)
    row.contact = given_contact or row.contact
    row.phone = given_phone or row.phone
    if not row.contact:
        raise InvalidInputError({"contact": ["请填写填报人（联系人）：报表写明填报人和联系电话报送。"]})
    if missing := entries.unfilled(row.content):
        raise InvalidInputError(
            {
                "cells": [
                    _l(
                        "The table cannot be signed while a cell is empty: %(cells)s. The platform holds no data for "
                        "it: fill it in “Cells the department fills” on this page (the table is built again with it), "
                        "then sign.",
                        cells="、".join(f"“{question}”" for question in missing),
                    )
                ]
            }
        )
    for earlier in state.versions:
        earlier.status = SubmissionStatus.superseded
    row.status, row.reason = SubmissionStatus.submitted, reason
    row.signed_by_id, row.signed_by_name, row.submitted_at = actor.id, actor.display_name, now()
    db.session.flush()
    late = local(row.submitted_at).date() > due.due_on and duties.owed(tenant, due) and not state.versions
    audit.record(
        "report.submitted",
        "report_submission",
        row.id,
        actor=actor,
        details={
            "table": due.duty.code,
            "period": due.period.code,
            "version": row.version,
            "sha256": row.digest,
            "late": late,
            **({"reason": reason} if reason else {}),
        },
    )
    return row


@command(Permission.REPORTS_PREPARE)
def fill_cells(data: dict, *, actor: Actor) -> list[ReportEntry]:
    """Enter the cells of the table of ``data["code"]`` for ``data["period"]`` that the platform holds no
    data for (由填报单位填写): ``data["cells"]``, each cell's key and text (empty: not filled). Each change
    is the department's entry for the period, with who and when, audited with the text before and after;
    a version waiting to be signed is built again with them, so the leader signs what they see."""
    tenant = _own_tenant(actor)
    due = _due(tenant, data.get("code"), data.get("period"))
    state = _applicable(tenant, due)
    REPORT_ACTIONS.require(state, actor, "prepare")
    cells, given = entries.cells_of(due.duty.code), data.get("cells")
    if not isinstance(given, dict) or not given or set(given) - {cell.key for cell in cells}:
        raise InvalidInputError({"cells": [_l("Choose the cells of this table that the department fills.")]})
    texts = {key: str(value or "").strip() for key, value in given.items()}
    if too_long := {
        f"cell-{key}": [_l("At most %(n)d characters.", n=entries.LONGEST)]
        for key, text in texts.items()
        if len(text) > entries.LONGEST
    }:
        raise InvalidInputError(too_long)
    shown = entries.latest(due.duty.code, due.period, [tenant.id]).get(tenant.id, {})
    changed = []
    for cell in cells:
        before = shown[cell.key].value if cell.key in shown else ""
        if cell.key not in texts or before == texts[cell.key]:
            continue
        row = db.session.scalar(
            sa.select(ReportEntry).where(
                ReportEntry.tenant_id == tenant.id,
                ReportEntry.table_code == due.duty.code,
                ReportEntry.period == due.period.code,
                ReportEntry.cell == cell.key,
            )
        )
        if row is None:
            row = ReportEntry(table_code=due.duty.code, period=due.period.code, cell=cell.key)
            db.session.add(row)
        row.value, row.entered_by_id, row.entered_by_name, row.entered_at = (
            texts[cell.key],
            actor.id,
            actor.display_name,
            now(),
        )
        db.session.flush()
        audit.record(
            "report.cell_entered",
            "report_entry",
            row.id,
            actor=actor,
            details={
                "table": due.duty.code,
                "period": due.period.code,
                "cell": cell.question,
                "before": before,
                "after": texts[cell.key],
            },
        )
        changed.append(row)
    if changed and state.prepared is not None:
        prepare({"code": due.duty.code, "period": due.period.code}, actor=actor)
    return changed
