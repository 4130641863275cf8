"""Which importer reads which kind of sheet (导入): the item list, the target directory and the
inspector directory. The import command is :func:`spotcheck.tenants.spreadsheets.commands.run_import`;
the pipeline is :mod:`spotcheck.tenants.spreadsheets.pipeline`.
"""

from __future__ import annotations

from spotcheck.tenants.spreadsheets import pipeline
from spotcheck.tenants.spreadsheets.columns import DIRECTORY, INSPECTORS, ITEMS
from spotcheck.tenants.spreadsheets.directory_import import DirectoryImport
from spotcheck.tenants.spreadsheets.inspector_import import InspectorImport
from spotcheck.tenants.spreadsheets.item_import import ItemImport

IMPORTERS: dict[str, type[pipeline.Importer]] = {
    ITEMS.name: ItemImport,
    DIRECTORY.name: DirectoryImport,
    INSPECTORS.name: InspectorImport,
}
