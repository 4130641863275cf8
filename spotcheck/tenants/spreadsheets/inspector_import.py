"""Importing the inspector directory (执法检查人员名录库)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import personal_data
from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.tenants.inspectors.checks import clean_inspector
from spotcheck.tenants.inspectors.commands import create_inspector, update_inspector
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.spreadsheets.columns import ACTIVE_NAMES, SheetKind, cell_text
from spotcheck.tenants.spreadsheets.pipeline import Importer, Meter, Problems, Record, Sheet, required_blanks

_INSPECTOR_FIELDS = (
    "name",
    "sex",
    "agency",
    "post",
    "cert_no",
    "cert_expires_on",
    "categories",
    "region",
    "expertise",
    "is_expert",
    "active",
    "id_digest",
)


class InspectorImport(Importer):
    """Rows are matched by 执法证编号: a known number changes that inspector, a new one adds one.
    A masked or empty ID number leaves a known inspector's ID number as it is."""

    def __init__(self, kind: SheetKind, actor: Actor) -> None:
        super().__init__(kind, actor)
        self.todo: list[tuple[int, Inspector | None, dict]] = []

    def prepare(self, sheet: Sheet) -> None:
        self.existing = {p.cert_no: p for p in db.session.scalars(sa.select(Inspector))}
        self.digests = {p.id_digest: p.cert_no for p in self.existing.values()}
        self.certs_seen: dict[str, int] = {}
        self.ids_seen: dict[str, int] = {}

    def check(self, record: Record, errors: Problems) -> None:
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
        required_blanks(self.kind, record, problems)
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

    def write(self, path: Path, meter: Meter) -> dict:
        def write_one(person: Inspector | None, data: dict) -> str:
            if person is None:
                create_inspector(data, actor=self.actor)
                return "created"
            before = [getattr(person, k) for k in _INSPECTOR_FIELDS]
            update_inspector(person.id, data, actor=self.actor)
            return "changed" if [getattr(person, k) for k in _INSPECTOR_FIELDS] != before else "unchanged"

        return self.write_rows(self.todo, meter, write_one)
