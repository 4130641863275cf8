"""PDF notices (文书) for 1,000 visits, through the platform: a campaign of 1,000 drawn visits with
their teams is handed to its teams, which starts the notices job (run in-process here, as in the
embedded mode): the inspection notice of every visit and the assignment notice of every inspector,
each laid out by :mod:`spotcheck.tenants.notices.layout` (ReportLab, the CJK font embedded as a
subset), stored with its SHA-256 and recorded, in one transaction.

Figure: seconds per notice, end to end (the job's own time divided by the documents written).
Baseline, in the same run: WeasyPrint rendering a one-line page (the engine the documents used
before, at its own floor per document). Budget (issue 23): per notice ≤ 1.0× that page, and a
3,000-visit campaign's documents in ≤ 2 minutes of one worker (projected from the figure).

Set-up (not timed): a fresh database, the entities, a campaign drawn as in ``draw_inspectors``
with 1,000 visits and 300 inspectors, a team leader named on every visit.
"""

from __future__ import annotations

import gc
import os
import statistics

import sqlalchemy as sa

from bench import draw_inspectors as setup_draw
from bench.common import Figures, Line, Timer, app_context, emit, fresh_database, log, save
from bench.draw_data import load, load_average, setup
from spotcheck.core.database import db
from spotcheck.core.job_models import Job
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.results import commands as results

NAME = "notices_pdf"
VISITS = int(os.environ.get("BENCH_NOTICE_VISITS", "1000"))
TITLE = f"PDF notices for {VISITS:,} visits (PostgreSQL)"
CAMPAIGN, BUDGET_SECONDS = 3000, 120


def floor(samples: int = 30) -> float:
    """WeasyPrint's own time for a one-line page, per document (median of ``samples``)."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # WeasyPrint ships no types; here: +1.6–2.0 s to `python -m bench`'s start (measured), for one benchmark

    HTML(string="<p>预热</p>").write_pdf()
    times = []
    for n in range(samples):
        with Timer() as t:
            HTML(string=f"<p style='font-family:\"WenQuanYi Micro Hei\"'>检查通知书 {n}</p>").write_pdf()
        times.append(t.seconds)
    return statistics.median(times)


def leaders(url: str, tenant: int, campaign_id: int) -> Figures:
    """A team leader named on every visit: first one by one with the single command (the baseline),
    then all at once by a rule (the bulk command, one action of the planner's)."""
    with app_context(url), tenant_scope(tenant):
        planner = setup_draw.users()["scj_planner"]
        campaign = campaigns.get_campaign(campaign_id)
        led = set()
        with Timer() as single:
            for member in campaigns.list_team_members(campaign):
                if member.entity_id not in led:
                    campaign_commands.designate_leader(campaign.id, {"member_id": member.id}, actor=planner)
                    led.add(member.entity_id)
        db.session.commit()
        with Timer() as bulk:
            done = campaign_commands.designate_leaders(
                campaign.id, {"rule": "balanced", "only_missing": False}, actor=planner
            )
        return {
            "visits": len(led),
            "single_seconds": single.seconds,
            "bulk_seconds": bulk.seconds,
            "named": done["named"],
        }


def hand_out(url: str, tenant: int, campaign_id: int) -> Figures:
    with app_context(url), tenant_scope(tenant):
        planner = setup_draw.users()["scj_planner"]
        gc.collect()
        before = load_average()
        with Timer() as total:
            results.hand_out(campaign_id, actor=planner)  # the job runs once this commits
        job = db.session.scalar(sa.select(Job).where(Job.kind == "notices.campaign").order_by(Job.id.desc()))
        kinds = dict(db.session.execute(sa.select(Notice.kind, sa.func.count()).group_by(Notice.kind)).all())
        size = db.session.scalar(sa.select(sa.func.sum(Notice.size)))
        assert job is not None and job.started_at is not None and job.finished_at is not None  # the hand-out's job ran
        job_seconds = (job.finished_at - job.started_at).total_seconds()
        return {
            "seconds": total.seconds,
            "job_seconds": job_seconds,
            "status": job.status.value,
            "documents": {getattr(k, "value", k): v for k, v in kinds.items()},
            "bytes": int(size or 0),
            "load_average": [before, load_average()],
        }


def run() -> Figures:
    setup_draw.VISITS, setup_draw.INSPECTORS, setup_draw.RECUSALS = VISITS, 300, 50
    with fresh_database("notices") as url:
        log(f"loading {int(VISITS * 1.03) + 10:,} entities, drawing {VISITS:,} visits and their teams (not timed)")
        tenant = load(url, int(VISITS * 1.03) + 10)["tenant"]
        item = setup(url, items=1)["items"][0]
        campaign_id = setup_draw.prepare(url, tenant, item)["campaign"]
        setup_draw.draw(url, tenant, campaign_id)
        named = leaders(url, tenant, campaign_id)
        log("handing the visits out: the notices job writes every document")
        measured = hand_out(url, tenant, campaign_id)
    documents = sum(measured["documents"].values())
    per_notice = measured["job_seconds"] / documents
    base = floor()
    projected_documents = round(documents * CAMPAIGN / VISITS)
    projected = per_notice * projected_documents
    lines: list[Line] = [
        {
            "figure_name": f"notices job, {documents:,} PDF documents",
            "figure": f"{measured['job_seconds']:,.1f} s",
            "baseline_name": "hand-out command and job, end to end",
            "baseline": f"{measured['seconds']:,.1f} s",
            "ratio": None,
        },
        {
            "figure_name": "per notice (render, store, record)",
            "figure": f"{per_notice * 1000:,.0f} ms",
            "baseline_name": "WeasyPrint, a one-line page",
            "baseline": f"{base * 1000:,.0f} ms",
            "ratio": per_notice / base,
        },
        {
            "figure_name": f"team leaders of {named['visits']:,} visits named by a rule (one action)",
            "figure": f"{named['bulk_seconds']:,.2f} s",
            "baseline_name": "named one by one (single command)",
            "baseline": f"{named['single_seconds']:,.2f} s",
            "ratio": named["bulk_seconds"] / named["single_seconds"],
        },
    ]
    notes = [
        f"{measured['documents'].get('inspection', 0):,} inspection notices (one per visit) and "
        f"{measured['documents'].get('assignment', 0):,} assignment notices (one per inspector on a team), "
        f"{measured['bytes'] / documents / 1024:,.0f} KB a document on average (fonts embedded, subset); job "
        f"{measured['status']}.",
        "The job lays out each document with ReportLab (A4, the CJK font embedded as a subset), stores it through the "
        "core storage with its SHA-256 and records it, all in the job's one transaction.",
        f"Projected for a campaign of {CAMPAIGN:,} visits ({projected_documents:,} documents at this mix): "
        f"{projected:,.0f} s of one worker, budget {BUDGET_SECONDS} s "
        f"({'within' if projected <= BUDGET_SECONDS else 'OVER'}).",
        f"Team leaders by a rule: {named['bulk_seconds']:,.2f} s for {named['visits']:,} visits, so about "
        f"{named['bulk_seconds'] * CAMPAIGN / VISITS:,.1f} s for {CAMPAIGN:,} (an action's budget is 2 s).",
        f"Load average {measured['load_average'][0]} before, {measured['load_average'][1]} after, on {os.cpu_count()} "
        "CPUs.",
    ]
    result = {
        "title": TITLE,
        "visits": VISITS,
        "measured": measured,
        "per_notice_seconds": per_notice,
        "floor_seconds": base,
        "leaders": named,
        "projected": {
            "visits": CAMPAIGN,
            "documents": projected_documents,
            "seconds": projected,
            "budget_seconds": BUDGET_SECONDS,
        },
        "over_budget": [lines[1]["figure_name"]] * (per_notice > base)
        + [lines[2]["figure_name"]] * (named["bulk_seconds"] * CAMPAIGN / VISITS > 2.0)
        + ([f"{CAMPAIGN:,}-visit campaign"] if projected > BUDGET_SECONDS else []),
        "lines": lines,
        "notes": notes,
    }
    emit(lines)
    save(NAME, result)
    return result
