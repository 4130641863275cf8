"""The public portal's long lists in a real browser: a draw of 130 targets with their teams, and
the inspector list of 市场监督管理局 (the demo city's 110 people, some expired, some experts), a
page at a time. An anonymous visitor pages, searches and filters.

Screenshots land in ``/tmp/spotcheck-shots/public-*.png`` for a human to look at.
"""

from __future__ import annotations

import pytest

from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo import staff as demo_staff
from spotcheck.tenants.inspectors import commands as inspectors
from tests.support.browsers import assert_clean, assert_fits, assert_styled, new_context, new_page, save_shot
from tests.support.ceremony_world import everyone_drawn as _everyone_drawn
from tests.support.helpers import served, tenant_id, user_named

pytestmark = pytest.mark.browser


def _prepare(app, found: dict) -> None:
    """The campaign of 130 drawn targets (应急管理局) and the demo city's inspectors of 市场监督管理局."""
    found["campaign"], found["strata"], _teams = _everyone_drawn(130)
    day = today()
    people = demo_staff.inspectors("SCJ", today=day)
    with tenant_scope(tenant_id("SCJ")):
        for person in people:
            inspectors.create_inspector(person, actor=user_named("scj_admin"))
        db.session.commit()
    found["listed"] = sorted(p["name"] for p in people if not p["is_expert"] and p["cert_expires_on"] >= day)
    found["left_out"] = [p["name"] for p in people if p["is_expert"] or p["cert_expires_on"] < day]


@pytest.fixture(scope="module")
def site(sqlite_template, tmp_path_factory):
    found: dict = {}
    folder = tmp_path_factory.mktemp("public-lists")
    with served(sqlite_template, folder, lambda app: _prepare(app, found)) as (_app, url):
        yield url, found


@pytest.fixture
def page(browser, site):
    context = new_context(browser, site[0])
    yield new_page(context)
    context.close()


def shot(page, name: str, part: str | None = None) -> None:
    """The whole page, or only the element ``part`` (a long page shrinks too much to read)."""
    save_shot(page, f"public-{name}", part=part)
    assert_styled(page)
    assert_clean(page)


def codes_on(page) -> list[str]:
    return [text.split()[0] for text in page.locator("#public-targets-blinded li").all_inner_texts()]


def test_a_visitor_pages_and_searches_the_drawn_targets(page, site):
    """A blinded draw's list (spotcheck-draw/3): the businesses by code and name, by code, no stratum to filter by."""
    _url, found = site
    page.goto(f"/public/draws/campaigns/{found['campaign']}")
    first = codes_on(page)
    assert len(first) == 50 and first == sorted(first)
    assert page.locator("#draw-targets a[download]").count() == 1  # the proof is still on the page
    assert page.locator("select#stratum").count() == 0
    shot(page, "draw-page-1")
    shot(page, "draw-ceremony", "#draw-targets")

    with page.expect_navigation():
        page.click('nav.public-pager a[rel="next"]')
    assert page.url.endswith("?page=2#results")
    second = codes_on(page)
    assert len(second) == 50 and not set(first) & set(second) and max(first) < min(second)
    assert "风险等级" not in page.locator("#public-targets-blinded").inner_text()
    shot(page, "draw-page-2", "#results")
    shot(page, "draw-pager", "#results nav.public-pager")

    page.fill("input#q", "测试危化企业12")
    with page.expect_navigation():
        page.click("form.public-search button[type=submit]")
    names = [text.split()[1] for text in page.locator("#public-targets-blinded li").all_inner_texts()]
    assert sorted(names) == sorted(["测试危化企业12", *(f"测试危化企业{n}" for n in range(120, 130))])
    shot(page, "draw-search", "#results")


def test_a_visitor_reads_the_inspector_list_a_page_at_a_time(page, site):
    _url, found = site
    page.goto("/public/SCJ/inspectors")
    assert page.locator("table thead th").first.inner_text() == "姓名"
    names = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert names == found["listed"][:50]
    shot(page, "inspectors-page-1")

    with page.expect_navigation():
        page.click('nav.public-pager a[rel="next"]')
    rest = page.locator("table tbody tr td:first-child").all_inner_texts()
    assert rest == found["listed"][50:100]
    body = page.locator("main").inner_text()
    assert not any(name in body for name in found["left_out"])
    shot(page, "inspectors-page-2")

    page.fill("input#q", found["listed"][3][:1])
    with page.expect_navigation():
        page.click("form.public-search button[type=submit]")
    assert found["listed"][3] in page.locator("table tbody").inner_text()
    shot(page, "inspectors-search")


def test_a_visitor_finds_the_target_directory_from_the_department_and_searches_it(page, site):
    """检查对象名录库向社会公布: from the department's page to its directory, a page at a time, searched by
    name; it fits a phone."""
    page.goto("/public/YJJ")
    with page.expect_navigation():
        page.click('a[href="/public/YJJ/targets"]')
    headers = page.locator("table.public-directory thead th").all_inner_texts()
    assert headers == ["名称", "统一社会信用代码或编码", "类型", "行业", "区域", "监管类别"]
    names = page.locator("table.public-directory tbody tr td:first-child").all_inner_texts()
    assert len(names) == 50 and names == sorted(names)
    shot(page, "targets-page-1")
    page.fill("input#q", "测试危化企业12")
    with page.expect_navigation():
        page.click("form.public-search button[type=submit]")
    found = page.locator("table.public-directory tbody tr td:first-child").all_inner_texts()
    assert found[0] == "测试危化企业12" and all(name.startswith("测试危化企业12") for name in found)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_fits(page, "public-targets-search", 390)
