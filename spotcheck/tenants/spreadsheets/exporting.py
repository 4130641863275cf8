"""Exports (导出): the current lists of the department as spreadsheet rows, in the columns of the templates, with
values written the way the import reads them back (so an export re-imports unchanged), in the
seed's form: title, 填报单位/时间 line, 填报人/联系电话 line (:func:`heading`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from spotcheck.core import audit, clock, personal_data
from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.contacts import queries as contacts
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.inspectors.policy import reads_id_numbers
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.spreadsheets import writing
from spotcheck.tenants.spreadsheets.columns import DIRECTORY, ITEMS, SheetKind, flag_text, names_of

_BATCH = 2000
#: How often (in rows) an export reports its progress.
_EVERY = 500

#: What an export is told as its rows are written: ``progress(percent, done, total)``.
Progress = Callable[[int, int | None, int | None], None]


def workbook(kind: SheetKind, reader: Actor, progress: Progress | None = None) -> tuple[IO[bytes], str]:
    """The department's current list of ``kind`` as a workbook, and its download name (导出), for
    the export job's command (:func:`spotcheck.tenants.spreadsheets.commands.run_export`);
    ``progress`` is told the rows written of the list's count as they go."""
    if kind is ITEMS:
        rows = _item_rows()
    elif kind is DIRECTORY:
        rows = _directory_rows(reader.tenant.risk_labels if reader.tenant else "letters")
    else:
        rows = _inspector_rows(reader)
    if progress is not None:
        rows = _counted(rows, progress, _count(kind))
    tenant_name = reader.tenant.full_name if reader.tenant else ""
    day = clock.today()
    name = f"{kind.title}-{tenant_name}-{day:%Y%m%d}.xlsx"
    return writing.export(kind, _numbered(kind, rows), heading(kind, tenant_name, reader)), name


def _count(kind: SheetKind) -> int:
    """How many rows the export of ``kind`` writes (what its progress counts towards)."""
    if kind is ITEMS:
        query = sa.select(sa.func.count()).select_from(Item).where(Item.status != ItemStatus.retired)
    elif kind is DIRECTORY:
        query = sa.select(sa.func.count()).select_from(DirectoryEntry)
    else:
        query = sa.select(sa.func.count()).select_from(Inspector)
    return db.session.scalar(query) or 0


def _counted(rows: Iterator[dict], progress: Progress, total: int) -> Iterator[dict]:
    """The rows, telling ``progress`` every few hundred (writing the file is the last few per cent)."""
    done = 0
    progress(0, 0, total)
    for row in rows:
        yield row
        done += 1
        if done % _EVERY == 0:
            progress(min(95, 95 * done // max(total, 1)), done, max(total, done))
    progress(95, done, max(total, done))


#: Between the two halves of the 填报单位 and 填报人 lines, as the seed's forms space them.
GAP = "\u3000" * 8


def heading(kind: SheetKind, department: str, reader: Actor) -> writing.Heading:
    """The seed's form around an export (seed 003 附件1–2, seed 004): the title — the department's
    name and the list's (城口县XXX随机抽查事项清单, 高新区商务局随机抽查事项清单) —, the 填报单位 and
    时间 line (the Beijing date of the export) and the 填报人 (the user exporting) and 联系电话 line
    (the department's liaison's office phone, else the user's own mobile)."""
    day = clock.today()
    return writing.Heading(
        title=f"{department}{kind.title}",
        line=f"填报单位（盖章）：{department}{GAP}时间：{day.year}年{day.month}月{day.day}日",
        footer=f"填报人：{getattr(reader, 'display_name', '') or ''}{GAP}联系电话：{contacts.footer_phone(reader)}",
    )


def _numbered(kind: SheetKind, rows: Iterator[dict]) -> Iterator[list]:
    for number, values in enumerate(rows, start=1):
        yield [number if column.header == "序号" else values.get(column.key, "") for column in kind.columns]


def _item_rows() -> Iterator[dict]:
    """Drafts and published items (retired ones are no longer on the list), by code."""
    query = sa.select(Item).where(Item.status != ItemStatus.retired).order_by(Item.code)
    for item in db.session.scalars(query):
        yield {
            "code": item.code,
            "name": item.name,
            "sub_item": item.sub_item,
            "legal_basis": item.legal_basis,
            "checking_body": item.checking_body,
            "target_type": item.target_type,
            "content": item.content,
            "methods": names_of(reference.CHECK_METHODS, item.methods),
            "ratio_bp": item.ratio_text,
            "frequency": item.frequency_text,
            "inspector_categories": names_of(reference.ENFORCEMENT_CATEGORIES, item.inspector_categories),
            "inspector_requirements": item.inspector_requirements,
            "result_use": item.result_use,
            "field": reference.ITEM_FIELDS.get(item.field, item.field),
            "kind": reference.ITEM_KINDS.get(item.kind, item.kind),
            "random_check": flag_text(item.random_check),
            "non_random_reason": item.non_random_reason,
            "remarks": item.remarks,
        }


def _directory_rows(risk_style: str) -> Iterator[dict]:
    """The department's directory entries with their registry data, by entry id, in batches."""
    labels = reference.RISK_LABEL_STYLES.get(risk_style, reference.RISK_LABEL_STYLES["letters"])
    query = (
        sa.select(DirectoryEntry)
        .join(DirectoryEntry.entity)
        .options(contains_eager(DirectoryEntry.entity))
        .order_by(DirectoryEntry.id)
        .execution_options(yield_per=_BATCH)
    )
    for entry in db.session.scalars(query):
        entity: Entity = entry.entity
        yield {
            "code": entity.code,
            "name": entity.name,
            "entity_type": reference.ENTITY_TYPES.get(entity.entity_type, entity.entity_type),
            "industry_code": entity.industry_code,
            "region_code": entity.region_code,
            "address": entity.address,
            "status": reference.ENTITY_STATUSES.get(entity.status, entity.status),
            "abnormal": flag_text(entity.abnormal),
            "blacklisted": flag_text(entity.blacklisted),
            "penalized_on": entity.penalized_on,
            "complaints": entity.complaints,
            "credit_rating": entity.credit_rating or "",
            "category": entry.category,
            "risk": labels.get(entry.risk, entry.risk),
            "tags": "、".join(entry.tag_list),
            "last_inspected_on": entry.last_inspected_on,
        }


def _inspector_rows(reader: Actor) -> Iterator[dict]:
    full = reads_id_numbers(reader)
    inspectors = list(db.session.scalars(sa.select(Inspector).order_by(Inspector.name, Inspector.id)))
    if full and inspectors:
        audit.record("inspector.ids_exported", "inspector", None, actor=reader, details={"count": len(inspectors)})
    for person in inspectors:
        yield {
            "name": person.name,
            "sex": reference.SEXES.get(person.sex, person.sex),
            "id_number": personal_data.decrypt(person.id_encrypted) if full else person.id_masked,
            "agency": person.agency,
            "post": person.post,
            "cert_no": person.cert_no,
            "cert_expires_on": person.cert_expires_on,
            "categories": names_of(reference.ENFORCEMENT_CATEGORIES, person.categories),
            "region": person.region,
            "expertise": person.expertise,
            "is_expert": flag_text(person.is_expert),
            "active": "在用" if person.active else "停用",
        }
