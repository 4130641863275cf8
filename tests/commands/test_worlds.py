"""The worlds the tests build (测试世界), built for real through the commands (no snapshot): what they
hold, and that a copy of a kept snapshot is the world a build makes."""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.directory.models import DirectoryEntry
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.results.models import Visit
from tests.support import campaign_world, joint_world, results_world, snapshots
from tests.support.helpers import _with_database, drop_pg_database, make_app, new_pg_database


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _rows() -> dict:
    """How many rows each table holds (what a copy must hold as much as a build)."""
    with system_access("test: the world's rows"):
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def test_a_department_world_is_built_through_the_commands(app):
    with app.app_context(), snapshots.building():
        world = campaign_world.build(entities=12, inspector_count=3)
        with system_access("test: the world"):
            assert len(world["codes"]) == 12
            assert (
                _count(
                    DirectoryEntry,
                    DirectoryEntry.tenant_id == world["tenant"],
                    DirectoryEntry.category == campaign_world.CATEGORY,
                )
                == 12
            )
            assert db.session.get(Item, world["item"]).status.value == "published"
            assert _count(Inspector, Inspector.tenant_id == world["tenant"]) == 3
            assert db.session.get(Plan, world["plan"]).status.value == "filed"


@pytest.mark.seconds(2.4)
def test_a_handed_out_world_has_its_visits_and_linked_inspectors(app):
    with app.app_context(), snapshots.building():
        ids = results_world.handed_out()
        with system_access("test: the world"):
            visits = db.session.scalars(sa.select(Visit).where(Visit.campaign_id == ids["campaign"])).all()
            assert len(visits) == ids["visits"] > 0 and ids["visit"] in {v.id for v in visits}
            assert {v.status.value for v in visits} == {"assigned"}
            assert db.session.get(Inspector, ids["leader_inspector"]).user_id is not None
            assert db.session.get(Inspector, ids["member_inspector"]).user_id is not None


@pytest.mark.seconds(1.4)
def test_a_joint_world_gives_each_department_its_approved_part(app):
    with app.app_context(), snapshots.building():
        ids = joint_world.world("approved", entities=8)
        with system_access("test: the world"):
            participants = db.session.scalars(
                sa.select(JointParticipant).where(JointParticipant.campaign_id == ids["campaign"])
            ).all()
            assert {p.id for p in participants} == set(ids["participants"].values())
            assert {p.status.value for p in participants} == {"approved"}
            assert ids["yjj_part"] and ids["swj_part"]


@pytest.mark.seconds(2.8)
def test_a_copied_world_holds_what_the_build_made(database_url, request, tmp_path):
    """The second call from the same state is served from the snapshot the first one kept."""
    first = make_app(database_url)
    with first.app_context(), snapshots.building(really=False):
        world = campaign_world.build(entities=6, inspector_count=2)  # built, or copied from an earlier test
        built = _rows()
        db.engine.dispose()
    if database_url.startswith("sqlite"):
        other, server = tmp_path / "other.db", None
        shutil.copy(request.getfixturevalue("sqlite_template"), other)
        other_url = f"sqlite:///{other}"
    else:
        server = request.getfixturevalue("pg_server")
        name = new_pg_database(server)
        other_url = _with_database(server["admin_url"], name)
    second = make_app(other_url)
    try:
        with second.app_context(), snapshots.building(really=False):
            copied = snapshots.stats["copied"]
            assert campaign_world.build(entities=6, inspector_count=2) == world
            assert snapshots.stats["copied"] == copied + 1
            assert _rows() == built
            db.engine.dispose()
    finally:
        if server is not None:
            drop_pg_database(server, name)
