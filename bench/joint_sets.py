"""What a joint draw still tells (联合抽取的部门组合, issue 91 point 4): per joint campaign of a database — the demo's
(``DATABASE_URL``, else the instance's SQLite) — the sets of departments that selected each visit together, how many
visits share each, and the smallest: a set shared by one visit, read beside the published results (which name the
departments that checked a business), names that visit's token in the proof, and so its strata.

``python -m bench.joint_sets`` prints them; nothing is written."""

from __future__ import annotations

import os
import sys

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.draw.targets import group_sets
from spotcheck.platform.factory import create_app
from spotcheck.tenants.campaigns.models import Campaign, Draw, DrawKind


def measured() -> list[tuple[str, int, dict[tuple[str, ...], int]]]:
    """(campaign code, visits, visits per set of groups) of every drawn joint target draw."""
    with system_access("bench: the joint draws' group sets"):
        rows = db.session.execute(
            sa.select(Campaign.code, Draw.proof)
            .join(Draw, Draw.campaign_id == Campaign.id)
            .where(Campaign.joint.is_(True), Draw.kind == DrawKind.targets, Draw.drawn_at.is_not(None))
            .order_by(Campaign.code)
        ).all()
        out = []
        for code, proof in rows:
            sets = group_sets(proof["selected"])
            out.append((code, sum(sets.values()), sets))
        return out


def main() -> int:
    os.environ.setdefault("SPOTCHECK_ENV", "development")
    app = create_app()
    with app.app_context():
        found = measured()
    if not found:
        print("no drawn joint campaign in this database", file=sys.stderr)
        return 1
    for code, total, sets in found:
        smallest = min(sets.values())
        alone = sum(n for n in sets.values() if n == 1)
        print(f"{code}: {total} visits, {len(sets)} sets of departments; the smallest shared by {smallest} visit(s);")
        for groups, n in sorted(sets.items(), key=lambda item: item[1]):
            print(f"    {'+'.join(groups):<24} {n}")
        print(f"    visits alone in their set: {alone}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
