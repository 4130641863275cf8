"""The businesses a frame leaves out at their yearly cap on inspections (年度检查次数上限), as the pages show them: the
department's campaign page lists them with the campaigns that count for each and links to the public list; the
public page states the cap and the document and article it comes from, and links each counting campaign's code to
that campaign's public page."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.models import CampaignTarget, TargetStatus
from spotcheck.tenants.directory.models import Entity
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import signed_in, user_named
from tests.support.rules_files import load_department_cap

DAY = date(2026, 2, 10)


@pytest.fixture
def world(app):
    with app.app_context():
        return build()


def test_a_frames_capped_businesses_are_listed_and_the_public_page_names_the_cap_and_links_each_campaign(app, world):
    with app.app_context(), frozen_at(DAY):
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            load_department_cap(admin.tenant_id, 1)
            planner, ids = planner_of(admin), []
            for title in ("危化企业第一批抽查", "危化企业第二批抽查"):
                campaign = campaign_commands.create_campaign(
                    campaign_data(world, title=title, exclude_checked=False), actor=planner
                )
                campaign_commands.approve(campaign.id, actor=leader_of(admin))
                campaign_commands.freeze_targets(campaign.id, actor=planner)
                if not ids:
                    campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:测试"]}, actor=planner)
                ids.append((campaign.id, campaign.code))
            db.session.commit()
            capped = db.session.scalar(
                sa.select(Entity.name)
                .join(CampaignTarget, CampaignTarget.entity_id == Entity.id)
                .where(CampaignTarget.campaign_id == ids[0][0], CampaignTarget.status == TargetStatus.selected)
                .order_by(Entity.code)
            )
    (first, first_code), (second, _) = ids
    with frozen_at(DAY):
        page = signed_in(app, "yjj_planner").get(f"/campaigns/{second}").get_data(as_text=True)
        shown = app.test_client().get(f"/public/draws/campaigns/{second}").get_data(as_text=True)
    listed = page[page.index('id="targets-capped"') :]
    assert capped in listed and first_code in listed and f"/public/draws/campaigns/{second}#targets-capped" in listed
    rule = shown[shown.index('id="targets-cap-rule"') :]
    assert re.search(r"本部门每年对同一企业的检查次数上限：1次（《[^》]+》[^）]*）", rule)  # the value and its rule
    assert f'<a href="/public/draws/campaigns/{first}">{first_code}</a>' in shown
