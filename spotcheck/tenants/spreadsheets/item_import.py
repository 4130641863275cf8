"""Importing the item list (一单 · 随机抽查事项清单) from a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.tenants.items.checks import clean_item_fields, missing_for_publication
from spotcheck.tenants.items.commands import create_item, update_item
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.spreadsheets.columns import SheetKind, cell_text
from spotcheck.tenants.spreadsheets.pipeline import Importer, Meter, Problems, Record, Sheet, required_blanks


class ItemImport(Importer):
    """Rows with a 事项编码 change that item (a published item gets a new version, refused when the
    item would lack what a published item states); rows without one become new drafts (an import
    publishes nothing)."""

    def __init__(self, kind: SheetKind, actor: Actor) -> None:
        super().__init__(kind, actor)
        self.todo: list[tuple[int, str | None, dict]] = []

    def prepare(self, sheet: Sheet) -> None:
        self.existing = {item.code: item for item in db.session.scalars(sa.select(Item))}
        self.by_name = {(i.name, i.sub_item): i.code for i in self.existing.values() if i.status != ItemStatus.retired}
        self.codes_seen: dict[str, int] = {}
        self.names_seen: dict[tuple, int] = {}

    def check(self, record: Record, errors: Problems) -> None:
        data = dict(record.data)
        problems = dict(record.errors)
        code = cell_text(data.pop("code", "")).upper()
        item = None
        if code:
            item = self.existing.get(code)
            if item is None:
                problems["code"] = [
                    _l("No item with this code in your department's list. Leave 事项编码 empty to add a new item.")
                ]
            elif code in self.codes_seen:
                problems["code"] = [_l("The same 事项编码 as row %(row)d.", row=self.codes_seen[code])]
            self.codes_seen.setdefault(code, record.row)
        # 频次 is one cell, two fields of the item (times and period); a refusal of either is the cell's.
        if "frequency" in data:
            frequency = data.pop("frequency")
            if "frequency" not in problems:
                data["frequency_times"], data["frequency_period"] = frequency or (None, "")
        # A blank cell takes the default; a column the file does not have leaves the item's value as it is.
        if "kind" in data and not data["kind"]:
            data["kind"] = "general"
        if "random_check" in data and data["random_check"] is None:
            data["random_check"] = True
        clean, clean_errors = clean_item_fields(data)
        problems = {**clean_errors, **problems}
        required_blanks(self.kind, record, problems)
        name_key = (clean.get("name", ""), clean.get("sub_item", ""))
        if clean.get("name"):
            if name_key in self.names_seen:
                problems.setdefault(
                    "name", [_l("The same item name and sub-item as row %(row)d.", row=self.names_seen[name_key])]
                )
            self.names_seen.setdefault(name_key, record.row)
            other = self.by_name.get(name_key)
            if other is not None and other != code:
                problems.setdefault(
                    "name",
                    [
                        _l(
                            "This item is already in your list as %(code)s: put that code in "
                            "the 事项编码 column to change it.",
                            code=other,
                        )
                    ],
                )
        if (
            item is not None
            and item.status == ItemStatus.retired
            and not problems
            and any(getattr(item, k) != v for k, v in clean.items())
        ):
            problems["code"] = [_l("Item %(code)s is retired and cannot be changed.", code=code)]
        if (
            item is not None
            and item.status == ItemStatus.published
            and not problems
            and any(getattr(item, k) != v for k, v in clean.items())
        ):
            problems.update(missing_for_publication({**item.snapshot(), **clean}))  # a new version: complete
        errors.add_fields(record.row, problems)
        self.todo.append((record.row, code or None, clean))

    def write(self, path: Path, meter: Meter) -> dict:
        reason = str(_l("Changed by a spreadsheet import."))

        def write_one(code: str | None, clean: dict) -> str:
            if code is None:
                create_item(clean, actor=self.actor)
                return "created"
            item = self.existing[code]
            before = item.snapshot()
            if item.status != ItemStatus.retired:
                update_item(item.id, {**clean, "reason": reason}, actor=self.actor)
            return "changed" if item.snapshot() != before else "unchanged"

        return self.write_rows(self.todo, meter, write_one)
