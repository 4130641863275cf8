"""The joint campaign's coordinated target draw (联合抽查：进一次门、查多项事) against five separate draws.

Five departments — 市场监管局 SCJ, 药监局 YJJ, 商务局 SWJ, 卫健委 WJW, 生态环境局 HBJ — each with its
own directory of the same 100,000-entity registry (deterministic, ``random.Random`` with a fixed
seed). Who is in which directory follows a shared attribute, the entity's industry (餐饮服务 is in
SCJ's, SWJ's and often WJW's directory, 化工制造 in SCJ's and HBJ's, …), so the directories overlap as
they do in a city: a lot, not totally. Each department classes its entries in risk strata A–D
(correlated through a shared latent risk, with its own noise) and has its own rules
(``{"ratio_bp": r, "min": 1}`` per stratum), reserve 3.

Measured in the same run, on the draw engine alone (``spotcheck.draw.targets``, frame files in
memory, no database):

* **coordinated** — ONE draw over the five-group frame file (one nonce, one seed). The rank key
  ``K(id)`` does not depend on the department, so an entity drawn by one department is the likeliest
  to be drawn by the others too: the samples overlap as much as chance allows while each cell stays
  an exact simple random sample. Figure: the visits, ``len(visits(selected))`` (one visit per entity,
  进一次门), and the checks made (the sum of the departments' selections);
* **separate** (the baseline) — five independent draws, each department its own single-group frame
  file and its own nonce, as five separate campaigns would: the visits are the union of their
  selections. Compared with ``expected_separate_visits`` (the expectation over nonces), to show the
  figure is what independent draws give, not luck.

Both are repeated with ``ROUNDS`` fresh nonces (default 12) and the means reported; the ratio is
separate visits ÷ coordinated visits (above 1: the joint draw saves visits), for the same checks.

Time: the joint draw (median of the rounds) against a single-department draw over a frame of the
same total number of rows (one group, distinct synthetic ids, the strata of the joint frame's rows,
one department's rules), and against the five separate draws together: each a fraction of a
second, so measured in every round, the three ways in each of their six orders in turn, medians reported.

Sizes: ``BENCH_JOINT_ENTITIES`` (registry, default 100,000) and ``BENCH_JOINT_ROUNDS`` (default 12);
overriding either writes to ``bench/results/trial/`` only, as the other benchmarks' overrides do.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import random
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from itertools import permutations
from typing import Any

from bench import common
from bench.common import Figures, Line, Timer, emit, log, median
from bench.draw_data import credit_code
from spotcheck.draw import new_nonce
from spotcheck.draw.target_frames import frame_file, parse_frame_file
from spotcheck.draw.targets import draw_targets_from_file, expected_separate_visits, visits

NAME = "joint_draw"
ENTITIES = int(os.environ.get("BENCH_JOINT_ENTITIES", "100000"))
ROUNDS = int(os.environ.get("BENCH_JOINT_ROUNDS", "12"))
OVERRIDDEN = any(name in os.environ for name in ("BENCH_JOINT_ENTITIES", "BENCH_JOINT_ROUNDS"))
TITLE = f"Joint campaign target draw (联合抽查): 5 departments over {ENTITIES:,} entities, coordinated against separate"
SEED = 20260315
RESERVE = 3
#: The independent figure is "close to the expectation" within this relative deviation of its mean.
CLOSE = 0.02

#: The registry's industries and their shares (per cent), the attribute every department's directory follows.
INDUSTRIES = {
    "餐饮服务": 18,
    "食品销售": 12,
    "批发零售": 16,
    "一般制造": 12,
    "药品零售": 6,
    "医疗机构": 4,
    "住宿": 5,
    "美容美发": 7,
    "化工制造": 6,
    "食品生产": 6,
    "汽车维修": 8,
}
#: Per department: its name and the probability that an entity of each industry is in its directory.
DEPARTMENTS = {
    "SCJ": (
        "市场监督管理局",
        {
            "餐饮服务": 0.9,
            "食品销售": 0.9,
            "批发零售": 0.6,
            "一般制造": 0.55,
            "药品零售": 0.5,
            "医疗机构": 0.2,
            "住宿": 0.6,
            "美容美发": 0.6,
            "化工制造": 0.6,
            "食品生产": 0.95,
            "汽车维修": 0.5,
        },
    ),
    "YJJ": (
        "药品监督管理局",
        {
            "餐饮服务": 0.1,
            "食品销售": 0.5,
            "批发零售": 0.45,
            "一般制造": 0.15,
            "药品零售": 0.95,
            "医疗机构": 0.9,
            "住宿": 0.05,
            "美容美发": 0.7,
            "化工制造": 0.3,
            "食品生产": 0.4,
            "汽车维修": 0.02,
        },
    ),
    "SWJ": (
        "商务局",
        {
            "餐饮服务": 0.6,
            "食品销售": 0.6,
            "批发零售": 0.85,
            "一般制造": 0.1,
            "药品零售": 0.3,
            "医疗机构": 0.02,
            "住宿": 0.6,
            "美容美发": 0.4,
            "化工制造": 0.1,
            "食品生产": 0.1,
            "汽车维修": 0.7,
        },
    ),
    "WJW": (
        "卫生健康委员会",
        {
            "餐饮服务": 0.45,
            "食品销售": 0.2,
            "批发零售": 0.1,
            "一般制造": 0.05,
            "药品零售": 0.4,
            "医疗机构": 0.95,
            "住宿": 0.9,
            "美容美发": 0.9,
            "化工制造": 0.1,
            "食品生产": 0.3,
            "汽车维修": 0.02,
        },
    ),
    "HBJ": (
        "生态环境局",
        {
            "餐饮服务": 0.4,
            "食品销售": 0.05,
            "批发零售": 0.05,
            "一般制造": 0.85,
            "药品零售": 0.02,
            "医疗机构": 0.7,
            "住宿": 0.2,
            "美容美发": 0.1,
            "化工制造": 0.95,
            "食品生产": 0.7,
            "汽车维修": 0.8,
        },
    ),
}
#: Each department's rules per risk stratum (basis points, minimum 1): higher for higher risk, and by department.
RATIOS = {
    "SCJ": (1000, 500, 300, 100),
    "YJJ": (2000, 1000, 500, 300),
    "SWJ": (800, 400, 200, 100),
    "WJW": (1500, 800, 400, 200),
    "HBJ": (2000, 1000, 500, 200),
}
RULES = {
    group: {stratum: {"ratio_bp": bp, "min": 1} for stratum, bp in zip("ABCD", ratios, strict=True)}
    for group, ratios in RATIOS.items()
}
#: Risk classes from the shared latent risk plus the department's own judgement (noise):
#: about A 8 %, B 13 %, C 40 %, D 39 %.
NOISE = 0.12
BOUNDS = ((0.95, "A"), (0.80, "B"), (0.40, "C"))


# --- the data (not timed) --------------------------------------------------------------------------


def registry(count: int) -> list[tuple[str, str, float]]:
    """``(id, industry, latent risk)`` for ``count`` entities, the same every run."""
    rng = random.Random(SEED)
    names, weights = list(INDUSTRIES), list(INDUSTRIES.values())
    return [(credit_code(number), rng.choices(names, weights)[0], rng.random()) for number in range(count)]


def stratum(risk: float) -> str:
    return next((name for bound, name in BOUNDS if risk >= bound), "D")


def directories(entities: list[tuple[str, str, float]]) -> dict[str, list[tuple[str, str, str]]]:
    """Each department's frame rows ``(group, stratum, id)``: a subset of the registry by industry,
    each entry in the department's risk class."""
    rng = random.Random(SEED + 1)
    rows: dict[str, list] = {group: [] for group in DEPARTMENTS}
    for entity, industry, risk in entities:
        for group, (_, coverage) in DEPARTMENTS.items():
            if rng.random() < coverage[industry]:
                rows[group].append((group, stratum(risk + rng.gauss(0, NOISE)), entity))
    return rows


def single_frame(joint_rows: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """One department's frame of as many rows as the joint frame: distinct synthetic ids, the strata
    of the joint frame's rows in turn."""
    return [("SCJ", row[1], credit_code(number)) for number, row in enumerate(joint_rows)]


# --- the draws ---------------------------------------------------------------------------------------


def timed_draw(campaign: str, file: bytes, rules: dict[str, dict[str, dict[str, int]]]) -> tuple[Figures, float]:
    gc.collect()
    with Timer() as timer:
        proof = draw_targets_from_file(
            campaign=campaign, nonce=new_nonce(), frame_file=file, rules=rules, reserve_size=RESERVE, public_inputs=[]
        )
    return proof, timer.seconds


def checks(selected: Mapping[str, Mapping[str, Sequence[str]]]) -> int:
    return sum(len(ids) for strata in selected.values() for ids in strata.values())


def joint_round(number: int, joint_file: bytes) -> Figures:
    proof, seconds = timed_draw(f"联合抽查〔2026〕{number}号", joint_file, RULES)
    per_entity = visits(proof["selected"])
    return {
        "visits": len(per_entity),
        "checks": checks(proof["selected"]),
        "seconds": seconds,
        "checks_by_department": {group: checks({group: strata}) for group, strata in proof["selected"].items()},
        "visits_by_departments": dict(sorted(Counter(len(groups) for groups in per_entity.values()).items())),
    }


def separate_round(number: int, files: dict[str, bytes]) -> Figures:
    """Five campaigns, each department its own frame and nonce: the union of their selections."""
    union: set[str] = set()
    made, seconds = 0, 0.0
    for group, file in files.items():
        proof, took = timed_draw(f"{group}抽〔2026〕{number}号", file, {group: RULES[group]})
        seconds += took
        made += checks(proof["selected"])
        union.update(entity for ids in proof["selected"][group].values() for entity in ids)
    return {"visits": len(union), "checks": made, "seconds": seconds}


def single_round(number: int, single_file: bytes) -> Figures:
    proof, seconds = timed_draw(f"市监抽〔2026〕{number}号", single_file, {"SCJ": RULES["SCJ"]})
    return {"checks": checks(proof["selected"]), "seconds": seconds}


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


# --- the run -------------------------------------------------------------------------------------------


def run() -> Figures:
    log(f"registry of {ENTITIES:,} entities and five departments' directories (not timed)")
    entities = registry(ENTITIES)
    rows = directories(entities)
    joint_rows = [row for group in DEPARTMENTS for row in rows[group]]
    joint_file = frame_file(joint_rows)
    files = {group: frame_file(rows[group]) for group in DEPARTMENTS}
    single_file = frame_file(single_frame(joint_rows))
    total_rows = len(joint_rows)
    memberships = Counter(entity for _, _, entity in joint_rows)
    in_directories = Counter(memberships.values())
    in_directories[0] = ENTITIES - len(memberships)
    expected = expected_separate_visits(parse_frame_file(joint_file), RULES)
    sizes = {group: len(rows[group]) for group in DEPARTMENTS}
    strata = {group: dict(sorted(Counter(s for _, s, _ in rows[group]).items())) for group in DEPARTMENTS}
    log(
        "directories: "
        + ", ".join(f"{g} {n:,} ({n / ENTITIES:.0%})" for g, n in sizes.items())
        + f"; {total_rows:,} frame rows; entities by number of directories "
        + ", ".join(f"{k}: {in_directories[k]:,}" for k in range(6))
    )
    del entities, rows, joint_rows

    joint: list[dict[str, Any]] = []
    separate: list[dict[str, Any]] = []
    single: list[dict[str, Any]] = []
    loads = [load_average()]
    for number in range(1, ROUNDS + 1):
        # each way with the frame files it draws from (one file, or one per department)
        ways: list[tuple[str, Callable[[int, Any], dict[str, Any]], bytes | dict[str, bytes]]] = [
            ("joint", joint_round, joint_file),
            ("separate", separate_round, files),
            ("single", single_round, single_file),
        ]
        orders = list(permutations(ways))
        for way, measure, data in orders[(number - 1) % len(orders)]:
            outcome = measure(number, data)
            {"joint": joint, "separate": separate, "single": single}[way].append(outcome)
        loads.append(load_average())
        log(
            f"round {number}: coordinated {joint[-1]['visits']:,} visits in {joint[-1]['seconds']:.2f} s; separate "
            f"{separate[-1]['visits']:,} visits in {separate[-1]['seconds']:.2f} s; single department, same rows, "
            f"{single[-1]['seconds']:.2f} s (load average {loads[-1]})"
        )

    made = joint[0]["checks"]
    assert all(o["checks"] == made for o in joint + separate), "the same checks in every draw"
    joint_visits = statistics.mean(o["visits"] for o in joint)
    separate_visits = statistics.mean(o["visits"] for o in separate)
    spread = statistics.stdev(o["visits"] for o in separate) if ROUNDS > 1 else 0.0
    deviation = separate_visits / expected - 1
    close = abs(deviation) <= CLOSE
    saved = separate_visits - joint_visits
    joint_seconds = median([o["seconds"] for o in joint])
    single_seconds = median([o["seconds"] for o in single])
    separate_seconds = median([o["seconds"] for o in separate])
    spans = {
        way: f"{min(o['seconds'] for o in runs):.2f}–{max(o['seconds'] for o in runs):.2f}"
        for way, runs in (("joint", joint), ("single", single), ("separate", separate))
    }
    largest = max(joint[0]["checks_by_department"].values())
    log(
        f"separate visits, mean of {ROUNDS}: {separate_visits:,.1f} (sd {spread:,.1f}); expected "
        f"{expected:,.1f}: deviation {deviation:+.2%} — {'close' if close else 'NOT close'} (within ±{CLOSE:.0%})"
    )
    log(
        f"coordinated visits, mean of {ROUNDS}: {joint_visits:,.1f}; "
        f"saved {saved:,.1f} visits ({saved / separate_visits:.1%}), "
        f"ratio {separate_visits / joint_visits:.3f}; time joint ÷ single {joint_seconds / single_seconds:.3f}, "
        f"joint ÷ five separate {joint_seconds / separate_seconds:.3f}"
    )

    lines: list[Line] = [
        {
            "figure_name": f"coordinated draw: visits (mean of {ROUNDS})",
            "figure": f"{joint_visits:,.0f}",
            "baseline_name": f"5 separate draws: visits (mean of {ROUNDS})",
            "baseline": f"{separate_visits:,.0f}",
            "ratio": separate_visits / joint_visits,
        },
        {
            "figure_name": "coordinated draw: checks made",
            "figure": f"{made:,}",
            "baseline_name": "5 separate draws: checks made",
            "baseline": f"{made:,}",
            "ratio": 1.0,
        },
        {
            "figure_name": "visits saved by the joint draw",
            "figure": f"{saved:,.0f} ({saved / separate_visits:.1%})",
            "baseline_name": "separate visits",
            "baseline": f"{separate_visits:,.0f}",
            "ratio": None,
        },
        {
            "figure_name": f"separate draws: visits (mean of {ROUNDS})",
            "figure": f"{separate_visits:,.0f}",
            "baseline_name": "expected_separate_visits",
            "baseline": f"{expected:,.0f}",
            "ratio": separate_visits / expected,
        },
        {
            "figure_name": f"joint draw, {total_rows:,} rows in 5 groups (median)",
            "figure": f"{joint_seconds:,.2f} s",
            "baseline_name": f"one department, {total_rows:,} rows (median)",
            "baseline": f"{single_seconds:,.2f} s",
            "ratio": joint_seconds / single_seconds,
        },
        {
            "figure_name": "joint draw (median)",
            "figure": f"{joint_seconds:,.2f} s",
            "baseline_name": "5 separate draws together (median)",
            "baseline": f"{separate_seconds:,.2f} s",
            "ratio": joint_seconds / separate_seconds,
        },
    ]
    notes = [
        f"Registry of {ENTITIES:,} entities (random.Random({SEED})), industries "
        + ", ".join(f"{k} {v} %" for k, v in INDUSTRIES.items())
        + ". Directories by industry: "
        + ", ".join(f"{g} {DEPARTMENTS[g][0]} {n:,} ({n / ENTITIES:.0%})" for g, n in sizes.items())
        + f"; {total_rows:,} frame rows in all. Entities in 0/1/2/3/4/5 directories: "
        + " / ".join(f"{in_directories[k]:,}" for k in range(6))
        + ".",
        "Rules (basis points for strata A/B/C/D, minimum 1 each; reserve 3): "
        + "; ".join(f"{g} {'/'.join(str(r) for r in ratios)}" for g, ratios in RATIOS.items())
        + f". Each department's risk classes come from a shared latent risk plus its own noise (sd {NOISE}).",
        "Checks made, per department, the same in both ways (cell sizes depend only on the populations): "
        + ", ".join(f"{g} {n:,}" for g, n in joint[0]["checks_by_department"].items())
        + f" = {made:,}. No draw can need fewer visits than the largest department's {largest:,} checks, nor more "
        f"than the {made:,} checks.",
        "Coordinated: one draw over the five-group frame file, one nonce; visits = len(visits(selected)). Per round "
        + "; ".join(f"{o['visits']:,}" for o in joint)
        + ". Visits by the number of departments checking there "
        "(round 1): " + ", ".join(f"{k}: {v:,}" for k, v in joint[0]["visits_by_departments"].items()) + ".",
        "Separate: five draws, each department its own single-group frame file and its own nonce, as five "
        "campaigns; visits = the union of their selections. Per round "
        + "; ".join(f"{o['visits']:,}" for o in separate)
        + f"; mean {separate_visits:,.1f}, sd {spread:,.1f}. expected_separate_visits on the joint frame: "
        f"{expected:,.1f}; the mean deviates by {deviation:+.2%}: "
        f"{'close to the expectation' if close else 'NOT close to the expectation'} (within ±{CLOSE:.0%}).",
        f"Saving: {saved:,.1f} visits ({saved / separate_visits:.1%}) for the same {made:,} checks; separate ÷ "
        f"coordinated = {separate_visits / joint_visits:.3f} (on the expectation: {expected / joint_visits:.3f}).",
        f"Time: the engine alone (draw_targets_from_file: frame file parsed and checked, digest, seed, HMAC ranking, "
        f"selection), median of {ROUNDS} rounds, the three ways in each of their six orders in turn, gc collected "
        f"before each draw. Joint "
        f"{joint_seconds:.3f} s; a single department over {total_rows:,} rows (distinct synthetic ids, the joint "
        f"frame's strata, SCJ's rules) {single_seconds:.3f} s: joint ÷ single = {joint_seconds / single_seconds:.3f}; "
        f"the five separate draws together {separate_seconds:.3f} s: joint ÷ separate = "
        f"{joint_seconds / separate_seconds:.3f}. Single rounds vary (joint {spans['joint']}, "
        f"single {spans['single']}, separate {spans['separate']} s; "
        f"load average {min(loads)}–{max(loads)} on {os.cpu_count()} CPUs), by more "
        f"than the medians differ. No database is used: the engine on frame files in memory.",
    ]
    result = {
        "title": TITLE,
        "entities": ENTITIES,
        "rounds": ROUNDS,
        "reserve_size": RESERVE,
        "rules": RULES,
        "industries": INDUSTRIES,
        "coverage": {g: c for g, (_, c) in DEPARTMENTS.items()},
        "directory_sizes": sizes,
        "strata": strata,
        "frame_rows": total_rows,
        "entities_by_directories": {str(k): in_directories[k] for k in range(6)},
        "checks": made,
        "checks_by_department": joint[0]["checks_by_department"],
        "coordinated": {"runs": joint, "visits_mean": joint_visits, "seconds_median": joint_seconds},
        "separate": {
            "runs": separate,
            "visits_mean": separate_visits,
            "visits_sd": spread,
            "seconds_median": separate_seconds,
            "expected_visits": expected,
            "deviation_from_expected": deviation,
            "close_to_expected": close,
        },
        "single_department": {"rows": total_rows, "runs": single, "seconds_median": single_seconds},
        "saved_visits": saved,
        "saved_percent": 100 * saved / separate_visits,
        "visits_ratio": separate_visits / joint_visits,
        "time_ratio_single": joint_seconds / single_seconds,
        "time_ratio_separate": joint_seconds / separate_seconds,
        "load_average": loads,
        "lines": lines,
        "notes": notes,
    }
    emit(lines)
    save(result)
    return result


def save(result: Figures) -> None:
    """``common.save``, with this module's own size overrides counted as a trial, and without
    PostgreSQL if it is not reachable (this benchmark does not need it)."""
    previous = common.TRIAL
    common.TRIAL = previous or OVERRIDDEN
    try:
        try:
            common.save(NAME, result)
        except Exception as exc:
            log(f"PostgreSQL not reachable for the machine details ({type(exc).__name__}); saving without them")
            _save_without_database(result)
    finally:
        common.TRIAL = previous


def _save_without_database(result: Figures) -> None:
    folder = common.RESULTS / "trial" if common.TRIAL else common.RESULTS
    folder.mkdir(parents=True, exist_ok=True)
    if common.TRIAL:
        (folder / ".gitignore").write_text("*\n", encoding="utf-8")
    machine: dict[str, object] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "postgresql": "not used",
        "postgresql_settings": {},
        "platform": platform.platform(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    result = {
        "benchmark": NAME,
        "run_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine,
        **result,
    }
    (folder / f"{NAME}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if not common.TRIAL:
        common.write_markdown()
