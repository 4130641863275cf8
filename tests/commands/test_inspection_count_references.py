"""每户企业年度检查次数: the register counts only businesses and departments that exist and keeps those it counts, as
foreign keys would — on PostgreSQL checked once a statement by its triggers (migration 0051), so that a draw's
thousands of counts are not checked one by one. Whoever writes to the database (the application, or its IT staff
by hand as the owner) gets a foreign key's error, naming the key, and nothing changes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.accounts.vocabulary import TenantKind
from spotcheck.tenants.campaigns import commands as campaign_commands, inspection_counts, queries as campaigns
from spotcheck.tenants.directory import commands as directory
from spotcheck.tenants.regions import queries as region_queries
from tests.support.campaign_world import build, campaign_data, credit_code, leader_of, planner_of
from tests.support.helpers import user_named

ENTITY_KEY, DEPARTMENT_KEY = "fk_inspection_count_entity_id_entity", "fk_inspection_count_department_id_tenant"


def _refused(owner, statement: str, constraint: str, **values) -> None:
    """``statement`` fails as a foreign key would, naming ``constraint``, and leaves nothing behind."""
    with pytest.raises(sa.exc.IntegrityError) as refused, owner.begin() as connection:
        connection.execute(sa.text(statement), values)
    assert refused.value.orig.sqlstate == "23503" and refused.value.orig.diag.constraint_name == constraint


def _counted_alone(world) -> dict:
    """A drawn campaign, and a business and a department the register alone refers to (no target, no directory
    entry, no user), each counted once for that campaign."""
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        planner = planner_of(admin)
        campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
        campaign_commands.approve(campaign.id, actor=leader_of(admin))
        campaign_commands.freeze_targets(campaign.id, actor=planner)
        campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:测试"]}, actor=planner)
        db.session.commit()
    with tenant_scope(user_named("scj_admin").tenant_id):
        entity = directory.create_entity(
            {
                "code": credit_code(9000),
                "name": "只在登记中的企业",
                "industry_code": "C2611",
                "region_code": "231084981",
            },
            actor=user_named("scj_admin"),
        )
        db.session.commit()
    with system_access("test: a department no one works in"):
        department = Tenant(code="kong", name="空部门", kind=TenantKind.ordinary, region=region_queries.root())
        db.session.add(department)
        db.session.commit()
    with tenant_scope(admin.tenant_id):
        drawn = campaigns.get_campaign(campaign.id)
        target = db.session.scalar(
            sa.text("SELECT min(entity_id) FROM campaign_target WHERE campaign_id = :campaign"),
            {"campaign": campaign.id},
        )
        inspection_counts.record(drawn, [entity.id], admin.tenant_id)
        inspection_counts.record(drawn, [target], department.id)
        db.session.commit()
    return {"campaign": campaign.id, "entity": entity.id, "department": department.id, "drawing": admin.tenant_id}


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_register_counts_only_what_exists_and_keeps_what_it_counts(app, database_url):
    with app.app_context():
        ids = _counted_alone(build())
        db.session.remove()
    owner = sa.create_engine(database_url, poolclass=sa.pool.NullPool)  # the tables' owner, as IT staff would be
    try:
        with owner.connect() as connection:
            before = connection.execute(sa.text("SELECT count(*) FROM inspection_count")).scalar()
            missing = connection.execute(sa.text("SELECT max(id) + 1000 FROM entity")).scalar()
        assert before > 2  # the draw's targets, and the two counted alone

        count = (
            "INSERT INTO inspection_count (entity_id, year, counted_as, campaign_code, department_id, counts) "
            "SELECT e, 2026, :key, '', d, true FROM unnest(CAST(:entities AS integer[]), "
            "CAST(:departments AS integer[])) AS u(e, d)"
        )
        # one business of a statement not in the registry: the whole statement is refused
        _refused(
            owner,
            count,
            ENTITY_KEY,
            key="campaign:0",
            entities=[ids["entity"], missing],
            departments=[ids["department"]] * 2,
        )
        _refused(
            owner,
            count,
            DEPARTMENT_KEY,
            key="campaign:0",
            entities=[ids["entity"]],
            departments=[ids["department"] + 1000],
        )
        _refused(
            owner,
            "UPDATE inspection_count SET entity_id = :missing WHERE entity_id = :entity",
            ENTITY_KEY,
            missing=missing,
            entity=ids["entity"],
        )

        # what the register counts stays: not deleted, not renumbered
        _refused(owner, "DELETE FROM entity WHERE id = :entity", ENTITY_KEY, entity=ids["entity"])
        _refused(
            owner,
            "UPDATE entity SET id = :missing WHERE id = :entity",
            ENTITY_KEY,
            missing=missing,
            entity=ids["entity"],
        )
        _refused(owner, "DELETE FROM tenant WHERE id = :department", DEPARTMENT_KEY, department=ids["department"])
        with owner.connect() as connection:
            assert connection.execute(sa.text("SELECT count(*) FROM inspection_count")).scalar() == before

        # once no longer counted, they go like any other row; valid counts of many businesses at once are kept
        with owner.begin() as connection:
            connection.execute(
                sa.text("DELETE FROM inspection_count WHERE entity_id = :entity OR department_id = :department"), ids
            )
            assert connection.execute(sa.text("DELETE FROM entity WHERE id = :entity"), ids).rowcount == 1
            assert connection.execute(sa.text("DELETE FROM tenant WHERE id = :department"), ids).rowcount == 1
            targets = (
                connection.execute(sa.text("SELECT entity_id FROM campaign_target WHERE campaign_id = :campaign"), ids)
                .scalars()
                .all()
            )
            connection.execute(
                sa.text(count),
                {"key": "campaign:0", "entities": targets, "departments": [ids["drawing"]] * len(targets)},
            )
        with owner.connect() as connection:
            assert connection.execute(
                sa.text("SELECT count(*) FROM inspection_count WHERE counted_as = 'campaign:0'")
            ).scalar() == len(targets)
    finally:
        owner.dispose()
