"""Two counties under one city (两县一市), built through the commands on the demo: the demo's tree 牡丹江市 → 宁安市
(with its departments and the town 宁安镇's) gains two more counties of 牡丹江市, 海林市 (with the town 海林镇) and
穆棱市. The city's justice bureau (SFJ) and market-regulation lead (SCJ) are the demo's upper level's (牡丹江市司法局,
牡丹江市市场监督管理局: ``mdjsfj_supervisor``, ``mdjscj_coord``); the world adds the city's 应急管理局 (YJJ) and 商务局
(SWJ). Each county has its own justice bureau and its own 应急管理局 — the same kind of department at two places, and
at the city, each with the short name 应急 — and the town has a department of its own and no bureau (its county's
supervises it). The demo's 宁安市 (its SFJ, SCJ, YJJ, SWJ and 宁安镇's department) is a third county of the city: in
the city's branch, outside both counties'.

``world()`` returns the ids: ``regions`` by key (city, county1, county2, town), ``tenants`` by key (the city's SFJ,
SCJ, YJJ, SWJ; SCSFJ, SCYJJ of county1; XHSFJ, XHYJJ of county2; QBJD of the town), and ``logins`` by key and role
(``logins["SCSFJ"]["supervisor"]`` → ``scsfj_supervisor``; ``logins["SFJ"]["supervisor"]`` → ``mdjsfj_supervisor``).
Refer to them through it, never by code or place name: ``REGIONS`` and ``CODES`` name what is literal. The fixture
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

#: The regions the world adds below the demo's city (牡丹江市, 231000): a tree file as ``spotcheck regions load``
#: reads it.
TREE = """code,name,level,parent
231083,海林市,县,231000
231085,穆棱市,县,231000
231083100,海林镇,乡,231083
"""
REGIONS = {"city": "231000", "county1": "231083", "county2": "231085", "town": "231083100"}

#: The departments added: key (their code), name, kind, region key, short name, roles of their users (beside the
#: administrator).
DEPARTMENTS = [
    ("SCSFJ", "海林市司法局", "supervisor", "county1", "海林司法", ("supervisor", "leader")),
    ("SCYJJ", "海林市应急管理局", "ordinary", "county1", "应急", ("planner", "leader", "inspector")),
    ("XHSFJ", "穆棱市司法局", "supervisor", "county2", "穆棱司法", ("supervisor", "leader")),
    ("XHYJJ", "穆棱市应急管理局", "ordinary", "county2", "应急", ("planner", "leader", "inspector")),
    ("QBJD", "海林镇人民政府", "ordinary", "town", "海林镇", ("planner", "leader", "inspector")),
    ("MDJYJJ", "牡丹江市应急管理局", "ordinary", "city", "应急", ("planner", "leader", "inspector", "coord")),
    ("MDJSWJ", "牡丹江市商务局", "ordinary", "city", "商务", ("planner", "leader", "inspector")),
]
#: The city's departments by the world's key: their codes (the demo's upper level's, and two the world adds) and
#: their users' roles (``<code>_<role>``).
CITY = {
    "SFJ": ("MDJSFJ", ("admin", "supervisor", "leader")),
    "SCJ": ("MDJSCJ", ("admin", "planner", "leader", "inspector", "coord")),
    "YJJ": ("MDJYJJ", ("admin", "planner", "leader", "inspector", "coord")),
    "SWJ": ("MDJSWJ", ("admin", "planner", "leader", "inspector")),
}
#: Each key's department code.
CODES = {code: code for code, *_ in DEPARTMENTS} | {key: code for key, (code, _roles) in CITY.items()}

_NAMES = {
    "admin": "管理员",
    "supervisor": "监督员",
    "leader": "领导",
    "planner": "计划员",
    "inspector": "检查员",
    "coord": "协调员",
}
_ROLES = {"coord": "field_coordinator"}


@snapshotted
def world() -> dict:
    """Build the two counties (once per run and database kind; copied afterwards)."""
    platform_admin = user_named("admin")
    if regions.by_code(REGIONS["county2"]) is None:  # the demo has 海林市 already: the file adds the rest
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
                        "roles": [_ROLES.get(role, role)],
                    },
                    actor=admin,
                )
                logins[code][role] = user.login
    for key, (code, roles) in CITY.items():
        if key in ("YJJ", "SWJ"):  # the world's own at the city, made above
            tenants[key], logins[key] = tenants.pop(code), logins.pop(code)
            continue
        tenants[key] = db.session.scalar(sa.select(Tenant.id).where(Tenant.code == code))
        logins[key] = {role: f"{code.lower()}_{role}" for role in roles}
    db.session.commit()
    return {"regions": region_ids, "tenants": tenants, "logins": logins}


@pytest.fixture
def two_counties(app):
    """The two-county world in the test's app (its ids, as :func:`world` returns them)."""
    with app.app_context():
        return world()
