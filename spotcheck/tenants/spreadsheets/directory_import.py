"""Importing the target directory (检查对象名录库): registry entities and the department's entries."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.tenants.accounts.models import tenant_of
from spotcheck.tenants.directory import jurisdiction
from spotcheck.tenants.directory.bulk import ENTITY_FIELDS, ENTRY_FIELDS
from spotcheck.tenants.directory.checks import clean_entity, clean_entry
from spotcheck.tenants.directory.file_merge import DirectoryFileMerge
from spotcheck.tenants.directory.policy import is_registry_keeper
from spotcheck.tenants.spreadsheets.columns import SheetKind
from spotcheck.tenants.spreadsheets.pipeline import Importer, Meter, Problems, Record, Sheet, required_blanks

#: Where the second pass's progress bar stands once the registry is written: the rest is the department's entries.
REGISTRY_DONE = 0.7


class DirectoryImport(Importer):
    """Each row is a registry entity (by its code) and the department's directory entry for it.

    The lead department (market regulation) keeps the registry: its imports add and change
    entities. Any other department's import adds the entities the registry lacks and leaves
    existing ones as they are. The file is read once: the first pass stages each row it has checked
    in a temporary table as long as no row is bad (a large file is never held in memory), and the
    second merges them at once (:class:`DirectoryFileMerge`): a city's million rows in 69–78 s
    where reading the file again for the merge took 104 s, measured side by side.

    管辖: a row of a business located outside the department's branch is refused by row (its place, the department's
    and the rule), and with it the whole file, as any bad row refuses it: a province-wide file is the province's
    lead's to import (the root's, for the whole tree); a county's lead imports its county's rows.
    """

    def __init__(self, kind: SheetKind, actor: Actor) -> None:
        super().__init__(kind, actor)
        self.keeps_registry = is_registry_keeper(actor)

    def prepare(self, sheet: Sheet) -> None:
        self.codes_seen: dict[str, int] = {}
        # Existing rows change only in the columns the file has; new rows take defaults for the others.
        present = {c.key for c in sheet.columns.values() if c.key}
        self.entity_keys = [k for k in ENTITY_FIELDS if k in present]
        self.entry_keys = [k for k in ENTRY_FIELDS if k in present]
        # 管辖: each row a business of the department's branch (by its registered place, or one held with an operating
        # place in it); a file with rows of other places is refused by row — a wider file is the wider lead's import
        self.branch = jurisdiction.of_department(tenant_of(self.actor).id)
        self.by_places = self.branch.reached_by_places()

    def check_all(self, records: Iterator[Record], errors: Problems) -> None:
        """Each record checked (:meth:`_checked`) and, while no row is bad, staged."""
        self.merge = DirectoryFileMerge(
            entity_keys=self.entity_keys, entry_keys=self.entry_keys, keeps_registry=self.keeps_registry
        )

        def checked() -> Iterator[dict]:
            for record in records:
                row = self._checked(record, errors)
                if not errors:
                    yield row

        self.merge.stage(checked())

    def discard(self) -> None:
        self.merge.discard()

    def _checked(self, record: Record, errors: Problems) -> dict:
        """The record cleaned as an entity and its entry (the row to stage), its problems added to ``errors``: the
        clean functions', a required column left blank, a code the file already had."""
        entity, entity_errors = clean_entity(record.data)
        entry, entry_errors = clean_entry(record.data)
        problems = {**entity_errors, **entry_errors, **record.errors}
        required_blanks(self.kind, record, problems)
        code = entity.get("code")
        region_code = str(entity.get("region_code") or "")
        outside = region_code and "region_code" not in problems and not self.branch.holds(region_code)
        if outside and code not in self.by_places:
            problems["region_code"] = [self.branch.refusal(entity.get("name") or code or "", region_code)]
        if code and "code" not in problems:
            if code in self.codes_seen:
                problems["code"] = [_l("The same code as row %(row)d.", row=self.codes_seen[code])]
            else:
                self.codes_seen[code] = record.row
        errors.add_fields(record.row, problems)
        return {**entity, **entry}

    def write(self, path: Path, meter: Meter) -> dict:
        """The rows the first pass staged merged: the registry, then the department's entries."""
        self.codes_seen = {}  # free the first pass's memory
        self.merge.write_registry()
        meter(REGISTRY_DONE)
        self.merge.write_entries()
        meter(1.0)
        return self.merge.counts
