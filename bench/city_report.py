"""The report of :mod:`bench.city_year` (模拟一年的结果): each step over the year and at the largest,
the baseline and the joint campaign, against its budget; each role's pages at each pass; and what
went over budget, with what it spends its time on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.common import Figures, Line

if TYPE_CHECKING:
    from bench.city_world import CampaignSpec

ACTION_BUDGET_SECONDS = 2.0
PAGE_BUDGET_MS = 1000.0

#: The steps of a campaign: (key, what it is, kind). ``action``: one call, answering within the
#: budget at the campaign's size; ``per visit``: one call per visit (or per chosen visit), the slowest
#: within the budget; ``job``: a durable job on the worker (its request, the submit, is an action).
STEPS = (
    ("plan", "年度计划 plan: create, lines, publish, submit, file", "per department"),
    ("create", "起草 create_campaign", "action"),
    ("approve", "批准 approve", "action"),
    ("freeze_targets", "冻结检查对象范围 freeze_targets", "action"),
    ("draw_targets", "抽取检查对象 submit_draw (job)", "job"),
    ("freeze_inspectors", "冻结检查人员范围 freeze_inspectors", "action"),
    ("draw_inspectors", "抽取检查人员 submit_draw (job)", "job"),
    ("leaders", "组长 by rule designate_leaders", "action"),
    ("hand_out", "检查任务下达 submit_hand_out (job)", "job"),
    ("notices", "文书 notices (job, queued by the hand-out)", "job"),
    ("template", "结果表下载 results_template (to enter offline)", "action"),
    ("import", "检查结果导入 submit_results_import (job)", "job"),
    ("confirm", "组长确认导入的结果 submit_result (代为录入)", "per visit"),
    ("record", "录入 record_result", "per visit"),
    ("submit", "提交 submit_result", "per visit"),
    ("return", "退回 return_result", "per visit"),
    ("resubmit", "重新录入并提交 record + submit", "per visit"),
    ("approve_bulk", "批量审核 submit_approval (job: the list's approve all)", "job"),
    ("approve_single", "审核 approve_result (found a problem)", "per visit"),
    ("follow_up", "后续处置 open_follow_up", "per visit"),
    ("publish", "公示 submit_publication (job: the list's publish all)", "job"),
    ("export", "信用信息导出 request_export (job)", "job"),
    ("dashboard", "监督统计 figures.compute", "action"),
    ("table", "统计报表 request_table 001-2 (job)", "job"),
)
STEP_KIND = {key: kind for key, _, kind in STEPS}
STEP_NAME = {key: name for key, name, _ in STEPS}


def _visits(measure: Figures) -> int:
    return measure["visits"] if measure["visits"] is not None else measure["spec"].visits


def _sum(rows: list[Figures]) -> tuple[float, int]:
    return sum(m["seconds"] for m in rows), sum(_visits(m) for m in rows)


def step_figures(
    measures: list[Figures], key: str, largest: CampaignSpec, baseline: CampaignSpec, joint: CampaignSpec | None
) -> Figures | None:
    """One step over the year: total and per visit; at the largest, the baseline and the joint
    campaign; its slowest call and whether it kept its budget (an action ≤ 2 s, or a job)."""
    rows = [m for m in measures if m["step"] == key]
    if not rows:
        return None
    kind = STEP_KIND[key]
    total, visits = _sum(rows)
    figures = {
        "step": key,
        "name": STEP_NAME[key],
        "kind": kind,
        "seconds": round(total, 3),
        "visits": visits,
        "calls": sum(m["calls"] for m in rows),
        "ms_per_visit": round(1000 * total / max(visits, 1), 3),
    }
    for name, spec in (("largest", largest), ("baseline", baseline), ("joint", joint)):
        at = [m for m in rows if spec is not None and m["spec"] is spec]
        if spec is not None and at:
            seconds, count = _sum(at)
            figures[name] = {
                "seconds": round(seconds, 3),
                "visits": count,
                "size": spec.visits,
                "ms_per_visit": round(1000 * seconds / max(count, 1), 3),
                "slowest": round(max(m["slowest"] for m in at), 3),
            }
    worst = max(rows, key=lambda m: m["slowest"])
    over = sorted((m for m in rows if m["slowest"] > ACTION_BUDGET_SECONDS), key=lambda m: m["spec"].visits)
    figures["slowest"] = {
        "seconds": round(worst["slowest"], 3),
        "campaign": worst["spec"].label,
        "size": worst["spec"].visits,
    }
    figures["over_from_size"] = over[0]["spec"].visits if over else None
    figures["over_count"] = len(over)
    figures["within_budget"] = not over
    if kind == "job":
        figures["failed"] = [m["spec"].label for m in rows if m.get("status") not in (None, "succeeded")]
        figures["job_seconds_max"] = round(max(m["seconds"] for m in rows), 3)
    return figures


def budget_text(figures: Figures) -> str:
    slowest = figures["slowest"]["seconds"]
    mark = "within" if figures["within_budget"] else "OVER"
    if figures["kind"] == "job":
        return f"job (request {slowest:.2f} s): {mark}"
    return f"≤ 2 s: slowest {slowest:.2f} s, {mark}"


def step_lines(steps: list[Figures]) -> list[Line]:
    lines: list[Line] = []
    for figures in steps:
        at, base = figures.get("largest"), figures.get("baseline")
        unit = "visit"
        if at is None:  # the plans: every department's commands over the year
            at = {"seconds": figures["seconds"], "ms_per_visit": figures["ms_per_visit"], "size": figures["visits"]}
            where, unit = f"the year, {figures['calls']:,} commands", "command"
        else:
            where = f"{at['size']:,} visits"
        lines.append(
            {
                "figure_name": f"{figures['name']} — {where}",
                "figure": f"{at['seconds']:,.2f} s · {at['ms_per_visit']:,.2f} ms/{unit}",
                "budget": budget_text(figures),
                "baseline_name": f"{base['size']}-visit campaign, per visit" if base else "—",
                "baseline": f"{base['ms_per_visit']:,.2f} ms/visit" if base else "—",
                "ratio": at["ms_per_visit"] / base["ms_per_visit"] if base and base["ms_per_visit"] else None,
            }
        )
    return lines


def year_table(steps: list[Figures]) -> Figures:
    rows = []
    for f in steps:
        joint = f.get("joint")
        where = f["slowest"]["campaign"] if f["kind"] == "per department" else f"{f['slowest']['size']:,} visits"
        rows.append(
            [
                f["name"],
                f"{f['seconds']:,.1f} s",
                f"{f['visits']:,}",
                f"{f['ms_per_visit']:,.2f} ms",
                f"{joint['seconds']:,.2f} s" if joint else "—",
                f"{f['slowest']['seconds']:,.2f} s ({where})",
                budget_text(f),
            ]
        )
    return {
        "title": "The year per step (every campaign together; the joint campaign apart)",
        "columns": ["step", "time, year", "visits", "per visit", "joint campaign", "slowest call", "budget"],
        "rows": rows,
    }


PASSES = (("baseline", "baseline campaign"), ("largest", "largest campaign"), ("joint", "joint campaign"))


def page_table(passes: Figures) -> Figures:
    labels = list(dict.fromkeys(label for p in passes.values() for label in p["pages"]))
    columns = ["page"] + [
        f"{title} ({passes[key]['size']:,} visits) p50 / p95" for key, title in PASSES if key in passes
    ]
    rows = []
    for label in labels:
        row = [label]
        for key, _ in PASSES:
            if key in passes:
                page = passes[key]["pages"].get(label)
                row.append(
                    f"{page['p50_ms']:,.0f} / {page['p95_ms']:,.0f} ms"
                    + (f" ({page['failures']} failed)" if page["failures"] else "")
                    if page
                    else "—"
                )
        rows.append(row)
    return {
        "title": "Pages through gunicorn (locust, p50 / p95; budget p95 ≤ 1,000 ms)",
        "columns": columns,
        "rows": rows,
    }


def page_lines(passes: Figures) -> list[Line]:
    lines: list[Line] = []
    base = passes.get("baseline", {}).get("pages", {})
    for key in ("largest", "joint"):
        if key not in passes:
            continue
        for label, page in passes[key]["pages"].items():
            before = base.get(label)
            lines.append(
                {
                    "figure_name": f"page {label} — {key} ({passes[key]['size']:,} visits)",
                    "figure": f"p50 {page['p50_ms']:,.0f} / p95 {page['p95_ms']:,.0f} ms",
                    "budget": "p95 ≤ 1,000 ms: "
                    + ("within" if page["p95_ms"] <= PAGE_BUDGET_MS and not page["failures"] else "OVER"),
                    "baseline_name": f"{passes['baseline']['size']}-visit campaign, p95" if before else "—",
                    "baseline": f"{before['p95_ms']:,.0f} ms" if before else "—",
                    "ratio": page["p95_ms"] / before["p95_ms"] if before and before["p95_ms"] else None,
                }
            )
    return lines


def over_budget(steps: list[Figures], passes: Figures, traces: Figures) -> list[Figures]:
    """Every step or page over its budget, with its figure and what it spends its time on."""
    found = []
    for f in steps:
        if f["within_budget"]:
            continue
        slowest = f["slowest"]
        trace = (
            traces.get(f"{f['step']} @ {slowest['campaign']}")
            or traces.get(f"{f['step']} (submit) @ {slowest['campaign']}")
            or next((t for k, t in traces.items() if k.startswith(f"{f['step']} @")), None)
        )
        found.append(
            {
                "what": f["name"],
                "figure": f"{slowest['seconds']:.2f} s at {slowest['size']:,} visits",
                "budget": "action ≤ 2 s" if f["kind"] != "job" else "request of the job ≤ 2 s",
                "over_from": f"{f['over_from_size']:,} visits",
                "campaigns_over": f["over_count"],
                "cause": trace["cause"] if trace else "not traced",
            }
        )
    for key, title in PASSES:
        for label, page in passes.get(key, {}).get("pages", {}).items():
            if page["p95_ms"] > PAGE_BUDGET_MS or page["failures"]:
                found.append(
                    {
                        "what": f"page {label} at the {title} ({passes[key]['size']:,} visits)",
                        "figure": f"p95 {page['p95_ms']:,.0f} ms"
                        + (f", {page['failures']} failed requests" if page["failures"] else ""),
                        "budget": "p95 ≤ 1,000 ms",
                        "cause": page.get("trace", {}).get("cause", "not traced"),
                    }
                )
    return found


def print_table(table: Figures) -> None:
    print(f"\n  {table['title']}")
    widths = [max(len(str(row[i])) for row in [table["columns"], *table["rows"]]) for i in range(len(table["columns"]))]
    for row in [table["columns"], *table["rows"]]:
        print("  " + "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)), flush=True)


def by_campaign(measures: list[Figures]) -> list[Figures]:
    """Each campaign's steps (seconds; a job's own run), in the order the year ran them: how each
    step grows with the campaign's size."""
    campaigns: dict[str, dict] = {}
    for m in measures:
        spec = m["spec"]
        if spec.number < 0:  # a department's plan
            continue
        row = campaigns.setdefault(
            spec.label,
            {
                "campaign": spec.label,
                "department": spec.department,
                "visits": spec.visits,
                "seconds": {},
                "slowest": {},
            },
        )
        row["seconds"][m["step"]] = round(row["seconds"].get(m["step"], 0.0) + m["seconds"], 3)
        row["slowest"][m["step"]] = round(max(row["slowest"].get(m["step"], 0.0), m["slowest"]), 3)
    return list(campaigns.values())
