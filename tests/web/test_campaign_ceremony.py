"""Campaigns (抽查任务) and the draw ceremony through the API and the pages: the plan rule, approval
by the leader, freeze, draw as a job with the observers' inputs (on a real worker too), no second
draw, replacements with a listed reason, proofs that verify."""

from __future__ import annotations

import json
import re

import pytest

from spotcheck.core import jobs
from spotcheck.core.commands import unit_of_work
from spotcheck.core.database import db
from spotcheck.core.job_models import JobStatus
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw.verify import verify
from spotcheck.tasks import campaigns as campaign_tasks
from spotcheck.tenants.campaigns import commands as campaign_commands
from tests.support.campaign_world import CATEGORY, STRATA, build, campaign_data
from tests.support.helpers import REDIS_URL, bearer, make_app, post_form, signed_in, user_named
from tests.support.in_english import english
from tests.support.workers import JOB_TIMEOUT, _poll_job


def _all_hold(proof) -> bool:
    checks = verify(proof)
    return bool(checks) and all(check.ok for check in checks)


@pytest.fixture
def world(app):
    with app.app_context():
        return build()


def test_the_whole_ceremony_through_the_api(app, world):
    client = app.test_client()
    planner, leader, other = bearer(app, "yjj_planner"), bearer(app, "yjj_leader"), bearer(app, "swj_planner")

    created = client.post("/api/v1/campaigns", json=campaign_data(world), headers=planner)
    assert created.status_code == 201, created.json
    campaign = created.json
    base = f"/api/v1/campaigns/{campaign['id']}"
    assert campaign["status"] == "draft" and campaign["plan_id"] == world["plan"]
    assert campaign["code"] is None  # a draft has no code (未编号): it is issued at approval
    assert campaign["item_ids"] == [world["item"]] and campaign["strata"]["C"] == STRATA["C"]
    changed = client.patch(base, json={"title": "危化企业双随机抽查（第一批）", "reserve_size": 3}, headers=planner)
    assert changed.status_code == 200 and changed.json["reserve_size"] == 3
    assert client.patch(base, json={"team_size": 1}, headers=planner).status_code == 422

    # another department does not find the campaign at all
    for response in (
        client.get(base, headers=other),
        client.get(f"{base}/draws/targets", headers=other),
        client.post(f"{base}/draws/targets/freeze", headers=other),
    ):
        assert response.status_code == 404
    assert client.get("/api/v1/campaigns", headers=other).json == []

    assert client.post(f"{base}/approve", headers=planner).status_code == 403
    assert client.get(f"{base}/draws/targets", headers=planner).status_code == 404  # not committed yet
    approved = client.post(f"{base}/approve", headers=leader)
    assert approved.status_code == 200 and len(approved.json["commitment"]) == 64 and approved.json["nonce"] is None
    assert "抽〔2026〕" in client.get(base, headers=planner).json["code"]
    assert client.post(f"{base}/approve", headers=leader).status_code == 409
    assert client.patch(base, json={"title": "改"}, headers=planner).status_code == 409
    assert client.post(f"{base}/draws/targets", json={"public_inputs": ["早"]}, headers=planner).status_code == 409

    frozen = client.post(f"{base}/draws/targets/freeze", headers=planner)
    assert frozen.status_code == 200
    counts = frozen.json["counts"]["YJJ"]
    assert sum(counts.values()) == len(world["codes"]) and frozen.json["excluded"] == {}
    assert client.post(f"{base}/draws/targets/freeze", headers=planner).status_code == 409
    assert client.post(f"{base}/draws/targets", json={"public_inputs": ["x" * 201]}, headers=planner).status_code == 422
    assert (
        client.post(
            f"{base}/draws/targets", json={"public_inputs": ["observer:测试监督人 0001"]}, headers=leader
        ).status_code
        == 403
    )

    inputs = ["人大代表 张三: 8817", "企业代表: 春风"]
    job = client.post(f"{base}/draws/targets", json={"public_inputs": inputs}, headers=planner)
    assert job.status_code == 202 and job.json["kind"] == "draw.targets"
    done = client.get(f"/api/v1/jobs/{job.json['id']}", headers=planner).json
    assert done["status"] == "succeeded" and len(done["result"]["seed"]) == 64 and done["result"]["selected"] > 0
    drawn = client.get(f"{base}/draws/targets", headers=planner).json
    assert drawn["public_inputs"] == inputs and drawn["seed"] == done["result"]["seed"] and len(drawn["nonce"]) == 64

    # a second draw is refused at once and changes nothing
    second = client.post(f"{base}/draws/targets", json={"public_inputs": ["再来一次"]}, headers=planner)
    assert second.status_code == 409 and second.json["message"]
    assert client.get(f"{base}/draws/targets", headers=planner).json == drawn
    with app.app_context(), tenant_scope(world["tenant"]):  # a draw job that slips past the check fails, naming why
        with unit_of_work():
            late = jobs.submit(
                campaign_tasks.draw_targets.name,
                "draw.targets",
                user_named("yjj_planner"),
                campaign_id=campaign["id"],
                public_inputs=["迟到的输入"],
                locale="en",
            )
        late = jobs.get_job(late.id)
        assert (
            late.status == JobStatus.failed
            and late.error == "This draw has already been made; it can never be made again."
        )
    assert client.get(f"{base}/draws/targets", headers=planner).json == drawn
    proof = client.get(f"{base}/draws/targets/proof", headers=planner)
    assert proof.status_code == 200 and proof.mimetype == "application/json"
    assert json.loads(proof.data)["public_inputs"] == inputs and _all_hold(json.loads(proof.data))

    targets = client.get(f"{base}/targets", headers=planner).json["items"]
    selected = [t for t in targets if t["status"] == "selected"]
    assert len(selected) == done["result"]["selected"] and all(t["team"] == [] for t in targets)
    out = next(t for t in selected if any(r["status"] == "reserve" and r["stratum"] == t["stratum"] for r in targets))
    detail = signed_in(app, "yjj_planner").get(f"/campaigns/{campaign['id']}").get_data(as_text=True)
    assert 'class="replace-form" data-confirm="' in detail  # a replacement (替换) is confirmed first
    refused = client.post(
        f"{base}/targets/{out['entity_id']}/replace", json={"reason": "cannot_be_found"}, headers=planner
    )
    assert refused.status_code == 422 and "reason" in refused.json["errors"]["json"]
    incoming = client.post(
        f"{base}/targets/{out['entity_id']}/replace", json={"reason": "deregistered"}, headers=planner
    )
    assert incoming.status_code == 200 and incoming.json["status"] == "selected"
    assert incoming.json["stratum"] == out["stratum"]
    replaced = {t["entity_id"]: t for t in client.get(f"{base}/targets", headers=planner).json["items"]}[
        out["entity_id"]
    ]
    assert replaced["status"] == "replaced" and replaced["replacement_reason"] == "deregistered"

    assert client.get(f"{base}/draws/inspectors", headers=planner).json["frame_digest"] is None  # committed only
    inspectors = client.post(f"{base}/draws/inspectors/freeze", headers=planner).json
    assert inspectors["counts"]["visits"] == len(selected) and inspectors["counts"]["pool"] == 8
    job = client.post(f"{base}/draws/inspectors", json={"public_inputs": ["监督员: 42"]}, headers=planner)
    assert job.status_code == 202
    assert client.get(f"/api/v1/jobs/{job.json['id']}", headers=planner).json["status"] == "succeeded"
    assert (
        client.post(
            f"{base}/draws/inspectors",
            json={"public_inputs": ["observer:测试监督人 0001"]},
            headers=planner,
        ).status_code
        == 409
    )
    assert (
        client.post(
            f"{base}/targets/{incoming.json['entity_id']}/replace", json={"reason": "closed"}, headers=planner
        ).status_code
        == 409
    )

    visits = [t for t in client.get(f"{base}/targets", headers=planner).json["items"] if t["status"] == "selected"]
    assert all(len(t["team"]) == 2 and all(m["cert_no"].startswith("YJJ-") for m in t["team"]) for t in visits)
    member = visits[0]["team"][1]
    assert client.post(f"{base}/team-members/{member['id']}/leader", headers=leader).status_code == 403
    named = client.post(f"{base}/team-members/{member['id']}/leader", headers=planner)
    assert named.status_code == 200 and named.json["is_leader"] is True
    assert (
        client.post(
            f"{base}/team-members/{member['id']}/replace", json={"reason": "cannot_be_found"}, headers=planner
        ).status_code
        == 422
    )
    new = client.post(f"{base}/team-members/{member['id']}/replace", json={"reason": "leave"}, headers=planner)
    assert new.status_code == 200 and new.json["is_leader"] is True and new.json["id"] != member["id"]
    team = {t["entity_id"]: t for t in client.get(f"{base}/targets", headers=planner).json["items"]}[
        visits[0]["entity_id"]
    ]["team"]
    assert [(m["active"], m["replacement_reason"]) for m in team if m["id"] == member["id"]] == [(False, "leave")]

    for kind in ("targets", "inspectors"):
        published = json.loads(client.get(f"{base}/draws/{kind}/proof", headers=leader).data)
        assert published["replacements"] and _all_hold(published), kind
    assert client.get(base, headers=leader).json["status"] == "inspectors_drawn"
    assert client.get(f"{base}/draws/targets/proof", headers=other).status_code == 404


def test_a_campaign_outside_a_filed_plan_is_refused_unless_exempt_with_a_reason(app):
    with app.app_context():
        world = build(file_plan=False)
    client, planner = app.test_client(), bearer(app, "yjj_planner")
    refused = client.post("/api/v1/campaigns", json=campaign_data(world), headers=planner)
    assert refused.status_code == 422 and "item_ids" in refused.json["errors"]["json"]
    assert "2026" in " ".join(refused.json["errors"]["json"]["item_ids"])
    no_reason = client.post("/api/v1/campaigns", json=campaign_data(world, exempt_kind="complaint"), headers=planner)
    assert no_reason.status_code == 422 and "exempt_reason" in no_reason.json["errors"]["json"]
    exempt = client.post(
        "/api/v1/campaigns",
        headers=planner,
        json=campaign_data(world, exempt_kind="complaint", exempt_reason="群众举报某企业违规储存危化品"),
    )
    assert (
        exempt.status_code == 201 and exempt.json["plan_id"] is None and exempt.json["exempt_kind_name"] == "投诉举报"
    )

    page = english(signed_in(app, "yjj_leader"))
    shown = "Outside the plan: 投诉举报: 群众举报某企业违规储存危化品"
    assert shown in page.get(f"/campaigns/{exempt.json['id']}").get_data(as_text=True)
    assert shown in page.get("/campaigns").get_data(as_text=True)

    # through the form: the refusal names the items, the exempt kind with its reason passes
    planner_page = english(signed_in(app, "yjj_planner"))
    form = _form_data(world)
    outside = post_form(planner_page, "/campaigns/new", form, token_from="/campaigns/new")
    assert outside.status_code == 422 and "not all in a filed plan of 2026" in outside.get_data(as_text=True)
    saved = post_form(
        planner_page,
        "/campaigns/new",
        {**form, "exempt_kind": "accident", "exempt_reason": "某厂发生爆燃事故"},
        token_from="/campaigns/new",
    )
    assert saved.status_code == 302
    assert "Outside the plan: 发生事故: 某厂发生爆燃事故" in planner_page.get(saved.headers["Location"]).get_data(
        as_text=True
    )


def _form_data(world, **overrides) -> dict:
    data = {
        "title": "危化企业双随机抽查",
        "year": "2026",
        "item_ids": [str(world["item"])],
        "exempt_kind": "",
        "categories": [CATEGORY],
        "method": "onsite",
        "window_start": "2026-03-01",
        "window_end": "2026-04-30",
        "reserve_size": "2",
        "team_size": "2",
        "capacity": "3",
        "flagged_mode": "none",
    }
    for stratum, (mode, ratio, minimum, count) in {
        "A": ("ratio", "30", "2", ""),
        "B": ("ratio", "10", "2", ""),
        "C": ("ratio", "10", "2", ""),
        "D": ("ratio", "5", "1", ""),
    }.items():
        data.update(
            {f"{stratum}_mode": mode, f"{stratum}_ratio": ratio, f"{stratum}_min": minimum, f"{stratum}_count": count}
        )
    return {**data, **overrides}


def test_the_ceremony_through_the_pages(app, world):
    planner, leader = english(signed_in(app, "yjj_planner")), english(signed_in(app, "yjj_leader"))
    form_page = planner.get("/campaigns/new").get_data(as_text=True)
    assert CATEGORY in form_page and "危险化学品安全生产检查" in form_page and 'name="A_ratio"' in form_page
    assert "投诉举报" in form_page  # the exempt kinds
    bad = post_form(
        planner,
        "/campaigns/new",
        _form_data(world, A_ratio="12.34", team_size="1", window_start="2026-05-01", window_end="2026-04-01"),
        token_from="/campaigns/new",
    )
    text = bad.get_data(as_text=True)
    # every mistake at once: the form's own (the ratio) and those the draft is refused for (team, dates)
    assert bad.status_code == 422 and "at most one decimal" in text and "a team has at least 2 inspectors" in text
    assert "The window ends before it starts." in text
    bad = post_form(planner, "/campaigns/new", _form_data(world, team_size="1"), token_from="/campaigns/new")
    assert bad.status_code == 422 and "a team has at least 2 inspectors" in bad.get_data(as_text=True)
    created = post_form(planner, "/campaigns/new", _form_data(world, A_ratio="25.5"), token_from="/campaigns/new")
    assert created.status_code == 302
    url = created.headers["Location"]
    campaign_id = int(re.search(r"/campaigns/(\d+)$", url).group(1))
    page = planner.get(url).get_data(as_text=True)
    assert "25.5%, at least 2" in page and "5%, at least 1" in page and 'id="campaign-approve"' not in page
    edit = planner.get(f"{url}/edit").get_data(as_text=True)
    assert 'value="25.5"' in edit and 'value="2026-03-01"' in edit

    assert post_form(planner, f"{url}/approve", {}, token_from=url).status_code == 403
    assert 'id="campaign-approve"' in leader.get(url).get_data(as_text=True)
    assert post_form(leader, f"{url}/approve", {}, token_from=url).status_code == 302
    page = leader.get(url).get_data(as_text=True)
    commitment = re.search(r'id="targets-commitment">([0-9a-f]{64})<', page).group(1)
    assert 'id="targets-freeze"' not in page  # the leader does not run the ceremony
    page = planner.get(url).get_data(as_text=True)
    assert 'id="targets-freeze"' in page and 'id="targets-draw"' not in page and commitment in page

    assert post_form(planner, f"{url}/draws/targets/freeze", {}, token_from=url).status_code == 302
    page = planner.get(url).get_data(as_text=True)
    assert re.search(r'id="targets-digest">[0-9a-f]{64}<', page) and 'id="targets-counts"' in page
    assert "blinded draw" in page and "needs at least one input" in page and 'id="targets-draw"' in page
    assert 'id="targets-no-input-reason"' not in page  # no reason can stand in for an observer's input
    too_long = post_form(planner, f"{url}/draws/targets", {"public_inputs": "x" * 201}, token_from=url)
    assert too_long.status_code == 422 and "At most 20 inputs" in too_long.get_data(as_text=True)

    started = post_form(
        planner, f"{url}/draws/targets", {"public_inputs": "人大代表: 春风\n\n  企业代表 8817  \n"}, token_from=url
    )
    assert started.status_code == 302 and f"/campaigns/{campaign_id}/jobs/" in started.headers["Location"]
    back = planner.get(started.headers["Location"])
    assert back.status_code == 302 and back.headers["Location"].endswith(url)
    page = planner.get(url).get_data(as_text=True)
    assert "The targets are drawn" in page and "人大代表: 春风" in page and "企业代表 8817" in page
    assert re.search(r'id="targets-seed">[0-9a-f]{64}<', page)
    assert 'id="targets-draw"' not in page and 'id="targets-freeze"' not in page
    assert "re-draw" not in page.lower() and "redraw" not in page.lower()
    assert 'id="targets-table"' in page and "已注销" in page and "cannot_be_found" not in page  # replacement reasons
    again = post_form(planner, f"{url}/draws/targets", {"public_inputs": "再来"}, token_from=url)
    assert "never be made again" in planner.get(again.headers["Location"]).get_data(as_text=True)

    proof = planner.get(f"{url}/proofs/targets.json")
    assert proof.status_code == 200 and "attachment" in proof.headers["Content-Disposition"]
    published = json.loads(proof.data)
    assert published["commitment"] == commitment and published["public_inputs"] == ["人大代表: 春风", "企业代表 8817"]
    assert _all_hold(published)
    verified = leader.get(f"{url}/proofs/targets/verify").get_data(as_text=True)
    assert 'id="verify-ok"' in verified
    assert (
        "matches the commitment published beforehand" in verified and "✓ holds" in verified
    )  # named as on the public page
    assert planner.get(f"{url}/proofs/inspectors.json").status_code == 404

    assert post_form(planner, f"{url}/draws/inspectors/freeze", {}, token_from=url).status_code == 302
    page = planner.get(url).get_data(as_text=True)
    assert 'id="inspectors-counts"' in page and 'id="inspectors-draw"' in page
    assert "blinded draw" in page and 'id="inspectors-no-input-reason"' not in page
    refused = post_form(
        planner,
        f"{url}/draws/inspectors",
        {"public_inputs": "", "no_input_reason": "观察员因大雪未能到场"},
        token_from=url,
    )
    assert (
        refused.status_code == 422
    )  # no input: nothing is drawn, and no reason stands in; the summary names the field
    said = re.search(r'<li><a href="#inspectors-public-inputs">([^<]*)</a>([^<]*)</li>', refused.get_data(as_text=True))
    assert said and "a blinded draw (spotcheck-draw/3) needs at least one input" in "".join(said.groups())
    done = planner.get(
        post_form(
            planner, f"{url}/draws/inspectors", {"public_inputs": "市政协委员 冯某 1013"}, token_from=url
        ).headers["Location"]
    )
    page = planner.get(done.headers["Location"]).get_data(as_text=True)
    assert "The inspectors are drawn" in page and 'id="inspectors-no-outside-input"' not in page
    assert 'id="inspectors-draw"' not in page and "检查员" in page and "YJJ-000" in page
    assert "请假" in page and "Name as leader" in page  # inspector replacement reasons, leader designation
    member_id = int(re.search(r'data-member="(\d+)"', page).group(1))
    assert post_form(planner, f"{url}/team-members/{member_id}/leader", {}, token_from=url).status_code == 302
    assert "Team leader" in planner.get(url).get_data(as_text=True)
    refused = post_form(
        planner, f"{url}/team-members/{member_id}/replace", {"reason": "cannot_be_found"}, token_from=url
    )
    assert "A drawn inspector is replaced only for these reasons" in planner.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    assert (
        post_form(planner, f"{url}/team-members/{member_id}/replace", {"reason": "illness"}, token_from=url).status_code
        == 302
    )
    page = planner.get(url).get_data(as_text=True)
    assert "replaced: 因病" in page and 'id="inspectors-verify"' in page
    assert _all_hold(json.loads(planner.get(f"{url}/proofs/inspectors.json").data))

    other = signed_in(app, "swj_planner")
    assert other.get(url).status_code == 404 and other.get(f"{url}/proofs/targets.json").status_code == 404


@pytest.mark.postgres
@pytest.mark.redis
def test_a_draw_runs_on_a_real_worker_and_the_page_follows_it(worker, postgres_url):
    app = make_app(postgres_url, REDIS_URL=REDIS_URL)
    assert not app.config["CELERY"].get("task_always_eager")
    try:
        with app.app_context():
            world = build()
            planner = user_named("yjj_planner")
            with tenant_scope(world["tenant"]):
                campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner)
                campaign_commands.approve(campaign.id, actor=user_named("yjj_leader"))
                campaign_commands.freeze_targets(campaign.id, actor=planner)
                db.session.commit()
                url = f"/campaigns/{campaign.id}"
        page = english(signed_in(app, "yjj_planner"))
        started = post_form(page, f"{url}/draws/targets", {"public_inputs": "观察员: 7"}, token_from=url)
        job_url = started.headers["Location"]
        job_id = int(job_url.rsplit("/", 1)[1])
        with app.app_context():
            job = _poll_job(world["tenant"], job_id, JOB_TIMEOUT)
            with tenant_scope(world["tenant"]):
                assert job.status == JobStatus.succeeded, job.error
                assert len(job.result["seed"]) == 64
        back = page.get(job_url)
        assert back.status_code == 302 and back.headers["Location"].endswith(url)
        shown = page.get(url).get_data(as_text=True)
        assert "The targets are drawn" in shown and "观察员: 7" in shown and 'id="targets-draw"' not in shown
        with (
            app.app_context(),
            tenant_scope(world["tenant"]),
        ):  # the worker refuses a second draw, in the user's language
            with unit_of_work():
                late = jobs.submit(
                    campaign_tasks.draw_targets.name,
                    "draw.targets",
                    user_named("yjj_planner"),
                    campaign_id=campaign.id,
                    public_inputs=[],
                    locale="en",
                )
            job = _poll_job(world["tenant"], late.id, JOB_TIMEOUT)
            with tenant_scope(world["tenant"]):
                assert job.status == JobStatus.failed and "never be made again" in job.error
        waiting = page.get(f"{url}/jobs/{late.id}")
        assert waiting.status_code == 302
        assert "The draw was not made" in page.get(url).get_data(as_text=True)
    finally:
        with app.app_context():
            db.engine.dispose()
