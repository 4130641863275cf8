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

from spotcheck.core import audit, audit_heads
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import SHANGHAI, as_utc, frozen_at, local
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.draw import proof_file
from spotcheck.draw.verify import verify
from spotcheck.platform.rls import include_object
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.audit.commands import publish_audit_heads
from spotcheck.tenants.campaigns import draws as draw_steps
from spotcheck.tenants.campaigns.models import Draw
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.items.models import Item, ItemVersion
from spotcheck.tenants.plans.models import Plan, PlanItem
from spotcheck.tenants.results import deadlines
from spotcheck.tenants.results.codes import BUSINESS
from spotcheck.tenants.results.models import PublishedResult, Visit
from spotcheck.tenants.supervision import queries as supervision_queries
from spotcheck.tenants.supervision.models import Evaluation
from spotcheck.tenants.supervision.periods import parse as parse_period
from tests.support import named_world
from tests.support.campaign_world import build
from tests.support.ceremony_world import campaign_through
from tests.support.export_world import corrected
from tests.support.helpers import (
    _pg_connect,
    _with_database,
    make_app,
    migrate_to,
    post_form,
    signed_in,
    tenant_id,
    user_named,
)
from tests.support.results_world import handed_out, published, visit


def test_models_and_migrations_agree(app):
    """Fails when a model changes without a migration (or the reverse)."""
    with app.app_context():
        engine = db.engine
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object}
            )
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
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object}
            )
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
        processes = [
            subprocess.Popen(
                [str(Path(sys.executable).with_name("spotcheck")), "db", "upgrade"],
                env={
                    **os.environ,
                    "SPOTCHECK_ENV": "testing",
                    "DATABASE_URL": _with_database(admin, name),
                    "SPOTCHECK_DB_ROLE": role,
                    "REDIS_URL": "",
                },
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for name in names
        ]
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
            said = connection.execute(
                sa.text("SELECT ratio, frequency FROM item WHERE id = :id"), {"id": world["item"]}
            ).one()
            assert tuple(said) == ("不低于5%", "每年1次")
            assert (
                connection.execute(
                    sa.text("SELECT frequency FROM plan_item WHERE plan_id = :id"), {"id": world["plan"]}
                ).scalar()
                == "每年1次"
            )
            connection.execute(
                sa.text("UPDATE item SET ratio = 'abc', frequency = '每季度 2 次' WHERE id = :id"),
                {"id": world["item"]},
            )
        migrate_to(app)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            item = db.session.get(Item, world["item"])
            assert (item.ratio_bp, item.frequency_times, item.frequency_period) == (None, 2, "quarter")
            [version] = db.session.scalars(sa.select(ItemVersion).where(ItemVersion.item_id == item.id))
            assert {k: version.fields[k] for k in ("ratio_bp", "frequency_times", "frequency_period")} == {
                "ratio_bp": 500,
                "frequency_times": 1,
                "frequency_period": "year",
            }
            assert "ratio" not in version.fields and "frequency" not in version.fields
            line = db.session.scalar(sa.select(PlanItem).where(PlanItem.plan_id == world["plan"]))
            assert (line.frequency_times, line.frequency_period, line.frequency_text) == (1, "year", "每年1次")
            [published] = db.session.get(Plan, world["plan"]).published_lines
            assert (published["frequency_times"], published["frequency_period"], published["frequency"]) == (
                1,
                "year",
                "每年1次",
            )
            with pytest.raises(InvalidInputError) as refused:  # its next version states the ratio again
                items.update_item(item.id, {"remarks": "迁移后修改", "reason": "补充备注"}, actor=admin)
            assert set(refused.value.errors) == {"ratio_bp"}
            db.session.rollback()
            assert (
                items.update_item(
                    item.id, {"remarks": "迁移后修改", "ratio_bp": 500, "reason": "补充备注"}, actor=admin
                ).version
                == 2
            )


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


def test_0080_takes_a_named_checks_cause_off_the_public_register_and_puts_it_back_downgrading(app):
    """0080: a result of a check of named businesses published before it carried the business's cause (投诉举报) in
    the public register; after it, the register says only that the check had a cause — the cause stays on the
    campaign's target row — and downgrading writes it back as it was (a complaint's number left out)."""
    with app.app_context():
        with frozen_at(date(2026, 3, 2)):
            checked = named_world.published_on_a_complaint(build(), "群众反映违规储存，依法核查。")
        before = ScriptDirectory(app.config["SPOTCHECK_MIGRATIONS"]).get_revision("0080").down_revision
        migrate_to(app, str(before))
        with system_access("test: the public register"):
            [old] = db.session.scalars(
                sa.select(PublishedResult.content).where(PublishedResult.visit_id == checked["visit"])
            )
        assert old["named"] and old["cause"] == "投诉举报" and "legal_bases" not in old
        migrate_to(app)
        with system_access("test: the public register"):
            [new] = db.session.scalars(
                sa.select(PublishedResult.content).where(PublishedResult.visit_id == checked["visit"])
            )
        assert new["named"] and "cause" not in new and new["items"] == old["items"]


#: Evaluations given before 0057, on the department's code rows: (day, score, text), Beijing 10:00.
OLD_EVALUATIONS = [
    (date(2026, 2, 25), 5, "甲"),
    (date(2026, 3, 2), 4, ""),
    (date(2026, 3, 9), 4, "乙"),
    (date(2026, 3, 16), 3, "丙"),
    (date(2026, 3, 23), 5, "丁"),
    (date(2026, 4, 15), 2, "等候时间较长。"),
]
_CODE = sa.table(
    "inspection_code",
    sa.column("visit_id"),
    sa.column("evaluated_at", sa.DateTime(timezone=True)),
    sa.column("satisfaction"),
    sa.column("evaluation_text"),
)


def _everyone(connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT set_config('app.all_tenants', 'on', false)"))


def _evaluated_before_0057(app, *, bureau: bool = True) -> tuple[dict, list[int], list[dict]]:
    """The results world's visits evaluated as the department's rows held them at 0056 (in UTC, as the command wrote
    them; and an entry of its chain), with the chains' heads published then; ``bureau=False``: the platform had no
    justice bureau then."""
    ids = handed_out(strata={kind: {"ratio_bp": 4000, "min": 1} for kind in "ABCD"}, capacity=6)
    with tenant_scope(ids["tenant"]):
        visits = list(
            db.session.scalars(
                sa.select(Visit.id)
                .where(Visit.campaign_id == ids["campaign"], Visit.code.has())
                .order_by(Visit.id)
                .limit(len(OLD_EVALUATIONS))
            )
        )
        audit.record("visit.evaluated_by_business", "visit", visits[0], actor=BUSINESS, details={"satisfaction": 5})
        db.session.commit()
    publish_audit_heads(actor=SCHEDULER)
    heads = [audit_heads.as_record(head) for head in audit_heads.latest()]
    migrate_to(app, "0056")
    with db.engine.begin() as connection:
        _everyone(connection)
        for visit_id, (day, score, text) in zip(visits, OLD_EVALUATIONS, strict=True):
            connection.execute(
                sa.update(_CODE)
                .where(_CODE.c.visit_id == visit_id)
                .values(
                    evaluated_at=as_utc(datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)),
                    satisfaction=score,
                    evaluation_text=text,
                )
            )
        if not bureau:
            connection.execute(sa.text("UPDATE tenant SET kind = 'ordinary' WHERE kind = 'supervisor'"))
    migrate_to(app)
    return ids, visits, heads


def _kept(where) -> list[tuple]:
    return [
        (e.visit_id, e.satisfaction, e.text, e.evaluated_at)
        for e in db.session.scalars(sa.select(Evaluation).where(where).order_by(Evaluation.visit_id))
    ]


def test_0057_moves_the_evaluations_to_the_bureau_its_figures_as_they_were_and_back(app):
    """0057: every evaluation on a department's code row becomes the justice bureau's row, nothing lost (and back
    on a downgrade); the bureau's figures are those the rows gave before; the department reads none of them,
    its chain still verifies, and the entry it holds of one shows that it was made, not what it said."""
    with app.app_context():
        ids, visits, heads = _evaluated_before_0057(app)
        moments = [datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI) for day, _, _ in OLD_EVALUATIONS]
        expected = [
            (v, score, text, moment)
            for v, (_, score, text), moment in zip(visits, OLD_EVALUATIONS, moments, strict=True)
        ]
        bureau, department = tenant_id("SFJ"), ids["tenant"]
        with tenant_scope(bureau):
            kept = _kept(Evaluation.about_tenant_id == department)
            assert [row[:3] for row in kept] == [row[:3] for row in expected]
            assert [local(row[3]) for row in kept] == moments
        with tenant_scope(department):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) == 0
        with db.engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("inspection_code")}
        assert not columns & {"evaluated_at", "satisfaction", "evaluation_text"}
        supervisor = user_named("sfj_supervisor")
        with frozen_at(datetime(2026, 11, 20, 10)), tenant_scope(bureau):
            for period, known in {"2026Q1": (5, 4.2), "2026H1": (6, 3.83), "2026": (6, 3.83)}.items():
                [status] = supervision_queries.statuses(parse_period(period), department, reader=supervisor)
                assert (status.evaluations, status.satisfaction) == known, period
        assert audit.verify()[1] == [] and audit_heads.check_against(heads) == []  # no chain rewritten
    with frozen_at(datetime(2026, 11, 20, 10)):
        trail = signed_in(app, "yjj_leader").get("/audit?action=visit.evaluated_by_business").get_data(as_text=True)
    assert "已评价，内容由司法局保存" in trail and "满意度" not in trail
    with app.app_context():
        migrate_to(app, "0056")
        with db.engine.begin() as connection:
            _everyone(connection)
            back = connection.execute(
                sa.select(_CODE.c.visit_id, _CODE.c.satisfaction, _CODE.c.evaluation_text)
                .where(_CODE.c.evaluated_at.is_not(None))
                .order_by(_CODE.c.visit_id)
            ).all()
        assert [tuple(row) for row in back] == [row[:3] for row in expected]
        migrate_to(app)


def test_0057_without_a_bureau_keeps_the_evaluations_from_every_department_until_one_is_created(app):
    """Where the platform had no justice bureau, 0057 keeps the evaluations with no owner — no department reads
    them, in its scope nor by its own SQL — and the bureau takes them, in its chain, when it is created."""
    with app.app_context():
        ids, visits, heads = _evaluated_before_0057(app, bureau=False)
        with system_access("test: the rows kept"):
            assert len(_kept(Evaluation.tenant_id.is_(None))) == len(OLD_EVALUATIONS)
        with tenant_scope(ids["tenant"]):
            assert db.session.scalar(sa.select(sa.func.count()).select_from(Evaluation)) == 0
            if db.engine.dialect.name == "postgresql":  # row-level security too
                assert db.session.execute(sa.text("SELECT count(*) FROM evaluation")).scalar() == 0
            db.session.rollback()
    admin = signed_in(app, "admin")
    created = post_form(
        admin,
        "/platform/tenants/new",
        {
            "code": "SFJNEW",
            "name": "市司法局",
            "kind": "supervisor",
            "region": "231084",
            "admin_login": "sfjnew_admin",
            "admin_name": "司法局管理员",
            "admin_password": "Building-2026",
        },
        token_from="/platform/tenants/new",
    )
    assert created.status_code == 302
    with app.app_context():
        bureau = tenant_id("SFJNEW")
        with tenant_scope(bureau):
            assert [row[0] for row in _kept(Evaluation.about_tenant_id == ids["tenant"])] == visits
            [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "evaluation.kept_taken_over"))
            assert entry.details == {"count": len(OLD_EVALUATIONS)} and entry.chain == bureau
        with system_access("test: none left"):
            assert _kept(Evaluation.tenant_id.is_(None)) == []
        assert audit.verify()[1] == [] and audit_heads.check_against(heads) == []


def _row_counts(connection) -> dict[str, int]:
    """How many rows each of the application's tables holds (every department's); the tables later revisions add
    (the regions, 0059; the campaign codes' counters per region, 0061) are not counted."""
    _everyone(connection)
    names = sorted(set(sa.inspect(connection).get_table_names()) - {"alembic_version", "region", "region_counter"})
    return {name: connection.execute(sa.text(f'SELECT count(*) FROM "{name}"')).scalar() for name in names}


def test_0059_builds_a_one_region_tree_from_the_departments_codes_every_row_kept(app):
    """0059 on a database of 0058: the root takes the code most departments carry (杭州市, its GB/T 2260 name), a
    department of another code gets its own region under it (西湖区), every department is attached, no row is lost,
    no audit entry is rewritten; a downgrade gives the departments their codes back."""
    with app.app_context():
        publish_audit_heads(actor=SCHEDULER)
        heads = [audit_heads.as_record(head) for head in audit_heads.latest()]
        migrate_to(app, "0058")
        with db.engine.begin() as connection:
            _everyone(connection)
            # the departments' codes as a deployment of 0058 had them (not the demo's tree of today): one city's, one
            # department elsewhere
            connection.execute(sa.text("UPDATE tenant SET region_code = '330100'"))
            connection.execute(sa.text("UPDATE tenant SET region_code = '330106' WHERE code = 'YJJ'"))
            departments = [code for (code,) in connection.execute(sa.text("SELECT code FROM tenant"))]
            before = _row_counts(connection)
        migrate_to(app)
        with db.engine.begin() as connection:
            after = _row_counts(connection)
            tree = connection.execute(
                sa.text(
                    "SELECT region.code, region.name, region.level, parent.code, region.path FROM region "
                    "LEFT JOIN region AS parent ON parent.id = region.parent_id ORDER BY region.path"
                )
            ).all()
            attached = dict(
                connection.execute(
                    sa.text("SELECT tenant.code, region.code FROM tenant JOIN region ON region.id = tenant.region_id")
                ).all()
            )
        assert {name: n for name, n in after.items() if name in before} == before
        assert not any(after[name] for name in set(after) - set(before))  # tables added since (figures kept): empty
        assert [tuple(row) for row in tree] == [
            ("330100", "杭州市", "city", None, "/330100/"),
            ("330106", "西湖区", "county", "330100", "/330100/330106/"),
        ]
        assert attached == {**dict.fromkeys(departments, "330100"), "YJJ": "330106"}
        assert audit.verify()[1] == [] and audit_heads.check_against(heads) == []
        migrate_to(app, "0058")
        with db.engine.begin() as connection:
            codes = dict(connection.execute(sa.text("SELECT code, region_code FROM tenant")).all())
        assert codes == {**dict.fromkeys(departments, "330100"), "YJJ": "330106"}
        migrate_to(app)


def test_0059_names_a_root_the_table_lacks_after_the_rulebooks_place(app):
    """A code the GB/T 2260 table of the platform lacks (宁安市, 231084): the root is named after the place of the
    rulebook in force (the demo's 宁安市), a county by its code's shape."""
    with app.app_context():
        migrate_to(app, "0058")
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE tenant SET region_code = '231084'"))
        migrate_to(app)
        with db.engine.begin() as connection:
            tree = connection.execute(sa.text("SELECT code, name, level, parent_id FROM region")).all()
            unattached = connection.execute(
                sa.text("SELECT count(*) FROM tenant WHERE region_id <> (SELECT id FROM region)")
            ).scalar()
        assert [tuple(row) for row in tree] == [("231084", "宁安市", "county", None)] and unattached == 0
