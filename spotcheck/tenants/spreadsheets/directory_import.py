"""Importing the target directory (检查对象名录库): registry entities and the department's entries."""
from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.tenants.directory.bulk import ENTITY_FIELDS, ENTRY_FIELDS
from spotcheck.tenants.directory.checks import clean_entity, clean_entry
from spotcheck.tenants.directory.file_merge import DirectoryFileMerge
from spotcheck.tenants.directory.policy import is_registry_keeper
from spotcheck.tenants.spreadsheets.pipeline import Importer, Meter, Problems, Record, Sheet, required_blanks

#: The share of the second pass's progress bar the file's reading takes (the rows staged), and where it stands once
#: the registry is written: the rest is the department's entries.
STAGING_SHARE = 0.6
REGISTRY_DONE = 0.85


class DirectoryImport(Importer):
    """Each row is a registry entity (by its code) and the department's directory entry for it.

    The lead department (market regulation) keeps the registry: its imports add and change
    entities. Any other department's import adds the entities the registry lacks and leaves
    existing ones as they are. The second pass reads the file again into a staging table, so a
    large file is never held in memory, and merges it at once (:class:`DirectoryFileMerge`).
    """

    def __init__(self, kind, actor: Actor):
        super().__init__(kind, actor)
        self.keeps_registry = is_registry_keeper(actor)

    def prepare(self, sheet: Sheet) -> None:
        self.codes_seen: dict[str, int] = {}
        # Existing rows change only in the columns the file has; new rows take defaults for the others.
        present = {c.key for c in sheet.columns.values() if c.key}
        self.entity_keys = [k for k in ENTITY_FIELDS if k in present]
        self.entry_keys = [k for k in ENTRY_FIELDS if k in present]

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
        sheet = Sheet(self.kind, path)
        sheet.read_header(Problems(self.kind))
        merge = DirectoryFileMerge(entity_keys=self.entity_keys, entry_keys=self.entry_keys,
                                   keeps_registry=self.keeps_registry)
        cleaned = (self._clean(record) for record in sheet.records())
        merge.stage(({**entity, **entry} for entity, entry, _ in cleaned),
                    progress=lambda _rows: meter(STAGING_SHARE * sheet.fraction()))
        meter(STAGING_SHARE)
        merge.write_registry()
        meter(REGISTRY_DONE)
        merge.write_entries()
        meter(1.0)
        return merge.counts
