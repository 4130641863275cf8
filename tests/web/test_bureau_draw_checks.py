"""The justice bureau checks the blinded draws of the departments it supervises (核验抽取, issue 92): each new draw is
a to-do on its home, named by its campaign; the check reads the key and the clear file (each reading in the bureau's
trail and the department's), runs as a job, and its verdict — with the bureau and the day in Beijing time — is on the
draw's public page, failed as truthfully as passed when a clear row was changed. Nobody else reads a key: the
department's own staff, a planner of another department, the bureau above, a business — each refused."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from html import unescape

import sqlalchemy as sa

from spotcheck.core import personal_data
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.campaigns import draws as draw_steps, queries as campaigns
from spotcheck.tenants.campaigns.models import Draw, DrawCheck
from tests.support.business_accounts import DURING, claim, visited_business
from tests.support.helpers import bearer, post_form, signed_in, tenant_id

#: The check is run at 01:00 on 3 April in Beijing: still 2 April in UTC.
CHECKED_AT = datetime(2026, 4, 2, 17, 0, tzinfo=UTC)
API = "/api/v1/supervision/draw-checks"


def _text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _drawn(app) -> dict:
    """A department's (应急管理局's) campaign drawn blinded, targets and inspectors, and handed out; its number and
    title; a business of it with its account claimed."""
    found = visited_business(app)
    with app.app_context(), tenant_scope(found["ids"]["tenant"]):
        campaign = campaigns.get_campaign(found["ids"]["campaign"])
        assert all(campaigns.draw(campaign, kind).blinded for kind in ("targets", "inspectors"))
        found.update(campaign_id=campaign.id, number=campaign.code, title=campaign.title)
    return found


def _trail(app, department: str, campaign_id: int) -> list[tuple[str, dict]]:
    """The entries about the campaign in a department's audit chain, in order: (action, details)."""
    with app.app_context(), system_access("test: a department's trail"):
        return [
            (entry.action, entry.details)
            for entry in db.session.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.chain == tenant_id(department), AuditEntry.object_id == str(campaign_id))
                .order_by(AuditEntry.seq)
            )
            if entry.action.startswith("draw.") and entry.action not in ("draw.committed", "draw.frozen", "draw.drawn")
        ]


def test_the_bureau_checks_a_new_blinded_draw_from_its_home_and_the_verdict_is_public(app):
    found = _drawn(app)
    campaign_id, code = found["campaign_id"], found["number"]
    bureau = signed_in(app, "sfj_supervisor")
    home = bureau.get("/").get_data(as_text=True)
    tasks = _text(home[home.index('id="home-bureau-draw-checks"') :].split("</ul>")[0])
    assert tasks.count("核验抽取") == 2 and tasks.count(f"{code} {found['title']}") == 2  # by name, each draw
    assert "检查对象抽取" in tasks and "执法检查人员抽取" in tasks and "应急管理局" in tasks

    api, headers = app.test_client(), bearer(app, "sfj_supervisor")
    listed = {d["kind"]: d for d in api.get(API, headers=headers).json if d["campaign_id"] == campaign_id}
    assert set(listed) == {"targets", "inspectors"}
    assert all(d["whole"] and d["to_check"] and d["latest"] is None for d in listed.values())
    with frozen_at(CHECKED_AT):
        job = api.post(f"{API}/{campaign_id}/targets", headers=headers)
    assert job.status_code == 202, job.get_data(as_text=True)
    done = api.get(f"/api/v1/jobs/{job.json['id']}", headers=headers).json
    assert done["status"] == "succeeded" and done["result"]["passed"] and done["result"]["failed"] == 0
    checked = api.get(f"{API}/{campaign_id}/targets", headers=headers).json
    verdict = checked["verdicts"][0]
    assert verdict["passed"] and verdict["bureau_name"] == "宁安市司法局" and not verdict["groups"]
    names = [check["name"] for check in verdict["checks"]]
    assert (
        "H(key) = blind_commitment" in names and "the clear frame blinded with the key gives the frame digest" in names
    )
    assert not checked["to_check"]

    # the inspector draw through the pages: the button queues the job, its page returns to the draw's with the verdict
    page = f"/supervision/draw-checks/{campaign_id}/inspectors"
    with frozen_at(CHECKED_AT):
        queued = post_form(bureau, page, {}, token_from=page)
    assert queued.status_code == 302 and "/jobs/" in queued.headers["Location"]
    back = bureau.get(queued.headers["Location"])
    assert back.status_code == 302 and back.headers["Location"].endswith(page)
    shown = _text(bureau.get(page).get_data(as_text=True))
    assert "盲化密钥已向宁安市司法局披露，核验通过（2026-04-03）" in shown
    assert "披露的盲化密钥与事先公布的承诺值一致" in shown  # each check by its Chinese name

    public = _text(app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True))
    assert public.count("盲化密钥已向宁安市司法局披露，核验通过（2026-04-03）") == 2  # each draw's own
    home = bureau.get("/").get_data(as_text=True)
    assert 'id="home-bureau-draw-checks"' not in home  # checked: no longer to do

    for department in ("YJJ", "SFJ"):  # each reading in the department's trail and in the bureau's
        actions = [action for action, _ in _trail(app, department, campaign_id)]
        assert actions == ["draw.key_read", "draw.clear_read", "draw.checked"] * 2, (department, actions)
    details = dict(_trail(app, "YJJ", campaign_id))
    assert details["draw.key_read"]["reader"] == "宁安市司法局" and details["draw.key_read"]["campaign"] == code
    assert details["draw.checked"]["checks_failed"] == 0


def test_a_changed_clear_row_fails_the_check_and_the_public_page_says_so(app):
    found = _drawn(app)
    campaign_id = found["campaign_id"]
    with app.app_context(), tenant_scope(found["ids"]["tenant"]):
        record = campaigns.draw(campaigns.get_campaign(campaign_id), "targets")
        clear = dict(draw_steps.read_clear(record))  # the one reader, whichever form the file is kept in
        lines = clear["frame_file"].splitlines()
        group, stratum, code = lines[0].split("\t")
        lines[0] = f"{group}\t{stratum}\t{code[:-1]}{'X' if code[-1] != 'X' else 'Y'}"  # one business changed
        clear["frame_file"] = "".join(line + "\n" for line in lines)
        db.session.execute(
            sa.update(Draw)
            .where(Draw.id == record.id)
            .values(clear_encrypted=personal_data.encrypt(json.dumps(clear, ensure_ascii=False)), clear_sealed=None)
        )
        db.session.commit()
    api, headers = app.test_client(), bearer(app, "sfj_supervisor")
    with frozen_at(CHECKED_AT):
        queued = api.post(f"{API}/{campaign_id}/targets", headers=headers).json
    job = api.get(f"/api/v1/jobs/{queued['id']}", headers=headers).json
    assert job["status"] == "succeeded" and not job["result"]["passed"] and job["result"]["failed"] == 1
    verdict = api.get(f"{API}/{campaign_id}/targets", headers=headers).json["verdicts"][0]
    assert [c["name"] for c in verdict["checks"] if not c["ok"]] == [
        "the clear frame blinded with the key gives the frame digest"
    ]
    public = _text(app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True))
    assert "盲化密钥已向宁安市司法局披露，核验未通过（2026-04-03）" in public
    assert "核验通过" not in public.replace("核验未通过", "")
    assert "监督机关尚未用盲化密钥核验本次抽取" in public  # the inspector draw, not checked yet


def test_nobody_but_the_supervising_bureau_reads_a_key(app):
    """The department's own staff, a planner of another department, the bureau's leader (403: no permission); the
    bureau of the region above (404: not its draw to check); a business (refused). Nothing is read or written."""
    found = _drawn(app)
    campaign_id = found["campaign_id"]
    urls = [
        f"/supervision/draw-checks/{campaign_id}/targets",
        f"/supervision/draw-checks/{campaign_id}/targets/jobs/1",
    ]
    apis = [f"{API}/{campaign_id}/targets"]
    for login in ("yjj_planner", "yjj_leader", "yjj_admin", "scj_planner", "sfj_leader"):
        client, headers = signed_in(app, login), bearer(app, login)
        assert client.get("/supervision/draw-checks").status_code == 403, login
        assert all(client.get(url).status_code == 403 for url in urls), login
        assert post_form(client, urls[0], {}, token_from="/").status_code == 403, login
        api = app.test_client()
        assert api.get(API, headers=headers).status_code == 403
        assert all(api.get(url, headers=headers).status_code == 403 for url in apis)
        assert api.post(apis[0], headers=headers).status_code == 403
    city = "mdjsfj_supervisor"  # the bureau above 宁安市's: not the department's supervising bureau
    client, headers, api = signed_in(app, city), bearer(app, city), app.test_client()
    assert client.get(urls[0]).status_code == 404 and post_form(client, urls[0], {}, token_from="/").status_code == 404
    assert (
        api.get(apis[0], headers=headers).status_code == 404 and api.post(apis[0], headers=headers).status_code == 404
    )
    assert campaign_id not in {d["campaign_id"] for d in api.get(API, headers=headers).json}
    assert 'id="home-bureau-draw-checks"' not in client.get("/").get_data(as_text=True)
    business = app.test_client()
    with frozen_at(DURING):
        assert claim(business, found["credit"], found["code"]).status_code == 302
        assert business.get("/business").status_code == 200  # signed in as the business
        assert business.get(urls[0]).status_code == 403 and business.get("/supervision/draw-checks").status_code == 403
    with app.app_context(), system_access("test: nothing read"):
        assert not db.session.scalar(sa.select(sa.func.count()).select_from(DrawCheck))
        assert not db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.action == "draw.key_read")
        )
