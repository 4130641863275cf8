"""The demo's business (演示企业): ``spotcheck demo`` prints its login, and signed in with it the business reads a
record that shows what a business's record is for — checks by departments of two levels (宁安市's and 牡丹江市's market
bureaus), its yearly cap line, a rectification order it may answer, and its complaint with the justice bureau's
answer."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.demo.business import login_of
from tests.support.demo_world import demo_city
from tests.support.helpers import post_form
from tests.support.page_text import visible_text

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def _section(html: str, element_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{element_id}".*?</section>', html, re.S)
    assert found, element_id
    return visible_text(found.group(0))


@pytest.mark.seconds(3)
def test_the_demo_business_signs_in_and_reads_its_two_levels_cap_order_and_answered_complaint(app):
    with app.app_context():
        demo_city(today="2026-11-21")
        login = login_of()
    assert login is not None and login.password and re.fullmatch(r"[0-9A-Z]{18}", login.credit_code)
    client = app.test_client()
    with frozen_at(datetime(2026, 11, 23, 10, tzinfo=SHANGHAI)):
        signed = post_form(
            client,
            "/business/sign-in",
            {"credit_code": login.credit_code, "login": login.login, "password": login.password},
            token_from="/business/sign-in",
        )
        assert signed.status_code == 302
        html = client.get("/business").get_data(as_text=True)
    past = _section(html, "record-past")
    assert "宁安市市场监督管理局（宁安市，县级）" in past and "牡丹江市市场监督管理局（牡丹江市，市级）" in past
    assert "本年度已计入" in _section(html, "record-ledger") and "上限" in _section(html, "record-ledger")
    assert "排水沟" in past and "答复整改要求" in past and "2026-12-04" in past  # ten working days from 11-21
    requests = _section(html, "record-requests")
    assert "进货单据" in requests and "已责令市场监督管理局规范材料要求" in requests
