"""The draw's form asks for the observers' inputs: a blinded draw (盲化抽取, every draw committed now) for at least
one, naming the field when none is given, with no reason to stand in for it; a draw frozen before blinding for the
inputs or a reason (无外部输入的理由), through the pages and the API, the confirmation saying what the draw will use
and the campaign's page and the public draw page saying plainly that nobody outside the department contributed, with
the reason. And the campaign form speaks of a ratio in per cent only (基点 is the API's word)."""

from __future__ import annotations

import html
import re

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.joint import commands as joint
from tests.support import joint_world
from tests.support.campaign_world import build, frozen_campaign
from tests.support.ceremony_world import frozen_before_blinding
from tests.support.helpers import bearer, post_form, signed_in, user_named

REASON = "人大代表临时有公务，经分管领导同意按期抽取"
PLAINLY = "本次抽取无外部监督人输入，仅使用本部门密钥；理由："


def _frozen(app) -> int:
    with app.app_context():
        return frozen_campaign(build())


def _said(page: str, field_id: str) -> str:
    """What the form's error summary says of the field (its name, a link to it, and the message); "" if nothing."""
    found = re.search(rf'<li><a href="#{field_id}">([^<]*)</a>([^<]*)</li>', page)
    return found.group(1) + found.group(2) if found else ""


def _before_blinding(app, campaign_id: int) -> None:
    with app.app_context():
        planner = user_named("yjj_planner")
        with tenant_scope(planner.tenant_id):
            frozen_before_blinding(campaigns.draw(campaigns.get_campaign(campaign_id), "targets"))
            db.session.commit()


def test_a_blinded_draws_form_asks_for_an_observers_input_and_takes_no_reason_instead(app):
    campaign_id = _frozen(app)
    planner, url = signed_in(app, "yjj_planner"), f"/campaigns/{campaign_id}"
    page = planner.get(url).get_data(as_text=True)
    form = page[page.index('id="targets-draw"') - 600 : page.index("</form>", page.index('id="targets-draw"'))]
    assert "现场监督人输入" in form and "盲化抽取" in form and 'id="targets-blinded-needs-input"' in form
    assert "无外部输入的理由" not in form and "data-confirm-none" not in form  # no reason stands in for an input
    assert re.search(r'data-confirm="[^"]*本部门密钥和 \{lines\} 条现场监督人输入', form)
    refused = post_form(
        planner, f"{url}/draws/targets", {"public_inputs": " \n ", "no_input_reason": REASON}, token_from=url
    )
    assert refused.status_code == 422
    said = _said(refused.get_data(as_text=True), "targets-public-inputs")
    assert said.startswith("现场监督人输入") and "盲化抽取" in said, said
    assert 'id="targets-seed"' not in planner.get(url).get_data(as_text=True)  # nothing drawn


def test_a_draw_frozen_before_blinding_asks_for_the_inputs_or_a_reason_and_says_what_it_used(app):
    campaign_id = _frozen(app)
    _before_blinding(app, campaign_id)
    planner, url = signed_in(app, "yjj_planner"), f"/campaigns/{campaign_id}"
    page = planner.get(url).get_data(as_text=True)
    form = page[page.index('id="targets-draw"') - 200 : page.index("</form>", page.index('id="targets-draw"'))]
    assert "现场监督人输入" in form and "无外部输入的理由" in form
    # the confirmation says what the draw will use, both ways (confirm.js fills in the count or the reason)
    assert re.search(r'data-confirm="[^"]*本部门密钥和 \{lines\} 条现场监督人输入', form)
    assert re.search(r'data-confirm-none="[^"]*仅使用本部门密钥[^"]*\{reason\}', form)
    assert 'data-confirm-lines="public_inputs"' in form and 'data-confirm-reason="no_input_reason"' in form

    refused = post_form(
        planner, f"{url}/draws/targets", {"public_inputs": " \n ", "no_input_reason": ""}, token_from=url
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "无外部输入的理由：没有现场监督人输入" in _said(text, "targets-no-input-reason")
    assert _said(text, "targets-public-inputs") == ""
    assert PLAINLY not in planner.get(url).get_data(as_text=True)  # nothing drawn

    drawn = post_form(planner, f"{url}/draws/targets", {"public_inputs": "", "no_input_reason": REASON}, token_from=url)
    assert drawn.status_code == 302
    planner.get(drawn.headers["Location"])
    page = html.unescape(planner.get(url).get_data(as_text=True))
    assert PLAINLY + REASON in page
    public = html.unescape(app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True))
    said = re.search(r'<strong class="warning-text no-outside-input"[^>]*>([^<]*)</strong>', public)
    assert said and said.group(1) == PLAINLY + REASON  # plainly, not in small print


def test_the_api_names_the_missing_input_of_a_blinded_draw_and_takes_a_reason_before_blinding(app):
    campaign_id = _frozen(app)
    client, planner = app.test_client(), bearer(app, "yjj_planner")
    base = f"/api/v1/campaigns/{campaign_id}/draws/targets"
    zh = {**planner, "Accept-Language": "zh-CN"}
    missing = client.post(base, json={"public_inputs": [], "no_input_reason": REASON}, headers=zh)
    assert missing.status_code == 422
    [message] = missing.json["errors"]["json"]["public_inputs"]
    assert message.startswith("现场监督人输入") and "盲化抽取" in message, message
    assert client.get(base, headers=planner).json["seed"] is None
    assert len(client.get(base, headers=planner).json["blind_commitment"]) == 64
    _before_blinding(app, campaign_id)
    missing = client.post(base, json={"public_inputs": []}, headers=zh)
    [message] = missing.json["errors"]["json"]["no_input_reason"]
    assert message.startswith("无外部输入的理由"), message
    job = client.post(base, json={"public_inputs": [], "no_input_reason": REASON}, headers=planner)
    assert job.status_code == 202, job.json
    drawn = client.get(base, headers=planner).json
    assert drawn["public_inputs"] == [] and drawn["no_input_reason"] == REASON and drawn["seed"]
    assert drawn["blind_commitment"] is None
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    request = schemas["DrawRequest"]["properties"]
    assert "no_input_reason" in request and "422" in request["no_input_reason"]["description"]
    assert "no_input_reason" in schemas["Draw"]["properties"] and "blind_commitment" in schemas["Draw"]["properties"]


def test_a_joint_campaigns_blinded_draw_form_asks_for_an_input_too(app):
    with app.app_context():
        ids = joint_world.world("approved")
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            joint.freeze_targets(ids["campaign"], actor=coord)
            db.session.commit()
    client, url = signed_in(app, "scj_coord"), f"/joint/{ids['campaign']}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="targets-no-input-reason"' not in page and 'id="targets-blinded-needs-input"' in page
    refused = post_form(client, f"{url}/draws/targets/draw", {"public_inputs": ""}, token_from=url)
    assert refused.status_code == 422
    assert "盲化抽取" in _said(refused.get_data(as_text=True), "targets-public-inputs")
    drawn = post_form(client, f"{url}/draws/targets/draw", {"public_inputs": "市人大代表 冯某 1013"}, token_from=url)
    assert drawn.status_code == 302


def test_the_campaign_form_speaks_of_per_cent_only(app):
    with app.app_context():
        world = build()
    planner = signed_in(app, "yjj_planner")
    data = {
        "title": "危化企业双随机抽查",
        "year": "2026",
        "item_ids": [str(world["item"])],
        "exempt_kind": "",
        "method": "onsite",
        "window_start": "2026-03-01",
        "window_end": "2026-04-30",
        "reserve_size": "2",
        "team_size": "2",
        "capacity": "3",
        "flagged_mode": "none",
    }
    for stratum in "ABCD":
        data.update(
            {f"{stratum}_mode": "ratio", f"{stratum}_ratio": "10", f"{stratum}_min": "1", f"{stratum}_count": ""}
        )
    data.update({"A_ratio": "", "B_mode": "count", "B_count": ""})  # a ratio and a count left empty
    refused = post_form(planner, "/campaigns/new", data, token_from="/campaigns/new")
    text = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422 and "A 的规则" in text and "0–100%" in text
    summary = text.split('id="form-errors"')[1].split("</div>")[0]  # said in the form's summary at its top, once
    assert "A 的规则" in summary and text.count("A 的规则") == summary.count("A 的规则")
    assert "基点" not in text and "basis point" not in text
