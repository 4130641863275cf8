"""演示部门与用户: the demo's departments (部门) and a user per role, created through the accounts'
commands, and the accounts linked to the inspectors who lead the demo's visits (组长)."""

from __future__ import annotations

from datetime import date
from typing import cast

import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.place import DEFAULT, PLACES, Place
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, TargetStatus, TeamMember
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.regions import commands as region_commands, queries as region_queries
from spotcheck.tenants.results import commands as results

DEMO_PASSWORD = "Spotcheck-2026"
#: 宁安市 (GB/T 2260 231084), a county-level city of 黑龙江省牡丹江市: the region of the demo's departments
#: (:data:`DEPARTMENTS`) by default (:mod:`spotcheck.demo.place`: under 城口县's rulebook, 城口县).
REGION = DEFAULT.county[0]
#: The day the demo's departments were opened on the platform (they owe the year's filings and tables).
DEPARTMENTS_SINCE = date(2026, 1, 5)

#: The departments' part of the short names in campaign codes (机关代字), after their place's one-character
#: abbreviation (:attr:`Place.county_abbreviation`): 宁应急 in 宁应急抽〔2026〕1号, as a real department's 文号 carries
#: its place (宁市监, 牡市监), so that two levels' departments of one kind never issue the same number.
SHORT_NAMES = {"SCJ": "市监", "YJJ": "应急", "SWJ": "商务", "SFJ": "司法"}

#: A demo department: code, name, kind, [(login, display name, roles)] (its administrator first).
Department = tuple[str, str, str, list[tuple[str, str, list[str]]]]

#: The departments of the county (宁安市), the demo's first, by the kind of department: each is created under its
#: full name, the county's name before it (宁安市市场监督管理局, :func:`all_departments`), as the upper level's and the
#: town's are (牡丹江市市场监督管理局, 宁安镇综合行政执法办公室).
DEPARTMENTS: list[Department] = [
    # code, name, kind, [(login, display name, roles)]
    (
        "SCJ",
        "市场监督管理局",
        "lead",
        [
            ("scj_admin", "赵敏", ["tenant_admin"]),
            ("scj_planner", "钱伟", ["planner"]),
            ("scj_leader", "孙立", ["leader"]),
            ("scj_inspector", "李强", ["inspector"]),
            ("scj_coord", "周静", ["coordinator"]),
        ],
    ),
    (
        "YJJ",
        "应急管理局",
        "ordinary",
        [
            ("yjj_admin", "吴刚", ["tenant_admin"]),
            ("yjj_planner", "郑洁", ["planner"]),
            ("yjj_leader", "王磊", ["leader"]),
            ("yjj_inspector", "冯涛", ["inspector"]),
            ("yjj_coord", "许诺", ["field_coordinator"]),  # 安全生产领域联合抽查的牵头部门 (demo_city.FIELD_LEADS)
        ],
    ),
    (
        "SWJ",
        "商务局",
        "ordinary",
        [
            ("swj_admin", "陈晨", ["tenant_admin"]),
            ("swj_planner", "褚丽", ["planner"]),
            ("swj_leader", "卫东", ["leader"]),
            ("swj_inspector", "蒋华", ["inspector"]),
        ],
    ),
    (
        "SFJ",
        "司法局",
        "supervisor",
        [
            ("sfj_admin", "沈亮", ["tenant_admin"]),
            ("sfj_supervisor", "韩梅", ["supervisor"]),
            ("sfj_leader", "刘洋", ["leader"]),
        ],
    ),
]


def upper_departments(place: Place) -> list[Department]:
    """The upper level's (牡丹江市's) departments: its justice bureau, and its market-regulation bureau, the field's
    lead of its region (each region has its own lead: 宁安市's is its SCJ), with a planner, a leader, an inspector
    and a coordinator of joint checks."""
    upper, justice, market = place.upper[1], f"{place.prefix}SFJ", f"{place.prefix}SCJ"
    return [
        (
            justice,
            f"{upper}司法局",
            "supervisor",
            [
                (f"{justice.lower()}_admin", "白雪", ["tenant_admin"]),
                (f"{justice.lower()}_supervisor", "金哲", ["supervisor"]),
                (f"{justice.lower()}_leader", "朴成浩", ["leader"]),
            ],
        ),
        (
            market,
            f"{upper}市场监督管理局",
            "lead",
            [
                (f"{market.lower()}_admin", "常宏", ["tenant_admin"]),
                (f"{market.lower()}_planner", "关丽娜", ["planner"]),
                (f"{market.lower()}_leader", "石振国", ["leader"]),
                (f"{market.lower()}_inspector", "范立新", ["inspector"]),
                (f"{market.lower()}_coord", "修文静", ["coordinator"]),
            ],
        ),
    ]


def town_departments(place: Place) -> list[Department]:
    """The town's (宁安镇's) department: no bureau of its own (its county's supervises it)."""
    code, name, _short = place.town_department
    login = code.lower()
    return [
        (
            code,
            name,
            "ordinary",
            [
                (f"{login}_admin", "姜维民", ["tenant_admin"]),
                (f"{login}_planner", "崔永红", ["planner"]),
                (f"{login}_leader", "车志刚", ["leader"]),
                (f"{login}_inspector", "尹春燕", ["inspector"]),
            ],
        )
    ]


def county_departments(place: Place) -> list[Department]:
    """The county's (宁安市's) departments (:data:`DEPARTMENTS`) under their full names: 宁安市市场监督管理局."""
    return [(code, f"{place.county[1]}{name}", kind, users) for code, name, kind, users in DEPARTMENTS]


def all_departments(place: Place = DEFAULT) -> list[tuple[str, str, Department]]:
    """Every department of the demo at ``place``, with its region's code and its short name (机关代字: its place's
    abbreviation and its kind's, 宁市监 and 牡市监 — never the same at two levels): the county's first
    (:data:`DEPARTMENTS`), then the upper level's, then the town's."""
    county, upper = place.county_abbreviation, place.upper_abbreviation
    return [
        *((place.county[0], county + SHORT_NAMES[d[0]], d) for d in county_departments(place)),
        *((place.upper[0], upper + ("司法" if d[2] == "supervisor" else "市监"), d) for d in upper_departments(place)),
        *((place.town[0], place.town_department[2], d) for d in town_departments(place)),
    ]


#: Every demo login of the default place (宁安市), the platform administrator's too.
LOGINS = frozenset({"admin"} | {login for *_, (_c, _n, _k, users) in all_departments() for login, *_ in users})


def role_key(code: str) -> str:
    """The key of a demo department's data (its items, inspectors, plans, campaigns) by its code: the county's
    departments their own codes, the upper level's and the town's the default place's (CQSCJ → MDJSCJ)."""
    for place in PLACES.values():
        if code == place.town_department[0]:
            return DEFAULT.town_department[0]
        if code.startswith(place.prefix) and code[len(place.prefix) :] in SHORT_NAMES:
            return DEFAULT.prefix + code[len(place.prefix) :]
    return code


def is_upper(code: str) -> bool:
    """A department of the upper level (牡丹江市)."""
    return role_key(code).startswith(DEFAULT.prefix)


def deployed() -> Place:
    """The place this deployment's demo is at (by its county in the region tree; 宁安市 if none is)."""
    return next((place for place in PLACES.values() if region_queries.by_code(place.county[0])), DEFAULT)


def departments(logins: list, *, today: date, place: Place = DEFAULT) -> dict[str, Tenant]:
    """The platform administrator, the place's regions, the departments and their users, whatever of them is
    missing, by :func:`role_key` (``MDJSCJ`` for the upper level's market bureau wherever the place); each user is
    added to ``logins`` as (login, name, department, roles)."""
    if not user_exists("admin"):
        accounts.create_platform_admin(
            {"login": "admin", "display_name": "平台管理员", "password": DEMO_PASSWORD}, actor=CONSOLE
        )
    logins.append(("admin", "平台管理员", "—", ["platform_admin"]))
    if region_queries.by_code(place.town[0]) is None:
        region_commands.load_tree({"text": place.tree(), "file_name": "demo"}, actor=user_named("admin"))
    tenants = {}
    for region, short_name, (code, name, kind, users) in all_departments(place):
        tenant = db.session.scalar(sa.select(Tenant).where(Tenant.code == code))
        if tenant is None:
            (admin_login, admin_name, _roles), *_ = users
            with clock.frozen_at(min(DEPARTMENTS_SINCE, today)):  # they owe this year's filings and tables
                tenant = accounts.create_department(
                    {
                        "code": code,
                        "name": name,
                        "kind": kind,
                        "region": region,
                        "short_name": short_name,
                        "admin": {"login": admin_login, "display_name": admin_name, "password": DEMO_PASSWORD},
                    },
                    actor=user_named("admin"),
                )
        tenants[role_key(code)] = tenant
        for login, display_name, roles in users:
            if not user_exists(login):
                with tenant_scope(tenant.id), clock.frozen_at(min(DEPARTMENTS_SINCE, today)):
                    accounts.create_user(
                        {"login": login, "display_name": display_name, "password": DEMO_PASSWORD, "roles": roles},
                        actor=admin_of(tenant),
                    )
            logins.append((login, display_name, name, roles))
    return tenants


def user_exists(login: str) -> bool:
    return db.session.execute(sa.select(sa.func.count()).select_from(User).where(User.login == login)).scalar_one() > 0


def user_named(login: str) -> User:
    return cast(User, db.session.scalar(sa.select(User).where(User.login == login)))  # the demo made it


def admin_of(tenant: Tenant) -> User:
    return user_named(f"{tenant.code.lower()}_admin")


def account_of(code: str, inspector: Inspector, admin: User) -> User:
    """The user account linked to ``inspector``, linking (or creating) one if there is none."""
    if inspector.user_id is not None:
        return cast(User, db.session.get(User, inspector.user_id))
    login = f"{code}_inspector"
    linked = db.session.scalar(
        sa.select(Inspector.id).join(User, User.id == Inspector.user_id).where(User.login == login)
    )
    if linked is not None:
        login = f"{code}_inspector_{inspector.cert_no.lower().replace('-', '')}"
        if not user_exists(login):
            accounts.create_user(
                {"login": login, "display_name": inspector.name, "password": DEMO_PASSWORD, "roles": ["inspector"]},
                actor=admin,
            )
    account = user_named(login)
    if account.display_name != inspector.name:  # the demo's account is this person's: it bears their name
        accounts.update_user(account.id, {"display_name": inspector.name}, actor=admin)
    results.link_inspector(inspector.id, {"user_id": account.id}, actor=admin)
    return user_named(login)


def leaders_linked(code: str, campaign: Campaign, admin: User, *, first: int = 0) -> None:
    """Before a department's own campaign is handed out, which waits for its 组长 to have accounts (only the 组长
    records 入企 and 离企): every 组长 linked to an account (:func:`account_of`), in the order of the visits the
    hand-out makes — the visit at ``first`` first, whose 组长 gets ``<code>_inspector`` when it is free."""
    entities = list(
        db.session.scalars(
            sa.select(CampaignTarget.entity_id)
            .where(CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected)
            .order_by(CampaignTarget.stratum, CampaignTarget.rank)
        )
    )
    leaders = {
        member.entity_id: member.inspector_id
        for member in db.session.scalars(
            sa.select(TeamMember).where(
                TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True), TeamMember.is_leader.is_(True)
            )
        )
    }
    for entity_id in entities[first : first + 1] + entities:
        if entity_id in leaders:
            account_of(code, cast(Inspector, db.session.get(Inspector, leaders[entity_id])), admin)


def joint_leaders_linked(campaign: Campaign) -> None:
    """Before a joint campaign is handed out: each mixed team's 组长 linked to an account in their own department,
    by its administrator (:func:`account_of`)."""
    parts = campaign.joint_parts or {}
    leaders = [
        (member.group_code, member.inspector_id)
        for member in db.session.scalars(
            sa.select(TeamMember)
            .where(TeamMember.campaign_id == campaign.id, TeamMember.active.is_(True), TeamMember.is_leader.is_(True))
            .order_by(TeamMember.entity_id)
        )
    ]
    for group, inspector_id in leaders:
        part = parts[group]
        with tenant_scope(part["tenant_id"]):  # the group is the department's code, its logins' prefix
            code = group.lower()
            account_of(code, cast(Inspector, db.session.get(Inspector, inspector_id)), user_named(f"{code}_admin"))
