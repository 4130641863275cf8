"""The migrations are the schema: `upgrade` builds it, and it matches the models exactly."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import date, datetime
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from spotcheck.core.clock import SHANGHAI, frozen_at, local
from spotcheck.core.database import db
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import proof_file
from spotcheck.draw.verify import verify
from spotcheck.platform.rls import include_object
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import draws as draw_steps
from spotcheck.tenants.campaigns.models import Draw
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.items.models import Item, ItemVersion
from spotcheck.tenants.plans.models import Plan, PlanItem
from spotcheck.tenants.results import deadlines
from tests.support.campaign_world import build
from tests.support.ceremony_world import campaign_through
from tests.support.export_world import corrected
from tests.support.helpers import _pg_connect, _with_database, make_app, migrate_to, user_named
from tests.support.results_world import handed_out, published, visit


def test_models_and_migrations_agree(app):
    """Fails when a model changes without a migration (or the reverse)."""
    with app.app_context():
        engine = db.engine
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
            differences = compare_metadata(context, db.metadata)
        engine.dispose()
    assert differences == [], f"models differ from the migrations: {differences}"


def test_downgrade_and_upgrade_again(app):
    """Every migration can be undone: at ``base`` no table of the application is left; upgraded
    again, the schema is at the head revision and matches the models."""
    with app.app_context():
        directory = app.config["SPOTCHECK_MIGRATIONS"]
        db.session.remove()
        db.engine.dispose()
        flask_migrate.downgrade(directory=directory, revision="base")
        with db.engine.connect() as connection:
            left = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
        assert left == set(), f"tables left after downgrading to base: {sorted(left)}"
        flask_migrate.upgrade(directory=directory)
        owner = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=sa.pool.NullPool)  # not the app role
        with owner.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include_object})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    head = ScriptDirectory(directory).get_current_head()
    assert revision == head and {t.name for t in db.metadata.sorted_tables} <= tables
    assert differences == []


def test_stored_draws_survive_the_frame_file_migration_both_ways(app):
    """0004 moves frames out of the proofs into frame files: a drawn campaign's published proofs
    are the same bytes after a downgrade to 0003 and an upgrade again, and still verify."""
    def published(campaign_id):
        with tenant_scope(user_named("yjj_admin").tenant_id):
            records = db.session.scalars(sa.select(Draw).where(Draw.campaign_id == campaign_id).order_by(Draw.kind))
            return {r.kind.value: (draw_steps.published_bytes(r), r.proof_sha256) for r in records}

    with app.app_context():
        campaign_id = campaign_through(build(), stop="inspectors")
        before = published(campaign_id)
        migrate_to(app, "0003")
        migrate_to(app)
        after = published(campaign_id)
    assert set(before) == {"targets", "inspectors"} and after == before
    for data, _sha in after.values():
        assert all(check.ok for check in verify(proof_file.loads(data)))


def test_two_upgrades_at_once_on_a_cluster_that_never_saw_the_role(pg_server):
    """Roles belong to the cluster: two `spotcheck db upgrade` at once on two new databases, with a
    role name nobody has used (``SPOTCHECK_DB_ROLE``), both succeed; the role is the one named,
    and the application works as it, row-level security included."""
    role = f"sc_role_{uuid.uuid4().hex[:10]}"
    names = [f"sc_two_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    admin = pg_server["admin_url"]
    with _pg_connect(admin, autocommit=True) as conn:
        for name in names:
            conn.execute(f'CREATE DATABASE "{name}"')
    try:
        processes = [subprocess.Popen(
            [str(Path(sys.executable).with_name("spotcheck")), "db", "upgrade"],
            env={**os.environ, "SPOTCHECK_ENV": "testing", "DATABASE_URL": _with_database(admin, name),
                 "SPOTCHECK_DB_ROLE": role, "REDIS_URL": ""},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for name in names]
        outputs = [process.communicate(timeout=300)[0] for process in processes]
        assert [p.returncode for p in processes] == [0, 0], outputs
        with _pg_connect(admin) as conn:
            assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (role,)).fetchone()[0] == 1
        app = make_app(_with_database(admin, names[0]), SPOTCHECK_DB_ROLE=role)
        with app.app_context():
            assert db.session.execute(sa.text("SELECT current_user")).scalar() == role
            assert db.session.scalars(sa.select(Tenant)).all() == []
            with tenant_scope(1):  # the app role reads through row-level security
                assert db.session.execute(sa.text("SELECT count(*) FROM item")).scalar() == 0
            db.session.remove()
            db.engine.dispose()
    finally:
        with _pg_connect(admin, autocommit=True) as conn:
            for name in names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'DROP ROLE IF EXISTS "{role}"')


def test_the_text_of_ratio_and_frequency_becomes_values_and_what_does_not_parse_is_left_to_state_again(app):
    """0028: an item's 抽查比例 and 抽查频次 and a plan line's 频次, free text before, are read as values both
    ways: 不低于5% is 500 basis points, 每年1次 once a year; 'abc' parses to nothing and is left empty, so the
    item must state it again before its next publication. Its versions and the plan's published lines too."""
    def everyone(connection):
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT set_config('app.all_tenants', 'on', false)"))

    with app.app_context():
        world = build()
        migrate_to(app, "0027")
        with db.engine.begin() as connection:
            everyone(connection)
            said = connection.execute(sa.text("SELECT ratio, frequency FROM item WHERE id = :id"),
                                      {"id": world["item"]}).one()
            assert tuple(said) == ("不低于5%", "每年1次")
            assert connection.execute(sa.text("SELECT frequency FROM plan_item WHERE plan_id = :id"),
                                      {"id": world["plan"]}).scalar() == "每年1次"
            connection.execute(sa.text("UPDATE item SET ratio = 'abc', frequency = '每季度 2 次' WHERE id = :id"),
                               {"id": world["item"]})
        migrate_to(app)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            item = db.session.get(Item, world["item"])
            assert (item.ratio_bp, item.frequency_times, item.frequency_period) == (None, 2, "quarter")
            [version] = db.session.scalars(sa.select(ItemVersion).where(ItemVersion.item_id == item.id))
            assert {k: version.fields[k] for k in ("ratio_bp", "frequency_times", "frequency_period")} == {
                "ratio_bp": 500, "frequency_times": 1, "frequency_period": "year"}
            assert "ratio" not in version.fields and "frequency" not in version.fields
            line = db.session.scalar(sa.select(PlanItem).where(PlanItem.plan_id == world["plan"]))
            assert (line.frequency_times, line.frequency_period, line.frequency_text) == (1, "year", "每年1次")
            [published] = db.session.get(Plan, world["plan"]).published_lines
            assert (published["frequency_times"], published["frequency_period"], published["frequency"]) == (
                1, "year", "每年1次")
            with pytest.raises(ValidationFailed) as refused:  # its next version states the ratio again
                items.update_item(item.id, {"remarks": "迁移后修改", "reason": "补充备注"}, actor=admin)
            assert set(refused.value.errors) == {"ratio_bp"}
            db.session.rollback()
            assert items.update_item(item.id, {"remarks": "迁移后修改", "ratio_bp": 500, "reason": "补充备注"},
                                     actor=admin).version == 2


def test_a_result_published_before_0055_keeps_its_first_publication_not_its_correction(app):
    """0055: a visit published before it is given the moment of its first version in the public register, so a
    result published on Wednesday 3 June, two working days after its due date (Monday 1 June), stays two
    working days late — not the later moment of its correction (10 June)."""
    with app.app_context():
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            with frozen_at(datetime(2026, 6, 3, 10)):
                published(ids)
            with frozen_at(datetime(2026, 6, 10, 10)):
                corrected(ids)
        migrate_to(app, "0054")
        migrate_to(app)
        with tenant_scope(ids["tenant"]):
            one = visit(ids)
            assert one.version == 2 and local(one.published_at).date() == date(2026, 6, 10)
            assert local(one.first_published_at) == datetime(2026, 6, 3, 10, tzinfo=SHANGHAI)
            assert (one.publish_due, deadlines.published_late(one).days) == (date(2026, 6, 1), 2)
