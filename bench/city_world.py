"""The city of :mod:`bench.city_year` (模拟城市): its registry, its departments and what each needs
before its year starts — built once, not timed as a step (its time is printed).

* **The registry (市场主体名录)** — ``ENTITIES`` entities by COPY, as the other benchmarks load it
  (valid 统一社会信用代码, 2 % deregistered or revoked), written as the database owner.
* **The directories (检查对象名录)** — per department a window of the registry, written with
  ``INSERT … SELECT``: each of its campaigns has a category of its own (监管类别, the campaign's
  frame), the rest is 一般监管对象; neighbouring departments share entities, and the joint
  campaign's departments all list the same 联合抽查对象. Risk classes A 5 %, B 15 %, C 40 %, D 40 %.
* **Through the product's commands** — the departments the demo lacks (``create_department``) and
  their planner and leader; each department's items (检查事项), published; its annual plan
  (年度抽查计划) published, submitted and filed by every authority it needs; its inspectors
  (执法检查人员), each with a user account linked to the entry (so that whoever the draw makes 组长
  can record results).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Protocol, TypeVar

import sqlalchemy as sa
from stdnum.cn import ric

from bench.common import Figures, Timer, admin_connect, vacuum_analyze
from bench.draw_data import INACTIVE_PERCENT, copy_registry
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.demo.people import REGION
from spotcheck.demo.staff import POSTS  # 岗位职务: a department's 细则 may require it in the list
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.inspectors import commands as inspectors
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.plans import commands as plans, queries as plan_queries
from spotcheck.tenants.results import commands as results

T = TypeVar("T")
YEAR = 2026
PASSWORD = "Spotcheck-2026"  # the demo's password (spotcheck.demo.DEMO_PASSWORD)
#: Share of each risk class in a directory (per cent), cumulated in SQL.
RISK_SHARES = {"A": 5, "B": 15, "C": 40, "D": 40}
#: A campaign draws this share of its frame in every risk class (ratio in basis points, minimum 1).
DRAW_RATIO_BP = 2500
#: Most visits an inspector should carry in one campaign (how many inspectors a department has).
VISITS_PER_INSPECTOR = 40
TEAM_SIZE = 2
GENERAL = "一般监管对象"
JOINT_CATEGORY = "联合抽查对象"
#: The enforcement category (执法类别) of each department's items and inspectors, in turn.
QUALIFICATIONS = (
    "market",
    "food",
    "drug",
    "quality",
    "price",
    "ip",
    "safety",
    "hazchem",
    "fire",
    "commerce",
    "environment",
    "health",
    "construction",
    "transport",
    "culture",
)
#: The months every plan line sets (the campaigns' windows lie inside them).
PLAN_MONTHS = list(range(3, 11))


@dataclass
class CampaignSpec:
    """One campaign of the year (抽查任务): its department, wanted visits, window and frame category."""

    number: int
    department: str
    visits: int
    window: tuple[date, date]
    category: str
    label: str = ""
    frame: int = 0

    def __post_init__(self) -> None:
        self.frame = frame_for(self.visits)
        self.label = self.label or f"campaign {self.number} ({self.department}, {self.visits:,} visits)"


@dataclass
class Department:
    """A department of the city (部门) and what the year asks of it."""

    index: int
    code: str
    name: str
    campaigns: list[CampaignSpec] = field(default_factory=list)
    joint: bool = False
    joint_visits: int = 0
    tenant_id: int = 0
    item_ids: dict[str, int] = field(default_factory=dict)  # frame category → item
    inspectors: int = 0
    directory: int = 0
    directory_start: int = 0

    @property
    def qualification(self) -> str:
        return "market" if self.code == "SCJ" else QUALIFICATIONS[self.index % len(QUALIFICATIONS)]

    @property
    def field(self) -> str:
        return "market" if self.code == "SCJ" else "other"

    def login(self, role: str) -> str:
        return f"{self.code.lower()}_{role}"


def frame_for(visits: int) -> int:
    """The frame that gives about ``visits`` at :data:`DRAW_RATIO_BP`, the inactive left out."""
    return math.ceil(visits * 10000 / DRAW_RATIO_BP / (1 - INACTIVE_PERCENT / 100))


def window(number: int) -> tuple[date, date]:
    """A two-month window between March and October (the plans' months), in turn."""
    month = 3 + number % 7
    end = date(YEAR, month + 2, 1) - timedelta(days=1)
    return date(YEAR, month, 1), end


# --- the registry and the directories (SQL, as the owner) ---------------------------------------


def load_registry(url: str, count: int) -> Figures:
    """``count`` registry entities by COPY; returns the first id and the time taken."""
    rng = random.Random(20261101)
    with Timer() as timer, admin_connect(url) as conn:
        copy_registry(conn, count, rng, log_every=250_000)
        conn.commit()
        row = conn.execute("SELECT min(id) FROM entity").fetchone()
        assert row is not None  # the query answers one row
        first = row[0]
    return {"seconds": timer.seconds, "first_id": first}


def place_directories(departments: list[Department], entities: int, joint_frame: int) -> None:
    """Each department's window of the registry: the joint campaign's entities come first (shared by
    its departments), then the departments' windows in turn, each as large as its frames need and
    at least a twentieth of the registry, overlapping their neighbours'."""
    span = entities - joint_frame
    stride = max(1, span // max(1, len(departments)))
    for department in departments:
        frames = sum(spec.frame for spec in department.campaigns)
        department.directory = min(span, max(frames + frames // 10, entities // 20))
        department.directory_start = joint_frame + (department.index * stride) % span


def _risk_sql(number: str) -> str:
    bounds, total = [], 0
    for risk, share in RISK_SHARES.items():
        total += share
        bounds.append(f"WHEN (hashtext(({number})::text || 'r') & 1023) < {1024 * total // 100} THEN '{risk}'")
    return f"CASE {' '.join(bounds)} ELSE 'D' END"


def load_directories(
    url: str, departments: list[Department], entities: int, first_id: int, joint_frame: int
) -> Figures:
    """Every department's directory entries (INSERT … SELECT), then VACUUM ANALYZE."""
    span = entities - joint_frame
    written = 0
    with Timer() as timer, admin_connect(url) as conn:
        for department in departments:
            cases, bound = [], 0
            for spec in department.campaigns:
                bound += spec.frame
                cases.append(f"WHEN g < {bound} THEN '{spec.category}'")
            category = f"CASE {' '.join(cases)} ELSE '{GENERAL}' END" if cases else f"'{GENERAL}'"
            number = f"{joint_frame} + mod({department.directory_start - joint_frame} + g, {span})"
            written += conn.execute(
                f"INSERT INTO directory_entry (tenant_id, entity_id, category, risk, tags, created_at) "
                f"SELECT %s, {first_id} + {number}, {category}, {_risk_sql(number)}, '', now() "
                f"FROM generate_series(0, {department.directory - 1}) g",
                (department.tenant_id,),
            ).rowcount
            if department.joint:
                written += conn.execute(
                    f"INSERT INTO directory_entry (tenant_id, entity_id, category, risk, tags, created_at) "
                    f"SELECT %s, {first_id} + g, '{JOINT_CATEGORY}', {_risk_sql('g')}, '', now() "
                    f"FROM generate_series(0, {joint_frame - 1}) g",
                    (department.tenant_id,),
                ).rowcount
        conn.commit()
    with Timer() as vacuum:
        vacuum_analyze(url, "entity", "directory_entry")
    return {"seconds": timer.seconds, "vacuum_seconds": vacuum.seconds, "entries": written}


# --- the departments, through the commands ----------------------------------------------------------


def user_named(login: str) -> User:
    """A user of the city by login (用户), looked up across departments."""
    with system_access("bench: look up a user of the city"):
        return db.session.scalars(sa.select(User).where(User.login == login)).one()


def users(department: Department) -> dict[str, User]:
    """The department's administrator, planner and leader (as commands take them: ``actor``)."""
    return {role: user_named(department.login(role)) for role in ("admin", "planner", "leader")}


def open_departments(departments: list[Department]) -> None:
    """The departments the demo lacks, opened by the platform administrator with their first
    administrator (部门开通), then a planner and a leader each."""
    platform_admin = user_named("admin")
    for department in departments:
        with system_access("bench: find a department"):
            tenant = db.session.scalar(sa.select(Tenant).where(Tenant.code == department.code))
        if tenant is None:
            tenant = accounts.create_department(
                {
                    "code": department.code,
                    "name": department.name,
                    "kind": "ordinary",
                    "region": REGION,  # the demo's departments' county (宁安市)
                    "short_name": department.name[:2],
                    "admin": {
                        "login": department.login("admin"),
                        "display_name": f"{department.name}管理员",
                        "password": PASSWORD,
                    },
                },
                actor=platform_admin,
            )
            with tenant_scope(tenant.id):
                admin = user_named(department.login("admin"))
                for role, title in (("planner", "科员"), ("leader", "分管领导")):
                    accounts.create_user(
                        {
                            "login": department.login(role),
                            "display_name": f"{department.name}{title}",
                            "password": PASSWORD,
                            "roles": [role],
                        },
                        actor=admin,
                    )
        department.tenant_id = tenant.id


class Act(Protocol):
    """How a command of the plan is run: as it is, or timed (``Year.per_visit``)."""

    def __call__(self, call: Callable[[], T], /) -> T: ...


def _run(call: Callable[[], T]) -> T:
    """A command run as it is (untimed)."""
    return call()


def items_and_plan(department: Department, act: Act = _run) -> None:
    """The department's items (one per frame category, the joint one too), published, and its
    annual plan of the year with every item, published, submitted and filed (备案) by each
    authority it needs. ``act(call)`` runs each command of the plan (the benchmark times them)."""
    who = users(department)
    categories = [spec.category for spec in department.campaigns] + ([JOINT_CATEGORY] if department.joint else [])
    with tenant_scope(department.tenant_id):
        for number, category in enumerate(categories, start=1):
            item = items.create_item(
                {
                    "name": f"{category}监督检查（{department.name}第{number}项）",
                    "inspector_categories": [department.qualification],
                    "field": department.field,
                    "legal_basis": "《中华人民共和国行政许可法》第六十一条",
                    "checking_body": department.name,
                    "target_type": category,
                    "content": "依法经营及主体责任落实情况",
                    "methods": ["onsite"],
                    "ratio_bp": 500,
                    "frequency_times": 1,
                    "frequency_period": "year",
                },
                actor=who["admin"],
            )
            items.publish_item(item.id, actor=who["admin"])
            department.item_ids[category] = item.id
        plan_id = act(
            lambda: (
                plans.create_plan(
                    {"year": YEAR, "half": None, "title": f"{YEAR}年度{department.name}双随机抽查计划"},
                    actor=who["planner"],
                ).id
            )
        )
        for item_id in department.item_ids.values():
            act(
                partial(
                    plans.set_line,
                    plan_id,
                    {
                        "item_id": item_id,
                        "ratio_bp": DRAW_RATIO_BP,
                        "frequency_times": 1,
                        "frequency_period": "year",
                        "months": PLAN_MONTHS,
                        "methods": ["onsite"],
                    },
                    actor=who["planner"],
                )
            )
        act(lambda: plans.publish(plan_id, actor=who["leader"]))
        act(lambda: plans.submit(plan_id, actor=who["leader"]))
        authorities = plan_queries.authorities_for(plan_queries.get_plan(plan_id))
    reviewers = {"justice": user_named("sfj_supervisor"), "market": user_named("scj_coord")}
    for authority in authorities:
        reviewer = reviewers[authority]
        with tenant_scope(reviewer.tenant_id):
            act(partial(plans.review, plan_id, {"accept": True, "comment": "同意备案。"}, actor=reviewer))


def id_number(number: int) -> str:
    """A valid 身份证号码 (GB 11643) for inspector ``number`` of the city."""
    born = date(1983, 1, 1) + timedelta(days=number % 7000)
    body = f"330102{born:%Y%m%d}{number % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def inspectors_needed(department: Department) -> int:
    """Enough inspectors for the department's largest campaign (its joint part included) at about
    :data:`VISITS_PER_INSPECTOR` visits each, six at least."""
    largest = max([spec.visits for spec in department.campaigns] + [department.joint_visits])
    return max(6, math.ceil(TEAM_SIZE * largest / VISITS_PER_INSPECTOR))


def inspectors_with_accounts(department: Department, first_number: int) -> int:
    """The department's inspectors (执法检查人员名录), each with an inspector's account linked to the
    entry (检查人员与账号关联). Returns how many."""
    admin = users(department)["admin"]
    count = inspectors_needed(department)
    with tenant_scope(department.tenant_id):
        for n in range(count):
            number = first_number + n
            inspector = inspectors.create_inspector(
                {
                    "name": f"{department.name[:2]}检查员{n + 1:03d}",
                    "sex": "男" if n % 2 else "女",
                    "id_number": id_number(number),
                    "agency": department.name,
                    "post": POSTS[n % len(POSTS)],
                    "cert_no": f"{department.code}-{n + 1:04d}",
                    "cert_expires_on": f"{YEAR + 3}-12-31",
                    "categories": [department.qualification],
                    "active": True,
                },
                actor=admin,
            )
            account = accounts.create_user(
                {
                    "login": department.login(f"i{n + 1:04d}"),
                    "display_name": inspector.name,
                    "password": PASSWORD,
                    "roles": ["inspector"],
                },
                actor=admin,
            )
            results.link_inspector(inspector.id, {"user_id": account.id, "other_name": True}, actor=admin)
    department.inspectors = count
    return count
