"""Plans, campaigns and the draw ceremony, through the services."""

from __future__ import annotations

import hashlib
import threading

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.draw import proof_file, target_frames
from spotcheck.draw.verify import verify
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, frames, queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignStatus, CampaignTarget, TargetStatus, TeamMember
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.plans import commands as plans, queries as plans_queries
from spotcheck.tenants.plans.models import PlanStatus
from spotcheck.tenants.rules import commands as rules, rulebook
from tests.independent.draw_spec_check import check as independent_check
from tests.support.campaign_world import STRATA, build, campaign_data, frozen_campaign, leader_of, planner_of
from tests.support.helpers import make_app, signed_in, user_named
from tests.support.page_text import visible_text
from tests.support.rules_files import changed_department_rules


def drawn_campaign(app, world, inputs=("observer:人大代表 1234",)):
    campaign_id, admin = frozen_campaign(world), user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        campaign_commands.draw_targets(campaign_id, {"public_inputs": list(inputs)}, actor=planner_of(admin))
        db.session.commit()
        return campaign_id


def test_plan_goes_from_published_to_filed(app):
    with app.app_context():
        world = build(file_plan=False)
        supervisor, admin = user_named("sfj_supervisor"), user_named("yjj_admin")
        leader = leader_of(admin)
        with tenant_scope(supervisor.tenant_id):
            assert [p.id for p in plans_queries.plans_to_review(supervisor)] == [world["plan"]]
            with pytest.raises(InvalidInputError):
                plans.review(world["plan"], {"accept": False, "comment": ""}, actor=supervisor)
            plans.review(world["plan"], {"accept": False, "comment": "请补充检查频次"}, actor=supervisor)
            db.session.commit()
        with tenant_scope(world["tenant"]):  # a refused command rolled back: objects loaded before are read again
            plan = plans_queries.get_plan(world["plan"])
            assert plan.status == PlanStatus.returned and plan.comment == "请补充检查频次"
            plans.submit(plan.id, actor=leader)  # unchanged since it was published: submitted again as it is
            db.session.commit()
        with tenant_scope(supervisor.tenant_id):
            plans.review(world["plan"], {"accept": True, "comment": ""}, actor=supervisor)
            db.session.commit()
        with tenant_scope(world["tenant"]):
            plan = plans_queries.get_plan(world["plan"])
            assert plan.status == PlanStatus.filed and plan.filed_by_name == "韩梅" and plan.published_at is not None
            with pytest.raises(ConflictError):
                plans.publish(plan.id, actor=leader)  # published before it was filed; nothing to publish again


def test_a_non_supervisor_cannot_file_plans(app):
    with app.app_context():
        world = build(file_plan=False)
        coordinator = user_named("yjj_leader")
        with tenant_scope(coordinator.tenant_id), pytest.raises(ForbiddenError):
            plans.review(world["plan"], {"accept": True, "comment": ""}, actor=coordinator)


def test_campaign_outside_a_filed_plan_is_refused_unless_exempt_with_a_reason(app):
    with app.app_context():
        world = build(file_plan=False)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            with pytest.raises(InvalidInputError) as refused:
                campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
            assert "item_ids" in refused.value.errors
            with pytest.raises(InvalidInputError) as no_reason:
                campaign_commands.create_campaign(
                    campaign_data(world, exempt_kind="complaint"), actor=planner_of(admin)
                )
            assert "exempt_reason" in no_reason.value.errors
            campaign = campaign_commands.create_campaign(
                campaign_data(world, exempt_kind="complaint", exempt_reason="群众举报某企业违规储存危化品"),
                actor=planner_of(admin),
            )
            assert campaign.plan_id is None and campaign.exempt_kind == "complaint"
            assert campaign.code is None  # 未编号 until approved
            campaign_commands.approve(campaign.id, actor=leader_of(admin))
            assert campaign.code == "宁应急抽〔2026〕1号"


def test_the_whole_ceremony_gives_verifiable_proofs(app):
    with app.app_context():
        world = build()
        campaign_id = drawn_campaign(app, world)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign_id)
            assert campaign.plan_id == world["plan"] and campaign.status == CampaignStatus.targets_drawn
            targets = campaigns.draw(campaign, "targets")
            published = draw_steps.published_bytes(targets)
            assert hashlib.sha256(published).hexdigest() == targets.proof_sha256
            proof = proof_file.loads(published)
            assert (
                proof["frame_digest"]
                == hashlib.sha256(draw_steps.frame_of(targets)).hexdigest()
                == targets.frame_digest
            )
            assert proof["public_inputs"] == ["observer:人大代表 1234"] and proof["committed_at"].endswith("Z")
            assert all(c.ok for c in verify(proof))
            independent_check(proof)
            selected = db.session.scalars(
                sa.select(CampaignTarget).where(CampaignTarget.status == TargetStatus.selected)
            ).all()
            assert len(selected) == sum(len(ids) for ids in proof["selected"]["YJJ"].values())
            campaign_commands.freeze_inspectors(campaign.id, actor=planner_of(admin))
            db.session.commit()
            campaign_commands.draw_inspectors(
                campaign_id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=planner_of(admin)
            )
            db.session.commit()
            inspectors_proof = proof_file.loads(draw_steps.published_bytes(campaigns.draw(campaign, "inspectors")))
            assert all(c.ok for c in verify(inspectors_proof))
            independent_check(inspectors_proof)
            members = db.session.scalars(sa.select(TeamMember)).all()
            assert len(members) == 2 * len(selected)
            leader = campaign_commands.designate_leader(
                campaign.id, {"member_id": members[0].id}, actor=planner_of(admin)
            )
            assert leader.is_leader
            db.session.commit()
        with app.app_context(), system_access("test"):
            actions = [
                e.action
                for e in db.session.scalars(
                    sa.select(AuditEntry).where(
                        AuditEntry.object_type == "campaign", AuditEntry.object_id == str(campaign_id)
                    )
                )
            ]
        assert actions[:5] == [
            "campaign.created",
            "campaign.moved",  # draft → approved (campaigns.transitions)
            "draw.committed",
            "campaign.approved",
            "draw.frozen",
        ]
        assert "team.leader_designated" in actions


def test_steps_out_of_order_and_a_second_draw_are_refused(app):
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
            with pytest.raises(ConflictError):
                campaign_commands.freeze_targets(campaign.id, actor=planner_of(admin))  # not approved yet
            campaign_commands.approve(campaign.id, actor=leader_of(admin))
            with pytest.raises(ConflictError):
                campaign_commands.draw_targets(
                    campaign.id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=planner_of(admin)
                )  # not frozen yet
            campaign_commands.freeze_targets(campaign.id, actor=planner_of(admin))
            db.session.commit()
            campaign_commands.draw_targets(
                campaign.id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=planner_of(admin)
            )
            db.session.commit()
            with pytest.raises(ConflictError):
                campaign_commands.draw_targets(campaign.id, {"public_inputs": ["another try"]}, actor=planner_of(admin))
            with pytest.raises(ConflictError):
                campaign_commands.update_campaign(campaign.id, {"title": "改"}, actor=planner_of(admin))


def test_target_replacement_takes_the_next_reserve_and_refuses_cannot_be_found(app):
    with app.app_context():
        world = build()
        campaign_id = drawn_campaign(app, world)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign_id)
            record = campaigns.draw(campaign, "targets")
            proof = record.proof
            stratum, ids = next((s, ids) for s, ids in proof["selected"]["YJJ"].items() if proof["reserves"]["YJJ"][s])
            codes = draw_steps.codes_of(record, [ids[0], proof["reserves"]["YJJ"][stratum][0]])  # the proof's tokens
            out = db.session.scalar(
                sa.select(CampaignTarget)
                .join(CampaignTarget.entity)
                .where(CampaignTarget.entity.has(code=codes[ids[0]]))
            )
            with pytest.raises(InvalidInputError):
                campaign_commands.replace_target(
                    campaign.id, {"entity_id": out.entity_id, "reason": "cannot_be_found"}, actor=planner_of(admin)
                )
            incoming = campaign_commands.replace_target(
                campaign.id, {"entity_id": out.entity_id, "reason": "deregistered"}, actor=planner_of(admin)
            )
            assert incoming.entity.code == codes[proof["reserves"]["YJJ"][stratum][0]]
            db.session.commit()
            updated = proof_file.loads(draw_steps.published_bytes(campaigns.draw(campaign, "targets")))
            assert updated["replacements"][0]["reason"] == "deregistered"
            assert all(c.ok for c in verify(updated))


@pytest.mark.seconds(2.8)
def test_a_reason_of_the_departments_own_rules_replaces_a_target_and_every_page_names_it(app):
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):  # its 细则 names a reason of its own and drops the others
            article = rulebook.document_of(rulebook.version_ids(admin.tenant_id)[1]).articles[0].number
            text = changed_department_rules(
                admin.tenant_id,
                target_replacement_reasons=({"demolished": "已拆除", "deregistered": "已注销"}, article),
            )
            rules.load_department_rules({"text": text}, actor=CONSOLE)
            db.session.commit()
        campaign_id = drawn_campaign(app, world)
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign_id)
            out = db.session.scalars(
                sa.select(CampaignTarget).where(
                    CampaignTarget.campaign_id == campaign.id, CampaignTarget.status == TargetStatus.selected
                )
            ).first()
            with pytest.raises(InvalidInputError):  # the platform's reason its rules dropped
                campaign_commands.replace_target(
                    campaign.id, {"entity_id": out.entity_id, "reason": "closed"}, actor=planner_of(admin)
                )
            campaign_commands.replace_target(
                campaign.id, {"entity_id": out.entity_id, "reason": "demolished"}, actor=planner_of(admin)
            )
            db.session.commit()
    staff = visible_text(signed_in(app, "yjj_planner").get(f"/campaigns/{campaign_id}").get_data(as_text=True))
    public = visible_text(app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True))
    assert "已拆除" in staff and "demolished" not in staff
    assert "已拆除" not in public and "demolished" not in public  # a blinded draw: no business beside a reason


@pytest.mark.seconds(1.2)
def test_an_unfillable_team_fails_the_whole_draw_naming_the_visit(app):
    with app.app_context():
        world = build(inspector_count=1)
        campaign_id = drawn_campaign(app, world)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign_id)
            campaign_commands.freeze_inspectors(campaign.id, actor=planner_of(admin))
            db.session.commit()
            with pytest.raises(ConflictError, match="91330100MA"):
                campaign_commands.draw_inspectors(
                    campaign_id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=planner_of(admin)
                )
            db.session.rollback()
            assert db.session.scalar(sa.select(sa.func.count()).select_from(TeamMember)) == 0


@pytest.mark.postgres
def test_two_concurrent_draws_give_exactly_one(postgres_url):
    app = make_app(postgres_url)
    with app.app_context():
        campaign_id, tenant = frozen_campaign(build()), user_named("yjj_admin").tenant_id
        db.engine.dispose()
    outcomes, barrier = [], threading.Barrier(2)

    def attempt(label):
        with app.app_context():
            actor = user_named("yjj_planner")
            with tenant_scope(tenant):
                barrier.wait()
                try:
                    campaign_commands.draw_targets(campaign_id, {"public_inputs": [label]}, actor=actor)
                    db.session.commit()
                    outcomes.append("drawn")
                except ConflictError:
                    db.session.rollback()
                    outcomes.append("refused")

    threads = [threading.Thread(target=attempt, args=(f"observer {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["drawn", "refused"]
    with app.app_context(), tenant_scope(tenant):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignTarget)) > 0
        draws = campaigns.draw(campaigns.get_campaign(campaign_id), "targets")
        assert draws.proof["public_inputs"] in (["observer 0"], ["observer 1"])
        db.engine.dispose()


def test_the_frame_built_by_the_database_is_the_one_read_row_by_row(app, monkeypatch):
    """The target frame: inactive entities out, entities checked this year for the item out unless
    flagged, flagged ones in their own stratum — the same file whether PostgreSQL builds each
    stratum's sorted lines or the rows are read and sorted here."""
    with app.app_context():
        world = build()
        drawn_campaign(app, world)  # its selected targets are "checked this year" for the item
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            codes = world["codes"]
            db.session.execute(sa.update(Entity).where(Entity.code.in_(codes[:3])).values(abnormal=True))
            db.session.execute(sa.update(Entity).where(Entity.code == codes[3]).values(status="deregistered"))
            campaign = campaign_commands.create_campaign(
                campaign_data(world, strata={**STRATA, "flagged": {"ratio_bp": 4000, "min": 2}}),
                actor=planner_of(admin),
            )
            frame = frames.target_frame([frames.FramePart.of(campaign)], today())
            monkeypatch.setattr(frames, "_cells_in_database", frames._cells_read_in_order)
            assert frames.target_frame([frames.FramePart.of(campaign)], today()) == frame
    cells = dict(target_frames.parse_frame_file(frame.file))
    assert sorted(cells[("YJJ", "flagged")]) == sorted(codes[:3]) and frame.counts["YJJ"]["flagged"] == 3
    assert frame.excluded["not_active"] == 1 and frame.excluded["checked_this_year"] >= 1
    listed = {code for ids in cells.values() for code in ids}
    assert codes[3] not in listed and len(listed) + sum(frame.excluded.values()) == len(codes)


def test_a_campaign_ordered_by_a_superior_keeps_the_entities_checked_this_year(app):
    """Seed 002 四(一): entities checked this year may be left out, but not for a check a superior
    authority ordered (上级部门有具体规定的企业，不受此限制); an ordinary campaign leaves them out."""
    with app.app_context():
        world = build()
        drawn_campaign(app, world)  # its selected targets are "checked this year" for the item
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            ordinary = campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
            ordered = campaign_commands.create_campaign(
                campaign_data(
                    world,
                    title="落实省厅部署的危化企业抽查",
                    exempt_kind="order",
                    exempt_reason="省应急管理厅临时部署危化企业专项检查",
                ),
                actor=planner_of(admin),
            )
            left_out = frames.target_frame([frames.FramePart.of(ordinary)], today()).excluded
            kept = frames.target_frame([frames.FramePart.of(ordered)], today()).excluded
    assert left_out.get("checked_this_year", 0) >= 1 and "checked_this_year" not in kept


def test_a_draw_whose_drawn_business_left_the_registry_is_refused_and_stores_nothing(app):
    """The targets are stored by looking each drawn code up in the registry: a business whose code is no longer
    there (its registration changed after the freeze) refuses the whole draw — no target row, the campaign still
    waiting for its draw."""
    with app.app_context():
        world = build()
        campaign_id = frozen_campaign(world)
        with system_access("test: the registry changes the businesses' codes"):
            db.session.execute(
                sa.update(Entity).where(Entity.code.in_(world["codes"])).values(code=sa.func.lower(Entity.code))
            )
            db.session.commit()
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            with pytest.raises(ConflictError, match="已不在名录库中"):
                campaign_commands.draw_targets(
                    campaign_id, {"public_inputs": ["observer:人大代表 1234"]}, actor=planner_of(admin)
                )
            db.session.rollback()
            assert (
                db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(CampaignTarget)
                    .where(CampaignTarget.campaign_id == campaign_id)
                )
                == 0
            )
            campaign = campaigns.get_campaign(campaign_id)
            assert campaign.status == CampaignStatus.approved and campaigns.draw(campaign, "targets").drawn_at is None
