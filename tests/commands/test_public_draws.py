"""The public side of plans and draws (/public/draws, 一公开): anyone sees a campaign's
announcement, commitment, frozen frame, inputs, seed, targets and teams, downloads the proof and
has the server verify it — and sees neither the nonce before the draw nor any inspector data but
name and certificate number."""

from __future__ import annotations

import copy
import html
import json
import re

import pytest
import sqlalchemy as sa

from spotcheck.core import personal_data
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, queries as campaigns
from spotcheck.tenants.campaigns.models import Draw
from spotcheck.tenants.inspectors.models import Inspector
from tests.support.campaign_world import build, campaign_data, credit_code, id_number, planner_of
from tests.support.ceremony_world import campaign_through, everyone_drawn as _everyone_drawn
from tests.support.helpers import level_url, user_named


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_a_drawn_campaign_shows_its_whole_ceremony_and_proof(app, client):
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        campaign_id = campaign_through(world, stop="inspectors")  # the world's plan is published, then filed
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign_id)
            code = campaign.code
            targets = campaigns.draw(campaign, "targets")
            proof, digest, seed, counts = targets.proof, targets.frame_digest, targets.seed, targets.counts
            commitment = targets.commitment
            inspectors_proof = campaigns.draw(campaign, "inspectors").proof
            selected_codes = list(
                draw_steps.codes_of(targets, [i for ids in proof["selected"]["YJJ"].values() for i in ids]).values()
            )
            assert proof["algorithm"] == inspectors_proof["algorithm"] == "spotcheck-draw/3"
            assert not set(selected_codes) & set(json.dumps(proof))  # the proof names no business by its code
            published = {
                kind: draw_steps.published_bytes(campaigns.draw(campaign, kind)) for kind in ("targets", "inspectors")
            }
            names = dict(db.session.execute(sa.select(Inspector.cert_no, Inspector.name)).all())

    index = text(client.get(level_url(app, "/public/draws")))  # the list of the demo's departments' region
    assert "2026年度行政执法检查计划" in index and "危险化学品安全生产检查" in index  # the published plan
    assert "5%" in index and "3、4" in index  # its planned ratio and months
    assert code in index and "危化企业双随机抽查" in index

    page = client.get(f"/public/draws/campaigns/{campaign_id}")
    assert page.status_code == 200
    body = text(page)
    assert commitment in body and digest in body and seed in body
    # the observer's input (``observer:人大代表 0301``) in words, never its key
    assert "人大代表 输入： <code>0301</code>" in body and "observer" not in body
    for stratum, n in counts["YJJ"].items():
        assert re.search(rf"{stratum}\D*</td><td>{n}</td>", body), (stratum, n)
    listed = re.search(r'<ul class="public-targets-blinded".*?</ul>', body, re.S).group(0)
    for entity_code in selected_codes:  # the businesses by code and name, never beside a stratum, rank or team
        number = world["codes"].index(entity_code)
        assert entity_code in listed and f"测试危化企业{number}<" in listed
    assert "风险等级" not in listed and "排序" not in listed
    assert list(re.findall(r"<code>([0-9A-Z]{18})</code>", listed)) == sorted(selected_codes)  # by code, not rank
    for team in inspectors_proof["teams"].values():  # the team stays on the 检查码 page
        for cert_no in team:
            assert cert_no not in body and names[cert_no] not in body
    for token in inspectors_proof["teams"]:
        assert token not in body
    assert "2026-03-01" in body and "实地检查" in body

    download = client.get(f"/public/draws/campaigns/{campaign_id}/proofs/targets.json")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert download.data == published["targets"]
    assert json.loads(download.data)["nonce"] == proof["nonce"]
    assert client.get(f"/public/draws/campaigns/{campaign_id}/proofs/inspectors.json").data == published["inspectors"]

    for kind in ("targets", "inspectors"):
        verified = client.get(f"/public/draws/campaigns/{campaign_id}/proofs/{kind}/verify")
        assert verified.status_code == 200
        body = text(verified)
        assert "FAIL" not in body and "public-verdict-ok" in body
        assert body.count('<td class="check-mark">✓ 通过</td>') >= 6
        assert "python3 spotcheck-verify.pyz PROOF.json" in body and "spotcheck-verify.pyz" in body
    assert client.get("/public/draws/algorithm").status_code == 200


def test_before_the_draw_no_proof_and_never_the_nonce(app, client):
    with app.app_context():
        world = build()
        draft_admin = user_named("yjj_admin")
        campaign_id = campaign_through(world, stop="frozen")
        with tenant_scope(draft_admin.tenant_id):
            draft = campaign_commands.create_campaign(
                campaign_data(world, title="尚未批准的任务"), actor=planner_of(draft_admin)
            )
            db.session.commit()
            draft_id = draft.id
            record = campaigns.draw(campaigns.get_campaign(campaign_id), "targets")
            nonce = personal_data.decrypt(record.nonce_encrypted)
            digest, commitment = record.frame_digest, record.commitment

    page = text(client.get(f"/public/draws/campaigns/{campaign_id}"))
    assert commitment in page and digest in page
    assert "not_active" not in page  # reasons are named, not coded
    urls = [level_url(app, "/public/draws"), f"/public/draws/campaigns/{campaign_id}", "/public/draws/algorithm"]
    for kind in ("targets", "inspectors"):
        for url in (
            f"/public/draws/campaigns/{campaign_id}/proofs/{kind}.json",
            f"/public/draws/campaigns/{campaign_id}/proofs/{kind}/verify",
        ):
            assert client.get(url).status_code == 404, url
            urls.append(url)
    for url in urls:
        assert nonce not in client.get(url).get_data(as_text=True), url
    assert "尚未批准的任务" not in text(client.get(level_url(app, "/public/draws")))  # a draft is not public
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
            frame = draw_steps.full_proof(record)["frame"]
            outsider = next(code for group, s, code in frame if s == stratum and code not in chosen)
            proof["selected"]["YJJ"][stratum][0] = outsider  # someone's friend swapped in
            record.proof = proof
            db.session.commit()

    body = text(client.get(f"/public/draws/campaigns/{campaign_id}/proofs/targets/verify"))
    assert "public-verdict-fail" in body
    failed = re.search(
        rf'<td class="check-mark">✗ [^<]*</td>\s*<td data-check="selected YJJ/{stratum}:[^"]*"[^>]*>([^<]*)<', body
    )
    assert failed and f"应急管理局 风险等级 {stratum}" in failed.group(1), body  # named, never by the code
    assert re.search(r'<div class="check-fail">FAIL [^<]*<code class="public-hash">[0-9a-f]{64}</code>', body)  # the
    # proof no longer matches the SHA-256 published with the draw


def test_teams_show_only_name_and_certificate_number(app, client):
    with app.app_context():
        world = build()
        campaign_id = campaign_through(world, stop="inspectors")
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            private = [(i.id_masked, i.agency, i.post) for i in db.session.scalars(sa.select(Inspector))]
    pages = [
        text(client.get(url))
        for url in (
            f"/public/draws/campaigns/{campaign_id}",
            f"/public/draws/campaigns/{campaign_id}/proofs/inspectors/verify",
            f"/public/draws/campaigns/{campaign_id}/proofs/inspectors.json",
            level_url(app, "/public/draws"),
        )
    ]
    for body in pages:
        for k in range(8):
            assert id_number(k) not in body
        for masked, _agency, post in private:
            assert masked not in body
            assert not post or post not in body
    assert "检查员0" not in pages[0] and "检查员1" not in pages[0]  # a blinded draw's page names no team


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


# --- the drawn targets a page at a time (a campaign may draw 10,000 targets and more) ---------------


def _target_rows(body: str) -> dict[str, str]:
    """The businesses of a blinded draw's public list by code (each row its code and name, nothing else)."""
    listed = re.search(r'<ul class="public-targets-blinded".*?</ul>', body, re.S).group(0)
    return {
        re.search(r"<code>([0-9A-Z]{18})</code>", row).group(1): row for row in re.findall(r"<li>(.*?)</li>", listed)
    }


@pytest.mark.seconds(2.5)
def test_the_drawn_targets_come_fifty_to_a_page_by_code_without_their_strata_or_teams(app, client):
    with app.app_context():
        campaign_id, strata, teams = _everyone_drawn(70)
    in_order = sorted(code for codes in strata.values() for code in codes)  # by code: the rank would tell the stratum
    url = f"/public/draws/campaigns/{campaign_id}"

    first, second = text(client.get(url)), text(client.get(f"{url}?page=2"))
    assert list(_target_rows(first)) == in_order[:50]
    assert list(_target_rows(second)) == in_order[50:]
    assert f'href="/public/draws/campaigns/{campaign_id}?page=2#results"' in first
    assert "第 51–70 条，共 70 条" in second and "第 2 页，共 2 页" in second
    for code, row in _target_rows(second).items():  # a business's row names neither its team nor its stratum
        assert not any(cert_no in second for cert_no in teams[code]) and "风险等级" not in row, code
    assert client.get(f"{url}?page=3").status_code == 404
    assert client.get(f"{url}?page=0").status_code == 404
    # the rest of the page is still there on every page
    for body in (first, second):
        assert f"/public/draws/campaigns/{campaign_id}/proofs/targets.json" in body
        assert f"/public/draws/campaigns/{campaign_id}/proofs/targets/verify" in body

    counts = re.search(r'<table class="public-strata">.*?</table>', first, re.S).group(0)
    for stratum, codes in strata.items():  # the counts per stratum stay public, with no way to list a stratum
        assert re.search(rf"风险等级 {stratum}</td>\s*<td>{len(codes)}</td><td>0</td>", counts), stratum
    assert "stratum=" not in first
    assert re.search(r"合计</th>\s*<td>70</td>", counts)


@pytest.mark.seconds(2.8)
def test_the_drawn_targets_can_be_searched_by_code_and_name_never_by_stratum(app, client):
    with app.app_context():
        campaign_id, strata, _teams = _everyone_drawn(60)
    url = f"/public/draws/campaigns/{campaign_id}"
    wanted = credit_code(42)
    by_code = _target_rows(text(client.get(url, query_string={"q": wanted[:16].lower()})))
    assert list(by_code) == [wanted]
    by_name = _target_rows(text(client.get(url, query_string={"q": "测试危化企业4"})))
    assert set(by_name) == {credit_code(n) for n in (4, *range(40, 50))}
    stratum = max(strata, key=lambda s: len(strata[s]))
    only = text(client.get(url, query_string={"stratum": stratum}))  # ignored: a stratum's list would name its class
    assert len(_target_rows(only)) == min(50, sum(len(codes) for codes in strata.values()))
    assert "没有符合条件的结果" in text(client.get(url, query_string={"q": "不存在的企业"}))


def test_the_index_shows_one_year_at_a_time(app, client):
    with app.app_context():
        world = build()
        campaign_id = campaign_through(world, stop="targets")
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            code, year = campaigns.get_campaign(campaign_id).code, campaigns.get_campaign(campaign_id).year
    this_year = text(client.get(level_url(app, "/public/draws")))
    assert code in this_year and f'<strong aria-current="page">{year}</strong>' in this_year
    earlier = text(client.get(level_url(app, "/public/draws", year=year - 1)))
    assert code not in earlier and f'href="{level_url(app, "/public/draws", year=year)}"' in earlier
    assert f"以下部门 {year - 1} 年尚未公开信息" in earlier
