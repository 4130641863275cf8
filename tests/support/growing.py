"""A world that grows (a province's size, issue 78): more departments in the demo's departments' region, each with
its plan, its campaign and its inspector, and how many SQL statements a request runs — a page that reads no more as
the departments grow runs the same number with them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.queries import get_tenant
from spotcheck.tenants.campaigns import commands as campaign_commands
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import DEMO_PASSWORD, user_named
from tests.support.snapshots import snapshotted

#: How many departments the growing world adds to the demo's departments' region.
MORE = 20


@snapshotted
def more_departments(count: int) -> list[str]:
    """``count`` more departments in the demo's departments' region, each through the commands with its users, its
    published and filed plan, an approved campaign and one inspector on its public list; their codes."""
    platform_admin, region = user_named("admin"), get_tenant(user_named("yjj_admin").tenant_id).region
    codes = []
    for n in range(count):
        code = f"AX{n:02d}"  # before the demo's codes: a look-up trying each department in turn meets them first
        tenant = accounts.create_department(
            {
                "code": code,
                "name": f"{region.name}测试局{n:02d}",
                "kind": "ordinary",
                "region": region.code,
                "short_name": f"测{n:02d}",
                "admin": {"login": f"{code.lower()}_admin", "display_name": "管理员", "password": DEMO_PASSWORD},
            },
            actor=platform_admin,
        )
        with tenant_scope(tenant.id):
            for role in ("planner", "leader"):
                accounts.create_user(
                    {
                        "login": f"{code.lower()}_{role}",
                        "display_name": role,
                        "password": DEMO_PASSWORD,
                        "roles": [role],
                    },
                    actor=user_named(f"{code.lower()}_admin"),
                )
            db.session.commit()
        world = build(code.lower(), entities=1, inspector_count=1, first_code=0)
        admin = user_named(f"{code.lower()}_admin")
        with tenant_scope(admin.tenant_id):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
            campaign_commands.approve(campaign.id, actor=leader_of(admin))
            db.session.commit()
        codes.append(code)
    return codes


@contextmanager
def counted(app) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block, as a list filled as they run."""
    seen: list[str] = []

    def count(conn, cursor, statement, *rest):
        seen.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def statements(app, client, url: str) -> int:
    """How many SQL statements one request of ``url`` runs (after a first request, which may read what a process
    reads once)."""
    response = client.get(url)
    assert response.status_code == 200, url
    with counted(app) as seen:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(seen)
