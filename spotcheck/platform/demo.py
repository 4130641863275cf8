"""The demo city (演示数据): four departments and a user per role. Idempotent."""
from __future__ import annotations

import sqlalchemy as sa

from spotcheck.platform.extensions import db
from spotcheck.tenants import services
from spotcheck.tenants.models import Tenant, User
from spotcheck.tenants.scoping import system_access

DEMO_PASSWORD = "Spotcheck-2026"
REGION = "330100"  # 杭州市 (GB/T 2260), an example city

DEPARTMENTS = [
    # code, name, kind, [(login, display name, roles)]
    ("SCJ", "市场监督管理局", "lead", [
        ("scj_admin", "赵敏", ["tenant_admin"]),
        ("scj_planner", "钱伟", ["planner"]),
        ("scj_leader", "孙立", ["leader"]),
        ("scj_inspector", "李强", ["inspector"]),
        ("scj_coord", "周静", ["coordinator"]),
    ]),
    ("YJJ", "应急管理局", "ordinary", [
        ("yjj_admin", "吴刚", ["tenant_admin"]),
        ("yjj_planner", "郑洁", ["planner"]),
        ("yjj_leader", "王磊", ["leader"]),
        ("yjj_inspector", "冯涛", ["inspector"]),
    ]),
    ("SWJ", "商务局", "ordinary", [
        ("swj_admin", "陈晨", ["tenant_admin"]),
        ("swj_planner", "褚丽", ["planner"]),
        ("swj_leader", "卫东", ["leader"]),
        ("swj_inspector", "蒋华", ["inspector"]),
    ]),
    ("SFJ", "司法局", "supervisor", [
        ("sfj_admin", "沈亮", ["tenant_admin"]),
        ("sfj_supervisor", "韩梅", ["supervisor"]),
    ]),
]


def load_demo() -> list[tuple[str, str, str, list[str]]]:
    """Create whatever of the demo is missing; return (login, name, department, roles) for each user."""
    logins = []
    with system_access("load the demo data"):
        if not _user_exists("admin"):
            services.create_user(tenant=None, login="admin", display_name="平台管理员", password=DEMO_PASSWORD,
                                 roles=["platform_admin"])
        logins.append(("admin", "平台管理员", "—", ["platform_admin"]))
        for code, name, kind, users in DEPARTMENTS:
            tenant = db.session.scalar(sa.select(Tenant).where(Tenant.code == code))
            if tenant is None:
                tenant = services.create_tenant(code=code, name=name, kind=kind, region_code=REGION)
            for login, display_name, roles in users:
                if not _user_exists(login):
                    services.create_user(tenant=tenant, login=login, display_name=display_name,
                                         password=DEMO_PASSWORD, roles=roles)
                logins.append((login, display_name, name, roles))
        db.session.commit()
    return logins


def _user_exists(login: str) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.login == login)) > 0
