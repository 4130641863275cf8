"""What :mod:`bench.city_year` reports of its year: the sizes of the city, the notes that say what the
figures mean, each step and page against its budget (:mod:`bench.city_report`), printed as the other
benchmarks print theirs."""

from __future__ import annotations

import os
from typing import Any, NotRequired, TypedDict

from bench.city_measure import Year
from bench.city_pages import PAGE_REQUESTS, PAGE_WARMUP, PAUSE, USERS_PER_PAGE, WEB_WORKERS
from bench.city_plan import ENTITIES, JOINT_DEPARTMENTS, SCALE
from bench.city_report import (
    ACTION_BUDGET_SECONDS,
    PAGE_BUDGET_MS,
    PASSES,
    STEPS,
    by_campaign,
    over_budget,
    page_lines,
    page_table,
    print_table,
    step_figures,
    step_lines,
    year_table,
)
from bench.city_steps import OUTCOMES, RETURNED_SHARE
from bench.city_world import JOINT_CATEGORY, CampaignSpec, Department
from bench.common import Figures, emit


class YearRun(TypedDict):
    """What :func:`bench.city_year.the_year` ran: the measures, the city, the times, the campaigns the figures
    compare, the joint campaign and the CPU of each process (then the run's total time and the code under test)."""

    year: Year
    city: dict[str, Any]
    setup_seconds: float
    year_seconds: float
    baseline: CampaignSpec
    largest: CampaignSpec
    joint: dict[str, Any]
    cpu: dict[str, float]
    total_seconds: NotRequired[float]
    code: NotRequired[str]


def _sizes(ran: YearRun, departments: list[Department], specs: list[CampaignSpec]) -> Figures:
    campaigns = [s.visits for s in specs[1:]]
    return {
        "departments": len(departments),
        "entities": ENTITIES,
        "directory_entries": ran["city"]["entries"],
        "inspectors": ran["city"]["inspectors"],
        "campaigns": len(campaigns),
        "campaign_visits": campaigns,
        "baseline_visits": ran["baseline"].visits,
        "joint": {
            "departments": JOINT_DEPARTMENTS,
            "visits": ran["joint"]["size"],
            "by_department": ran["joint"]["visits"],
        },
        "visits": sum(campaigns) + ran["baseline"].visits + ran["joint"]["size"],
    }


def _notes(
    ran: YearRun,
    departments: list[Department],
    sizes: Figures,
    over: list[Figures],
    missing: list[str],
) -> list[str]:
    """What the figures mean: the city, the set-up and the year's time, the CPU, how each step and
    page was measured, the load of the machine."""
    campaigns, cpu, pages = sizes["campaign_visits"], ran["cpu"], ran["year"].pages
    more = f" and {len(departments) - 3} more" if len(departments) > 3 else ""
    joint = ", ".join(f"{code} {count:,}" for code, count in sizes["joint"]["by_department"].items())
    notes = [
        f"Scale {SCALE}: {len(departments)} departments ({', '.join(d.name for d in departments[:3])}{more}), "
        f"{ENTITIES:,} registry entities and {sizes['directory_entries']:,} directory entries, {sizes['inspectors']:,} "
        f"inspectors each with an account; {len(campaigns)} campaigns of {min(campaigns):,}–{max(campaigns):,} visits "
        f"({sum(campaigns):,} in all), the {sizes['baseline_visits']}-visit baseline campaign first, and the joint "
        f"campaign of {JOINT_DEPARTMENTS} departments: {sizes['joint']['visits']:,} visits ({joint}).",
        f"Set-up (not a step): {ran['setup_seconds']:.0f} s ("
        + ", ".join(f"{k} {v:.0f} s" for k, v in ran["city"]["parts"].items())
        + f"); the year "
        f"{ran['year_seconds']:.0f} s; the whole run {ran['total_seconds']:.0f} s on {os.cpu_count()} CPUs "
        f"(PostgreSQL, one Celery worker, gunicorn with {WEB_WORKERS} workers and the benchmark share them); the "
        f"product as of {ran['code']}.",
        "CPU over the year: "
        + ", ".join(f"{k} {v:,.0f} s" for k, v in cpu.items())
        + f" — {sum(cpu.values()):,.0f} s in all, {1000 * sum(cpu.values()) / max(1, sizes['visits']):.0f} ms a "
        f"visit, {sum(cpu.values()) / max(1.0, ran['year_seconds']):.2f} of the {os.cpu_count()} CPUs on average "
        "(PostgreSQL: the backends of the benchmark's database still connected at the end).",
        "Each step through the product's commands, as the people concerned: the planner drafts, freezes, asks for "
        "the draws and the hand-out (jobs) and publishes; the leader approves and reviews; each visit's 组长 (an "
        "inspector with an account linked) records and submits; the administrator asks for the credit export (job); "
        "the justice bureau's supervisor reads the dashboard's figures and asks for table 001-2 (job). Jobs run on a "
        "real Celery worker (solo pool) on Redis; a job's time is its own run (started to finished).",
        f"Results: {', '.join(f'{code} {share} %' for code, share in OUTCOMES)}; about {RETURNED_SHARE:.0%} returned "
        "once and submitted again; those without a problem approved in one bulk action, the others one by one; a "
        "rectification (后续处置) for every other problem; the campaign's results published in one action.",
        f"Pages: locust (headless), {USERS_PER_PAGE} user(s) per page signed in as its role, no forms, a pause of "
        f"{PAUSE[0]:g}–{PAUSE[1]:g} s between two requests, "
        f"{PAGE_WARMUP} s warm-up then {PAGE_REQUESTS} timed requests of each page by each user (its p50 and p95 "
        "taken from them all), through gunicorn on 127.0.0.1 (SPOTCHECK_ENV="
        "production), once the campaign's results were all submitted (the review list at its fullest) and the worker "
        "idle; the same pages at the baseline campaign are the baseline. Load average (1 minute) at the start and end "
        "of each pass: "
        + "; ".join(
            f"{key} {' → '.join(f'{x:.1f}' for x in pages[key]['load_average'])}" for key, _ in PASSES if key in pages
        )
        + f"; at the end of the run {os.getloadavg()[0]:.1f} (the machine may be shared).",
        "Budgets (issue 23): an action answers in ≤ 2 s at its size, or runs as a job; a page's p95 ≤ 1 s. "
        + (
            f"Over budget: {len(over)} (see over_budget, with the SQL each spends its time on)."
            if over
            else "Every step and page within its budget."
        ),
    ]
    if missing:
        notes.append(f"Steps that did not run: {', '.join(missing)}.")
    return notes


def report(ran: YearRun, departments: list[Department], specs: list[CampaignSpec], title: str) -> Figures:
    """The figures of the year against their budgets, printed; the result to save."""
    year = ran["year"]
    joint_campaign = next((m["spec"] for m in year.measures if m["spec"].category == JOINT_CATEGORY), None)
    steps = [
        f
        for key, _, _ in STEPS
        if (f := step_figures(year.measures, key, ran["largest"], ran["baseline"], joint_campaign)) is not None
    ]
    missing = [key for key, _, _ in STEPS if key not in {f["step"] for f in steps}]
    lines = step_lines(steps) + page_lines(year.pages)
    tables = [year_table(steps), page_table(year.pages)]
    over = over_budget(steps, year.pages, year.traces)
    sizes = _sizes(ran, departments, specs)
    result = {
        "title": title,
        "scale": SCALE,
        "sizes": sizes,
        "cpu_seconds": ran["cpu"],
        "seconds": {
            "setup": round(ran["setup_seconds"], 1),
            "year": round(ran["year_seconds"], 1),
            "total": round(ran["total_seconds"], 1),
            "setup_parts": {k: round(v, 1) for k, v in ran["city"]["parts"].items()},
        },
        "steps": steps,
        "steps_missing": missing,
        "pages": year.pages,
        "over_budget": over,
        "campaigns": by_campaign(year.measures),
        "budgets": {"action_seconds": ACTION_BUDGET_SECONDS, "page_p95_ms": PAGE_BUDGET_MS},
        "lines": lines,
        "tables": tables,
        "notes": _notes(ran, departments, sizes, over, missing),
    }
    emit(lines)
    for table in tables:
        print_table(table)
    print(
        f"\n  over_budget ({len(over)}):"
        + "".join(f"\n  - {o['what']}: {o['figure']} (budget {o['budget']}); {o['cause']}" for o in over),
        flush=True,
    )
    return result
