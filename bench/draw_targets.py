"""The verifiable target draw (DRAW-SPEC ``spotcheck-draw/1``) over a large directory, end to end on
PostgreSQL, against the common way of drawing: ``ORDER BY random() LIMIT n`` per stratum in SQL.

Per size (1,000,000 and 10,000,000 candidates of 市场监管局 in four risk strata A–D), in a fresh
database loaded with COPY (not timed):

* **ceremony** — what the platform does, through its services: ``freeze_targets`` (the frame built
  from the directory, ``directory_entry`` joined with ``entity``, the exclusions applied, the frame
  file, its digest and counts stored) and ``draw_targets`` (the frame file read back and checked,
  the seed, the HMAC ranking, the selection and reserves, the proof stored with the SHA-256 of the
  published file, the ``campaign_target`` rows), each committed;
* **ORDER BY random()** — the same campaign rules done the common way, in the same run and the
  same database: the counts per stratum, then per stratum ``INSERT INTO campaign_target … SELECT …
  ORDER BY random() LIMIT n + reserve``, committed. Nothing to verify afterwards: no seed, no frame.

Both run as the application (its database role, the department's scope, row-level security on).
Also reported: the draw engine alone (``draw_targets_from_file`` on the frame file in memory) and
the writing of the published proof file.
"""

from __future__ import annotations

import gc
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import draw_floor, draw_verifiers
from bench.common import Figures, Timer, admin_connect, app_context, emit, fresh_database, log, planning, save
from bench.draw_data import CATEGORY, DEPARTMENT, RESERVE, RULES, load, load_average, setup
from bench.draw_report import FLOOR_PARTS, NOTES, figure_lines, size_note
from spotcheck import draw as engine
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import proof_file, targets as target_engine
from spotcheck.draw.targets import cell_size
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.draws import frame_file_of, frame_of, published_bytes
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, CampaignTarget, Draw, DrawKind

NAME = "draw_targets"
SIZES = [int(s) for s in os.environ.get("BENCH_DRAW_SIZES", "1000000,10000000").split(",") if s.strip()]
TITLE = (
    "Target draw (verifiable, DRAW-SPEC) against ORDER BY random() per stratum and against its floor, and a "
    "citizen checking its proof (PostgreSQL)"
)
#: How many times each way is measured at sizes up to ROUNDS_UP_TO (the median is reported).
ROUNDS = int(os.environ.get("BENCH_DRAW_ROUNDS", "2"))
ROUNDS_UP_TO = 2_000_000


# --- a campaign for each draw ---------------------------------------------------------------------


def new_campaign(item_id: int, title: str) -> int:
    """A campaign on one item (so that one campaign's draw does not exclude the next one's
    candidates as "checked this year"), approved: the target draw is committed."""
    planner = _planner()
    leader = db.session.scalars(sa.select(User).where(User.login == "scj_leader")).one()
    with planning():
        campaign = _draft_and_approve(item_id, title, planner, leader)
    db.session.commit()
    return campaign.id


def _draft_and_approve(item_id: int, title: str, planner: User, leader: User) -> Campaign:
    campaign = campaign_commands.create_campaign(
        {
            "title": title,
            "year": 2026,
            "item_ids": [item_id],
            "strata": RULES,
            "reserve_size": RESERVE,
            "team_size": 2,
            "window_start": "2026-03-01",
            "window_end": "2026-05-31",
            "target_filter": {"categories": [CATEGORY]},
        },
        actor=planner,
    )
    campaign_commands.approve(campaign.id, actor=leader)
    return campaign


def _planner() -> User:
    return db.session.scalars(sa.select(User).where(User.login == "scj_planner")).one()


# --- the two ways ------------------------------------------------------------------------------


def ceremony_draw(url: str, tenant: int, item_id: int) -> Figures:
    """freeze_targets + draw_targets as the platform runs them (services, then commit)."""
    with app_context(url), tenant_scope(tenant):
        campaign_id = new_campaign(item_id, "食品经营者双随机抽查（可验证抽取）")
        planner = _planner()
        db.session.expire_all()
        gc.collect()
        with Timer() as total:
            with Timer() as freeze:
                campaign = campaigns.get_campaign(campaign_id)
                campaign_commands.freeze_targets(campaign.id, actor=planner)
                db.session.commit()
            with Timer() as drawing:
                record = campaign_commands.draw_targets(
                    campaign_id, {"public_inputs": ["observer:人大代表 0301", "observer:媒体 0302"]}, actor=planner
                )
                db.session.commit()
        stored = db.session.scalar(
            sa.select(sa.func.count()).select_from(CampaignTarget).where(CampaignTarget.campaign_id == campaign_id)
        )
        draw = db.session.scalars(sa.select(Draw).where(Draw.id == record.id)).one()
        out = {
            "seconds": total.seconds,
            "freeze_seconds": freeze.seconds,
            "draw_seconds": drawing.seconds,
            "stored_rows": stored,
            "counts": draw.counts,
            "excluded": draw.excluded,
            "frame_digest": draw.frame_digest,
            "seed": draw.seed,
            "campaign": campaign_id,
        }
        db.session.expunge_all()
    return out


def random_draw(url: str, tenant: int, item_id: int, excluded: str = "") -> Figures:
    """The common way, with the same filter, exclusions, rules and stored rows (``excluded``: a further SQL
    condition on ``e`` the frame leaves out, such as the businesses at their yearly cap)."""
    where = (
        "d.tenant_id = :tenant AND d.category = :category AND e.status = 'active' AND e.id NOT IN ("
        "SELECT t.entity_id FROM campaign_target t JOIN campaign c ON c.id = t.campaign_id "
        "JOIN campaign_item ci ON ci.campaign_id = c.id "
        "WHERE c.year = 2026 AND c.id <> :campaign AND ci.item_id = :item AND t.status = 'selected')"
        + (f" AND NOT ({excluded})" if excluded else "")
    )
    with app_context(url), tenant_scope(tenant):
        campaign_id = new_campaign(item_id, "食品经营者双随机抽查（ORDER BY random()）")
        params = {"tenant": tenant, "category": CATEGORY, "campaign": campaign_id, "item": item_id}
        gc.collect()
        with Timer() as total:
            counts: dict[str, int] = dict(
                db.session.execute(
                    sa.text(
                        f"SELECT d.risk, count(*) FROM directory_entry d JOIN entity e ON e.id = d.entity_id "
                        f"WHERE {where} GROUP BY d.risk"
                    ),
                    params,
                ).all()
            )
            for stratum, population in sorted(counts.items()):
                n = cell_size(RULES[stratum], population)
                db.session.execute(
                    sa.text(
                        f"INSERT INTO campaign_target (tenant_id, campaign_id, entity_id, group_code, stratum, rank, "
                        f"status, replacement_reason) "
                        f"SELECT :tenant, :campaign, id, :group, :stratum, rank, "
                        f"CASE WHEN rank <= :n THEN 'selected' ELSE 'reserve' END, '' "
                        f"FROM (SELECT id, row_number() OVER () AS rank FROM ("
                        f"SELECT e.id FROM directory_entry d JOIN entity e ON e.id = d.entity_id "
                        f"WHERE {where} AND d.risk = :stratum ORDER BY random() LIMIT :limit) s) r"
                    ),
                    {**params, "group": DEPARTMENT, "stratum": stratum, "n": n, "limit": n + RESERVE},
                )
            campaign = campaigns.get_campaign(campaign_id)
            campaign.status = CampaignStatus.targets_drawn
            db.session.commit()
        stored = db.session.scalar(
            sa.select(sa.func.count()).select_from(CampaignTarget).where(CampaignTarget.campaign_id == campaign_id)
        )
    return {"seconds": total.seconds, "stored_rows": stored, "counts": counts}


def engine_only(url: str, tenant: int) -> Figures:
    """The draw engine alone on the last ceremony's frozen frame file, in memory
    (``draw_targets_from_file``: parse, digest, seed, HMAC ranking, selection), and the proof file
    written from it with its SHA-256."""
    with app_context(url), tenant_scope(tenant):
        file = frame_file_of(  # as published (a version 3 frame is kept as raw tokens)
            db.session.scalar(
                sa.select(Draw.frame_file).where(Draw.kind == DrawKind.targets, Draw.drawn_at.is_not(None)).limit(1)
            )
        )
    assert file is not None, "a ceremony drew first: its frozen frame file is there"
    nonce = engine.new_nonce()
    gc.collect()
    with Timer() as drawing:
        proof = target_engine.draw_targets_from_file(
            campaign="市监抽〔2026〕1号",
            nonce=nonce,
            frame_file=file,
            rules={DEPARTMENT: RULES},
            reserve_size=RESERVE,
            public_inputs=["observer:人大代表 0301"],
        )
    with Timer() as publishing:
        published = proof_file.dumps(proof, file)
        digest = hashlib.sha256(published).hexdigest()
    return {
        "seconds": drawing.seconds,
        "proof_file_seconds": publishing.seconds,
        "proof_sha256": digest,
        "proof_megabytes": len(published) / 1e6,
        "frame_megabytes": len(file) / 1e6,
        "selected": sum(len(ids) for ids in proof["selected"][DEPARTMENT].values()),
    }


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


#: The verifiers are timed at sizes up to this (a citizen's check of a city's draw).
VERIFIERS_UP_TO = 2_000_000


def floor(url: str, tenant: int, item_id: int, ceremony_campaign: int) -> Figures:
    """The floor of the draw the ceremony made (:mod:`bench.draw_floor`), as the application."""
    with app_context(url), tenant_scope(tenant):
        record = db.session.scalars(
            sa.select(Draw).where(Draw.campaign_id == ceremony_campaign, Draw.kind == DrawKind.targets)
        ).one()
        assert record.counts is not None and record.frame_file is not None  # the ceremony's draw is done
        drawn = list(
            db.session.scalars(
                sa.select(CampaignTarget.entity_id).where(CampaignTarget.campaign_id == ceremony_campaign)
            )
        )
        candidates = sum(record.counts[DEPARTMENT].values())
        frame_file = frame_of(record)
        campaign_id = new_campaign(item_id, "抽取下限（写入后回滚）")
        gc.collect()
        return draw_floor.measure(
            db.session,
            tenant=tenant,
            category=CATEGORY,
            campaign_id=campaign_id,
            frame_file=frame_file,
            candidates=candidates,
            drawn_ids=drawn,
            group=DEPARTMENT,
        )


def verifiers(url: str, tenant: int, campaign_id: int) -> Figures:
    """The published proof of the ceremony's draw checked by each verifier (:mod:`bench.draw_verifiers`)."""
    with app_context(url), tenant_scope(tenant):
        record = db.session.scalars(
            sa.select(Draw).where(Draw.campaign_id == campaign_id, Draw.kind == DrawKind.targets)
        ).one()
        data = published_bytes(record)
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as folder:
        proof = Path(folder) / "PROOF.json"
        proof.write_bytes(data)
        gc.collect()
        found: dict[str, Any] = {
            "proof_megabytes": len(data) / 1e6,
            "python": draw_verifiers.python_verifier(proof, Path(folder)),
            "node": draw_verifiers.node_verifier(proof),
        }
    found["browser"] = draw_verifiers.browser_verifier(url, campaign_id)
    for name in ("python", "node", "browser"):
        if found[name].get("seconds") is not None:
            log(f"  {name} verifier {found[name]['seconds']:,.2f} s ({'ok' if found[name]['ok'] else 'NOT ok'})")
    return found


def stored_sizes(url: str, campaign_id: int) -> Figures:
    """What the ceremony's draw keeps beside its proof: the frame as stored (a version 3 frame: raw tokens,
    :mod:`spotcheck.draw.token_frames`) and the clear file (sealed, :mod:`spotcheck.tenants.campaigns.clear_store`),
    in MB."""
    with admin_connect(url) as conn:
        row = conn.execute(
            "SELECT octet_length(frame_file), octet_length(clear_sealed), octet_length(clear_encrypted) "
            "FROM draw WHERE campaign_id = %s AND kind = 'targets'",
            (campaign_id,),
        ).fetchone()
    assert row is not None
    frame, sealed, encrypted = row
    return {
        "frame_stored_megabytes": (frame or 0) / 1e6,
        "clear_megabytes": ((sealed if sealed is not None else encrypted) or 0) / 1e6,
        "clear_form": "sealed, AES-256-GCM" if sealed is not None else "Fernet over JSON",
    }


# --- the run -------------------------------------------------------------------------------

WAYS = {"random": "ORDER BY random() per stratum", "ceremony": "ceremony (freeze_targets + draw_targets)"}


def measure_ways(
    url: str,
    tenant: int,
    items: Iterator[int],
    rounds: int,
    measures: Mapping[str, Callable[[str, int, int], Figures]] | None = None,
) -> tuple[dict[str, list[Figures]], dict[str, str]]:
    """Each way ``rounds`` times, alternately (the first way first in even rounds): its outcomes, and
    the error of a way that failed (not run again). ``measures``: how each way is measured, if not as here."""
    ways = ["random", "ceremony"]
    runs: dict[str, list[dict[str, Any]]] = {way: [] for way in ways}
    failures: dict[str, str] = {}
    for number in range(rounds):
        for way in ways if number % 2 == 0 else list(reversed(ways)):
            log(f"{WAYS[way]}, round {number + 1} (load average {load_average()})")
            measure = (measures or {"random": random_draw, "ceremony": ceremony_draw})[way]
            try:
                outcome = measure(url, tenant, next(items))
            except Exception as exc:
                log(f"  FAILED: {type(exc).__name__}: {str(exc)[:300]}")
                failures[way] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
                continue
            outcome["load_average"] = load_average()
            runs[way].append(outcome)
            log(
                "  "
                + ", ".join(
                    f"{k.replace('_seconds', '')} {v:,.2f} s" for k, v in outcome.items() if k.endswith("seconds")
                )
            )
    return runs, failures


def size_result(
    size: int, loaded: Figures, rounds: int, runs: dict[str, list[Figures]], failures: dict[str, str]
) -> Figures:
    """The medians of each way's runs (the error of a way that failed)."""
    result = {"size": size, "load_seconds": loaded["seconds"], "rounds": rounds}
    for way, error in failures.items():
        runs.pop(way)
        result[way] = {"error": error}
    for way, outcomes in runs.items():
        result[way] = {
            "runs": [{k: v for k, v in o.items() if k not in ("counts", "excluded")} for o in outcomes],
            "seconds": median([o["seconds"] for o in outcomes]),
        }
        for part in ("freeze_seconds", "draw_seconds"):
            if part in outcomes[0]:
                result[way][part] = median([o[part] for o in outcomes])
    stored = {way: {o["stored_rows"] for o in outcomes} for way, outcomes in runs.items()}
    assert len(set.union(*stored.values())) == 1, stored  # every way stored the same number of rows
    result["stored_rows"] = runs["random"][0]["stored_rows"]
    return result


def run_size(size: int) -> Figures:
    rounds = ROUNDS if size <= ROUNDS_UP_TO else 1
    with fresh_database(f"draw{size}") as url:
        log(f"loading {size:,} entities and directory entries (COPY; not timed)")
        loaded = load(url, size)
        tenant = loaded["tenant"]
        log(f"loaded in {loaded['seconds']:,.0f} s")
        items = iter(setup(url, items=len(WAYS) * rounds + 1)["items"])  # and one for the floor's writing
        with admin_connect(url) as conn:  # the same warm cache for every way
            conn.execute("SELECT count(*) FROM directory_entry d JOIN entity e ON e.id = d.entity_id").fetchone()
        runs, failures = measure_ways(url, tenant, items, rounds)
        result = size_result(size, loaded, rounds, runs, failures)
        if "ceremony" in runs:
            result["candidates"] = sum(runs["ceremony"][0]["counts"][DEPARTMENT].values())
            result["excluded"] = runs["ceremony"][0]["excluded"]
            log(f"the floor: scan, SHA-256, HMAC in C, writing the rows (load average {load_average()})")
            result["floor"] = floor(url, tenant, next(items), runs["ceremony"][-1]["campaign"])
            log(
                "  floor "
                + ", ".join(f"{k} {result['floor'][k]:,.2f} s" for k in FLOOR_PARTS)
                + f" = {result['floor']['seconds']:,.2f} s"
            )
            log(f"the engine alone on the frozen frame file (load average {load_average()})")
            result["engine"] = engine_only(url, tenant)
            log(
                f"  engine {result['engine']['seconds']:,.2f} s, proof file "
                f"{result['engine']['proof_file_seconds']:,.2f} s"
            )
            result["stored"] = stored_sizes(url, runs["ceremony"][-1]["campaign"])
            if size <= VERIFIERS_UP_TO:
                log(f"the verifiers on the published proof (load average {load_average()})")
                result["verifiers"] = verifiers(url, tenant, runs["ceremony"][-1]["campaign"])
        gc.collect()
    return result


def run() -> Figures:
    results = [run_size(size) for size in SIZES]
    lines = figure_lines(results)
    notes = [size_note(r) for r in results] + NOTES
    result = {
        "title": TITLE,
        "sizes": SIZES,
        "rules": RULES,
        "reserve_size": RESERVE,
        "results": results,
        "lines": lines,
        "notes": notes,
    }
    emit(lines)
    save(NAME, result)
    return result
