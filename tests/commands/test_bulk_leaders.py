"""Team leaders (组长) of a whole campaign named in one step, by a rule chosen on the campaign page:
every visit checked as the single designation checks it, all or nothing, each designation audited,
any visit still changeable by hand; the same for a joint campaign's mixed teams."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.joint import commands as joint, queries as joint_queries
from tests.support import joint_world
from tests.support.campaign_world import build, campaign_data, planner_of
from tests.support.helpers import post_form, signed_in, user_named
from tests.support.results_world import teams_drawn


def _teams(campaign_id: int) -> dict[int, list[TeamMember]]:
    teams: dict[int, list[TeamMember]] = {}
    for member in db.session.scalars(
        sa.select(TeamMember)
        .where(TeamMember.campaign_id == campaign_id)
        .order_by(TeamMember.entity_id, TeamMember.position)
    ):
        teams.setdefault(member.entity_id, []).append(member)
    return teams


def _without_leaders(campaign_id: int) -> dict[int, list[TeamMember]]:
    db.session.execute(sa.update(TeamMember).where(TeamMember.campaign_id == campaign_id).values(is_leader=False))
    db.session.commit()
    return _teams(campaign_id)


def _drawn_without_leaders():
    """A campaign of the usual world with both draws made and no team leader named yet; with the
    department's administrator."""
    campaign_id = teams_drawn(build())
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        _without_leaders(campaign_id)
    return campaign_id, admin


def _leaders(campaign_id: int) -> dict[int, int]:
    return {entity: [m.id for m in team if m.is_leader and m.active] for entity, team in _teams(campaign_id).items()}


def _designations(campaign_id: int) -> list[dict]:
    return [
        entry.details
        for entry in db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "team.leader_designated", AuditEntry.object_id == str(campaign_id))
            .order_by(AuditEntry.seq)
        )
    ]


@pytest.mark.seconds(2.5)
def test_the_first_drawn_member_of_every_team_is_named_and_each_designation_audited(app):
    with app.app_context():
        campaign_id, admin = _drawn_without_leaders()
        with tenant_scope(admin.tenant_id):
            teams = _teams(campaign_id)
            before = len(_designations(campaign_id))
            done = campaign_commands.designate_leaders(campaign_id, {"rule": "first_drawn"}, actor=planner_of(admin))
            assert done["named"] == len(teams) and done["kept"] == 0 and "抽中顺序第一位" in done["rule"]
            leaders = _leaders(campaign_id)
            for entity, team in teams.items():
                assert leaders[entity] == [min((m for m in team if m.active), key=lambda m: m.position).id]
            audited = _designations(campaign_id)[before:]
            assert len(audited) == len(teams) and {entry["rule"] for entry in audited} == {"first_drawn"}

            # a visit changed by hand keeps its leader when the rule runs again for the rest
            entity, team = next((e, t) for e, t in teams.items() if len([m for m in t if m.active]) > 1)
            other = [m for m in team if m.active][1]
            campaign_commands.designate_leader(campaign_id, {"member_id": other.id}, actor=planner_of(admin))
            again = campaign_commands.designate_leaders(
                campaign_id, {"rule": "first_drawn", "only_missing": True}, actor=planner_of(admin)
            )
            assert again == {"named": 0, "kept": len(teams), "rule": done["rule"]}
            assert _leaders(campaign_id)[entity] == [other.id]
            # asked to name every team anew, the rule wins over the hand
            campaign_commands.designate_leaders(
                campaign_id, {"rule": "first_drawn", "only_missing": False}, actor=planner_of(admin)
            )
            assert _leaders(campaign_id)[entity] == leaders[entity]


def test_the_balanced_rule_names_whoever_has_led_least_so_far(app):
    """Visit after visit (in the order of the list), the member of the team who leads fewest visits
    so far, the first drawn among equals: the leading is spread over the inspectors."""
    with app.app_context():
        campaign_id, admin = _drawn_without_leaders()
        with tenant_scope(admin.tenant_id):
            teams = _teams(campaign_id)
            done = campaign_commands.designate_leaders(campaign_id, {"rule": "balanced"}, actor=planner_of(admin))
            assert done["named"] == len(teams)
            leads: Counter = Counter()
            for _entity, team in _teams(campaign_id).items():
                present = [m for m in team if m.active]
                [chosen] = [m for m in present if m.is_leader]
                assert (leads[chosen.inspector_id], chosen.position) == min(
                    (leads[m.inspector_id], m.position) for m in present
                )
                leads[chosen.inspector_id] += 1
            assert sum(leads.values()) == len(teams)


def test_one_team_that_cannot_have_a_leader_refuses_the_whole_step_naming_it(app):
    with app.app_context():
        campaign_id, admin = _drawn_without_leaders()
        with tenant_scope(admin.tenant_id):
            teams = _teams(campaign_id)
            _empty_entity, empty_team = next(iter(teams.items()))
            for member in empty_team:
                member.active = False
            db.session.commit()
            name = empty_team[0].entity.name
            with pytest.raises(InvalidInputError) as refused:
                campaign_commands.designate_leaders(campaign_id, {"rule": "first_drawn"}, actor=planner_of(admin))
            rows = refused.value.errors["rows"]
            assert "未作任何更改" in rows[0] or "Nothing was changed" in rows[0]
            assert len(rows) == 2 and rows[1].startswith(name)
            assert all(not ids for ids in _leaders(campaign_id).values())  # nothing named anywhere
            with pytest.raises(InvalidInputError):
                campaign_commands.designate_leaders(campaign_id, {"rule": "whoever"}, actor=planner_of(admin))
            with pytest.raises(ForbiddenError):
                campaign_commands.designate_leaders(
                    campaign_id, {"rule": "first_drawn"}, actor=user_named("yjj_inspector")
                )


def test_leaders_cannot_be_named_before_the_inspector_draw(app):
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            draft = campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
            with pytest.raises(ConflictError):
                campaign_commands.designate_leaders(draft.id, {"rule": "first_drawn"}, actor=planner_of(admin))


def test_the_campaign_page_names_every_leader_by_the_rule_chosen(app):
    with app.app_context():
        campaign_id, admin = _drawn_without_leaders()
        with tenant_scope(admin.tenant_id):
            teams = _teams(campaign_id)
    client = signed_in(app, "yjj_planner")
    page = client.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'id="leaders-by-rule"' in page and "任组长次数最少" in page and "data-confirm" in page
    response = post_form(
        client,
        f"/campaigns/{campaign_id}/leaders",
        {"rule": "balanced", "only_missing": "y"},
        token_from=f"/campaigns/{campaign_id}",
    )
    assert response.status_code in (302, 303)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{len(teams)}" in page and "leaders-by-rule" not in page  # every visit has its leader now
    with app.app_context(), tenant_scope(admin.tenant_id):
        assert all(len(ids) == 1 for ids in _leaders(campaign_id).values())


@pytest.mark.seconds(1.4)
def test_the_coordinator_names_every_mixed_team_leader_at_once(app):
    with app.app_context():
        ids = joint_world.world("inspectors")
        coordinator = user_named("scj_coord")
        with tenant_scope(coordinator.tenant_id):
            campaign = joint_queries.get_joint(ids["campaign"])
            teams = joint_queries.teams(campaign)
            done = joint.designate_leaders(campaign.id, {"rule": "first_drawn"}, actor=coordinator)
            assert done["named"] == len(teams)
            for team in joint_queries.teams(campaign).values():
                assert next(m.is_leader for m in team) and sum(m.is_leader for m in team) == 1
            with pytest.raises(ForbiddenError):
                joint.designate_leaders(campaign.id, {"rule": "first_drawn"}, actor=user_named("scj_planner"))
