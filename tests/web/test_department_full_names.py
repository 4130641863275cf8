"""One full name per department (部门全称, issue 93): the name a department's own pages show is the name its 细则,
its documents and its numbers carry — 宁安镇综合行政执法办公室 loads its 细则 as 宁安镇综合行政执法办公室, not as
宁安市宁安镇综合行政执法办公室 (the place of the rulebook it works under).

The demo city as ``spotcheck demo`` loads it, every department's administrator at the page 现行规则, on both
databases."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from datetime import timedelta

import pytest

from spotcheck.core.clock import today
from spotcheck.demo.people import all_departments
from spotcheck.tenants.rules import presets, rulebook, rulefile
from tests.support.demo_world import demo_city
from tests.support.helpers import post_form, signed_in, tenant_id

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)

IN_FORCE = "/catalog/rules/in-force"


@pytest.fixture
def demo(app):
    with app.app_context():
        demo_city(today="2026-11-21")
    return app


def _shown_name(client) -> str:
    """The department's name as its own pages show it: the header's “姓名 · 部门”."""
    page = client.get(IN_FORCE)
    assert page.status_code == 200
    found = re.search(r'<a [^>]*class="me"[^>]*>([^<]*)</a>', page.get_data(as_text=True))
    assert found, "the header names the department"
    return html.unescape(found.group(1)).split(" · ", 1)[1].strip()


def _own_rules(name: str) -> str:
    """A 细则 of the department's own, issued under ``name``: a department preset's parameters and articles, from
    tomorrow."""
    source = presets.BY_NAME["乌审旗应急管理局"].document
    return rulefile.write(
        replace(
            source,
            title=f"{name}“双随机、一公开”工作细则",
            short_title=f"{name}细则",
            issuer=name,
            number="",
            based_on="",
            note="本部门细则。",
            issued_on=today(),
            effective_from=today() + timedelta(days=1),
        )
    )


def test_every_demo_department_loads_its_rules_under_the_name_its_pages_show(demo):
    """Each department of the demo's three levels (牡丹江市, 宁安市, 宁安镇) — its administrator, who loads its rules —
    reads its name on its own pages and loads a 细则 issued under exactly that name: it is its own, in force from
    tomorrow; the town's office among them."""
    shown = {}
    for _region, _short, (code, _name, _kind, users) in all_departments():
        admin_login = next(login for login, _display, roles in users if "tenant_admin" in roles)
        admin = signed_in(demo, admin_login)
        name = shown[code] = _shown_name(admin)
        with demo.app_context():
            text = _own_rules(name)
        loaded = post_form(admin, IN_FORCE, {"how": "file", "text": text}, token_from=IN_FORCE)
        assert loaded.status_code == 302, (code, name, html.unescape(loaded.get_data(as_text=True))[:3000])
        with demo.app_context():
            document = rulebook.document_of(rulebook.version_ids(tenant_id(code), today() + timedelta(days=1))[1])
            assert document.issuer == name and document.based_on == "", code
    assert shown["NAZF"] == "宁安镇综合行政执法办公室"
    assert shown["SCJ"] == "宁安市市场监督管理局" and shown["MDJSCJ"] == "牡丹江市市场监督管理局"


def test_another_name_than_the_one_its_pages_show_is_refused_naming_it(demo):
    """The town's office loading a 细则 under the name its rulebook's place would give it (宁安市宁安镇…) is refused,
    the refusal naming the one full name its pages show."""
    admin = signed_in(demo, "nazf_admin")
    with demo.app_context():
        text = _own_rules("宁安市宁安镇综合行政执法办公室")
    refused = post_form(admin, IN_FORCE, {"how": "file", "text": text}, token_from=IN_FORCE)
    assert refused.status_code == 422
    assert "（宁安镇综合行政执法办公室）" in html.unescape(refused.get_data(as_text=True))
