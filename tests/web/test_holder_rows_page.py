"""A business's own row of the draw on its pages (本户抽取核验): its record at ``/business`` shows the draw that
selected it — stratum, rank, outcome and its salt — with a page that verifies the row in the browser; its check's
code page shows the row and the salt only to whoever gives the notice's 企业核验码, never on the part the code alone
opens; and one business never reads another's salt."""

from __future__ import annotations

import re

import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.results import codes
from spotcheck.tenants.results.models import Visit
from tests.support.business_accounts import DURING, claim, visited_business
from tests.support.helpers import post_form
from tests.support.page_text import visible_text

SALT = re.compile(r'class="public-hash own-salt">([0-9a-f]{64})<')


def _own_draws(html: str) -> str:
    found = re.search(r'<section id="own-draws">.*?</section>', html, re.S)
    assert found
    return found.group(0)


def test_the_record_shows_the_business_its_row_of_the_draw_and_a_page_to_verify_it(app):
    world = visited_business(app)
    with app.app_context(), tenant_scope(world["ids"]["tenant"]):
        campaign = db.session.get(Campaign, world["ids"]["campaign"])
        campaign_id, code = campaign.id, campaign.code
    client = app.test_client()
    with frozen_at(DURING):
        assert claim(client, world["credit"], world["code"]).status_code == 302
        html = client.get("/business").get_data(as_text=True)
        part = _own_draws(html)
        text = visible_text(part)
        assert code in text and "已抽中" in text and re.search(r"第 \d+ 位（共 \d+ 户）", text)
        assert "只有持有检查通知书上企业核验码的企业能进入本页" in text  # no identity platform configured here
        (salt,) = SALT.findall(part)
        verify = client.get(f"/business/draws/{campaign_id}/verify")
        assert verify.status_code == 200
        page = verify.get_data(as_text=True)
        assert f'data-own-id="{world["credit"]}"' in page and f'data-own-salt="{salt}"' in page
        assert client.get(f"/business/draws/{campaign_id + 999}/verify").status_code == 404


def test_another_business_reads_its_own_salt_never_this_ones(app):
    world = visited_business(app)
    with app.app_context(), tenant_scope(world["ids"]["tenant"]):
        visits = db.session.scalars(
            sa.select(Visit).where(Visit.campaign_id == world["ids"]["campaign"]).order_by(Visit.id)
        ).all()
        other_credit, other_code = visits[1].entity.code, codes.business_code(visits[1].code)
    first, second = app.test_client(), app.test_client()
    with frozen_at(DURING):
        claim(first, world["credit"], world["code"])
        claim(second, other_credit, other_code, login="other")
        (mine,) = SALT.findall(_own_draws(first.get("/business").get_data(as_text=True)))
        (theirs,) = SALT.findall(_own_draws(second.get("/business").get_data(as_text=True)))
    assert mine != theirs


def test_the_code_page_shows_the_row_and_salt_only_behind_the_business_code(app):
    world = visited_business(app)
    client = app.test_client()
    with frozen_at(DURING):
        public = client.get(f"/public/checks/{world['token']}").get_data(as_text=True)
        assert "own-salt" not in public and 'id="draw-form"' in public  # the form, not the row
        wrong = post_form(
            client,
            f"/public/checks/{world['token']}/draw",
            {"business_code": "AAAA-AAAA-AAAA"},
            token_from=f"/public/checks/{world['token']}",
        )
        assert wrong.status_code == 422 and "own-salt" not in wrong.get_data(as_text=True)
        shown = post_form(
            client,
            f"/public/checks/{world['token']}/draw",
            {"business_code": world["code"]},
            token_from=f"/public/checks/{world['token']}",
        )
        assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
        page = shown.get_data(as_text=True)
        assert SALT.search(page) and "已抽中" in visible_text(page)
        # the salt is the business's, the same as its record gives it
        claim(client, world["credit"], world["code"])
        assert SALT.findall(page) == SALT.findall(_own_draws(client.get("/business").get_data(as_text=True)))


def test_the_api_gives_the_business_its_own_rows(app):
    world = visited_business(app)
    client = app.test_client()
    with frozen_at(DURING):
        claim(client, world["credit"], world["code"])
        (salt,) = SALT.findall(_own_draws(client.get("/business").get_data(as_text=True)))
        answer = client.get("/api/v1/business/record/draws")
    assert answer.status_code == 200
    (drawn,) = answer.get_json()
    assert drawn["salt"] == salt and drawn["credit_code"] == world["credit"] and drawn["blinded"] is True
    assert drawn["cells"][0]["status"] == "selected" and drawn["cells"][0]["status_label"] == "已抽中"
    assert app.test_client().get("/api/v1/business/record/draws").status_code == 401
