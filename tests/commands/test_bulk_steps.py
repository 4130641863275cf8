"""Team replacements, acknowledgements and publication on a selection (批量替换、批量签收、批量公示):
each row checked exactly as the single command checks it, all or nothing, every refused row named;
and the API's bulk endpoints, the same commands."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaign_queries
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.campaigns.queries import public as publication
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.models import FollowUp, Visit
from spotcheck.tenants.results.queries import follow_ups as follow_up_reads
from spotcheck.tenants.results.vocabulary import VisitStatus
from tests.support.campaign_world import build, planner_of
from tests.support.helpers import bearer, post_form, signed_in, tenant_id, user_named
from tests.support.results_world import complete_result, handed_out, published, teams_drawn

TODAY = date(2026, 5, 6)


def _active(campaign_id: int) -> list[TeamMember]:
    return list(
        db.session.scalars(
            sa.select(TeamMember)
            .where(TeamMember.campaign_id == campaign_id, TeamMember.active.is_(True))
            .order_by(TeamMember.id)
            .execution_options(populate_existing=True)
        )
    )


def _with_room() -> int:
    """A drawn campaign whose inspectors keep spare capacity (6 visits each, about 3 drawn): the
    draw's seed differs every run, and at capacity 3 the busiest inspector's last visit may have
    nobody left to draw, which is a refusal the replacement tests do not mean to test."""
    return teams_drawn(build(), capacity=6)


def _busiest(campaign_id: int) -> int:
    """The inspector on the most teams of the campaign."""
    return max(campaign_queries.inspectors_on_teams(campaign_queries.get_campaign(campaign_id)), key=lambda r: r[3])[0]


def test_an_inspector_is_replaced_at_every_visit_each_as_alone_and_the_proof_still_verifies(app):
    with app.app_context():
        campaign_id = _with_room()
        admin = user_named("yjj_admin")
        planner = planner_of(admin)
        with tenant_scope(admin.tenant_id):
            away = _busiest(campaign_id)
            theirs = [m.id for m in _active(campaign_id) if m.inspector_id == away]
            assert len(theirs) >= 2
            with pytest.raises(InvalidInputError) as refused:  # the single command's reason rule, per row
                campaign_commands.replace_inspectors(
                    campaign_id, {"inspector_id": away, "reason": "whim"}, actor=planner
                )
            assert len(refused.value.errors["rows"]) == len(theirs) + 1
            assert [m.id for m in _active(campaign_id) if m.inspector_id == away] == theirs  # nothing changed
            with pytest.raises(ForbiddenError):
                campaign_commands.replace_inspectors(
                    campaign_id, {"inspector_id": away, "reason": "illness"}, actor=user_named("yjj_inspector")
                )
            new = campaign_commands.replace_inspectors(
                campaign_id, {"inspector_id": away, "reason": "illness"}, actor=planner
            )
            db.session.commit()
            assert len(new) == len(theirs) and all(m.inspector_id != away for m in new)
            assert away not in {m.inspector_id for m in _active(campaign_id)}
            campaign = campaign_queries.get_campaign(campaign_id)
            proof = campaign_queries.draw(campaign, "inspectors").proof
            assert len(proof["replacements"]) == len(theirs)
            assert publication.verify_proof(campaign, "inspectors").ok
            with pytest.raises(InvalidInputError) as gone:  # on no team any more
                campaign_commands.replace_inspectors(
                    campaign_id, {"inspector_id": away, "reason": "illness"}, actor=planner
                )
            assert "inspector_id" in gone.value.errors


def test_a_selection_with_one_member_not_of_the_campaign_changes_nothing_and_names_it(app):
    with app.app_context():
        campaign_id = teams_drawn(build())
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            members = _active(campaign_id)[:2]
            before = [(m.id, m.inspector_id) for m in _active(campaign_id)]
            with pytest.raises(InvalidInputError) as refused:
                campaign_commands.replace_inspectors(
                    campaign_id, {"member_ids": [members[0].id, 99999], "reason": "illness"}, actor=planner_of(admin)
                )
            rows = refused.value.errors["rows"]
            assert len(rows) == 2 and "99999" in rows[1]
            assert [(m.id, m.inspector_id) for m in _active(campaign_id)] == before


def test_publication_of_a_selection_names_each_result_not_ready_and_publishes_none(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        chief, leader = user_named("yjj_inspector"), user_named("yjj_leader")
        publisher = planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            results.record_result(ids["visit"], complete_result(ids), actor=chief)
            results.submit_result(ids["visit"], actor=chief)
            results.approve_result(ids["visit"], actor=leader)
            other = db.session.scalar(
                sa.select(Visit.id)
                .where(Visit.campaign_id == ids["campaign"], Visit.id != ids["visit"])
                .order_by(Visit.id)
            )
            db.session.commit()
            with pytest.raises(InvalidInputError) as refused:
                results.publish_results([ids["visit"], other], actor=publisher)
            rows = refused.value.errors["rows"]
            assert len(rows) == 2 and db.session.get(Visit, other).entity.name in rows[1]
            assert db.session.get(Visit, ids["visit"], populate_existing=True).status == VisitStatus.approved
            [published] = results.publish_results([ids["visit"]], actor=publisher)
            assert published.status == VisitStatus.published


def _transfers(ids, count: int) -> list[int]:
    """``count`` results of the campaign published, each transferred to 市场监管局 (SCJ)."""
    chief, made = user_named("yjj_inspector"), []
    with tenant_scope(ids["tenant"]):
        published(ids)
        for n in range(count):
            made.append(
                results.open_follow_up(
                    ids["visit"],
                    {"kind": "transfer", "details": f"发现超范围经营 {n}", "receiver_tenant_id": tenant_id("SCJ")},
                    actor=chief,
                ).id
            )
        db.session.commit()
    return made


def test_transfers_are_acknowledged_many_at_once_and_one_already_acknowledged_refuses_the_step(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        first, second = _transfers(ids, 2)
        receiver = user_named("scj_planner")
        with tenant_scope(tenant_id("SCJ")):
            results.acknowledge_transfer(first, {"note": ""}, actor=receiver)
            db.session.commit()
            with pytest.raises(InvalidInputError) as refused:
                results.acknowledge_transfers([first, second], {"note": "批量签收"}, actor=receiver)
            assert len(refused.value.errors["rows"]) == 2
            assert follow_up_reads.get_follow_up(second).closed_at is None  # nothing changed
            with pytest.raises(ForbiddenError):
                results.acknowledge_transfers([second], {}, actor=user_named("scj_inspector"))
    client = signed_in(app, "scj_planner")
    listed = client.get("/transfers").get_data(as_text=True)
    assert 'id="acknowledge-many"' in listed and f'name="ids" value="{second}"' in listed
    assert f'name="ids" value="{first}"' not in listed  # acknowledged: no box
    done = post_form(client, "/transfers/acknowledge", {"ids": [second], "note": "转执法科"}, token_from="/transfers")
    assert done.status_code == 302
    assert "已签收 1 件移送" in client.get("/transfers").get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        assert db.session.get(FollowUp, second).outcome_note == "转执法科"


def test_the_api_offers_every_bulk_step_with_the_same_refusals(app):
    with app.app_context():
        campaign_id = _with_room()
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            away = _busiest(campaign_id)
            db.session.execute(
                sa.update(TeamMember).where(TeamMember.campaign_id == campaign_id).values(is_leader=False)
            )
            db.session.commit()
    client, planner = app.test_client(), bearer(app, "yjj_planner")
    base = f"/api/v1/campaigns/{campaign_id}"
    named = client.post(f"{base}/leaders", json={"rule": "balanced"}, headers=planner)
    assert (
        named.status_code == 200
        and named.get_json()["named"] > 0
        and named.get_json()["rule"].startswith("任组长次数最少")
    )
    assert client.post(f"{base}/leaders", json={"rule": "by_age"}, headers=planner).status_code == 422
    assert (
        client.post(f"{base}/leaders", json={"rule": "balanced"}, headers=bearer(app, "yjj_inspector")).status_code
        == 403
    )
    both = client.post(
        f"{base}/team-members/replace",
        json={"inspector_id": away, "member_ids": [1], "reason": "illness"},
        headers=planner,
    )
    assert both.status_code == 422
    replaced = client.post(
        f"{base}/team-members/replace", json={"inspector_id": away, "reason": "illness"}, headers=planner
    )
    assert replaced.status_code == 200 and all(m["inspector_id"] != away for m in replaced.get_json())
    refused = client.post(
        "/api/v1/visits/approve", json={"visit_ids": [99998, 99999]}, headers=bearer(app, "yjj_leader")
    )
    assert refused.status_code == 422 and len(refused.get_json()["errors"]["json"]["rows"]) == 3
    one = client.post("/api/v1/visits/approve", json={"visit_ids": [99999]}, headers=bearer(app, "yjj_leader"))
    assert one.status_code == 404  # a selection of one: the single command's own refusal
    none = client.post(
        "/api/v1/follow-ups/received/acknowledge", json={"ids": [99998, 99999]}, headers=bearer(app, "scj_planner")
    )
    assert none.status_code == 422 and "rows" in none.get_json()["errors"]["json"]
