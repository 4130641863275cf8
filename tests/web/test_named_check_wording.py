"""A check of named businesses (特定对象检查) and a check registered after it was made (事后登记) in their own words,
as a walk of the pages found them: registered, never drawn, wherever a status is shown; the public list says what
the campaign's public page says."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results import commands as results
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.demo_world import demo_city
from tests.support.helpers import signed_in, user_named
from tests.support.named_world import handed_out, registered

DAY = date(2026, 3, 12)
#: The drawn and the registered step, as a random campaign and a named check say them.
DRAWN, REGISTERED = "已抽取检查对象", "检查对象已登记"


@pytest.fixture
def world(app):
    with app.app_context():
        return build()


def _late(world) -> int:
    """A check made on 2026-03-10 after an accident, registered by the leader with the first two inspectors and
    handed to them."""
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        team = list(db.session.scalars(sa.select(Inspector.id).order_by(Inspector.id).limit(2)))
        campaign = campaign_commands.register_emergency({
            **campaign_data(world), "title": "冷库液氨泄漏事故现场紧急检查", "checked_on": "2026-03-10", "team": team,
            "late_reason": "事故发生后须立即到场排查，来不及事先登记。",
            "named_targets": [{"entity_code": world["codes"][5], "cause": "accident", "reference": "3月10日 液氨泄漏"}]},
            actor=leader_of(admin))
        results.hand_out(campaign.id, actor=planner_of(admin))
        db.session.commit()
        return campaign.id


def _public_statuses(client, campaign_id: int) -> tuple[str, str]:
    """The campaign's status on the public list of draws, and on its own public page."""
    listed = client.get("/public/draws?year=2026").get_data(as_text=True)
    row = listed.split(f'data-campaign="{campaign_id}"')[1].split("</tr>")[0]
    page = client.get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
    return (re.search(r'class="public-stage"[^>]*>([^<]*)<', row).group(1).strip(),
            re.search(r'id="public-status">([^<]*)<', page).group(1).strip())


def test_an_approved_named_check_reads_registered_wherever_its_status_is_shown(app, world):
    with app.app_context(), frozen_at(DAY):
        campaign_id = registered(world)
    planner = signed_in(app, "yjj_planner")
    with frozen_at(DAY):
        listed = planner.get("/campaigns").get_data(as_text=True)
        home = planner.get("/").get_data(as_text=True)
        page = planner.get(f"/campaigns/{campaign_id}").get_data(as_text=True)
        public = _public_statuses(app.test_client(), campaign_id)
    row = listed.split(f'data-campaign="{campaign_id}"')[1].split("</tr>")[0]
    assert REGISTERED in row and DRAWN not in row
    assert REGISTERED in home and DRAWN not in home  # the planner's next step: freeze the inspector frame
    facts = page[page.index('id="campaign-facts"'):]
    assert REGISTERED in facts.split("</dd>")[0] and DRAWN not in page
    assert public == ("已批准，已公布抽取承诺值",) * 2  # not disclosed yet: no more than its approval


def test_the_public_list_says_what_the_campaigns_public_page_says(app, world):
    with app.app_context(), frozen_at(DAY):
        withheld = handed_out(world)["campaign"]  # its team drawn and handed its visit, not yet gone (离企)
        late = _late(world)
    client = app.test_client()
    with frozen_at(DAY):
        listed, shown = _public_statuses(client, withheld)
        assert listed == shown == "已批准，已公布抽取承诺值"  # the list reveals no more than the page withholds
        listed, shown = _public_statuses(client, late)
        assert listed == shown == "事后登记"  # not 已下达检查任务: no check is still to come


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_public_campaign_of_the_demo_has_one_status_on_the_list_and_on_its_page(app):
    with app.app_context():
        demo_city(today="2026-11-21")
    client = app.test_client()
    with frozen_at(date(2026, 11, 21)):
        listed = client.get("/public/draws?year=2026").get_data(as_text=True)
        rows = re.findall(r'<tr data-campaign="(\d+)">\s*<td[^>]*><a [^>]*>([^<]*)</a>.*?class="public-stage"[^>]*>([^<]*)<',
                          listed, re.S)
        stages = {code: stage.strip() for _, code, stage in rows}
        for campaign_id, code, _ in rows:
            page = client.get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
            assert re.search(r'id="public-status">([^<]*)<', page).group(1).strip() == stages[code], code
    assert stages["市监查〔2026〕2号"] == "已批准，已公布抽取承诺值"  # its team drawn, withheld until it has left
    assert stages["应急查〔2026〕1号"] == "事后登记" and stages["市监查〔2026〕1号"] == "结果已公示"
    assert stages["应急抽〔2026〕1号"] == "已抽取执法检查人员"  # a random campaign's words stay its own
