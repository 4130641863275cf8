"""What a joint draw still tells (联合抽取的部门组合, issue 91 point 4): per joint campaign of a database — the demo's
(``DATABASE_URL``, else the instance's SQLite) — the sets of departments that selected each visit together, how many
visits share each, and the smallest: a set shared by one visit, read beside the published results (which name the
departments that checked a business), names that visit's token in the proof, and so its strata.

``python -m bench.joint_sets`` prints them; nothing is written. ``python -m bench.joint_sets --city [--save]`` does
the same for the joint campaign of :mod:`bench.city_year`, without its year: its frame rebuilt from the world's own
definitions (:mod:`bench.city_world`, :mod:`bench.city_plan`: the same registry rows, the same risk classes by
PostgreSQL's ``hashtext``, the same parts and rules) and drawn blinded by the engine, with a fresh nonce and key each
time (``BENCH_JOINT_DRAWS`` times); ``--save`` with the demo's (``DATABASE_URL``) writes
``bench/results/joint_sets.json``."""

from __future__ import annotations

import json
import os
import random
import secrets
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

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


def city_joint(draws: int) -> dict:
    """The joint campaign of :mod:`bench.city_year` drawn ``draws`` times (a fresh nonce and key each): its
    departments, frame, visits and the visits per set of departments of each draw."""
    from bench import city_world as world
    from bench.city_plan import ENTITIES, plan_city
    from bench.common import admin_connect
    from bench.draw_data import INACTIVE_PERCENT, arrival_order, credit_code
    from spotcheck.draw.targets import draw_targets

    _, _, joint = plan_city()
    size, rng, order = joint["frame"], random.Random(20261101), arrival_order(ENTITIES)
    rows = []  # the registry's first rows, as world.load_registry copies them (one draw of rng a row)
    for _ in range(size):
        number, r = next(order), rng.random()
        rows.append((credit_code(number), r >= INACTIVE_PERCENT / 100))
    risk_sql = world._risk_sql("g")
    with admin_connect() as conn:  # the world's risk classes: PostgreSQL's hashtext of each entry's number
        risks: dict[int, str] = dict(
            conn.execute(f"SELECT g, {risk_sql} FROM generate_series(0, {size - 1}) g").fetchall()
        )
    frame = [
        [department, risks[g], code]
        for department in joint["departments"]
        for g, (code, active) in enumerate(rows)
        if active  # the inactive left out before the freeze
    ]
    rule = {"ratio_bp": world.DRAW_RATIO_BP, "min": 1}
    rules = {department: {risk: dict(rule) for risk in "ABCD"} for department in joint["departments"]}
    outcomes = []
    for _ in range(draws):
        proof = draw_targets(
            campaign="市监联抽〔2026〕1号",
            nonce=secrets.token_bytes(32),
            frame=frame,
            rules=rules,
            reserve_size=2,
            public_inputs=["observer:人大代表 联合"],
            blind_key=secrets.token_bytes(32),
        )
        sets = group_sets(proof["selected"])
        outcomes.append({"+".join(groups): n for groups, n in sets.items()})
    cells = Counter((group, stratum) for group, stratum, _ in frame)
    return {
        "departments": joint["departments"],
        "frame_per_department": len(frame) // len(joint["departments"]),
        "cells": {f"{g}/{s}": n for (g, s), n in sorted(cells.items())},
        "draws": outcomes,
    }


def _print(found: list[tuple[str, int, dict[tuple[str, ...], int]]]) -> None:
    for code, total, sets in found:
        smallest = min(sets.values())
        alone = sum(n for n in sets.values() if n == 1)
        print(f"{code}: {total} visits, {len(sets)} sets of departments; the smallest shared by {smallest} visit(s);")
        for groups, n in sorted(sets.items(), key=lambda item: item[1]):
            print(f"    {'+'.join(groups):<24} {n}")
        print(f"    visits alone in their set: {alone}")


def main(argv: list[str]) -> int:
    os.environ.setdefault("SPOTCHECK_ENV", "development")
    app = create_app()
    found: list[tuple[str, int, dict[tuple[str, ...], int]]] = []
    if "--city" not in argv or "--save" in argv:
        with app.app_context():
            found = measured()
        if not found:
            print("no drawn joint campaign in this database", file=sys.stderr)
            return 1
        _print(found)
    if "--city" in argv:
        city = city_joint(int(os.environ.get("BENCH_JOINT_DRAWS", "5")))
        for number, sets in enumerate(city["draws"], 1):
            _print([(f"bench city_year joint campaign, draw {number}", sum(sets.values()), sets_of(sets))])
        if "--save" in argv:
            result = {
                "benchmark": "joint_sets",
                "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "demo": [
                    {"campaign": code, "visits": total, "sets": {"+".join(g): n for g, n in sets.items()}}
                    for code, total, sets in found
                ],
                "city_year": city,
            }
            path = Path(__file__).parent / "results" / "joint_sets.json"
            path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


def sets_of(named: dict[str, int]) -> dict[tuple[str, ...], int]:
    return {tuple(key.split("+")): n for key, n in named.items()}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
