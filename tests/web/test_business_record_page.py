"""The business's record on its own page (企业检查档案, ``/business``): once signed in, a business reads every check of
itself — the check coming with its department, window, items and team, the line of its yearly cap with the checks
counted — and nothing of another business."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import render_template

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.business_record.queries import Ledger, PastCheck, Record, Rectification, Requests
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.results import codes
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.vocabulary import ANSWER_STATUS_LABELS
from tests.support.business_accounts import DURING, claim, visited_business
from tests.support.page_text import visible_text


def _section(html: str, element_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{element_id}".*?</section>', html, re.S)
    assert found, element_id
    return visible_text(found.group(0))


def test_a_signed_in_business_reads_its_checks_and_its_cap_line(app):
    world = visited_business(app)
    with app.app_context(), tenant_scope(world["ids"]["tenant"]):
        campaign = db.session.get(Campaign, world["ids"]["campaign"])
        code, title = campaign.code, campaign.title
    client = app.test_client()
    with frozen_at(DURING):
        assert claim(client, world["credit"], world["code"]).status_code == 302
        html = client.get("/business").get_data(as_text=True)
    coming = _section(html, "record-coming")
    assert title in coming and code in coming
    assert "2026-03-01 – 2026-04-30" in coming  # the window
    assert "组长" in coming  # the team, its leader named
    ledger = _section(html, "record-ledger")
    assert "本年度已计入 1 次" in ledger and code in ledger
    assert "尚无已公示的检查结果" in _section(html, "record-past")


def test_another_business_reads_nothing_of_this_ones_checks(app):
    world = visited_business(app)
    with app.app_context(), tenant_scope(world["ids"]["tenant"]):
        campaign = db.session.get(Campaign, world["ids"]["campaign"])
        code = campaign.code
        visits = db.session.scalars(sa.select(Visit).where(Visit.campaign_id == campaign.id).order_by(Visit.id)).all()
        other = visits[1]
        other_credit, other_code = other.entity.code, codes.business_code(other.code)
    client = app.test_client()
    with frozen_at(DURING):
        assert claim(client, other_credit, other_code, login="other").status_code == 302
        html = client.get("/business").get_data(as_text=True)
    assert world["name"] not in html
    assert code in _section(html, "record-coming")  # its own check of the same campaign
    assert world["credit"] not in html


def test_an_overdue_rectification_order_renders_with_its_flag(app):
    """An order still open past its deadline on the record's day shows its flag (逾期): the page's due-date macro reads
    the page's labels (imported with the page's context), as every page's due dates do."""
    day = date(2026, 11, 21)
    ledger = Ledger(year=2026, cap=3, rule="", region="", counted=[], exempt=[])
    orders = [
        Rectification(
            1,
            "限期补齐进货查验记录",
            date(2026, 10, 1),
            False,
            date(2026, 9, 1),
            None,
            "",
            1,
            actions=frozenset({"answer"}),
        ),
        Rectification(
            2, "限期整改消防通道", date(2026, 10, 1), False, date(2026, 9, 1), date(2026, 9, 20), "rectified", 1
        ),
    ]
    past = PastCheck(
        department="某市应急管理局（某市，市级）",
        campaign_code="YJ-2026-01",
        campaign_title="安全生产检查",
        checked_on=date(2026, 9, 1),
        checked_until=date(2026, 9, 1),
        published_at=datetime(2026, 9, 5, 7, tzinfo=UTC),
        corrected=False,
        method="实地检查",
        items=[],
        team=[],
        named=False,
        cause="",
        joint_code="",
        rectifications=orders,
    )
    record = Record(1, "某企业", "91000000000000000X", day, [], [], [past], ledger, Requests([], [], []))
    with app.test_request_context("/business"):
        html = render_template(
            "business_record/_record.html", record=record, satisfaction_labels={}, answer_labels=ANSWER_STATUS_LABELS
        )
    [open_order, closed_order] = re.findall(r'<dd class="record-rectification"[^>]*>.*?</dd>', html, re.S)
    assert "due-overdue" in open_order and "逾期" in visible_text(open_order)
    assert "due-overdue" not in closed_order
    # what the business must do is at the top of its record, named, with its deadline and the way to it
    to_do = re.search(r'id="record-to-do".*?</section>', html, re.S)
    assert to_do and html.index('id="record-to-do"') < html.index('id="record-ledger"')
    assert "答复某市应急管理局（某市，市级）的整改要求（YJ-2026-01）" in visible_text(to_do.group(0))
    assert "2026-10-01" in to_do.group(0) and "/business/rectifications/1" in to_do.group(0)
    assert to_do.group(0).count('class="record-to-do-item"') == 1  # the closed order asks nothing
