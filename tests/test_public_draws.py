"""The public side of plans and draws (/public/draws, 一公开): anyone sees a campaign's
announcement, commitment, frozen frame, inputs, seed, targets and teams, downloads the proof and
has the server verify it — and sees neither the nonce before the draw nor any inspector data but
name and certificate number."""
from __future__ import annotations

import copy
import html
import json
import re

import sqlalchemy as sa

from campaign_world import build, campaign_data, id_number
from conftest import user_named
from spotcheck.platform import personal_data
from spotcheck.platform.extensions import db
from spotcheck.tenants.campaigns import ceremony, services as campaigns
from spotcheck.tenants.campaigns.models import Draw
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.plans import services as plans
from spotcheck.tenants.scoping import tenant_scope

INPUT = "observer:人大代表 0301"


def campaign_through(world, *, stop: str):
    """A campaign of the world's department taken through the ceremony up to ``stop``: approved,
    frozen, targets, inspectors. Returns its id."""
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        campaign = campaigns.create_campaign(campaign_data(world), actor=admin)
        campaigns.approve(campaign, actor=admin)
        db.session.commit()
        if stop in ("frozen", "targets", "inspectors"):
            ceremony.freeze_targets(campaign, actor=admin)
            db.session.commit()
        if stop in ("targets", "inspectors"):
            ceremony.draw_targets(campaign.id, [INPUT], actor=admin)
            db.session.commit()
        if stop == "inspectors":
            ceremony.freeze_inspectors(campaign, actor=admin)
            db.session.commit()
            ceremony.draw_inspectors(campaign.id, ["observer:媒体记者"], actor=admin)
            db.session.commit()
        return campaign.id


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_drawn_campaign_shows_its_whole_ceremony_and_proof(app, client):
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            plans.publish(plans.get_plan(world["plan"]), actor=admin)
            db.session.commit()
        campaign_id = campaign_through(world, stop="inspectors")
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign_id)
            code = campaign.code
            targets = ceremony.get_draw(campaign, "targets")
            proof, digest, seed, counts = targets.proof, targets.frame_digest, targets.seed, targets.counts
            commitment = targets.commitment
            inspectors_proof = ceremony.get_draw(campaign, "inspectors").proof
            names = dict(db.session.execute(sa.select(Inspector.cert_no, Inspector.name)).all())

    index = text(client.get("/public/draws"))
    assert "2026年度行政执法检查计划" in index and "危险化学品安全生产检查" in index  # the published plan
    assert "5%" in index and "3、4" in index  # its planned ratio and months
    assert code in index and "危化企业双随机抽查" in index

    page = client.get(f"/public/draws/campaigns/{campaign_id}")
    assert page.status_code == 200
    body = text(page)
    assert commitment in body and digest in body and seed in body and INPUT in body
    for stratum, n in counts["YJJ"].items():
        assert re.search(rf"{stratum}\D*</td><td>{n}</td>", body), (stratum, n)
    for ids in proof["selected"]["YJJ"].values():
        for entity_code in ids:
            number = world["codes"].index(entity_code)
            assert entity_code in body and f"测试危化企业{number}<" in body
    for team in inspectors_proof["teams"].values():
        for cert_no in team:
            assert cert_no in body and names[cert_no] in body
    assert "2026-03-01" in body and "实地检查" in body

    download = client.get(f"/public/draws/campaigns/{campaign_id}/proofs/targets.json")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert download.data == ceremony.proof_bytes(proof)
    assert json.loads(download.data)["nonce"] == proof["nonce"]
    assert client.get(f"/public/draws/campaigns/{campaign_id}/proofs/inspectors.json").data == \
        ceremony.proof_bytes(inspectors_proof)

    for kind in ("targets", "inspectors"):
        verified = client.get(f"/public/draws/campaigns/{campaign_id}/proofs/{kind}/verify")
        assert verified.status_code == 200
        body = text(verified)
        assert "FAIL" not in body and "public-verdict-ok" in body
        assert body.count('<td class="check-mark">ok</td>') >= 6
        assert "spotcheck draw verify" in body
    assert client.get("/public/draws/algorithm").status_code == 200


def test_before_the_draw_no_proof_and_never_the_nonce(app, client):
    with app.app_context():
        world = build()
        draft_admin = user_named("yjj_admin")
        campaign_id = campaign_through(world, stop="frozen")
        with tenant_scope(draft_admin.tenant_id):
            draft = campaigns.create_campaign(campaign_data(world, title="尚未批准的任务"), actor=draft_admin)
            db.session.commit()
            draft_id = draft.id
            record = ceremony.get_draw(campaigns.get_campaign(campaign_id), "targets")
            nonce = personal_data.decrypt(record.nonce_encrypted)
            digest, commitment = record.frame_digest, record.commitment

    page = text(client.get(f"/public/draws/campaigns/{campaign_id}"))
    assert commitment in page and digest in page
    assert "not_active" not in page  # reasons are named, not coded
    urls = ["/public/draws", f"/public/draws/campaigns/{campaign_id}", "/public/draws/algorithm"]
    for kind in ("targets", "inspectors"):
        for url in (f"/public/draws/campaigns/{campaign_id}/proofs/{kind}.json",
                    f"/public/draws/campaigns/{campaign_id}/proofs/{kind}/verify"):
            assert client.get(url).status_code == 404, url
            urls.append(url)
    for url in urls:
        assert nonce not in client.get(url).get_data(as_text=True), url
    assert "尚未批准的任务" not in text(client.get("/public/draws"))  # a draft is not public
    assert client.get(f"/public/draws/campaigns/{draft_id}").status_code == 404


def test_a_tampered_stored_proof_fails_verification(app, client):
    with app.app_context():
        world = build()
        campaign_id = campaign_through(world, stop="targets")
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            record = db.session.scalar(sa.select(Draw).where(Draw.campaign_id == campaign_id, Draw.kind == "targets"))
            proof = copy.deepcopy(record.proof)
            chosen = {code for ids in proof["selected"]["YJJ"].values() for code in ids}
            chosen |= {code for ids in proof["reserves"]["YJJ"].values() for code in ids}
            stratum = next(s for s, ids in proof["selected"]["YJJ"].items() if ids)
            outsider = next(code for group, s, code in proof["frame"] if s == stratum and code not in chosen)
            proof["selected"]["YJJ"][stratum][0] = outsider  # someone's friend swapped in
            record.proof = proof
            db.session.commit()

    body = text(client.get(f"/public/draws/campaigns/{campaign_id}/proofs/targets/verify"))
    assert "public-verdict-fail" in body
    assert re.search(rf'<td class="check-mark">FAIL</td>\s*<td>[^<]*<div class="hint"><code>selected YJJ/{stratum}:', body)
    assert re.search(r'<div class="check-fail">FAIL [^<]*<code class="public-hash">[0-9a-f]{64}</code>', body)  # the
    # proof no longer matches the SHA-256 published with the draw


def test_teams_show_only_name_and_certificate_number(app, client):
    with app.app_context():
        world = build()
        campaign_id = campaign_through(world, stop="inspectors")
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            private = [(i.id_masked, i.agency, i.post) for i in db.session.scalars(sa.select(Inspector))]
    pages = [text(client.get(url)) for url in (
        f"/public/draws/campaigns/{campaign_id}", f"/public/draws/campaigns/{campaign_id}/proofs/inspectors/verify",
        f"/public/draws/campaigns/{campaign_id}/proofs/inspectors.json", "/public/draws")]
    for body in pages:
        for k in range(8):
            assert id_number(k) not in body
        for masked, _agency, post in private:
            assert masked not in body
            assert not post or post not in body
    assert "检查员0" in pages[0] or "检查员1" in pages[0]


def test_unknown_campaigns_and_draws_are_404(app, client):
    with app.app_context():
        world = build()
        campaign_id = campaign_through(world, stop="targets")
    assert client.get("/public/draws/campaigns/999999").status_code == 404
    assert client.get("/public/draws/campaigns/999999/proofs/targets.json").status_code == 404
    assert client.get("/public/draws/campaigns/999999/proofs/targets/verify").status_code == 404
    assert client.get(f"/public/draws/campaigns/{campaign_id}/proofs/other.json").status_code == 404
    assert client.get(f"/public/draws/campaigns/{campaign_id}/proofs/other/verify").status_code == 404
    assert client.get(f"/public/draws/campaigns/{campaign_id}/proofs/inspectors.json").status_code == 404
    assert client.get("/public/draws/campaigns/abc").status_code == 404
    assert client.get(f"/public/draws/campaigns/{campaign_id}").status_code == 200
