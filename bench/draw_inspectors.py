"""The inspector draw (DRAW-SPEC "Inspector draw", version 2 beside version 1) for 10,000 visits from 2,000 inspectors,
on PostgreSQL, through the platform's services: ``freeze_inspectors`` (visits, the eligible pool on
the draw date, recusals, the frame lines and their digest) and ``draw_inspectors`` (seed, visit
order, per-visit ranking of the eligible inspectors under capacity, teams of 2, the proof stored,
the ``team_member`` rows), each committed. Also the engine alone on the same frame, and the
standard-library verifier (``spotcheck draw verify``) on the stored proof, which redraws every team.

Set-up (not timed): a fresh database; 10,000+ entities by COPY with directory entries of
市场监管局; a campaign whose rules select exactly 10,000 of them, approved, frozen and drawn
through the services; 2,000 inspectors (most qualified for the item's category, some not, some
with an expired certificate, a few inactive) and 500 recusals, added through the services.
"""

from __future__ import annotations

import gc
import os
import random
import time
from datetime import date, timedelta

import sqlalchemy as sa
from stdnum.cn import ric

from bench.common import Figures, Line, Timer, app_context, emit, fresh_database, log, planning, save
from bench.draw_data import CATEGORY, load, load_average, setup
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import versions
from spotcheck.draw.verify import verify
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignTarget, Draw, TargetStatus, TeamMember
from spotcheck.tenants.campaigns.queries import public as publication
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.inspectors import commands as inspectors

NAME = "draw_inspectors"
VISITS = int(os.environ.get("BENCH_VISITS", "10000"))
INSPECTORS = int(os.environ.get("BENCH_INSPECTORS", "2000"))
RECUSALS = int(os.environ.get("BENCH_RECUSALS", "500"))
TEAM_SIZE = 2
CAPACITY = 14  # most visits per inspector: 20,000 places over ~1,700 eligible inspectors, so it binds at the end
TITLE = f"Inspector draw: {VISITS:,} visits from {INSPECTORS:,} inspectors (PostgreSQL)"
#: The last results of version 1 alone, before new draws used version 2 (bench/results of commit 1d171e2).
BEFORE = "end to end 13.64 s (1.36 ms per visit), engine alone 11.69 s, verifier 12.05 s"


def id_number(number: int) -> str:
    """A valid 身份证号码 (GB 11643) for inspector ``number``."""
    born = date(1983, 1, 1) + timedelta(days=number * 3)
    body = f"330102{born:%Y%m%d}{number % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def users() -> dict[str, User]:
    return {
        u.login: u
        for u in db.session.scalars(sa.select(User).where(User.login.in_(["scj_admin", "scj_planner", "scj_leader"])))
    }


def prepare(url: str, tenant: int, item_id: int) -> Figures:
    """A campaign with exactly VISITS targets drawn, the inspectors and the recusals."""
    rng = random.Random(20260302)
    with app_context(url), tenant_scope(tenant):
        who = users()
        active = dict(
            db.session.execute(
                sa.select(DirectoryEntry.risk, sa.func.count())
                .join(DirectoryEntry.entity)
                .where(Entity.status == "active")
                .group_by(DirectoryEntry.risk)
            ).all()
        )
        counts = {risk: active.get(risk, 0) for risk in "ABCD"}
        counts["D"] -= sum(counts.values()) - VISITS
        assert counts["D"] >= 0, counts
        with planning():  # drafted and approved before the window (issue 94)
            campaign = campaign_commands.create_campaign(
                {
                    "title": "食品经营者全覆盖检查（检查人员抽取基准）",
                    "year": 2026,
                    "item_ids": [item_id],
                    # class A whole (a rule never below the lower classes'), the others by count: exactly VISITS
                    "strata": {
                        risk: {"ratio_bp": 10000, "min": 0} if risk == "A" else {"count": n}
                        for risk, n in counts.items()
                    },
                    "reserve_size": 0,
                    "team_size": TEAM_SIZE,
                    "capacity": CAPACITY,
                    "window_start": "2026-03-01",
                    "window_end": "2026-05-31",  # the plan's months
                    "target_filter": {"categories": [CATEGORY]},
                },
                actor=who["scj_planner"],
            )
            campaign_commands.approve(campaign.id, actor=who["scj_leader"])
        campaign_commands.freeze_targets(campaign.id, actor=who["scj_planner"])
        db.session.commit()
        campaign_commands.draw_targets(
            campaign.id, {"public_inputs": ["observer:人大代表 0301"]}, actor=who["scj_planner"]
        )
        db.session.commit()
        visits = db.session.scalars(
            sa.select(CampaignTarget.entity_id).where(
                CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected
            )
        ).all()
        assert len(visits) == VISITS, len(visits)
        log(f"{len(visits):,} visits drawn; adding {INSPECTORS:,} inspectors and {RECUSALS} recusals")
        day = today()
        made = []
        for number in range(INSPECTORS):
            r = rng.random()
            categories = ["food", "market"] if r < 0.55 else ["food"] if r < 0.85 else ["quality", "price"]
            expires = day - timedelta(days=30) if rng.random() < 0.04 else day + timedelta(days=rng.randint(60, 2000))
            made.append(
                inspectors.create_inspector(
                    {
                        "name": f"检查员{number:04d}",
                        "sex": "男" if number % 2 else "女",
                        "id_number": id_number(number),
                        "agency": "杭州市市场监督管理局",
                        "cert_no": f"33010021{number:05d}",
                        "cert_expires_on": expires.isoformat(),
                        "categories": categories,
                        "active": rng.random() > 0.01,
                    },
                    actor=who["scj_admin"],
                )
            )
            if number % 500 == 499:
                db.session.commit()
        entities = {
            e.id: e for e in db.session.scalars(sa.select(Entity).where(Entity.id.in_(rng.sample(visits, RECUSALS))))
        }
        for entity in entities.values():
            inspectors.declare_recusal(
                rng.choice(made).id, {"entity_id": entity.id, "reason": "近亲属在该企业任职"}, actor=who["scj_admin"]
            )
        db.session.commit()
        return {"campaign": campaign.id}


def draw(url: str, tenant: int, campaign_id: int) -> Figures:
    """freeze_inspectors + draw_inspectors as the platform runs them (services, then commit)."""
    with app_context(url), tenant_scope(tenant):
        planner = users()["scj_planner"]
        gc.collect()
        before = load_average()
        with Timer() as total:
            with Timer() as freeze:
                campaign = campaigns.get_campaign(campaign_id)
                campaign_commands.freeze_inspectors(campaign.id, actor=planner)
                db.session.commit()
            with Timer() as drawing:
                campaign_commands.draw_inspectors(
                    campaign_id, {"public_inputs": ["observer:人大代表 0301", "observer:媒体 0302"]}, actor=planner
                )
                db.session.commit()
        after = load_average()
        members = db.session.scalar(
            sa.select(sa.func.count()).select_from(TeamMember).where(TeamMember.campaign_id == campaign_id)
        )
        record = db.session.scalars(
            sa.select(Draw).where(Draw.campaign_id == campaign_id, Draw.kind == "inspectors")
        ).one()
        counts, excluded = record.counts, record.excluded
        proof = publication.drawn_proof(campaigns.get_campaign(campaign_id), "inspectors")
    return {
        "seconds": total.seconds,
        "freeze_seconds": freeze.seconds,
        "draw_seconds": drawing.seconds,
        "team_members": members,
        "counts": counts,
        "excluded": excluded,
        "proof": proof,
        "load_average": [before, after],
    }


def engine_only(proof: Figures) -> Figures:
    """Both versions of the engine on the frozen frame lines (in memory), and the verifier on each one's
    proof: version 2 (``spotcheck-draw/2``, what the platform draws now) beside version 1, in the same run."""
    figures = {}
    for algorithm in versions.INSPECTOR_VERSIONS:
        gc.collect()
        cpu = time.process_time()
        with Timer() as drawing:
            drawn = versions.redraw_inspectors(
                algorithm,
                campaign=proof["campaign"],
                nonce=bytes.fromhex(proof["nonce"]),
                lines=proof["frame_lines"],
                team_size=proof["team_size"],
                per_group_min=proof["per_group_min"],
                capacity=proof["capacity"],
                public_inputs=proof["public_inputs"],
            )
        draw_cpu = time.process_time() - cpu
        if algorithm == proof["algorithm"]:
            assert drawn["teams"] == proof["teams"]
        cpu = time.process_time()
        with Timer() as verifying:
            checks = verify(drawn)
        figures[algorithm] = {
            "seconds": drawing.seconds,
            "cpu_seconds": draw_cpu,
            "verify_seconds": verifying.seconds,
            "verify_cpu_seconds": time.process_time() - cpu,
            "verified": all(c.ok for c in checks),
            "checks": len(checks),
        }
    return figures


def run() -> Figures:
    with fresh_database("inspectors") as url:
        size = int(VISITS * 1.03) + 10  # 2 % are not active
        log(f"loading {size:,} entities and directory entries (COPY; not timed)")
        tenant = load(url, size)["tenant"]
        item = setup(url, items=1)["items"][0]
        prepared = prepare(url, tenant, item)
        log(f"inspector draw: freeze_inspectors + draw_inspectors (load average {load_average()})")
        measured = draw(url, tenant, prepared["campaign"])
        log(
            f"  {measured['seconds']:,.2f} s (freeze {measured['freeze_seconds']:,.2f} s, "
            f"draw {measured['draw_seconds']:,.2f} s)"
        )
        log("the engine alone on the same frame (version 2 beside version 1), and the verifier")
        engines = engine_only(measured.pop("proof"))
    engine, first = engines["spotcheck-draw/2"], engines["spotcheck-draw/1"]
    visits = measured["counts"]["visits"]
    per_visit = measured["seconds"] / visits * 1000
    lines: list[Line] = [
        {
            "figure_name": f"inspector draw, {visits:,} visits (end to end)",
            "figure": f"{measured['seconds']:,.2f} s",
            "baseline_name": "per visit",
            "baseline": f"{per_visit:,.2f} ms",
            "ratio": None,
        },
        {
            "figure_name": "draw engine alone, spotcheck-draw/2 (in memory)",
            "figure": f"{engine['seconds']:,.2f} s",
            "baseline_name": "spotcheck-draw/1, same frame",
            "baseline": f"{first['seconds']:,.2f} s",
            "ratio": engine["seconds"] / first["seconds"],
        },
        {
            "figure_name": "verifier, the whole proof, spotcheck-draw/2",
            "figure": f"{engine['verify_seconds']:,.2f} s",
            "baseline_name": "spotcheck-draw/1's proof",
            "baseline": f"{first['verify_seconds']:,.2f} s",
            "ratio": engine["verify_seconds"] / first["verify_seconds"],
        },
    ]
    notes = [
        f"{visits:,} visits, pool of {measured['counts']['pool']:,} eligible inspectors out of {INSPECTORS:,} "
        f"(left out: {', '.join(f'{k} {v}' for k, v in sorted(measured['excluded'].items()))}), "
        f"{measured['counts']['recusals']} recusals, teams of {TEAM_SIZE}, capacity {CAPACITY} visits per inspector; "
        f"{measured['team_members']:,} team_member rows stored.",
        f"End to end = freeze_inspectors {measured['freeze_seconds']:,.2f} s + draw_inspectors "
        f"{measured['draw_seconds']:,.2f} s (engine, proof stored with its SHA-256, team rows, audit), each committed; "
        f"{per_visit:,.2f} ms per visit. The engine alone: {engine['seconds']:,.2f} s ({engine['cpu_seconds']:,.2f} s "
        "of "
        f"CPU); the verifier (`spotcheck draw verify`, standard library only) recomputes the whole draw from the "
        f"proof in {engine['verify_seconds']:,.2f} s ({engine['verify_cpu_seconds']:,.2f} s of CPU; "
        f"{engine['checks']:,} checks, {'all ok' if engine['verified'] else 'NOT all ok'}).",
        f"Version 1 (spotcheck-draw/1) keys every eligible inspector at every visit: {first['seconds']:,.2f} s to "
        "draw, "
        f"{first['verify_seconds']:,.2f} s to verify. Version 2 (spotcheck-draw/2, what new draws use) walks a keyed "
        "Fisher–Yates shuffle of each visit's candidates made lazily, one HMAC per position reached, the candidate "
        "lists shared between visits with the same needs: the same distribution at a fraction of the cost. "
        f"Before version 2: {BEFORE}.",
        f"Load average {measured['load_average'][0]} at the start, {measured['load_average'][1]} at the end, on "
        f"{os.cpu_count()} CPUs. "
        "There is no common-way baseline for this draw: the systems we replace deal inspectors out in blocks "
        "without qualification, certificate, recusal or capacity checks.",
    ]
    result = {
        "title": TITLE,
        "visits": visits,
        "inspectors": INSPECTORS,
        "team_size": TEAM_SIZE,
        "capacity": CAPACITY,
        "measured": measured,
        "engine": engine,
        "per_visit_ms": per_visit,
        "lines": lines,
        "notes": notes,
    }
    emit(lines)
    save(NAME, result)
    return result
