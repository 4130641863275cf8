"""Two counties under one city (两县一市), built through the commands on the demo's departments: the tree
杭州市 → 上城区 (with the town 清波街道) and 西湖区; the city's justice bureau (SFJ) and market-regulation lead (SCJ)
are the demo's, and its 应急管理局 (YJJ) and 商务局 (SWJ) too. Each county has its own justice bureau and its own
应急管理局 — the same kind of department at two places, and at the city, each with the short name 应急 — and the
town has a department of its own and no bureau (its county's supervises it).

``world()`` returns the ids: ``regions`` by key (city, county1, county2, town), ``tenants`` by code, and
``logins`` by code and role (``logins["SCSFJ"]["supervisor"]`` → ``scsfj_supervisor``). The fixture
``two_counties`` builds it in the test's app and gives the same dict.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.people import DEMO_PASSWORD
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.regions import commands as region_commands, queries as regions
from tests.support.helpers import user_named
from tests.support.snapshots import snapshotted

#: The regions below the demo's city (杭州市, 330100): a tree file as ``spotcheck regions load`` reads it.
TREE = """code,name,level,parent
330100,杭州市,市,
330102,上城区,县,330100
330106,西湖区,县,330100
330102001,清波街道,乡,330102
"""
REGIONS = {"city": "330100", "county1": "330102", "county2": "330106", "town": "330102001"}

#: The departments added: code, name, kind, region key, short name, roles of their users (beside the administrator).
DEPARTMENTS = [
    ("SCSFJ", "上城区司法局", "supervisor", "county1", "上城司法", ("supervisor", "leader")),
    ("SCYJJ", "上城区应急管理局", "ordinary", "county1", "应急", ("planner", "leader", "inspector")),
    ("XHSFJ", "西湖区司法局", "supervisor", "county2", "西湖司法", ("supervisor", "leader")),
    ("XHYJJ", "西湖区应急管理局", "ordinary", "county2", "应急", ("planner", "leader", "inspector")),
    ("QBJD", "清波街道办事处", "ordinary", "town", "清波", ("planner", "leader", "inspector")),
]
#: The demo's departments at the city, by code, and their users' roles (``<code>_<role>``).
CITY = {
    "SFJ": ("admin", "supervisor", "leader"),
    "SCJ": ("admin", "planner", "leader", "inspector", "coord"),
    "YJJ": ("admin", "planner", "leader", "inspector", "coord"),
    "SWJ": ("admin", "planner", "leader", "inspector"),
}

_NAMES = {"admin": "管理员", "supervisor": "监督员", "leader": "领导", "planner": "计划员", "inspector": "检查员"}


@snapshotted
def world() -> dict:
    """Build the two counties (once per run and database kind; copied afterwards)."""
    platform_admin = user_named("admin")
    region_commands.load_tree({"text": TREE, "file_name": "two_counties"}, actor=platform_admin)
    region_ids = {key: regions.by_code(code).id for key, code in REGIONS.items()}  # type: ignore[union-attr]
    tenants: dict[str, int] = {}
    logins: dict[str, dict[str, str]] = {}
    for code, name, kind, where, short_name, roles in DEPARTMENTS:
        login = f"{code.lower()}_admin"
        tenant = accounts.create_department(
            {
                "code": code,
                "name": name,
                "kind": kind,
                "region": REGIONS[where],
                "short_name": short_name,
                "admin": {"login": login, "display_name": f"{name}{_NAMES['admin']}", "password": DEMO_PASSWORD},
            },
            actor=platform_admin,
        )
        tenants[code] = tenant.id
        logins[code] = {"admin": login}
        admin = user_named(login)
        with tenant_scope(tenant.id):
            for role in roles:
                user = accounts.create_user(
                    {
                        "login": f"{code.lower()}_{role}",
                        "display_name": f"{name}{_NAMES[role]}",
                        "password": DEMO_PASSWORD,
                        "roles": [role],
                    },
                    actor=admin,
                )
                logins[code][role] = user.login
    for code, roles in CITY.items():
        tenants[code] = db.session.scalar(sa.select(Tenant.id).where(Tenant.code == code))
        logins[code] = {role: f"{code.lower()}_{role}" for role in roles}
    db.session.commit()
    return {"regions": region_ids, "tenants": tenants, "logins": logins}


@pytest.fixture
def two_counties(app):
    """The two-county world in the test's app (its ids, as :func:`world` returns them)."""
    with app.app_context():
        return world()
