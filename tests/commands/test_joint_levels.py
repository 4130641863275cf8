"""Joint checks across levels (跨层级联合抽查, issue 78 item 4): a region's coordinator invites the departments of its
region and of the regions below it — the city's market-regulation lead a city department, a county's and a town's,
whose joint visit counts once for its business — and a county's coordinator never the city's departments nor a
sibling county's: refused under the invitees (``department_ids``), in Chinese, nothing changed. A joint plan's
departments likewise. On SQLite and PostgreSQL (the ``app`` fixture runs each test on both)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import Campaign, InspectionCount
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.joint import commands as joint, queries as joint_queries, statistics
from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.plans import commands as plans
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.queries import register
from spotcheck.tenants.supervision.periods import Period
from tests.support import joint_levels, two_counties
from tests.support.helpers import user_named
from tests.support.joint_levels import CITY_DEPT, LEVELS, county_coordinator, joint_data


def _counts() -> tuple:
    """What a refused command must leave as it was: the campaigns, the invitations, the plans, the audit entries."""
    with system_access("test: rows and audit entries"):
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Campaign, JointParticipant, Plan, AuditEntry)
        )


def _name(tenant_id: int) -> str:
    return db.session.get(Tenant, tenant_id).name


@pytest.mark.seconds(12)
def test_a_city_coordinators_joint_campaign_of_three_levels_is_drawn_visited_and_counted_once(app):
    """The city's 商务局, a county's 应急管理局 and its town's department, invited by the city's coordinator:
    one draw, one mixed team per business, each business's visit counted once in the register however many levels
    drew it, and its published results one visit on the public register."""
    with app.app_context():
        ids = joint_levels.visited()
        world, campaign_id = ids["world"], ids["campaign"]
        departments = {ids[dept]["tenant"]: dept for dept in LEVELS}
        coord = user_named(world["logins"]["SCJ"]["coord"])
        with tenant_scope(coord.tenant_id):
            campaign = joint_queries.get_joint(campaign_id)
            assert {part["tenant_id"] for part in campaign.joint_parts.values()} == set(departments)
            assert {db.session.get(Tenant, t).region_id for t in departments} == {
                world["regions"][level] for level in LEVELS.values()
            }
            groups = joint_queries.visit_groups(campaign)
            teams = joint_queries.teams(campaign)
        # every department's part made its visits, on the same day, by the joint campaign's mixed teams
        drawn_by: dict[int, set[str]] = {}
        for tenant_id, dept in departments.items():
            with tenant_scope(tenant_id):
                visits = db.session.scalars(sa.select(Visit).where(Visit.campaign_id == ids[f"{dept}_part"])).all()
                assert visits and all(v.published_at is not None for v in visits), dept
                for visit in visits:
                    drawn_by.setdefault(visit.entity_id, set()).add(dept)
        assert drawn_by.keys() == groups.keys() == teams.keys()
        across = [entity for entity, depts in drawn_by.items() if CITY_DEPT in depts and depts - {CITY_DEPT}]
        assert across  # businesses checked by the city and by a department below it, at one visit

        # the register: one count per business, under the joint campaign, whichever levels drew it
        rows = db.session.scalars(sa.select(InspectionCount).where(InspectionCount.year == 2026)).all()
        mine = [row for row in rows if row.entity_id in drawn_by]
        assert {row.counted_as for row in mine} == {f"joint:{campaign_id}"}
        assert {row.department_id for row in mine if row.entity_id == across[0]} == {
            t for t, dept in departments.items() if dept in drawn_by[across[0]]
        }
        checks = {
            entity: {row.counted_as for row in mine if row.entity_id == entity and row.counts} for entity in drawn_by
        }
        assert {len(counted) for counted in checks.values()} == {1}  # one check toward each business's cap

        # the public register: a business checked by three levels at one visit shows one visit
        entity = db.session.get(Entity, across[0])
        by_visit = register.of_entity_by_visit(entity)
        joint_visits = [v for v in by_visit if (v[0].content or {}).get("joint_id") == campaign_id]
        assert len(joint_visits) == 1 and len(joint_visits[0]) == len(drawn_by[across[0]])


def test_a_countys_coordinator_invites_its_branch_and_never_the_city_nor_a_sibling_county(app):
    with app.app_context():
        world = two_counties.world()
        tenants = world["tenants"]
        coord = user_named(county_coordinator(world))
        own = coord.tenant_id
        with tenant_scope(own):
            # the city's department, then a sibling county's: refused under the invitees, naming each, in Chinese
            for outside in ("YJJ", "XHYJJ"):
                before = _counts()
                with pytest.raises(InvalidInputError) as refused:
                    joint.create_joint(joint_data([tenants["SCYJJ"], tenants[outside]]), actor=coord)
                assert set(refused.value.errors) == {"department_ids"}
                message = str(refused.value.errors["department_ids"][0])
                assert _name(tenants[outside]) in message and "下级区划" in message, message
                assert _name(tenants["SCYJJ"]) not in message
                db.session.rollback()
                assert _counts() == before
            # its own county's department and the town's: invited
            campaign = joint.create_joint(joint_data([own, tenants["SCYJJ"], tenants["QBJD"]]), actor=coord)
            db.session.commit()
            invited = set(
                db.session.scalars(
                    sa.select(JointParticipant.receiver_tenant_id).where(JointParticipant.campaign_id == campaign.id)
                )
            )
            assert invited == {own, tenants["SCYJJ"], tenants["QBJD"]}
            # inviting more later: the same limit
            before = _counts()
            with pytest.raises(InvalidInputError) as refused:
                joint.invite(campaign.id, {"department_ids": [tenants["XHYJJ"]]}, actor=coord)
            assert set(refused.value.errors) == {"department_ids"}
            assert _name(tenants["XHYJJ"]) in str(refused.value.errors["department_ids"][0])
            db.session.rollback()
            assert _counts() == before
            # what its page offers: its county's departments and the town's, grouped by region, the county first
            groups = joint_queries.departments_to_invite(reader=coord)
            assert [g.region_id for g in groups] == [world["regions"]["county1"], world["regions"]["town"]]
            offered = {t.id for g in groups for t in g.departments}
            assert offered == {own, tenants["SCYJJ"], tenants["QBJD"]}  # no justice bureau, nothing above or beside
        # the city's coordinator is offered the whole tree, the city first
        scj = user_named(world["logins"]["SCJ"]["coord"])
        with tenant_scope(scj.tenant_id):
            groups = joint_queries.departments_to_invite(reader=scj)
            assert groups[0].region_id == world["regions"]["city"]
            offered = {t.id for g in groups for t in g.departments}
            assert offered >= {own} | {tenants[code] for code in ("SCJ", "YJJ", "SCYJJ", "XHYJJ", "QBJD")}
            assert not offered & {tenants[code] for code in ("SFJ", "SCSFJ", "XHSFJ")}  # the bureaus check nobody


def test_a_joint_plans_departments_are_of_its_leads_branch(app):
    """A county department leading a field outside market regulation (named for its county) plans the field's joint
    checks with the departments of its county and town, never the city's nor a sibling county's."""
    with app.app_context():
        world = two_counties.world()
        tenants = world["tenants"]
        joint.name_field_lead("safety", {"tenant_id": tenants["SCYJJ"]}, actor=user_named("admin"))
        db.session.commit()
        planner = user_named("scyjj_planner")
        data = {"year": 2026, "half": None, "title": "安全生产领域2026年度联合抽查工作计划", "kind": "joint"}
        with tenant_scope(planner.tenant_id):
            for outside in ("YJJ", "XHYJJ"):
                before = _counts()
                with pytest.raises(InvalidInputError) as refused:
                    plans.create_plan(
                        {**data, "field": "safety", "department_ids": [tenants["QBJD"], tenants[outside]]},
                        actor=planner,
                    )
                assert set(refused.value.errors) == {"department_ids"}
                assert _name(tenants[outside]) in str(refused.value.errors["department_ids"][0])
                db.session.rollback()
                assert _counts() == before
            plan = plans.create_plan({**data, "field": "safety", "department_ids": [tenants["QBJD"]]}, actor=planner)
            assert plan.departments == [tenants["QBJD"]]
            db.session.rollback()


def test_the_joint_statistics_ask_the_rules_of_the_readers_region(app, monkeypatch):
    """The title of the year's joint-inspection table comes from the rules of the lead department's region (its
    level's rulebook), not the deployment's root's."""
    with app.app_context():
        world = two_counties.world()
        coord = user_named(county_coordinator(world))
        asked: list[int | None] = []
        real = statistics.rules_for_region

        def rules_for_region(region_id, on=None):
            asked.append(region_id)
            return real(region_id, on)

        monkeypatch.setattr(statistics, "rules_for_region", rules_for_region)
        with tenant_scope(coord.tenant_id):
            table = joint_queries.statistics_table(Period(2026), reader=coord)
        assert asked == [world["regions"]["county1"]] and "2026年度" in table.title
        assert statistics.file_name(table) == f"{table.title}.xlsx"
