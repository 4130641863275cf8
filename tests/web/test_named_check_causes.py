"""A named check's cause (特定对象检查的检查原因): the public reads that the check had a cause (有因检查) and its legal
basis, on the campaign's page, the published results and the register's rows — never which cause, nor the reason the
department gave for checking outside the plan; the business reads its own cause on its record (page and API), the
supervising bureau every one on its figures' rows."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.tenants.results.models import PublishedResult
from tests.support.business_accounts import claim
from tests.support.campaign_world import build
from tests.support.helpers import signed_in
from tests.support.named_world import published_on_a_complaint
from tests.support.page_text import visible_text

DAY = date(2026, 3, 2)
#: Why the department checks outside the plan: the complaint in its words (not public).
REASON = "群众反映该企业违规储存危险化学品，依法核查。"
LEGAL_BASIS = "《中华人民共和国安全生产法》第六十五条"  # the world's item's 检查依据


def _never_the_cause(text: str) -> None:
    assert "投诉举报" not in text and "TS-2026-0012" not in text and REASON not in text


def test_the_public_reads_a_check_for_a_cause_and_its_legal_basis_never_the_cause(app):
    with app.app_context(), frozen_at(DAY):
        checked = published_on_a_complaint(build(), REASON)
        contents = db.session.scalars(
            sa.select(PublishedResult.content).where(PublishedResult.visit_id == checked["visit"])
        ).all()
    assert contents and all("cause" not in content and content["named"] for content in contents)
    assert contents[0]["legal_bases"] == [["危险化学品安全生产检查", LEGAL_BASIS]]
    client = app.test_client()
    with frozen_at(DAY):
        pages = {
            url: client.get(url).get_data(as_text=True)
            for url in (
                f"/public/draws/campaigns/{checked['campaign']}",
                "/public/results",
                f"/public/results/entities/{checked['credit']}",
                f"/public/results/campaigns/{checked['campaign']}",
                f"/public/results?q={checked['credit']}",
            )
        }
    for url, page in pages.items():
        _never_the_cause(page)
        assert "有因检查" in page or "?q=" in url, url  # the search lists the businesses found, not their results
    campaign_page = pages[f"/public/draws/campaigns/{checked['campaign']}"]
    assert (
        checked["name"] in campaign_page and 'id="public-caused"' in campaign_page
    )  # the business, checked for a cause
    basis = visible_text(re.search(r'<dd><span class="tag campaign-caused".*?</dd>', campaign_page, re.S).group(0))
    assert LEGAL_BASIS in basis and "计划外" in basis and "第3条" in basis, basis  # the rule letting it off the plan
    card = pages[f"/public/results/entities/{checked['credit']}"]
    assert LEGAL_BASIS in card[card.index("public-result-named") :]


def test_the_business_reads_its_own_cause_and_the_bureau_every_one(app):
    with app.app_context(), frozen_at(DAY):
        checked = published_on_a_complaint(build(), REASON)
    business = app.test_client()
    with frozen_at(DAY):
        assert claim(business, checked["credit"], checked["code"]).status_code == 302
        page = business.get("/business").get_data(as_text=True)
        record = business.get("/api/v1/business/record").json
    past = visible_text(re.search(r'<section[^>]*id="record-past".*?</section>', page, re.S).group(0))
    assert "投诉举报" in past and "TS-2026-0012" not in past  # its cause, the complainant's number kept back
    [published] = record["past"]
    assert published["named"] and published["cause"] == "投诉举报"
    bureau = signed_in(app, "sfj_supervisor")
    with frozen_at(DAY):
        drill = bureau.get(f"/supervision/departments/{checked['tenant']}/named_checked?period=2026")
    rows = visible_text(drill.get_data(as_text=True))
    assert drill.status_code == 200 and "检查原因" in rows and "投诉举报" in rows and checked["name"] in rows
    assert "TS-2026-0012" not in rows
