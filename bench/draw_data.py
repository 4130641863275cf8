"""The data the draw benchmarks share (not timed): a registry of valid 统一社会信用代码 by COPY (2 %
deregistered or revoked), 市场监管局's directory of it in four risk strata A–D, and published items
with a plan of 2026 filed by the justice bureau (through the services). Used by
:mod:`bench.draw_targets`, :mod:`bench.draw_inspectors`, :mod:`bench.notices_pdf`,
:mod:`bench.joint_draw` and :mod:`bench.city_world`."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator

import psycopg
import sqlalchemy as sa
from psycopg.rows import TupleRow

from bench.common import Figures, Timer, admin_connect, app_context, log, vacuum_analyze
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.demo.registry import org_code_check
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.common.validators import credit_check_character
from spotcheck.tenants.items import commands as item_services
from spotcheck.tenants.plans import commands as plans

DEPARTMENT = "SCJ"
CATEGORY = "食品经营"
#: Share of each risk class in the directory, and the campaign's rule for it (higher for high risk).
SHARES = {"A": 5, "B": 15, "C": 40, "D": 40}
RULES = {
    "A": {"ratio_bp": 1000, "min": 1},
    "B": {"ratio_bp": 300, "min": 1},
    "C": {"ratio_bp": 100, "min": 1},
    "D": {"ratio_bp": 50, "min": 1},
}
RESERVE = 5
INACTIVE_PERCENT = 2  # deregistered / revoked: excluded from the frame ("not_active")

REGIONS = tuple(f"231084{town:03d}" for town in range(100, 110))  # 宁安市 (the demo department SCJ's branch)
INDUSTRIES = ("F5211", "F5212", "H6210", "H6220", "C1391", "C1431", "F5221", "F5225", "I6420", "L7212")
WORDS = ("鑫源", "恒达", "华联", "天成", "润丰", "金桥", "永盛", "宏远", "嘉禾", "顺祥", "瑞丰", "德信", "同创", "汇通")
TRADES = ("餐饮管理", "食品", "商贸", "超市", "便利店", "副食品", "茶饮", "烘焙")


# --- valid 统一社会信用代码 quickly (GB 32100 with the GB 11714 organisation code inside) ------------


def credit_code(number: int) -> str:
    """A valid code for entity ``number`` (region 330100, 91: enterprise), distinct per number."""
    org8 = f"MA{number:06d}" if number < 1_000_000 else f"M{number:07d}"  # letters allowed in the body
    body = "91330100" + org8 + org_code_check(org8)
    return body + credit_check_character(body)


# --- the data (not timed) --------------------------------------------------------------------


#: A step coprime with every size the benchmarks load (a prime above them all would do as well).
_STRIDE = 7_919


def arrival_order(count: int) -> Iterator[int]:
    """The numbers ``0 … count-1`` in the order their entities are registered: not the order of their codes
    (a registry's rows come as businesses register, and its codes do not follow them), a fixed permutation
    (``i × 7919 mod count``) so that every run loads the same rows in the same order."""
    if count % _STRIDE == 0:
        yield from range(count)
        return
    for position in range(count):
        yield position * _STRIDE % count


def copy_registry(conn: psycopg.Connection[TupleRow], count: int, rng: random.Random, *, log_every: int) -> None:
    """``count`` registry entities written by COPY on ``conn`` (2 % deregistered or revoked, a few
    with complaints or abnormal), their names and codes a function of their number, in
    :func:`arrival_order`."""
    with (
        conn.cursor() as cursor,
        cursor.copy(
            "COPY entity (code, name, entity_type, industry_code, region_code, address, status, abnormal, "
            "blacklisted, penalized_on, complaints, credit_rating, updated_at) FROM STDIN"
        ) as copy,
    ):
        for position, number in enumerate(arrival_order(count)):
            r = rng.random()
            inactive = r < INACTIVE_PERCENT / 100
            copy.write_row(
                (
                    credit_code(number),
                    f"杭州{WORDS[number % 14]}{TRADES[number // 14 % 8]}有限公司{number}号店",
                    "enterprise",
                    INDUSTRIES[number % 10],
                    REGIONS[number // 10 % 10],
                    f"杭州市某路{number % 9973}号",
                    ("deregistered" if r < INACTIVE_PERCENT / 200 else "revoked") if inactive else "active",
                    r > 0.97,
                    False,
                    None,
                    1 if r > 0.995 else 0,
                    "B",
                    "2026-01-01T00:00:00Z",
                )
            )
            if position and position % log_every == 0:
                log(f"{position:,} entities copied")


def load(url: str, count: int) -> Figures:
    """``count`` registry entities by COPY, and a directory entry of the department for each."""
    rng = random.Random(20260301)
    with Timer() as timer, admin_connect(url) as conn:
        found = conn.execute("SELECT id FROM tenant WHERE code = %s", (DEPARTMENT,)).fetchone()
        assert found is not None  # the demo's departments are loaded
        tenant = found[0]
        copy_registry(conn, count, rng, log_every=1_000_000)
        log("directory entries (INSERT … SELECT, risk classes A–D)")
        bounds = []
        total = 0
        for risk, share in SHARES.items():
            total += share
            bounds.append(f"WHEN (hashtext(code) & 1023) < {1024 * total // 100} THEN '{risk}'")
        conn.execute(
            f"INSERT INTO directory_entry (tenant_id, entity_id, category, risk, tags, created_at, "
            f"entity_industry) "  # the copy the import writes (migration 0054), not each row's trigger
            f"SELECT %s, id, %s, CASE {' '.join(bounds)} ELSE 'D' END, '', now(), industry_code FROM entity",
            (tenant, CATEGORY),
        )
        conn.commit()
    vacuum_analyze(url, "entity", "directory_entry")
    return {"seconds": timer.seconds, "tenant": tenant}


def setup(url: str, items: int) -> Figures:
    """Published items, a plan of 2026 with them, filed by the justice bureau (through the services)."""
    with app_context(url):
        with system_access("bench: look up the demo users"):
            users = {
                u.login: u
                for u in db.session.scalars(
                    sa.select(User).where(User.login.in_(["scj_admin", "scj_planner", "scj_leader", "sfj_supervisor"]))
                )
            }
        admin, supervisor = users["scj_admin"], users["sfj_supervisor"]
        with tenant_scope(admin.tenant_id):
            item_ids = []
            for number in range(items):
                item = item_services.create_item(
                    {
                        "name": f"食品经营者落实主体责任检查（基准{number + 1}）",
                        "inspector_categories": ["food"],
                        "field": "market",
                        "legal_basis": "《中华人民共和国食品安全法》第一百一十条",
                        "checking_body": "市市场监督管理局",
                        "target_type": "食品经营者",
                        "content": "主体责任落实情况",
                        "methods": ["onsite"],
                        "ratio_bp": 500,
                        "frequency_times": 1,
                        "frequency_period": "year",
                    },
                    actor=admin,
                )
                item_services.publish_item(item.id, actor=admin)
                item_ids.append(item.id)
            plan = plans.create_plan(
                {"year": 2026, "half": None, "title": "2026年度双随机抽查计划"}, actor=users["scj_planner"]
            )
            for item_id in item_ids:
                plans.set_line(
                    plan.id,
                    {
                        "item_id": item_id,
                        "ratio_bp": 100,
                        "frequency_times": 1,
                        "frequency_period": "year",
                        "months": [3, 4, 5],
                        "methods": ["onsite"],
                    },
                    actor=users["scj_planner"],
                )
            plans.publish(plan.id, actor=users["scj_leader"])
            plans.submit(plan.id, actor=users["scj_leader"])
            db.session.commit()
            plan_id = plan.id
        with tenant_scope(supervisor.tenant_id):
            plans.review(plan_id, {"accept": True, "comment": "同意备案"}, actor=supervisor)
            db.session.commit()
    return {"items": item_ids}


def load_average() -> float:
    return round(os.getloadavg()[0], 1)
