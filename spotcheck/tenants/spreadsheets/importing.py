"""All-or-nothing imports (导入) of the item list, the target directory and the inspector directory:
the import command, run by the import job (:mod:`spotcheck.tasks.import_jobs`), and which
importer reads which kind. The pipeline is :mod:`spotcheck.tenants.spreadsheets.pipeline`.
"""
from __future__ import annotations

from pathlib import Path

from flask_babel import lazy_gettext as _l

from spotcheck.core.commands import command
from spotcheck.core.errors import NotFound
from spotcheck.core.policy import Permission
from spotcheck.tenants.spreadsheets import pipeline
from spotcheck.tenants.spreadsheets.columns import DIRECTORY, INSPECTORS, ITEMS, KINDS, SheetKind
from spotcheck.tenants.spreadsheets.directory_import import DirectoryImport
from spotcheck.tenants.spreadsheets.inspector_import import InspectorImport
from spotcheck.tenants.spreadsheets.item_import import ItemImport

IMPORTERS: dict[str, type[pipeline.Importer]] = {
    ITEMS.name: ItemImport, DIRECTORY.name: DirectoryImport, INSPECTORS.name: InspectorImport}


def kind_named(name: str) -> SheetKind:
    kind = KINDS.get(name)
    if kind is None:
        raise NotFound(_l("No such spreadsheet kind."))
    return kind


@command(Permission.CATALOG_MANAGE)
def run_import(kind: SheetKind, path: Path | str, *, actor, file_name: str = "",
               progress: pipeline.Progress | None = None) -> dict:
    """Import ``path`` as ``kind`` for the actor's department, all or nothing (see the pipeline)."""
    return pipeline.run(IMPORTERS[kind.name](kind, actor), path, file_name=file_name, progress=progress)
