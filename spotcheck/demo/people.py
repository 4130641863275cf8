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
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.regions import commands as region_commands, queries as region_queries
from spotcheck.tenants.results import commands as results

DEMO_PASSWORD = "Spotcheck-2026"
#: 杭州市 (GB/T 2260), an example city: the root of the demo's regions (区划), every department's region.
REGION = "330100"
#: The demo's tree of regions (a tree file: code, name, level, parent): the one city.
REGION_TREE = "code,name,level,parent\n330100,杭州市,市,\n"
#: The day the demo's departments were opened on the platform (they owe the year's filings and tables).
DEPARTMENTS_SINCE = date(2026, 1, 5)

#: The short names in campaign codes (应急抽〔2026〕1号).
SHORT_NAMES = {"SCJ": "市监", "YJJ": "应急", "SWJ": "商务", "SFJ": "司法"}

DEPARTMENTS = [
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


def departments(logins: list, *, today: date) -> dict[str, Tenant]:
    """The platform administrator, the departments and their users, whatever of them is missing;
    each user is added to ``logins`` as (login, name, department, roles)."""
    if not user_exists("admin"):
        accounts.create_platform_admin(
            {"login": "admin", "display_name": "平台管理员", "password": DEMO_PASSWORD}, actor=CONSOLE
        )
    logins.append(("admin", "平台管理员", "—", ["platform_admin"]))
    if region_queries.by_code(REGION) is None:
        region_commands.load_tree({"text": REGION_TREE, "file_name": "demo"}, actor=user_named("admin"))
    tenants = {}
    for code, name, kind, users in DEPARTMENTS:
        tenant = db.session.scalar(sa.select(Tenant).where(Tenant.code == code))
        if tenant is None:
            (admin_login, admin_name, _roles), *_ = users
            with clock.frozen_at(min(DEPARTMENTS_SINCE, today)):  # they owe this year's filings and tables
                tenant = accounts.create_department(
                    {
                        "code": code,
                        "name": name,
                        "kind": kind,
                        "region": REGION,
                        "short_name": SHORT_NAMES[code],
                        "admin": {"login": admin_login, "display_name": admin_name, "password": DEMO_PASSWORD},
                    },
                    actor=user_named("admin"),
                )
        tenants[code] = tenant
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
