"""Importing the target directory (检查对象名录库): registry entities and the department's entries."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import lazyload

from spotcheck.core.actor import Actor
from spotcheck.core.database import db, table_of
from spotcheck.core.scoping import current_tenant_id
from spotcheck.tenants.directory import bulk
from spotcheck.tenants.directory.checks import clean_entity, clean_entry
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.directory.policy import is_registry_keeper
from spotcheck.tenants.spreadsheets.pipeline import Importer, Meter, Problems, Record, Sheet, required_blanks

#: Rows written per batch in the second pass.
CHUNK = 10_000
_ENTITY_FIELDS = ("code", "name", "entity_type", "industry_code", "region_code", "address", "status", "abnormal",
                  "blacklisted", "penalized_on", "complaints", "credit_rating")
_ENTRY_FIELDS = ("category", "risk", "tags", "last_inspected_on")


class DirectoryImport(Importer):
    """Each row is a registry entity (by its code) and the department's directory entry for it.

    The lead department (market regulation) keeps the registry: its imports add and change
    entities. Any other department's import adds the entities the registry lacks and leaves
    existing ones as they are. The second pass reads the file again, in batches, so a large
    file is never held in memory.
    """

    def __init__(self, kind, actor: Actor):
        super().__init__(kind, actor)
        self.keeps_registry = is_registry_keeper(actor)

    def prepare(self, sheet: Sheet) -> None:
        self.codes_seen: dict[str, int] = {}
        # Existing rows change only in the columns the file has; new rows take defaults for the others.
        present = {c.key for c in sheet.columns.values() if c.key}
        self.entity_keys = [k for k in _ENTITY_FIELDS if k in present]
        self.entry_keys = [k for k in _ENTRY_FIELDS if k in present]

    @staticmethod
    def _clean(record: Record) -> tuple[dict, dict, dict]:
        entity, entity_errors = clean_entity(record.data)
        entry, entry_errors = clean_entry(record.data)
        return entity, entry, {**entity_errors, **entry_errors, **record.errors}

    def check(self, record: Record, errors: Problems) -> None:
        entity, _entry, problems = self._clean(record)
        required_blanks(self.kind, record, problems)
        code = entity.get("code")
        if code and "code" not in problems:
            if code in self.codes_seen:
                problems["code"] = [_l("The same code as row %(row)d.", row=self.codes_seen[code])]
            else:
                self.codes_seen[code] = record.row
        errors.add_fields(record.row, problems)

    def write(self, path: Path, meter: Meter) -> dict:
        self.codes_seen = {}  # free the first pass's memory
        counts = {"created": 0, "changed": 0, "unchanged": 0, "entities_created": 0, "entities_changed": 0,
                  "registry_kept": 0}
        sheet = Sheet(self.kind, path)
        sheet.read_header(Problems(self.kind))
        chunk: list[tuple[dict, dict]] = []
        for record in sheet.records():
            entity, entry, _ = self._clean(record)
            chunk.append((entity, entry))
            if len(chunk) >= CHUNK:
                self._write_chunk(chunk, counts)
                chunk = []
                meter(sheet.fraction())
        if chunk:
            self._write_chunk(chunk, counts)
        meter(1.0)
        return counts

    def _write_chunk(self, chunk: list[tuple[dict, dict]], counts: dict) -> None:
        table = table_of(Entity)
        codes = [entity["code"] for entity, _ in chunk]
        existing = {row.code: row for row in db.session.execute(
            sa.select(*(table.c[k] for k in _ENTITY_FIELDS)).where(table.c.code.in_(codes)))}
        writes = []
        for entity, _ in chunk:
            known = existing.get(entity["code"])
            if known is None:
                writes.append(entity)
                counts["entities_created"] += 1
            elif any(getattr(known, k) != entity[k] for k in self.entity_keys):
                if self.keeps_registry:
                    writes.append({**known._asdict(), **{k: entity[k] for k in self.entity_keys}})
                    counts["entities_changed"] += 1
                else:
                    counts["registry_kept"] += 1
        if writes:
            bulk.upsert_entities(writes)
        ids = dict(db.session.execute(sa.select(table.c.code, table.c.id).where(table.c.code.in_(codes))).all())
        entries = {e.entity_id: e for e in db.session.scalars(
            sa.select(DirectoryEntry).options(lazyload(DirectoryEntry.entity))
            .where(DirectoryEntry.entity_id.in_(list(ids.values()))))}
        new_entries = []
        tenant_id = current_tenant_id()  # bulk inserts bypass the ORM's stamping; RLS checks it on PostgreSQL
        for entity, entry in chunk:
            entity_id = ids[entity["code"]]
            current = entries.get(entity_id)
            if current is None:
                new_entries.append({"tenant_id": tenant_id, "entity_id": entity_id, **entry})
                counts["created"] += 1
            elif any(getattr(current, k) != entry[k] for k in self.entry_keys):
                for key in self.entry_keys:
                    setattr(current, key, entry[key])
                counts["changed"] += 1
            else:
                counts["unchanged"] += 1
        if new_entries:
            db.session.execute(sa.insert(table_of(DirectoryEntry)), new_entries)
        db.session.flush()
        for current in entries.values():
            db.session.expunge(current)
