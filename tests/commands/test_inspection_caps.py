"""每户企业年度检查次数上限 (国办发〔2024〕54号): every target drawn for an on-site check counts for its business
and year, across departments (a joint campaign once); a later frame leaves out a business at the rules'
cap with the reason ``cap``, says how many, and publishes the list with the campaigns that count — while
the proof and its verification stay as they are."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw.verify import verify
from spotcheck.tenants.campaigns import (
    commands as campaign_commands,
    draws as draw_steps,
    inspection_counts,
    queries as campaigns,
)
from spotcheck.tenants.campaigns.models import CampaignTarget, Draw, InspectionCount, TargetStatus
from spotcheck.tenants.campaigns.queries import public as publication
from tests.independent.draw_spec_check import check as independent_check
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import user_named
from tests.support.joint_world import world as joint_world
from tests.support.rules_files import load_department_cap
from tests.support.verifier import run_node

DAY = date(2026, 2, 10)


def _drawn(world, title: str) -> int:
    admin = user_named("yjj_admin")
    planner = planner_of(admin)
    campaign = campaign_commands.create_campaign(campaign_data(world, title=title), actor=planner)
    campaign_commands.approve(campaign.id, actor=leader_of(admin))
    campaign_commands.freeze_targets(campaign.id, actor=planner)
    campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:测试"]}, actor=planner)
    db.session.commit()
    return campaign.id


def _selected(campaign_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(CampaignTarget.entity_id).where(
                CampaignTarget.campaign_id == campaign_id, CampaignTarget.status == TargetStatus.selected
            )
        )
    )


def test_a_business_at_the_departments_cap_is_left_out_of_the_next_frame_which_says_why(app, tmp_path):
    with app.app_context(), frozen_at(DAY):
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            load_department_cap(admin.tenant_id, 1)
            first = _drawn(world, "危化企业第一批抽查")
            counted = _selected(first)
            rows = db.session.scalars(sa.select(InspectionCount)).all()
            assert {r.entity_id for r in rows} == counted and all(r.counts and r.year == 2026 for r in rows)
            code = campaigns.get_campaign(first).code
            assert {r.campaign_code for r in rows} == {code}

            planner = planner_of(admin)
            second = campaign_commands.create_campaign(
                campaign_data(world, title="危化企业第二批抽查", exclude_checked=False), actor=planner
            )
            campaign_commands.approve(second.id, actor=leader_of(admin))
            campaign_commands.freeze_targets(second.id, actor=planner)
            db.session.commit()
            record = db.session.scalar(sa.select(Draw).where(Draw.campaign_id == second.id, Draw.kind == "targets"))
            assert record.excluded[inspection_counts.CAPPED] == len(counted)
            assert {row["campaigns"][0] for row in record.capped} == {code}
            capped_codes = {row["code"] for row in record.capped}
            assert len(capped_codes) == len(counted) and not any(
                c in draw_steps.read_clear(record)["frame_file"] for c in capped_codes
            )
            public = publication.public_draws(campaigns.get_campaign(second.id))["targets"]
            assert public.capped == record.capped  # published beside the counts

            campaign_commands.draw_targets(second.id, {"public_inputs": ["observer:测试"]}, actor=planner)
            db.session.commit()
            assert not _selected(second.id) & counted  # nobody at the cap is drawn again
            proof = publication.drawn_proof(campaigns.get_campaign(second.id), "targets")
            assert all(check.ok for check in verify(proof))  # the proof verifies as every proof does,
            independent_check(proof)  # with the independent check of DRAW-SPEC
            published = publication.published_proof(campaigns.get_campaign(second.id), "targets")
            capped, second_id = record.capped, second.id
    assert json.loads(published)["frame_digest"] == record.frame_digest
    (tmp_path / "proof.json").write_bytes(published)  # and with the browser verifier under Node, as published
    assert run_node(tmp_path / "proof.json").returncode == 0
    with frozen_at(DAY):  # as a citizen reads it, in a request of its own
        page = app.test_client().get(f"/public/draws/campaigns/{second_id}").get_data(as_text=True)
    assert "已达年度检查次数上限" in page and 'id="targets-capped"' in page
    assert capped[0]["name"] in page and code in page


def test_a_check_of_a_cap_exempt_kind_neither_counts_nor_leaves_anyone_out(app):
    with app.app_context(), frozen_at(DAY):
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            first = _drawn(world, "危化企业第一批抽查")
            campaign = campaigns.get_campaign(first)
            assert inspection_counts.counts_toward_cap(campaign)
            campaign.exempt_kind = "complaint"  # 投诉举报: a check on a cause, not a routine one
            assert not inspection_counts.counts_toward_cap(campaign)
            assert inspection_counts.capped(campaign, admin.tenant_id) is None
            campaign.exempt_kind, campaign.method = None, "offsite"  # not on-site: not an inspection of the premises
            assert not inspection_counts.counts_toward_cap(campaign)
            assert inspection_counts.capped(campaign, admin.tenant_id) is None  # nor limited by the cap
            db.session.rollback()


@pytest.mark.seconds(3)
def test_a_joint_visit_counts_once_for_its_business_whatever_its_departments(app):
    with app.app_context():
        ids = joint_world("targets")
        rows = db.session.scalars(sa.select(InspectionCount)).all()
        by_entity: dict[int, set[str]] = {}
        departments: dict[int, set[int]] = {}
        for row in rows:
            by_entity.setdefault(row.entity_id, set()).add(row.counted_as)
            departments.setdefault(row.entity_id, set()).add(row.department_id)
        assert rows and all(keys == {f"joint:{ids['campaign']}"} for keys in by_entity.values())
        assert any(len(d) == 2 for d in departments.values())  # drawn by both departments: counted once
