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
import os

from bench.common import Timer, admin_connect, app_context, emit, fresh_database, log, save, vacuum_analyze

NAME = "draw_targets"
SIZES = [int(s) for s in os.environ.get("BENCH_DRAW_SIZES", "1000000,10000000").split(",") if s.strip()]
TITLE = "Target draw (verifiable, DRAW-SPEC) against ORDER BY random() per stratum (PostgreSQL)"
#: How many times each way is measured at sizes up to ROUNDS_UP_TO (the median is reported).
ROUNDS = int(os.environ.get("BENCH_DRAW_ROUNDS", "2"))
ROUNDS_UP_TO = 2_000_000

DEPARTMENT = "SCJ"
CATEGORY = "食品经营"
#: Share of each risk class in the directory, and the campaign's rule for it (higher for high risk).
SHARES = {"A": 5, "B": 15, "C": 40, "D": 40}
RULES = {"A": {"ratio_bp": 1000, "min": 1}, "B": {"ratio_bp": 300, "min": 1}, "C": {"ratio_bp": 100, "min": 1},
         "D": {"ratio_bp": 50, "min": 1}}
RESERVE = 5
INACTIVE_PERCENT = 2  # deregistered / revoked: excluded from the frame ("not_active")

REGIONS = ("330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112", "330113", "330114")
INDUSTRIES = ("F5211", "F5212", "H6210", "H6220", "C1391", "C1431", "F5221", "F5225", "I6420", "L7212")
WORDS = ("鑫源", "恒达", "华联", "天成", "润丰", "金桥", "永盛", "宏远", "嘉禾", "顺祥", "瑞丰", "德信", "同创", "汇通")
TRADES = ("餐饮管理", "食品", "商贸", "超市", "便利店", "副食品", "茶饮", "烘焙")


# --- valid 统一社会信用代码 quickly (GB 32100 with the GB 11714 organisation code inside) ------------

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _value(char: str) -> int:
    return int(char, 36)  # 0–9, A=10 … Z=35 (GB 11714)


def credit_code(number: int) -> str:
    """A valid code for entity ``number`` (region 330100, 91: enterprise), distinct per number."""
    org8 = f"MA{number:06d}" if number < 1_000_000 else f"M{number:07d}"  # letters allowed in the body
    check = 11 - sum(w * _value(c) for w, c in zip(_ORG_WEIGHTS, org8)) % 11
    org = org8 + ("X" if check == 10 else "0" if check == 11 else str(check))
    body = "91330100" + org
    total = sum(w * _ALPHABET.index(c) for w, c in zip(_USCC_WEIGHTS, body))
    return body + _ALPHABET[(31 - total % 31) % 31]


# --- the data (not timed) --------------------------------------------------------------------


def copy_registry(conn, count: int, rng, *, log_every: int) -> None:
    """``count`` registry entities written by COPY on ``conn`` (2 % deregistered or revoked, a few
    with complaints or abnormal), their names and codes a function of their number."""
    with conn.cursor() as cursor, cursor.copy(
            "COPY entity (code, name, entity_type, industry_code, region_code, address, status, abnormal, "
            "blacklisted, penalized_on, complaints, credit_rating, updated_at) FROM STDIN") as copy:
        for number in range(count):
            r = rng.random()
            inactive = r < INACTIVE_PERCENT / 100
            copy.write_row((
                credit_code(number), f"杭州{WORDS[number % 14]}{TRADES[number // 14 % 8]}有限公司{number}号店",
                "enterprise", INDUSTRIES[number % 10], REGIONS[number // 10 % 10], f"杭州市某路{number % 9973}号",
                ("deregistered" if r < INACTIVE_PERCENT / 200 else "revoked") if inactive else "active",
                r > 0.97, False, None, 1 if r > 0.995 else 0, "B", "2026-01-01T00:00:00Z"))
            if number and number % log_every == 0:
                log(f"{number:,} entities copied")


def load(url: str, count: int) -> dict:
    """``count`` registry entities by COPY, and a directory entry of the department for each."""
    import random

    rng = random.Random(20260301)
    with Timer() as timer, admin_connect(url) as conn:
        tenant = conn.execute("SELECT id FROM tenant WHERE code = %s", (DEPARTMENT,)).fetchone()[0]
        copy_registry(conn, count, rng, log_every=1_000_000)
        log("directory entries (INSERT … SELECT, risk classes A–D)")
        bounds = []
        total = 0
        for risk, share in SHARES.items():
            total += share
            bounds.append(f"WHEN (hashtext(code) & 1023) < {1024 * total // 100} THEN '{risk}'")
        conn.execute(f"INSERT INTO directory_entry (tenant_id, entity_id, category, risk, tags, created_at) "
                     f"SELECT %s, id, %s, CASE {' '.join(bounds)} ELSE 'D' END, '', now() FROM entity",
                     (tenant, CATEGORY))
        conn.commit()
    vacuum_analyze(url, "entity", "directory_entry")
    return {"seconds": timer.seconds, "tenant": tenant}


def setup(url: str, items: int) -> dict:
    """Published items, a plan of 2026 with them, filed by the justice bureau (through the services)."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.core.scoping import system_access, tenant_scope
    from spotcheck.tenants.accounts.models import User
    from spotcheck.tenants.items import commands as item_services
    from spotcheck.tenants.plans import commands as plans

    with app_context(url):
        with system_access("bench: look up the demo users"):
            users = {u.login: u for u in db.session.scalars(sa.select(User).where(User.login.in_(
                ["scj_admin", "scj_planner", "scj_leader", "sfj_supervisor"])))}
        admin, supervisor = users["scj_admin"], users["sfj_supervisor"]
        with tenant_scope(admin.tenant_id):
            item_ids = []
            for number in range(items):
                item = item_services.create_item({
                    "name": f"食品经营者落实主体责任检查（基准{number + 1}）", "inspector_categories": ["food"],
                    "field": "market", "legal_basis": "《中华人民共和国食品安全法》第一百一十条",
                    "checking_body": "市市场监督管理局", "target_type": "食品经营者", "content": "主体责任落实情况",
                    "methods": ["onsite"], "ratio_bp": 500, "frequency_times": 1, "frequency_period": "year"}, actor=admin)
                item_services.publish_item(item.id, actor=admin)
                item_ids.append(item.id)
            plan = plans.create_plan({"year": 2026, "half": None, "title": "2026年度双随机抽查计划"}, actor=users["scj_planner"])
            for item_id in item_ids:
                plans.set_line(plan.id, {"item_id": item_id, "ratio_bp": 100, "frequency_times": 1,
                                         "frequency_period": "year", "months": [3, 4, 5], "methods": ["onsite"]},
                               actor=users["scj_planner"])
            plans.publish(plan.id, actor=users["scj_leader"])
            plans.submit(plan.id, actor=users["scj_leader"])
            db.session.commit()
            plan_id = plan.id
        with tenant_scope(supervisor.tenant_id):
            plans.review(plan_id, {"accept": True, "comment": "同意备案"}, actor=supervisor)
            db.session.commit()
    return {"items": item_ids}


def new_campaign(item_id: int, title: str) -> int:
    """A campaign on one item (so that one campaign's draw does not exclude the next one's
    candidates as "checked this year"), approved: the target draw is committed."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.tenants.accounts.models import User
    from spotcheck.tenants.campaigns import commands as campaign_commands

    planner = db.session.scalar(sa.select(User).where(User.login == "scj_planner"))
    leader = db.session.scalar(sa.select(User).where(User.login == "scj_leader"))
    campaign = campaign_commands.create_campaign(
        {"title": title, "year": 2026, "item_ids": [item_id], "strata": RULES, "reserve_size": RESERVE,
         "team_size": 2, "window_start": "2026-03-01", "window_end": "2026-05-31",
         "target_filter": {"categories": [CATEGORY]}}, actor=planner)
    campaign_commands.approve(campaign.id, actor=leader)
    db.session.commit()
    return campaign.id


def _planner():
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.tenants.accounts.models import User

    return db.session.scalar(sa.select(User).where(User.login == "scj_planner"))


# --- the two ways ------------------------------------------------------------------------------


def ceremony_draw(url: str, tenant: int, item_id: int) -> dict:
    """freeze_targets + draw_targets as the platform runs them (services, then commit)."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.core.scoping import tenant_scope
    from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
    from spotcheck.tenants.campaigns.models import CampaignTarget, Draw

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
                record = campaign_commands.draw_targets(campaign_id,
                                                        {"public_inputs": ["observer:人大代表 0301", "observer:媒体 0302"]},
                                                        actor=planner)
                db.session.commit()
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(CampaignTarget).where(
            CampaignTarget.campaign_id == campaign_id))
        draw = db.session.scalar(sa.select(Draw).where(Draw.id == record.id))
        out = {"seconds": total.seconds, "freeze_seconds": freeze.seconds, "draw_seconds": drawing.seconds,
               "stored_rows": stored, "counts": draw.counts, "excluded": draw.excluded,
               "frame_digest": draw.frame_digest, "seed": draw.seed}
        db.session.expunge_all()
    return out


def random_draw(url: str, tenant: int, item_id: int) -> dict:
    """The common way, with the same filter, exclusions, rules and stored rows."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.core.scoping import tenant_scope
    from spotcheck.draw.targets import cell_size
    from spotcheck.tenants.campaigns import queries as campaigns
    from spotcheck.tenants.campaigns.models import CampaignStatus, CampaignTarget

    where = ("d.tenant_id = :tenant AND d.category = :category AND e.status = 'active' AND e.id NOT IN ("
             "SELECT t.entity_id FROM campaign_target t JOIN campaign c ON c.id = t.campaign_id "
             "JOIN campaign_item ci ON ci.campaign_id = c.id "
             "WHERE c.year = 2026 AND c.id <> :campaign AND ci.item_id = :item AND t.status = 'selected')")
    with app_context(url), tenant_scope(tenant):
        campaign_id = new_campaign(item_id, "食品经营者双随机抽查（ORDER BY random()）")
        params = {"tenant": tenant, "category": CATEGORY, "campaign": campaign_id, "item": item_id}
        gc.collect()
        with Timer() as total:
            counts = dict(db.session.execute(sa.text(
                f"SELECT d.risk, count(*) FROM directory_entry d JOIN entity e ON e.id = d.entity_id "
                f"WHERE {where} GROUP BY d.risk"), params).all())
            for stratum, population in sorted(counts.items()):
                n = cell_size(RULES[stratum], population)
                db.session.execute(sa.text(
                    f"INSERT INTO campaign_target (tenant_id, campaign_id, entity_id, group_code, stratum, rank, "
                    f"status, replacement_reason) "
                    f"SELECT :tenant, :campaign, id, :group, :stratum, rank, "
                    f"CASE WHEN rank <= :n THEN 'selected' ELSE 'reserve' END, '' "
                    f"FROM (SELECT id, row_number() OVER () AS rank FROM ("
                    f"SELECT e.id FROM directory_entry d JOIN entity e ON e.id = d.entity_id "
                    f"WHERE {where} AND d.risk = :stratum ORDER BY random() LIMIT :limit) s) r"),
                    {**params, "group": DEPARTMENT, "stratum": stratum, "n": n, "limit": n + RESERVE})
            campaign = campaigns.get_campaign(campaign_id)
            campaign.status = CampaignStatus.targets_drawn
            db.session.commit()
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(CampaignTarget).where(
            CampaignTarget.campaign_id == campaign_id))
    return {"seconds": total.seconds, "stored_rows": stored, "counts": counts}


def engine_only(url: str, tenant: int) -> dict:
    """The draw engine alone on the last ceremony's frozen frame file, in memory
    (``draw_targets_from_file``: parse, digest, seed, HMAC ranking, selection), and the proof file
    written from it with its SHA-256."""
    import hashlib

    import sqlalchemy as sa

    from spotcheck import draw as engine
    from spotcheck.core.database import db
    from spotcheck.core.scoping import tenant_scope
    from spotcheck.draw import proof_file, targets as target_engine
    from spotcheck.tenants.campaigns.models import Draw, DrawKind

    with app_context(url), tenant_scope(tenant):
        file = db.session.scalar(sa.select(Draw.frame_file).where(Draw.kind == DrawKind.targets,
                                                                  Draw.drawn_at.is_not(None)).limit(1))
    nonce = engine.new_nonce()
    gc.collect()
    with Timer() as drawing:
        proof = target_engine.draw_targets_from_file(campaign="市监抽〔2026〕1号", nonce=nonce, frame_file=file,
                                                     rules={DEPARTMENT: RULES}, reserve_size=RESERVE,
                                                     public_inputs=["observer:人大代表 0301"])
    with Timer() as publishing:
        published = proof_file.dumps(proof, file)
        digest = hashlib.sha256(published).hexdigest()
    return {"seconds": drawing.seconds, "proof_file_seconds": publishing.seconds, "proof_sha256": digest,
            "proof_megabytes": len(published) / 1e6, "frame_megabytes": len(file) / 1e6,
            "selected": sum(len(ids) for ids in proof["selected"][DEPARTMENT].values())}


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def load_average() -> float:
    return round(os.getloadavg()[0], 1)


def verify_stored(url: str, tenant: int) -> dict:
    """Untimed: the last ceremony's published proof file passes the verifier (spotcheck.draw.verify)."""
    import sqlalchemy as sa

    from spotcheck.core.database import db
    from spotcheck.core.scoping import tenant_scope
    from spotcheck.draw import proof_file
    from spotcheck.draw.verify import verify
    from spotcheck.tenants.campaigns.draws import published_bytes
    from spotcheck.tenants.campaigns.models import Draw, DrawKind

    with app_context(url), tenant_scope(tenant):
        record = db.session.scalar(sa.select(Draw).where(Draw.kind == DrawKind.targets, Draw.drawn_at.is_not(None))
                                   .order_by(Draw.id.desc()).limit(1))
        proof = proof_file.loads(published_bytes(record))
        with Timer() as timer:
            checks = verify(proof)
    return {"ok": all(c.ok for c in checks), "checks": len(checks), "seconds": timer.seconds}


# --- the run -------------------------------------------------------------------------------

WAYS = {"random": "ORDER BY random() per stratum", "ceremony": "ceremony (freeze_targets + draw_targets)"}


def run_size(size: int) -> dict:
    rounds = ROUNDS if size <= ROUNDS_UP_TO else 1
    ways = ["random", "ceremony"]
    with fresh_database(f"draw{size}") as url:
        log(f"loading {size:,} entities and directory entries (COPY; not timed)")
        loaded = load(url, size)
        tenant = loaded["tenant"]
        log(f"loaded in {loaded['seconds']:,.0f} s")
        items = iter(setup(url, items=len(ways) * rounds)["items"])
        with admin_connect(url) as conn:  # the same warm cache for every way
            conn.execute("SELECT count(*) FROM directory_entry d JOIN entity e ON e.id = d.entity_id").fetchone()
        runs: dict[str, list] = {way: [] for way in ways}
        failures: dict[str, str] = {}
        for number in range(rounds):
            for way in (ways if number % 2 == 0 else list(reversed(ways))):
                log(f"{WAYS[way]}, round {number + 1} (load average {load_average()})")
                measure = {"random": random_draw, "ceremony": ceremony_draw}[way]
                try:
                    outcome = measure(url, tenant, next(items))
                except Exception as exc:  # noqa: BLE001 — reported as the outcome of this way
                    log(f"  FAILED: {type(exc).__name__}: {str(exc)[:300]}")
                    failures[way] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
                    continue
                outcome["load_average"] = load_average()
                runs[way].append(outcome)
                log("  " + ", ".join(f"{k.replace('_seconds', '')} {v:,.2f} s" for k, v in outcome.items()
                                     if k.endswith("seconds")))
        result = {"size": size, "load_seconds": loaded["seconds"], "rounds": rounds}
        for way, error in failures.items():
            runs.pop(way)
            result[way] = {"error": error}
        for way, outcomes in runs.items():
            result[way] = {"runs": [{k: v for k, v in o.items() if k not in ("counts", "excluded")} for o in outcomes],
                           "seconds": median([o["seconds"] for o in outcomes])}
            for part in ("freeze_seconds", "draw_seconds"):
                if part in outcomes[0]:
                    result[way][part] = median([o[part] for o in outcomes])
        stored = {way: {o["stored_rows"] for o in outcomes} for way, outcomes in runs.items()}
        assert len(set.union(*stored.values())) == 1, stored  # every way stored the same number of rows
        result["stored_rows"] = runs["random"][0]["stored_rows"]
        if "ceremony" in runs:
            result["candidates"] = sum(runs["ceremony"][0]["counts"][DEPARTMENT].values())
            result["excluded"] = runs["ceremony"][0]["excluded"]
            log("verifying the published proof (untimed)")
            result["verified"] = verify_stored(url, tenant)
            log(f"the engine alone on the frozen frame file (load average {load_average()})")
            result["engine"] = engine_only(url, tenant)
            log(f"  engine {result['engine']['seconds']:,.2f} s, proof file {result['engine']['proof_file_seconds']:,.2f} s")
        gc.collect()
    return result


def run() -> dict:
    results = [run_size(size) for size in SIZES]
    lines, notes = [], []
    baseline_name = "ORDER BY random() LIMIT n per stratum"
    for r in results:
        label, baseline = f"{r['size']:,}", r["random"]["seconds"]
        rows = [("ceremony", f"verifiable draw {label}: platform ceremony"),
                ("engine", f"draw engine alone {label} (frame file in memory)")]
        for key, name in rows:
            figure = "FAILED" if "error" in r.get(key, {}) else f"{r[key]['seconds']:,.2f} s" if key in r else "not run"
            lines.append({"figure_name": name, "figure": figure, "baseline_name": baseline_name,
                          "baseline": f"{baseline:,.2f} s",
                          "ratio": r[key]["seconds"] / baseline if key in r and "seconds" in r[key] else None})
    for r in results:
        label = f"{r['size']:,}"
        part = f"{label} candidates: "
        if "error" in r["ceremony"]:
            part += f"the platform ceremony FAILED at this size: {r['ceremony']['error']}; "
        else:
            part += (f"{r['candidates']:,} in the frame, {sum(r['excluded'].values()):,} excluded as not active; "
                     f"{r['stored_rows']:,} campaign_target rows stored by each way, selected and reserves; median of "
                     f"{r['rounds']} round(s). Platform ceremony {r['ceremony']['seconds']:,.1f} s = freeze_targets "
                     f"{r['ceremony']['freeze_seconds']:,.1f} s + draw_targets {r['ceremony']['draw_seconds']:,.1f} s; "
                     f"the engine alone {r['engine']['seconds']:,.2f} s (frame file parsed and checked, digest, seed, "
                     f"HMAC ranking, selection); the proof file ({r['engine']['proof_megabytes']:,.1f} MB, frame file "
                     f"{r['engine']['frame_megabytes']:,.1f} MB) written with its SHA-256 in "
                     f"{r['engine']['proof_file_seconds']:,.2f} s; ")
        part += f"ORDER BY random() {r['random']['seconds']:,.2f} s."
        if r.get("verified"):
            part += (f" The published proof verifies: {r['verified']['checks']} checks, all "
                     f"{'ok' if r['verified']['ok'] else 'NOT ok'} ({r['verified']['seconds']:,.1f} s).")
        loads = [o["load_average"] for way in ("random", "ceremony") if way in r for o in r[way].get("runs", [])]
        part += f" Load average during the runs {min(loads)}–{max(loads)} on {os.cpu_count()} CPUs."
        notes.append(part)
    notes += [
        "Rules: A 10 %, B 3 %, C 1 %, D 0.5 % (minimum 1 each), reserve 5 per stratum; risk classes in the directory "
        "A 5 %, B 15 %, C 40 %, D 40 %; 2 % of the entities deregistered or revoked (excluded before the freeze).",
        "Both ways run as the application (its database role, the department's scope, row-level security) in the "
        "same database, alternately, after the same cache warm-up; the data were loaded with COPY beforehand (not "
        "timed). The ceremony stores what makes the draw checkable and ORDER BY random() does not: the frozen frame "
        "file (once), the proof without its frame, the published file's SHA-256, audit entries, the next draw's "
        "commitment.",
        "The ceremony is spotcheck.tenants.campaigns.commands.ceremony as it is in the tree at run time: the frame is built "
        "by PostgreSQL (each stratum's sorted lines as one string_agg), the draw reads the frame file back, ranks "
        "in Python and stores the targets.",
    ]
    result = {"title": TITLE, "sizes": SIZES, "rules": RULES, "reserve_size": RESERVE, "results": results,
              "lines": lines, "notes": notes}
    emit(lines)
    save(NAME, result)
    return result
