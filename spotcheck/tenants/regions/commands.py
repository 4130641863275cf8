"""Keeping the regions (区划): loading a tree file (载入区划), all or nothing, audited in the platform's chain."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.tenants.regions import treefile
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.regions.policy import LOAD

#: How many codes of each change the audit entry lists (the file's SHA-256 names the whole file).
AUDIT_LISTED = 200


@dataclass(frozen=True)
class Loaded:
    """What a load changed: the codes added, renamed, moved and given another level."""

    added: list[str]
    renamed: dict[str, tuple[str, str]]
    moved: dict[str, tuple[str, str]]
    relevelled: dict[str, tuple[str, str]]

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.renamed) + len(self.moved) + len(self.relevelled)


@command(LOAD)
def load_tree(data: dict, *, actor: Actor) -> Loaded:
    """Load a tree file (``data["text"]``, CSV: code, name, level, parent; :mod:`.treefile`): add the regions the tree
    lacks, rename and move those the file changes, never delete one. Every line is checked against the file and the
    tree first; any bad line refuses the whole file, each named with its number in Chinese (``line.N``), and nothing
    changes. One audit entry in the platform's chain (``regions.loaded``) names the file (SHA-256) and the changes."""
    text = (data or {}).get("text")
    if not isinstance(text, str):
        raise InvalidInputError({"file": ["请选择区划文件（CSV：区划代码,名称,层级,上级区划代码）。"]})
    existing = list(db.session.scalars(sa.select(Region).order_by(Region.path).with_for_update()))
    plan, errors = treefile.plan(text, existing)
    if plan is None:
        raise InvalidInputError(errors)
    loaded = Loaded(plan.added, plan.renamed, plan.moved, plan.relevelled)
    if not plan.changes:
        return loaded
    known = {r.code: r for r in existing}
    for code in plan.added:  # parents first
        planned = plan.regions[code]
        known[code] = Region(code=code, name=planned.name, level=planned.level, path=plan.paths[code])
        known[code].parent_id = known[planned.parent].id if planned.parent else None
        db.session.add(known[code])
        db.session.flush()
    for code, region in known.items():
        planned = plan.regions[code]
        parent_id = known[planned.parent].id if planned.parent else None
        if (region.name, region.level, region.parent_id, region.path) != (
            planned.name,
            planned.level,
            parent_id,
            plan.paths[code],
        ):
            region.name, region.level, region.parent_id, region.path = (
                planned.name,
                planned.level,
                parent_id,
                plan.paths[code],
            )
    db.session.flush()
    audit.record(
        "regions.loaded",
        "region",
        None,
        actor=actor,
        tenant_id=None,
        details={
            "sha256": plan.sha256,
            "file_name": str((data or {}).get("file_name") or "")[:200],
            "added": len(plan.added),
            "added_codes": plan.added[:AUDIT_LISTED],
            "renamed": {code: list(names) for code, names in list(plan.renamed.items())[:AUDIT_LISTED]},
            "moved": {code: list(parents) for code, parents in list(plan.moved.items())[:AUDIT_LISTED]},
            "relevelled": {code: list(levels) for code, levels in list(plan.relevelled.items())[:AUDIT_LISTED]},
        },
    )
    return loaded
