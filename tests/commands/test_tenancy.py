"""Tenant isolation: ORM scoping on both databases, row-level security on PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import (
    AreaReadable,
    JointShared,
    TenantOwned,
    TenantViolationError,
    cross_tenant,
    found_departments,
    system_access,
    tenant_scope,
)
from spotcheck.demo import DEPARTMENTS, place
from spotcheck.demo.people import town_departments
from spotcheck.tenants.accounts.models import ApiToken, User
from tests.support.helpers import make_app, tenant_id, user_named


def test_queries_see_only_the_current_tenant(app):
    with app.app_context():
        scj, yjj = tenant_id("SCJ"), tenant_id("YJJ")
        with tenant_scope(scj):
            logins = set(db.session.scalars(sa.select(User.login)))
            assert logins == {"scj_admin", "scj_planner", "scj_leader", "scj_inspector", "scj_coord"}
            yjj_admin_id = user_named("yjj_admin").id
            assert db.session.scalar(sa.select(User).where(User.id == yjj_admin_id)) is None
            assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 5
        with tenant_scope(yjj):
            assert all(login.startswith("yjj_") for login in db.session.scalars(sa.select(User.login)))


def test_no_tenant_means_no_rows(app):
    with app.app_context(), tenant_scope(None):
        assert db.session.scalars(sa.select(User)).all() == []


def test_bulk_update_and_delete_stay_in_the_tenant(app):
    with app.app_context():
        with tenant_scope(tenant_id("SWJ")):
            changed = db.session.execute(sa.update(User).values(display_name="改名")).rowcount
            db.session.execute(sa.delete(ApiToken))
            db.session.commit()
        assert changed == 4
        assert user_named("scj_admin").display_name != "改名"
        assert user_named("swj_admin").display_name == "改名"


def test_writing_another_tenants_row_is_refused(app):
    with app.app_context():
        scj, yjj = tenant_id("SCJ"), tenant_id("YJJ")
        victim = user_named("yjj_planner")
        victim_id = victim.id
        with tenant_scope(scj):
            victim.display_name = "被改"
            with pytest.raises(TenantViolationError):
                db.session.flush()
            db.session.rollback()
            db.session.add(ApiToken(tenant_id=yjj, user_id=victim_id, name="x", prefix="x", token_hash="0" * 64))
            with pytest.raises(TenantViolationError):
                db.session.flush()
            db.session.rollback()


def test_cross_tenant_reads_only_for_supervisor_and_coordinator(app):
    with app.app_context():
        # 宁安市's departments and its town's (宁安镇's): the branch of 宁安市's bureau and of its lead (牡丹江市's,
        # above, are outside it)
        everyone = sum(len(users) for *_, users in (*DEPARTMENTS, *town_departments(place.DEFAULT)))
        supervisor, coordinator, admin = user_named("sfj_supervisor"), user_named("scj_coord"), user_named("scj_admin")
        for reader in (supervisor, coordinator):
            with tenant_scope(reader.tenant_id), cross_tenant(reader, "test"):
                # every department's user, and not the platform's own (its administrator): only system_access holds that
                assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == everyone
                assert db.session.scalar(sa.select(User).where(User.tenant_id.is_(None))) is None
        with pytest.raises(TenantViolationError), cross_tenant(admin, "test"):
            pass


ALLOWED_SYSTEM_ACCESS = {
    "spotcheck/tenants/accounts/queries.py",  # identity lookups before a tenant is known
    "spotcheck/tenants/accounts/commands/signing_in.py",  # a sign-in: the login looked up before a tenant is known
    # a sign-in through the identity platform: the identity looked up, its link code kept, before a tenant is known
    "spotcheck/tenants/accounts/commands/identities.py",
    "spotcheck/tenants/accounts/sessions.py",  # ending a user's sessions and tokens
    # a sign-in's second step (两步验证): the session awaiting it looked up by its key before a tenant is known
    "spotcheck/tenants/accounts/commands/second_factor.py",
    "spotcheck/core/audit.py",  # chain heads and verification
    # every chain's head, published and checked against the kept ones
    "spotcheck/core/audit_heads.py",
    "spotcheck/demo/__init__.py",  # loading the demo city
    "spotcheck/demo/summary.py",  # counting the demo city
    "spotcheck/demo/business.py",  # the demo business: its entity, whether its account is claimed, its login
    # creating a platform administrator; a login free in every department
    "spotcheck/tenants/accounts/commands/administration.py",
    "spotcheck/core/scoping.py",  # its definition
    # the periodic check restarts stalled jobs of every department
    "spotcheck/tasks/job_sweep.py",
    # the beat's sender takes the due e-mails and SMS of every department
    "spotcheck/tenants/notices/delivery.py",
    # the operator's `spotcheck check`: every department's stored files and jobs
    "spotcheck/platform/operations_check.py",
    # `spotcheck keys adopt/rotate`: every department's protected values re-encrypted
    "spotcheck/platform/data_keys.py",
    # a code scanned by the public (who names no department), a joint visit's one code
    "spotcheck/tenants/results/code_lookup.py",
    # a business's own record: the (department, visit) pairs of its entity, each department's rows read in its scope
    "spotcheck/tenants/business_record/lookup.py",
    # a business's account (no department's): its claim by credit code and notice code, its sessions and tokens, the
    # uses of its codes on the public check pages, the holder's trail on the platform's chain
    "spotcheck/tenants/businesses/commands/signing_in.py",
    "spotcheck/tenants/businesses/code_uses.py",
    "spotcheck/tenants/businesses/queries.py",
    # the portal's lists of a region: its departments' published plans and public campaigns (public rows only), a
    # public campaign's department; their public inspector lists (the public columns of who may be drawn only)
    "spotcheck/tenants/campaigns/published.py",
    "spotcheck/tenants/inspectors/public_lists.py",
    # a department's figures of its evaluations, the bureau's rows: per quarter a count, a sum and the extremes, no row
    "spotcheck/tenants/supervision/evaluation_figures.py",
    # the beat's count of every department's supervision figures, each kept in the department's own row
    "spotcheck/tenants/supervision/stored.py",
    # the blinded draws a bureau checks (核验抽取): a joint campaign led above its branch, a department no bureau
    # supervises — their ids, names and times only; each draw then read in its department's own scope
    "spotcheck/tenants/supervision/draw_checks.py",
    # a business's own rows of the draws (本户抽取核验): the draws of the departments whose directory holds it, their
    # campaigns' and departments' names; each draw's row then worked out in its department's own scope
    "spotcheck/tenants/campaigns/holders.py",
}


def test_system_access_is_used_only_where_allowed():
    root = Path(__file__).resolve().parents[2]
    users = {
        str(path.relative_to(root))
        for path in (root / "spotcheck").rglob("*.py")
        if re.search(r"\bsystem_access\(", path.read_text(encoding="utf-8"))
    }
    assert users <= ALLOWED_SYSTEM_ACCESS, f"new system_access callers: {sorted(users - ALLOWED_SYSTEM_ACCESS)}"


def test_found_departments_reads_exactly_those_named_and_is_used_by_the_business_record_alone(app):
    """The departments an audited look-up found (a business's record: those that checked it) are read together, and
    no other department's row; only the business's record opens such a scope."""
    with app.app_context():
        scj, yjj = user_named("scj_admin").tenant_id, user_named("yjj_admin").tenant_id
        with found_departments({scj}, "test: one department found"):
            assert set(db.session.scalars(sa.select(User.tenant_id))) == {scj}
        with found_departments({scj, yjj}, "test: two departments found"):
            assert set(db.session.scalars(sa.select(User.tenant_id))) == {scj, yjj}
    root = Path(__file__).resolve().parents[2]
    users = {
        str(path.relative_to(root))
        for path in (root / "spotcheck").rglob("*.py")
        if re.search(r"\bfound_departments\(", path.read_text(encoding="utf-8"))
    }
    assert users == {"spotcheck/core/scoping.py", "spotcheck/tenants/business_record/queries.py"}


def tenant_owned_tables(mixins=(TenantOwned, JointShared)) -> set[str]:
    return {mapper.local_table.name for mapper in db.Model.registry.mappers if issubclass(mapper.class_, mixins)}


@pytest.mark.postgres
def test_every_tenant_owned_table_has_forced_row_level_security(postgres_url):
    app = make_app(postgres_url)
    with app.app_context():
        rows = db.session.execute(
            sa.text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, "
                "(SELECT count(*) FROM pg_policies p WHERE p.tablename = c.relname) "
                "FROM pg_class c WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace"
            )
        ).all()
        state = {name: (enabled, forced, policies) for name, enabled, forced, policies in rows}
        owner_is_app = db.session.scalar(
            sa.text("SELECT bool_or(tableowner = current_user) FROM pg_tables WHERE schemaname = 'public'")
        )
        db.engine.dispose()
    assert tenant_owned_tables()
    joint = tenant_owned_tables(JointShared)  # and a second: visible to the participants of the joint campaign
    assert joint == {"campaign", "draw", "campaign_target", "team_member"}
    area = tenant_owned_tables(AreaReadable)  # and one more: read by an area's read (a region's bureau, 涉企检查频次)
    assert area == {"visit", "campaign", "draw", "campaign_target"}
    for table in tenant_owned_tables():
        policies = 1 + (table in joint) + (table in area)
        assert state[table] == (True, True, policies), (
            f"{table}: row-level security not enabled, forced, {policies} policies"
        )
    assert not owner_is_app, "the application role must not own the tables"


@pytest.mark.postgres
def test_raw_sql_in_one_tenants_transaction_sees_no_other_tenants_rows(postgres_url):
    app = make_app(postgres_url)
    with app.app_context():
        scj, yjj = tenant_id("SCJ"), tenant_id("YJJ")
        with tenant_scope(scj):
            rows = db.session.execute(sa.text("SELECT login, tenant_id FROM app_user")).all()
            assert rows and {t for _, t in rows} == {scj}
            # Even a query that names the other tenant explicitly finds nothing.
            assert (
                db.session.execute(sa.text("SELECT count(*) FROM app_user WHERE tenant_id = :t"), {"t": yjj}).scalar()
                == 0
            )
            # And it cannot write a row into the other tenant.
            with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
                db.session.execute(
                    sa.text(
                        "INSERT INTO job (kind, status, progress, created_at, tenant_id) "
                        "VALUES ('x', 'queued', 0, now(), :t)"
                    ),
                    {"t": yjj},
                )
            db.session.rollback()
        with tenant_scope(None):
            assert db.session.execute(sa.text("SELECT count(*) FROM app_user")).scalar() == 0
        db.session.rollback()
        db.engine.dispose()


@pytest.mark.postgres
def test_raw_sql_follows_every_change_of_scope_in_one_transaction(postgres_url):
    """The scope is sent to the database only when it changes, yet raw SQL always sees the current one:
    after entering and leaving another scope, in a new transaction, and after a savepoint that
    changed it is rolled back."""
    app = make_app(postgres_url)

    def logins():
        return {t for (t,) in db.session.execute(sa.text("SELECT DISTINCT tenant_id FROM app_user"))}

    with app.app_context():
        scj, yjj = tenant_id("SCJ"), tenant_id("YJJ")
        with tenant_scope(scj):
            assert logins() == {scj}
            with system_access("test: every department"):
                assert {scj, yjj} <= logins()
            assert logins() == {scj}
            db.session.commit()
            assert logins() == {scj}  # a new transaction
            savepoint = db.session.begin_nested()
            with tenant_scope(yjj):
                assert logins() == {yjj}
                savepoint.rollback()  # the database undoes the setting made inside the savepoint
                with tenant_scope(yjj):  # so the same scope again is sent again
                    assert logins() == {yjj}
            assert logins() == {scj}
        db.session.rollback()
        db.engine.dispose()
