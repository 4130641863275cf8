"""All-or-nothing imports of the item list, the target directory and the inspector directory.

An import runs in two passes over the file:

1. every row is read and checked with the kind's own clean function (the same rules as the
   forms and the API), plus what only a whole file can break: required columns missing, the
   same key twice in the file, a key that names nothing of the department's. Each problem is
   collected as ``{row, column, reason}`` — the row number as Excel shows it, the Chinese
   header, the reason in the user's language;
2. only when no row is bad, everything is written in the caller's one transaction: items and
   inspectors through their services (which audit each change), registry entities through
   :func:`spotcheck.tenants.directory.bulk.upsert_entities` and directory entries in bulk.

If any row is bad nothing is written, and the result lists every bad row.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import lazyload

from spotcheck.core import audit, personal_data
from spotcheck.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from spotcheck.core.database import db
from spotcheck.tenants.directory import bulk
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.directory.services import (
    clean_entity,
    clean_entry,
    require_registry_keeper,
)
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.inspectors.services import (
    clean_inspector,
    create_inspector,
    update_inspector,
)
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.items.services import clean_item_fields, create_item, update_item
from spotcheck.core.scoping import current_tenant_id
from spotcheck.tenants.spreadsheets.columns import (
    ACTIVE_NAMES,
    DIRECTORY,
    HINT_MARKER,
    INSPECTORS,
    ITEMS,
    KINDS,
    Column,
    SheetKind,
    cell_text,
    normalise_header,
)
from spotcheck.tenants.spreadsheets.reading import EXTENSIONS, RowSource, UnreadableFile

#: Detailed errors kept in a job result; the counts always cover every bad row.
MAX_ERRORS = 2000
#: Rows written per batch in the second pass of a directory import.
CHUNK = 10_000
#: How many rows from the top may come before the header row (a title, "填报单位：…").
HEADER_SEARCH_ROWS = 10

Progress = Callable[[int], None]


def kind_named(name: str) -> SheetKind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(_l("No such spreadsheet kind."))
    return kind


# --- storing an upload ------------------------------------------------------------------------

_STORED_NAME = re.compile(r"^\d+-[0-9a-f]{32}\.(xlsx|csv)$")


@dataclass(frozen=True)
class StoredUpload:
    stored_name: str  # chosen by the server, never taken from the request
    file_name: str  # as the user named it, for messages only
    size: int
    sha256: str


def max_upload_bytes() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES") or current_app.config["UPLOAD_MAX_BYTES"])


def imports_dir() -> Path:
    """Uploaded files wait here (under the instance folder, never under static/) until imported."""
    path = Path(current_app.instance_path) / "uploads" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_upload(filename: str | None, stream, *, tenant_id: int) -> StoredUpload:
    """Check an uploaded file's type and size and keep it for the import job."""
    name = Path((filename or "").replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    if not name:
        raise ValidationFailed({"file": [_l("Choose the file to upload.")]})
    if suffix == ".xls":
        raise ValidationFailed({"file": [_l("Old Excel files (.xls) cannot be read: in Excel choose "
                                            "“Save as” and the type “Excel workbook (.xlsx)”.")]})
    if suffix not in EXTENSIONS:
        raise ValidationFailed({"file": [_l("Upload an Excel workbook (.xlsx) or a CSV file (.csv).")]})
    limit = max_upload_bytes()
    stored_name = f"{tenant_id}-{secrets.token_hex(16)}{suffix}"
    path = imports_dir() / stored_name
    digest, size = hashlib.sha256(), 0
    try:
        with open(path, "wb") as out:
            while chunk := stream.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed({"file": [_l("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024))]})
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise ValidationFailed({"file": [_l("The file is empty.")]})
        if suffix == ".xlsx" and not path.read_bytes()[:4] == b"PK\x03\x04":
            raise ValidationFailed({"file": [_l("The file's content is not an Excel workbook (.xlsx).")]})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredUpload(stored_name=stored_name, file_name=name[:200], size=size, sha256=digest.hexdigest())


def stored_path(stored_name: str) -> Path:
    if not _STORED_NAME.match(stored_name or ""):
        raise NotFound(_l("The uploaded file is no longer there; upload it again."))
    return imports_dir() / stored_name


def discard(stored_name: str) -> None:
    if _STORED_NAME.match(stored_name or ""):
        (imports_dir() / stored_name).unlink(missing_ok=True)


# --- reading a file into records ----------------------------------------------------------------


class _Errors:
    """Every problem of a file, as the user will read them: row number, column header, reason."""

    def __init__(self, kind: SheetKind):
        self.kind = kind
        self.items: list[dict] = []
        self.rows: set[int] = set()
        self.count = 0

    def add(self, row: int, column: str, reason) -> None:
        self.count += 1
        self.rows.add(row)
        if len(self.items) < MAX_ERRORS:
            self.items.append({"row": row, "column": column, "reason": str(reason)})

    def add_fields(self, row: int, errors: dict) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add(row, self.kind.header_for(key), message)

    def __bool__(self) -> bool:
        return self.count > 0

    def result(self, base: dict) -> dict:
        items = sorted(self.items, key=lambda e: (e["row"], _column_order(self.kind, e["column"])))
        return {**base, "ok": False, "errors": items, "error_count": self.count, "error_rows": len(self.rows),
                "errors_truncated": self.count > len(items)}


def _column_order(kind: SheetKind, header: str) -> int:
    return next((i for i, c in enumerate(kind.columns) if c.header == header), len(kind.columns))


@dataclass
class Record:
    row: int
    data: dict  # field → converted cell value (every column of the kind that the file has)
    errors: dict  # field → [messages] from reading the cells


class _Sheet:
    """The data rows of a file, as records keyed by the kind's fields."""

    def __init__(self, kind: SheetKind, path: Path):
        self.kind = kind
        self.source = RowSource(path, sheet_title=kind.title[:31])
        self._rows = self.source.rows()
        self.header_row = 0
        self.columns: dict[int, Column] = {}
        self.ignored: list[str] = []

    def read_header(self, errors: _Errors) -> bool:
        """Find the header row among the first rows; False (with one clear error) when required columns are missing."""
        known = {normalise_header(alias): c for c in self.kind.columns for alias in (c.header, *c.aliases)}
        best: tuple[int, dict[int, Column], list] | None = None
        for number, values in self._rows:
            matched = {i: known[normalise_header(v)] for i, v in enumerate(values) if normalise_header(v) in known}
            if len(matched) >= 2:
                best = (number, matched, values)
                break
            if number >= HEADER_SEARCH_ROWS:
                break
        if best is None:
            missing = [c.header for c in self.kind.columns if c.required]
            errors.add(1, "、".join(missing), _l("No header row found. The first row must hold the column headers of "
                                                "the template; required columns: %(columns)s.",
                                                columns="、".join(missing)))
            return False
        self.header_row, matched, values = best
        seen: dict[str, int] = {}
        for index, column in sorted(matched.items()):
            if column.header in seen:
                errors.add(self.header_row, column.header,
                           _l("This column appears twice; keep one of them."))
                continue
            seen[column.header] = index
            self.columns[index] = column
        self.ignored = [cell_text(v) for i, v in enumerate(values) if cell_text(v) and i not in matched]
        missing = [c.header for c in self.kind.columns if c.required and c.header not in seen]
        if missing:
            errors.add(self.header_row, "、".join(missing),
                       _l("Required column(s) missing: %(columns)s. Use the headers of the template.",
                          columns="、".join(missing)))
        return not errors

    def records(self) -> Iterator[Record]:
        for number, values in self._rows:
            cells = {column: (values[i] if i < len(values) else None) for i, column in self.columns.items()}
            texts = {column: cell_text(value) for column, value in cells.items()}
            if not any(text for column, text in texts.items() if column.key):
                continue  # an empty row (perhaps with only a 序号)
            if any(c.hint == HINT_MARKER and t == HINT_MARKER for c, t in texts.items()) or all(
                    t == c.hint for c, t in texts.items() if t):
                continue  # the template's row of hints
            data, problems = {}, {}
            for column, value in cells.items():
                if column.key is None:
                    continue
                data[column.key], problem = column.convert(value)
                if problem:
                    problems[column.key] = [problem]
            yield Record(number, data, problems)

    def fraction(self) -> float:
        return self.source.fraction()


def _required_blanks(kind: SheetKind, record: Record, errors: dict) -> None:
    """A blank cell in a required column, unless the clean function already said why."""
    for column in kind.columns:
        if column.required and column.key and column.key not in errors:
            value = record.data.get(column.key)
            if value in (None, "", []):
                errors[column.key] = [_l("This column is required.")]


class _Meter:
    """Reports progress in whole per cent, only when it moves."""

    def __init__(self, report: Progress | None, start: int, span: int):
        self.report, self.start, self.span, self.last = report, start, span, -1

    def __call__(self, fraction: float) -> None:
        percent = self.start + int(self.span * max(0.0, min(fraction, 1.0)))
        if self.report is not None and percent > self.last:
            self.last = percent
            self.report(percent)


# --- the import itself --------------------------------------------------------------------------


def run_import(kind: SheetKind, path: Path | str, *, actor, file_name: str = "", progress: Progress | None = None,
               write_progress: Progress | None = None) -> dict:
    """Import ``path`` as ``kind`` for the actor's department, all or nothing.

    ``progress`` may commit (it is called while nothing is written yet); ``write_progress`` is
    called while the writes are pending and must not touch the importing session's transaction.
    Returns the result for the job: ``ok`` and the counts, or ``ok: False`` with every bad row.
    """
    path = Path(path)
    importer = {ITEMS: _ItemImport, DIRECTORY: _DirectoryImport, INSPECTORS: _InspectorImport}[kind](kind, actor)
    base = {"kind": kind.name, "file": file_name, "rows": 0}
    errors = _Errors(kind)
    try:
        sheet = _Sheet(kind, path)
        if not sheet.read_header(errors):
            return errors.result(base)
        base["ignored_columns"] = sheet.ignored
        meter = _Meter(progress, 0, 50)
        importer.prepare(sheet)
        for record in sheet.records():
            base["rows"] += 1
            importer.check(record, errors)
            if base["rows"] % 200 == 0:
                meter(sheet.fraction())
    except UnreadableFile as unreadable:
        errors.add(1, "", unreadable.message)
        return errors.result(base)
    if errors:
        return errors.result(base)
    if base["rows"] == 0:
        errors.add(sheet.header_row + 1, "", _l("The file has no rows to import below the headers."))
        return errors.result(base)
    meter(1.0)
    try:
        counts = importer.write(path, _Meter(write_progress, 50, 49))
    except (ValidationFailed, Conflict, Forbidden) as failed:  # something the first pass could not foresee
        db.session.rollback()
        row = getattr(failed, "row", 0)
        if isinstance(failed, ValidationFailed):
            errors.add_fields(row, failed.errors)
        else:
            errors.add(row, "", str(failed))
        return errors.result(base)
    audit.record("sheet.imported", "import", None, actor=actor,
                 details={"kind": kind.name, "file": file_name, "rows": base["rows"], **{
                     k: v for k, v in counts.items() if isinstance(v, int)}})
    return {**base, "ok": True, **counts}


def _tagged(failure: Exception, row: int) -> Exception:
    failure.row = row
    return failure


# --- items (一单) --------------------------------------------------------------------------------


class _ItemImport:
    """Rows with a 事项编码 change that item (a published item gets a new version); rows without
    one become new drafts."""

    def __init__(self, kind: SheetKind, actor):
        self.kind, self.actor = kind, actor
        self.todo: list[tuple[int, str | None, dict]] = []

    def prepare(self, sheet: _Sheet) -> None:
        self.existing = {item.code: item for item in db.session.scalars(sa.select(Item))}
        self.by_name = {(i.name, i.sub_item): i.code for i in self.existing.values() if i.status != ItemStatus.retired}
        self.codes_seen: dict[str, int] = {}
        self.names_seen: dict[tuple, int] = {}

    def check(self, record: Record, errors: _Errors) -> None:
        data = dict(record.data)
        problems = dict(record.errors)
        code = cell_text(data.pop("code", "")).upper()
        item = None
        if code:
            item = self.existing.get(code)
            if item is None:
                problems["code"] = [_l("No item with this code in your department's list. Leave 事项编码 "
                                       "empty to add a new item.")]
            elif code in self.codes_seen:
                problems["code"] = [_l("The same 事项编码 as row %(row)d.", row=self.codes_seen[code])]
            self.codes_seen.setdefault(code, record.row)
        # A blank cell takes the default; a column the file does not have leaves the item's value as it is.
        if "kind" in data and not data["kind"]:
            data["kind"] = "general"
        if "random_check" in data and data["random_check"] is None:
            data["random_check"] = True
        clean, clean_errors = clean_item_fields(data)
        problems = {**clean_errors, **problems}
        _required_blanks(self.kind, record, problems)
        name_key = (clean.get("name", ""), clean.get("sub_item", ""))
        if clean.get("name"):
            if name_key in self.names_seen:
                problems.setdefault("name", [_l("The same item name and sub-item as row %(row)d.",
                                                row=self.names_seen[name_key])])
            self.names_seen.setdefault(name_key, record.row)
            other = self.by_name.get(name_key)
            if other is not None and other != code:
                problems.setdefault("name", [_l("This item is already in your list as %(code)s: put that code in "
                                                "the 事项编码 column to change it.", code=other)])
        if (item is not None and item.status == ItemStatus.retired and not problems
                and any(getattr(item, k) != v for k, v in clean.items())):
            problems["code"] = [_l("Item %(code)s is retired and cannot be changed.", code=code)]
        errors.add_fields(record.row, problems)
        self.todo.append((record.row, code or None, clean))

    def write(self, path: Path, meter: _Meter) -> dict:
        counts = {"created": 0, "changed": 0, "unchanged": 0}
        reason = _l("Changed by a spreadsheet import.")
        for done, (row, code, clean) in enumerate(self.todo, start=1):
            try:
                if code is None:
                    create_item(clean, actor=self.actor)
                    counts["created"] += 1
                else:
                    item = self.existing[code]
                    before = item.snapshot()
                    if item.status != ItemStatus.retired:
                        update_item(item, clean, actor=self.actor, reason=str(reason))
                    counts["changed" if item.snapshot() != before else "unchanged"] += 1
            except (ValidationFailed, Conflict) as failed:
                raise _tagged(failed, row)
            meter(done / len(self.todo))
        return counts


# --- inspectors (执法检查人员名录库) ----------------------------------------------------------------

_INSPECTOR_FIELDS = ("name", "sex", "agency", "post", "cert_no", "cert_expires_on", "categories", "region",
                     "expertise", "is_expert", "active", "id_digest")


class _InspectorImport:
    """Rows are matched by 执法证编号: a known number changes that inspector, a new one adds one.
    A masked or empty ID number leaves a known inspector's ID number as it is."""

    def __init__(self, kind: SheetKind, actor):
        self.kind, self.actor = kind, actor
        self.todo: list[tuple[int, Inspector | None, dict]] = []

    def prepare(self, sheet: _Sheet) -> None:
        self.existing = {p.cert_no: p for p in db.session.scalars(sa.select(Inspector))}
        self.digests = {p.id_digest: p.cert_no for p in self.existing.values()}
        self.certs_seen: dict[str, int] = {}
        self.ids_seen: dict[str, int] = {}

    def check(self, record: Record, errors: _Errors) -> None:
        data = dict(record.data)
        problems = dict(record.errors)
        cert_no = cell_text(data.get("cert_no"))
        data["cert_no"] = cert_no
        person = self.existing.get(cert_no) if cert_no else None
        if cert_no:
            if cert_no in self.certs_seen:
                problems["cert_no"] = [_l("The same 执法证编号 as row %(row)d.", row=self.certs_seen[cert_no])]
            self.certs_seen.setdefault(cert_no, record.row)
        id_text = cell_text(data.pop("id_number", "")).upper()
        if id_text and not (person is not None and id_text == person.id_masked):
            data["id_number"] = id_text
        state = cell_text(data.pop("active", ""))
        if state:
            if state in ACTIVE_NAMES:
                data["active"] = ACTIVE_NAMES[state]
            else:
                problems["active"] = [_l("Enter 在用 or 停用.")]
        if "active" not in data:
            data["active"] = person.active if person is not None else True
        if "is_expert" in data or person is None:
            data["is_expert"] = bool(data.get("is_expert"))
        clean, clean_errors = clean_inspector(data, require_id=person is None)
        problems = {**clean_errors, **problems}
        _required_blanks(self.kind, record, problems)
        if person is None and not data.get("id_number"):
            problems["id_number"] = [_l("A new inspector needs the ID number.")]
        id_number = clean.get("id_number")
        if id_number and "id_number" not in problems:
            digest = personal_data.digest(id_number)
            if digest in self.ids_seen:
                problems["id_number"] = [_l("The same ID number as row %(row)d.", row=self.ids_seen[digest])]
            elif self.digests.get(digest, cert_no) != cert_no:
                problems["id_number"] = [_l("Another inspector has this ID number.")]
            self.ids_seen.setdefault(digest, record.row)
            if person is not None and digest == person.id_digest:
                data.pop("id_number")  # unchanged: no need to encrypt it again
        errors.add_fields(record.row, problems)
        self.todo.append((record.row, person, data))

    def write(self, path: Path, meter: _Meter) -> dict:
        counts = {"created": 0, "changed": 0, "unchanged": 0}
        for done, (row, person, data) in enumerate(self.todo, start=1):
            try:
                if person is None:
                    create_inspector(data, actor=self.actor)
                    counts["created"] += 1
                else:
                    before = [getattr(person, k) for k in _INSPECTOR_FIELDS]
                    update_inspector(person, data, actor=self.actor)
                    counts["changed" if [getattr(person, k) for k in _INSPECTOR_FIELDS] != before else "unchanged"] += 1
            except (ValidationFailed, Conflict) as failed:
                raise _tagged(failed, row)
            meter(done / len(self.todo))
        db.session.flush()
        return counts


# --- the target directory (检查对象名录库) -----------------------------------------------------------

_ENTITY_FIELDS = ("code", "name", "entity_type", "industry_code", "region_code", "address", "status", "abnormal",
                  "blacklisted", "penalized_on", "complaints", "credit_rating")
_ENTRY_FIELDS = ("category", "risk", "tags", "last_inspected_on")


class _DirectoryImport:
    """Each row is a registry entity (by its code) and the department's directory entry for it.

    The lead department (market regulation) keeps the registry: its imports add and change
    entities. Any other department's import adds the entities the registry lacks and leaves
    existing ones as they are. The second pass reads the file again, in batches, so a large
    file is never held in memory.
    """

    def __init__(self, kind: SheetKind, actor):
        self.kind, self.actor = kind, actor
        try:
            require_registry_keeper(actor)
            self.keeps_registry = True
        except Forbidden:
            self.keeps_registry = False

    def prepare(self, sheet: _Sheet) -> None:
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

    def check(self, record: Record, errors: _Errors) -> None:
        entity, _entry, problems = self._clean(record)
        _required_blanks(self.kind, record, problems)
        code = entity.get("code")
        if code and "code" not in problems:
            if code in self.codes_seen:
                problems["code"] = [_l("The same code as row %(row)d.", row=self.codes_seen[code])]
            else:
                self.codes_seen[code] = record.row
        errors.add_fields(record.row, problems)

    def write(self, path: Path, meter: _Meter) -> dict:
        self.codes_seen = {}  # free the first pass's memory
        counts = {"created": 0, "changed": 0, "unchanged": 0, "entities_created": 0, "entities_changed": 0,
                  "registry_kept": 0}
        sheet = _Sheet(self.kind, path)
        sheet.read_header(_Errors(self.kind))
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
        table = Entity.__table__
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
            db.session.execute(sa.insert(DirectoryEntry.__table__), new_entries)
        db.session.flush()
        for current in entries.values():
            db.session.expunge(current)
