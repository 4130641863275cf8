"""The business's record and its access tokens under ``/api/v1/business/…`` (issue 79, part 2), for a city's app
that embeds them: the same record with the business's session as with its own token; a token issued, used and
revoked (then a 401); another person's token never revoked (404); a staff user refused (403), and a business's
token refused by the staff's API. And the business's own page of tokens (``/business/tokens``)."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.businesses.models import BusinessToken
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.results import codes
from spotcheck.tenants.results.models import Visit
from tests.support.business_accounts import DURING, claim, sign_in, visited_business
from tests.support.helpers import bearer, post_form, signed_in
from tests.support.page_text import visible_text
from tests.support.results_world import published

RECORD = "/api/v1/business/record"
TOKENS = "/api/v1/business/tokens"
AFTER = date(2026, 5, 6)  # after the window: the result recorded and published


def _claimed(app, world, login: str = "fawu"):
    client = app.test_client()
    with frozen_at(DURING):
        assert claim(client, world["credit"], world["code"], login=login).status_code == 302
    return client


def _secret_from_page(client, name: str) -> str:
    """A token made on the business's page: the secret it shows this once."""
    page = post_form(client, "/business/tokens", {"name": name}, token_from="/business/tokens")
    assert page.status_code == 200, page.get_data(as_text=True)
    return re.search(r'<code class="secret">([^<]+)</code>', page.get_data(as_text=True)).group(1)


def _headers(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _other_business(app, world) -> tuple[str, str]:
    """Another business of the same campaign: its credit code and 企业核验码."""
    with app.app_context(), tenant_scope(world["ids"]["tenant"]):
        campaign = db.session.get(Campaign, world["ids"]["campaign"])
        visits = db.session.scalars(sa.select(Visit).where(Visit.campaign_id == campaign.id).order_by(Visit.id)).all()
        other = visits[1]
        return other.entity.code, codes.business_code(other.code)


def test_the_record_by_token_is_the_record_by_session(app):
    world = visited_business(app)
    with app.app_context(), tenant_scope(world["ids"]["tenant"]):
        campaign_code = db.session.get(Campaign, world["ids"]["campaign"]).code
    client = _claimed(app, world)
    with frozen_at(DURING):
        by_session = client.get(RECORD)
        secret = _secret_from_page(client, "城市App")
        by_token = app.test_client().get(RECORD, headers=_headers(secret))
    assert by_session.status_code == 200 and by_token.status_code == 200, by_token.get_data(as_text=True)
    assert by_session.json == by_token.json
    record = by_token.json
    assert record["code"] == world["credit"] and record["name"] == world["name"]
    assert [c["campaign_code"] for c in record["coming"]] == [campaign_code]
    coming = record["coming"][0]
    assert coming["part"] == "coming" and coming["window_start"] == "2026-03-01" and coming["team"]
    assert any(member["leader"] for member in coming["team"]) and coming["items"][0]["name"]
    assert record["ledger"]["line"].startswith("本年度已计入 1 次") and record["ledger"]["count"] == 1
    assert [line["campaign_code"] for line in record["ledger"]["counted"]] == [campaign_code]
    assert record["past"] == [] and record["requests"] == {"recusals": [], "complaints": [], "evaluations": []}
    # the code is named by what to type, never by its page (opening it counts as a scan)
    text = by_token.get_data(as_text=True)
    assert "token" not in coming and world["token"] not in text and "/c/" not in text


def test_a_token_issued_used_and_revoked_is_refused(app):
    world = visited_business(app)
    client = _claimed(app, world)
    with frozen_at(DURING):
        first = _secret_from_page(client, "城市App")
        api = app.test_client()
        made = api.post(TOKENS, headers=_headers(first), json={"name": "区政务App"})
        assert made.status_code == 201, made.get_data(as_text=True)
        second = made.json["token"]
        assert second.startswith("scb_") and made.json["prefix"] == second[:10] and made.json["revoked_at"] is None
        assert api.get(RECORD, headers=_headers(second)).status_code == 200
        listed = api.get(TOKENS, headers=_headers(first)).json
        assert [t["name"] for t in listed] == ["区政务App", "城市App"]
        assert all("token" not in t and t["last_used_at"] for t in listed)  # both used; no secret again
        assert api.delete(f"{TOKENS}/{made.json['id']}", headers=_headers(first)).status_code == 204
        assert api.get(RECORD, headers=_headers(second)).status_code == 401
        assert api.get(RECORD, headers=_headers(first)).status_code == 200
        again = api.delete(f"{TOKENS}/{made.json['id']}", headers=_headers(first))
        assert again.status_code == 204  # revoking a revoked token changes nothing
        listed = api.get(TOKENS, headers=_headers(first)).json
        assert listed[0]["revoked_at"] and not listed[1]["revoked_at"]
    with app.app_context(), system_access("the test reads the platform's trail"):
        revoked = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "business.token_revoked", AuditEntry.chain == 0)
        ).all()
    assert len(revoked) == 1 and revoked[0].object_type == "business_account"


def test_another_persons_token_is_not_found(app):
    world = visited_business(app)
    client = _claimed(app, world)
    other_credit, other_code = _other_business(app, world)
    other = app.test_client()
    with frozen_at(DURING):
        assert claim(other, other_credit, other_code, login="other").status_code == 302
        theirs = _secret_from_page(other, "他们的App")
        mine = _secret_from_page(client, "城市App")
    with app.app_context():
        their_id = db.session.scalar(sa.select(BusinessToken.id).where(BusinessToken.name == "他们的App"))
    api = app.test_client()
    with frozen_at(DURING):
        assert api.delete(f"{TOKENS}/{their_id}", headers=_headers(mine)).status_code == 404
        assert api.delete(f"{TOKENS}/2147483647", headers=_headers(mine)).status_code == 404
        assert (
            post_form(client, f"/business/tokens/{their_id}/revoke", {}, token_from="/business/tokens").status_code
            == 404
        )
        assert [t["name"] for t in api.get(TOKENS, headers=_headers(mine)).json] == ["城市App"]
        assert api.get(RECORD, headers=_headers(theirs)).json["code"] == other_credit  # still theirs, still working


def test_a_staff_user_is_refused_and_a_business_token_is_refused_by_the_staff_api(app):
    world = visited_business(app)
    client = _claimed(app, world)
    with frozen_at(DURING):
        secret = _secret_from_page(client, "城市App")
    staff = bearer(app, "scj_admin")
    api = app.test_client()
    for url in (RECORD, TOKENS):
        assert api.get(url, headers=staff).status_code == 403
    assert api.post(TOKENS, headers=staff, json={"name": "x"}).status_code == 403
    assert signed_in(app, "scj_planner").get(RECORD).status_code == 403
    with frozen_at(DURING):
        for url in ("/api/v1/me", "/api/v1/tokens", "/api/v1/users"):
            assert api.get(url, headers=_headers(secret)).status_code == 403, url
        assert api.post("/api/v1/tokens", headers=_headers(secret), json={"name": "x"}).status_code == 403


def test_the_business_issues_and_revokes_its_tokens_on_its_page(app):
    world = visited_business(app)
    client = _claimed(app, world)
    with frozen_at(DURING):
        home = client.get("/business").get_data(as_text=True)
        assert 'href="/business/tokens"' in home
        empty = post_form(client, "/business/tokens", {"name": ""}, token_from="/business/tokens")
        assert empty.status_code == 422
        html = empty.get_data(as_text=True)
        assert html.index('id="form-errors"') < html.index('name="name"')  # the error at the top of the form
        made = post_form(client, "/business/tokens", {"name": "城市App"}, token_from="/business/tokens")
        shown = visible_text(made.get_data(as_text=True))
        assert "仅显示这一次" in shown and "scb_" in shown
        assert client.get("/business/tokens").get_data(as_text=True).count('class="secret"') == 0  # shown once
        with app.app_context():
            token_id = db.session.scalar(sa.select(BusinessToken.id).where(BusinessToken.name == "城市App"))
        page = client.get("/business/tokens").get_data(as_text=True)
        assert "不可恢复" in page and f"/business/tokens/{token_id}/revoke" in page  # asked first: irreversible
        revoked = post_form(client, f"/business/tokens/{token_id}/revoke", {}, token_from="/business/tokens")
        assert revoked.status_code == 302
        after = visible_text(client.get("/business/tokens").get_data(as_text=True))
        assert "已撤销" in after and f"/business/tokens/{token_id}/revoke" not in after
        # the holder reads on the account's trail who made the token for which app, and its revocation
        trail = visible_text(client.get("/business").get_data(as_text=True))
        assert "为城市应用创建访问令牌：王法务（城市App）" in trail and "撤销访问令牌：王法务（城市App）" in trail


def test_a_published_check_reads_the_same_by_token_and_by_session(app):
    world = visited_business(app)
    client = _claimed(app, world)
    with frozen_at(DURING):
        secret = _secret_from_page(client, "城市App")
    with app.app_context(), frozen_at(AFTER), tenant_scope(world["ids"]["tenant"]):
        published(world["ids"])
    with frozen_at(AFTER):
        client = app.test_client()  # a month on: the session had gone idle, the business signs in again
        assert sign_in(client, world["credit"]).status_code == 302
        by_session = client.get(RECORD)
        by_token = app.test_client().get(RECORD, headers=_headers(secret))
    assert by_session.status_code == 200 and by_session.json == by_token.json
    record = by_token.json
    assert record["coming"] == [] and record["under_way"] == []
    [past] = record["past"]
    assert past["checked_on"] == "2026-04-30" and past["items"][0]["findings"] == "应急预案未按规定演练。"
    assert past["team"] and all(set(member) == {"name", "cert_no", "leader"} for member in past["team"])


def test_the_document_lists_the_business_paths_and_names_no_codes_page(client):
    spec = client.get("/api/openapi.json").json
    for path in (RECORD, TOKENS, TOKENS + "/{token_id}"):
        assert path in spec["paths"], path
    check = spec["components"]["schemas"]["RecordCheck"]["properties"]
    assert "typed" in check and "token" not in check and "url" not in check
