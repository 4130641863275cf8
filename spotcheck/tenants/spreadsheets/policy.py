"""Who imports and exports which spreadsheet (电子表格导入导出).

* The lists of the catalog (the item list, the target directory, the inspector directory): the
  department's administrator downloads the blank template and imports (all or nothing, into their
  own department); whoever reads the catalog exports the current list. An exported inspector
  directory has whole ID numbers only for a reader who may see them
  (:func:`spotcheck.tenants.inspectors.policy.reads_id_numbers`).
* A campaign's results entered offline (检查结果导入): its planner, while the campaign has results
  to record (the campaign's step ``import_results``: :data:`spotcheck.tenants.results.policy.CAMPAIGN_STEPS`).
"""

from __future__ import annotations

from spotcheck.core.actor import Actor
from spotcheck.core.policy import Permission, has_permission, require
from spotcheck.tenants.inspectors.policy import reads_id_numbers
from spotcheck.tenants.spreadsheets.columns import KINDS, SheetKind

#: What each list of the catalog allows, and the permission each step needs.
SHEET_ACTIONS: dict[str, dict[str, Permission]] = {
    name: {
        "template": Permission.CATALOG_MANAGE,
        "import": Permission.CATALOG_MANAGE,
        "export": Permission.CATALOG_VIEW,
    }
    for name in KINDS
}

#: Who imports a campaign's results workbook (the campaign's state is the results' policy).
RESULTS_IMPORT = Permission.CAMPAIGNS_EDIT


def allowed(kind: SheetKind, actor: Actor) -> frozenset[str]:
    """What ``actor`` may do with the list ``kind``: ``template``, ``import``, ``export``, and for
    the inspector directory ``whole_id_numbers`` (an export with whole ID numbers, not masked ones)."""
    steps = {name for name, permission in SHEET_ACTIONS[kind.name].items() if has_permission(actor, permission)}
    if kind.name == "inspectors" and reads_id_numbers(actor):
        steps.add("whole_id_numbers")
    return frozenset(steps)


def require_step(kind: SheetKind, actor: Actor, step: str) -> None:
    """Forbidden (naming the permission) unless ``actor`` may take ``step`` on the list ``kind``."""
    require(actor, SHEET_ACTIONS[kind.name][step])
