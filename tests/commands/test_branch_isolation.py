"""Isolation down the branch (辖区隔离, issue 77): a department reads only its own data, whatever its level; a
region's justice bureau and market-regulation lead read their own region and the regions below it (the branch),
through the audited cross-department path, and nothing beside or above; a joint draw's frame opens only the
departments invited. In the ORM scope on both databases, and in row-level security (raw SQL) on PostgreSQL.

The world: the demo's city (SFJ, SCJ, YJJ, SWJ) with two counties below it, county1 (its bureau SCSFJ, its
SCYJJ, and its town's QBJD) and county2 (XHSFJ, XHYJJ) — :mod:`tests.support.two_counties` (and the demo's own county
beside them, in the city's branch).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core import audit, scoping
from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import (
    TenantViolationError,
    branch_of,
    cross_tenant,
    current_scope,
    system_access,
    tenant_scope,
)
from spotcheck.demo.people import DEMO_PASSWORD
from spotcheck.platform.rls import SHARED
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.campaigns import frames
from spotcheck.tenants.contacts import commands as contacts
from spotcheck.tenants.joint import commands as joint
from spotcheck.tenants.supervision import queries as supervision
from spotcheck.tenants.supervision.periods import Period
from tests.support import joint_world, two_counties
from tests.support.helpers import make_app, migrate_to, user_named

#: Each county's branch, and the city's (the root: every department — the demo's third county's, 宁安市's, too).
COUNTY1 = {"SCSFJ", "SCYJJ", "QBJD"}
COUNTY2 = {"XHSFJ", "XHYJJ"}
CITY = {"SFJ", "SCJ", "YJJ", "SWJ", "*"} | COUNTY1 | COUNTY2


def _ids(world: dict, codes) -> set[int]:
    """The departments of ``codes`` (keys of the world; ``*``: every department the world does not name)."""
    found = {world["tenants"][code] for code in codes if code != "*"}
    if "*" in codes:
        with system_access("test: every department"):
            found |= set(db.session.scalars(sa.select(Tenant.id))) - set(world["tenants"].values())
    return found


def _users_seen() -> set[int]:
    """The departments whose users the current scope reads (through the ORM)."""
    return set(db.session.scalars(sa.select(User.tenant_id).distinct()))


def _raw_users_seen() -> set[int]:
    """The same through raw SQL: what row-level security lets through."""
    return {t for (t,) in db.session.execute(sa.text("SELECT DISTINCT tenant_id FROM app_user"))}


def test_each_bureau_reads_its_branch_and_siblings_never_see_each_other(app):
    with app.app_context():
        world = two_counties.world()
        for login, branch in (
            ("scsfj_supervisor", COUNTY1),
            ("scsfj_leader", COUNTY1),  # a bureau's leader reads the supervision figures across too
            ("xhsfj_supervisor", COUNTY2),
            (world["logins"]["SFJ"]["supervisor"], CITY),
            (world["logins"]["SCJ"]["coord"], CITY),  # the city's market-regulation lead
        ):
            reader = user_named(login)
            permission = Permission.SUPERVISION_READ_ALL if login.endswith("leader") else Permission.TENANTS_READ_ALL
            with tenant_scope(reader.tenant_id), cross_tenant(reader, "test", permission=permission):
                assert current_scope().tenant_ids == _ids(world, branch), login
                assert _users_seen() == _ids(world, branch), login
                outside = _ids(world, CITY - branch)
                # naming a department outside the branch finds nothing, as if it had no rows
                assert not db.session.scalars(sa.select(User).where(User.tenant_id.in_(outside))).all(), login
        db.session.rollback()


def test_a_branch_named_by_one_array_parameter_reads_the_same_rows(app, monkeypatch):
    """A province's bureau opens 3,000 departments, named on PostgreSQL by one array parameter rather than 3,000
    (``ONE_PARAMETER_OVER``, lowered here so that the demo's branches take that path): each reader, one after the
    other in one process, still reads exactly its own branch — no statement reuses another reader's departments."""
    monkeypatch.setattr(scoping, "ONE_PARAMETER_OVER", 1)
    statements: list[str] = []

    def seen(conn, cursor, statement, *_):
        statements.append(statement)

    with app.app_context():
        world = two_counties.world()
        sa.event.listen(db.engine, "before_cursor_execute", seen)
        try:
            for login, branch in (
                ("scsfj_supervisor", COUNTY1),
                (world["logins"]["SFJ"]["supervisor"], CITY),
                ("xhsfj_supervisor", COUNTY2),
                ("scsfj_supervisor", COUNTY1),
            ):
                reader = user_named(login)
                with tenant_scope(reader.tenant_id), cross_tenant(reader, "test"):
                    assert _users_seen() == _ids(world, branch), login
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", seen)
        read = [s for s in statements if s.startswith("SELECT DISTINCT app_user.tenant_id")]  # _users_seen's
        if db.engine.dialect.name == "postgresql":
            assert read and all("app_user.tenant_id = ANY (" in s for s in read), read
        db.session.rollback()


def test_a_department_reads_only_its_own_whatever_its_level(app):
    with app.app_context():
        world = two_counties.world()
        for code in ("QBJD", "SCYJJ", "XHYJJ", "YJJ", "SCSFJ"):
            with tenant_scope(world["tenants"][code]):
                assert _users_seen() == {world["tenants"][code]}, code
        # an ordinary department holds no permission that opens the path, whatever its level
        for login in ("qbjd_leader", "scyjj_planner", "xhyjj_leader"):
            with pytest.raises(TenantViolationError), cross_tenant(user_named(login), "test"):
                pass
        db.session.rollback()


def test_a_bureau_writes_only_within_its_branch(app):
    """Inside the opened branch a bureau's command may change a row of one of its departments (a plan filed); a row
    of a sibling county's department is refused before anything is written."""
    with app.app_context():
        world = two_counties.world()
        reader, own, sibling = (user_named(login) for login in ("scsfj_supervisor", "scyjj_planner", "xhyjj_planner"))
        assert (own.tenant_id, sibling.tenant_id) == (world["tenants"]["SCYJJ"], world["tenants"]["XHYJJ"])
        with tenant_scope(reader.tenant_id), cross_tenant(reader, "test"):
            own.display_name = "县甲应急管理局计划员（改）"
            db.session.flush()
            sibling.display_name = "改名"
            with pytest.raises(TenantViolationError):
                db.session.flush()
        db.session.rollback()


def test_the_branch_follows_the_tree_as_it_is_in_each_transaction(app):
    """A department set up in a county after a bureau's first read is in the branch from the next transaction on."""
    with app.app_context():
        world = two_counties.world()
        reader = user_named("xhsfj_supervisor")
        with tenant_scope(reader.tenant_id):
            assert branch_of(reader.tenant_id) == _ids(world, COUNTY2)
            db.session.commit()
        added = accounts.create_department(
            {
                "code": "XHSWJ",
                "name": "穆棱市商务局",
                "kind": "ordinary",
                "region": two_counties.REGIONS["county2"],
                "short_name": "穆棱商务",
                "admin": {"login": "xhswj_admin", "display_name": "穆棱市商务局管理员", "password": DEMO_PASSWORD},
            },
            actor=user_named("admin"),
        )
        db.session.commit()
        with tenant_scope(reader.tenant_id), cross_tenant(reader, "test"):
            assert _users_seen() == _ids(world, COUNTY2) | {added.id}
        db.session.rollback()


def test_the_joint_frame_opens_only_the_departments_invited(app):
    """A county's joint-check coordinator runs a draw over the departments it invited (the town's): the frame reads
    those and its own, not the county's bureau, not a sibling county, not the city."""
    with app.app_context():
        world = two_counties.world()
        with tenant_scope(world["tenants"]["SCYJJ"]):
            coordinator = accounts.create_user(
                {
                    "login": "scyjj_coord",
                    "display_name": "海林市应急管理局联合抽查协调员",
                    "password": DEMO_PASSWORD,
                    "roles": ["field_coordinator"],
                },
                actor=user_named("scyjj_admin"),
            )
            db.session.commit()
            invited = [world["tenants"]["QBJD"]]
            with cross_tenant(coordinator, "joint frame", permission=Permission.JOINT_MANAGE, departments=invited):
                assert _users_seen() == _ids(world, {"SCYJJ", "QBJD"})
            with cross_tenant(coordinator, "joint frame", permission=Permission.JOINT_MANAGE):
                assert _users_seen() == _ids(world, {"SCYJJ"})  # none invited, none opened
            # a coordinator's permission opens no branch: only the frame of its draw
            with pytest.raises(TenantViolationError), cross_tenant(coordinator, "test"):
                pass
        db.session.rollback()


def test_a_county_bureaus_supervision_covers_its_branch_and_no_other_department(app):
    """The figures, the departments it may ask a table of, the drill-down and the contacts: the county's bureau
    reads its county and the town; a department of the sibling county is "no such department"."""
    with app.app_context():
        world = two_counties.world()
        for login in ("scyjj_admin", "xhyjj_admin"):  # each county's 应急管理局 records its contacts
            admin = user_named(login)
            with tenant_scope(admin.tenant_id):
                contacts.save(
                    {
                        "responsible": {"name": f"{login[:2]}负责人", "post": "局长", "office_phone": "0453-6654321"},
                        "liaison": {"name": f"{login[:2]}联络员", "post": "科员", "mobile": "13912345678"},
                    },
                    actor=admin,
                )
                db.session.commit()
        reader = user_named("scsfj_supervisor")
        with tenant_scope(reader.tenant_id):
            statuses = supervision.statuses(Period(2026), reader=reader)
            assert {s.tenant_id for s in statuses} == _ids(world, COUNTY1)
            assert {t for t, _ in supervision.department_choices(reader=reader)} == _ids(world, COUNTY1)
            listed = supervision.contacts(reader=reader)
            assert {row.tenant_id for row in listed} == _ids(world, COUNTY1)
            names = {c.name for row in listed for c in row.contacts.values() if c is not None}
            assert names == {"sc负责人", "sc联络员"}  # the county's 应急管理局's, not the sibling county's
            with pytest.raises(NotFoundError):
                supervision.figure_rows("items", world["tenants"]["XHYJJ"], Period(2026), reader=reader)
            town = next(name for code, name, *_ in two_counties.DEPARTMENTS if code == "QBJD")
            assert supervision.figure_rows("items", world["tenants"]["QBJD"], Period(2026), reader=reader)[0] == town
            # each opening of the branch is in the bureau's own chain
            recorded = db.session.scalars(
                sa.select(audit.AuditEntry).where(
                    audit.AuditEntry.action == "read.across", audit.AuditEntry.tenant_id == reader.tenant_id
                )
            ).all()
            assert recorded
        city = user_named(world["logins"]["SFJ"]["supervisor"])
        with tenant_scope(city.tenant_id):
            assert {s.tenant_id for s in supervision.statuses(Period(2026), reader=city)} == _ids(world, CITY)
        db.session.rollback()


@pytest.mark.postgres
def test_siblings_are_isolated_in_row_level_security_too(postgres_url):
    """Raw SQL inside a county bureau's branch reads its county and the town, nothing of the sibling county even
    when it names it, and cannot write a row there; the city's bureau reads both counties. The set is one setting
    of the transaction, read once per statement (an InitPlan), never a look-up per row."""
    app = make_app(postgres_url)
    with app.app_context():
        world = two_counties.world()
        county, xhyjj = user_named("scsfj_supervisor"), world["tenants"]["XHYJJ"]
        with tenant_scope(county.tenant_id), cross_tenant(county, "test"):
            assert _raw_users_seen() == _ids(world, COUNTY1)
            named = sa.text("SELECT count(*) FROM app_user WHERE tenant_id = :t")
            assert db.session.execute(named, {"t": xhyjj}).scalar() == 0
            plan = "\n".join(row for (row,) in db.session.execute(sa.text("EXPLAIN SELECT count(*) FROM app_user")))
            assert "InitPlan" in plan and "region" not in plan
            with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
                db.session.execute(
                    sa.text(
                        "INSERT INTO job (kind, status, progress, created_at, tenant_id) "
                        "VALUES ('x', 'queued', 0, now(), :t)"
                    ),
                    {"t": xhyjj},
                )
            db.session.rollback()
        for login, branch in (("xhsfj_supervisor", COUNTY2), (world["logins"]["SFJ"]["supervisor"], CITY)):
            reader = user_named(login)  # looked up again: the rollback expired what was read
            with tenant_scope(reader.tenant_id), cross_tenant(reader, "test"):
                assert _raw_users_seen() == _ids(world, branch), login
        with tenant_scope(world["tenants"]["QBJD"]):  # a town's department: its own rows alone
            assert _raw_users_seen() == {world["tenants"]["QBJD"]}
        db.session.rollback()
        policies = _policies()
        migrate_to(app, "0059")  # before the branches: the department's own, or every department
        before = _policies()
        migrate_to(app)
        again = _policies()
        db.session.remove()
        db.engine.dispose()
    assert {name for _, name, _, _ in policies} == {"tenant_isolation", f"{SHARED}_read", f"{SHARED}_update"}
    for table, name, qual, check in policies:
        assert "app.tenant_ids" in qual and "app.tenant_ids" in (check or qual), (table, name)
        assert "region" not in qual, table  # the branch is computed by the scope, not looked up by the policy
    # tables created after 0059 (0066: the bureaus' stored figures; 0071: the businesses' rectification answers;
    # 0073: the users' second factors; 0074: the identities of the identity platform linked to users; 0078: the
    # bureaus' verdicts on blinded draws; 0082: the businesses' own rows of the draws)
    later = {
        "department_figures",
        "rectification_answer",
        "rectification_file",
        "second_factor",
        "identity_link",
        "draw_check",
        "holder_row",
    }
    kept = [row[:2] for row in policies if row[0] not in later]
    assert [row[:2] for row in before] == kept  # the same tables and policies, 0059's text
    assert not any("app.tenant_ids" in qual for _, _, qual, _ in before)
    assert again == policies


def _policies() -> list[tuple[str, str, str, str | None]]:
    """Every department policy and receiver policy of the schema: (table, policy, USING, WITH CHECK)."""
    found = db.session.execute(
        sa.text(
            "SELECT tablename, policyname, qual, with_check FROM pg_policies "
            "WHERE policyname IN ('tenant_isolation', :read, :update) ORDER BY tablename, policyname"
        ),
        {"read": f"{SHARED}_read", "update": f"{SHARED}_update"},
    ).all()
    db.session.rollback()
    return [tuple(row) for row in found]


def test_a_joint_draws_frames_open_the_invited_departments_alone(app, monkeypatch):
    """The demo's joint campaign (the market-regulation lead, 应急管理局 and 商务局 invited): while its target and
    inspector frames are read, the coordinator's path holds its own department and the two invited — not the
    justice bureau, although it is in the coordinator's region."""
    with app.app_context():
        ids = joint_world.world("approved")  # built (or copied) before anything is watched
        opened = []

        def watched(real):
            def read(*args, **kwargs):
                opened.append(current_scope().tenant_ids)
                return real(*args, **kwargs)

            return read

        monkeypatch.setattr(frames, "target_frame", watched(frames.target_frame))
        monkeypatch.setattr(frames, "inspector_frame", watched(frames.inspector_frame))
        coordinator = user_named("scj_coord")
        with tenant_scope(coordinator.tenant_id):
            joint.freeze_targets(ids["campaign"], actor=coordinator)
            joint.draw_targets(ids["campaign"], {"public_inputs": ["observer:测试"]}, actor=coordinator)
            joint.freeze_inspectors(ids["campaign"], actor=coordinator)
        invited = {coordinator.tenant_id, ids["yjj"]["tenant"], ids["swj"]["tenant"]}
        assert opened == [invited, invited]
        db.session.rollback()
