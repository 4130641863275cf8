"""Accessibility in the suite (无障碍, GB/T 37668-2019 / WCAG 2.1 AA): axe-core, vendored through npm
(``node_modules/axe-core``, a devDependency of package.json), runs in Chromium on every page of the
public portal and on the home and main task page of every role of the demo city, at a desk (1366 px)
and on a phone (390 px). A critical or serious violation fails the test anywhere; on the public pages
a heading that skips a level (heading-order) or an empty table header (empty-table-header) fails too.

The script is injected by the test alone: its browser contexts bypass the app's Content Security
Policy (``bypass_csp``), which stays ``script-src 'self'`` for everyone else.

Then what a citizen on a phone and an older reader notice: the public portal's menu at 390 px (mouse,
keyboard), the ways from the home, a department and an item list to the draws and the results, the
search box on the home, the skip link (跳到正文), a focus ring one can see, and the larger-text mode
(大字模式: remembered, text and controls larger, nothing wider than the window at 200 % zoom).
Screenshots land in ``/tmp/spotcheck-shots/public-phone-*.png`` (menu open and closed) and
``public-large-text-*.png``.
"""

from __future__ import annotations

import re

import pytest

from tests.support.browsers import (
    WIDTHS,
    assert_clean,
    assert_fits,
    axe_violations,
    new_context,
    new_page,
    require_axe,
    save_shot,
    sign_in,
)
from tests.support.demo_world import demo_city
from tests.support.helpers import served

pytestmark = pytest.mark.browser

#: Findings that fail a page whatever their impact …
ANYWHERE = ("critical", "serious")
#: … and, on the public pages, these rules at any impact.
PUBLIC_RULES = ("heading-order", "empty-table-header")

#: Each role of the demo: its home and its main task page.
ROLES = {
    "planner": ("scj_planner", "/campaigns"),
    "leader": ("scj_leader", "/visits/review"),
    "inspector": ("scj_inspector", "/visits/mine"),
    "coordinator": ("scj_coord", "/joint"),
    "department_admin": ("scj_admin", "/admin/users"),
    "supervisor": ("sfj_supervisor", "/supervision"),
    "sfj_leader": ("sfj_leader", "/supervision"),
    "platform_admin": ("admin", "/platform/tenants"),
}

#: The portal's fixed pages, and (pattern, where to find a link to it) for the pages of one record
#: (None: on the page found just before).
PUBLIC_PAGES = [
    "/public",
    "/public/inspectors",
    "/public/inspectors?region=231084",  # 宁安市's departments' lists
    "/public/draws",
    "/public/draws?region=231084",
    "/public/draws/algorithm",
    "/public/results",
    "/public/results?q=%E6%B5%8B%E8%AF%95",
    "/public/rules",
    "/public/audit-heads",
    "/public/SCJ",
    "/public/SCJ/items",
    "/public/SCJ/rules",
    "/public/SCJ/inspectors",
    "/public/SCJ/targets",
    "/public/SCJ/rules/in-force",
    "/public/checks",
    "/login",
]
LINKED = (
    (r"^/public/draws/campaigns/\d+$", "/public/draws?region=231084"),  # the demo's departments are 宁安市's
    (r"^/public/draws/campaigns/\d+/proofs/targets/verify$", None),
    (r"^/public/results/entities/[^/?]+$", "/public/results"),
    (r"^/public/results/campaigns/\d+$", None),
    (r"^/public/rules/versions/\d+$", "/public/rules?region=231084"),  # 宁安市's own rulebook
)


@pytest.fixture(scope="module")
def demo(sqlite_template, tmp_path_factory):
    """The demo city as ``spotcheck demo`` loads it, served."""
    with served(sqlite_template, tmp_path_factory.mktemp("a11y"), lambda app: demo_city(today="2026-11-21")) as (
        _app,
        url,
    ):
        yield url


def axe_findings(page, public: bool) -> list[str]:
    """axe-core's violations on the page as it is now that fail it (see the module's docstring)."""
    result = axe_violations(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
        for v in result
        if v["impact"] in ANYWHERE or (public and v["id"] in PUBLIC_RULES)
    ]


def test_axe_finds_no_serious_problem_on_the_public_pages_and_each_roles_main_pages(browser, demo):
    require_axe()  # like the verifier's: installed by `make install-dev` (npm ci)
    context = new_context(browser, demo, bypass_csp=True)
    page = new_page(context)
    found: list[str] = []

    def check(path: str, public: bool) -> None:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            found.extend(f"{path} at {width} px: {finding}" for finding in axe_findings(page, public))

    pages = list(PUBLIC_PAGES)
    for pattern, where in LINKED:
        if where:
            page.goto(where)
        hrefs = page.locator("main a[href]").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        link = next((h for h in hrefs if re.match(pattern, h)), None)
        assert link, f"no link matching {pattern} on {page.url}"
        page.goto(link)
        pages.append(link)
    for path in pages:
        check(path, public=True)
    for _role, (login_name, task) in ROLES.items():
        sign_in(page, login_name)
        check("/", public=False)
        check(task, public=False)
        page.context.clear_cookies()
    assert not found, "axe-core:\n" + "\n".join(found)


#: The public pages a citizen opens on a phone, each with its menu.
PHONE_PAGES = {
    "home": "/public",
    "department": "/public/SCJ",
    "items": "/public/SCJ/items",
    "draws": "/public/draws?region=231084",
    "results": "/public/results",
    "inspectors": "/public/inspectors?region=231084",
    "audit-heads": "/public/audit-heads",
}
#: What the public menu offers: 部门, 执法检查人员名录, 随机抽取公示, 抽查结果公示, 现行规则, 核验检查码, 企业须知.
PUBLIC_MENU = [
    "/public",
    "/public/inspectors",
    "/public/draws",
    "/public/results",
    "/public/rules",
    "/public/checks",
    "/public/businesses",
]


def opened(browser, url: str, width: int, height: int):
    """A context of its own (cookies, localStorage) and its page, at that size."""
    context = new_context(browser, url)
    page = new_page(context)
    page.set_viewport_size({"width": width, "height": height})
    return context, page


def menu_links(page) -> list[str]:
    """The menu's entries a reader can see now."""
    return [link.get_attribute("href") for link in page.locator("#mainnav a").all() if link.is_visible()]


def test_on_a_phone_a_citizen_opens_the_menu_and_finds_the_draws_and_the_results(browser, demo):
    """At 390 px every public page folds its menu behind 菜单 (a checkbox a screen reader names, that
    the keyboard opens); the home, a department and its item list show the way to the draws and the
    results in the page itself; the home has the results' search box."""
    context, page = opened(browser, demo, 390, 844)
    for name, path in PHONE_PAGES.items():
        page.goto(path)
        assert menu_links(page) == [], f"{path}: the menu is open before 菜单 is pressed"
        assert page.get_by_role("checkbox", name="菜单").count() == 1, path
        assert page.locator("header.topbar").bounding_box()["height"] < 160, path
        assert_fits(page, f"public-phone-{name}-menu-closed", 390)
        page.click("#nav-toggle-label")
        assert menu_links(page) == PUBLIC_MENU, path
        assert_fits(page, f"public-phone-{name}-menu-open", 390)
        page.click("#nav-toggle-label")
        assert menu_links(page) == [], path
        assert_clean(page)

    for path in ("/public", "/public/SCJ", "/public/SCJ/items"):
        page.goto(path)
        for target in ("/public/draws", "/public/results"):
            ways = [link for link in page.locator(f'main a[href^="{target}"]').all() if link.is_visible()]
            assert ways, f"{path}: no visible way to {target} at 390 px"
    page.goto("/public/SCJ/items")
    with page.expect_navigation():
        page.click("#onward-draws")
    assert page.url.endswith("/public/draws?region=231084#department-SCJ")  # its region's list, at its part
    assert page.locator("#department-SCJ").is_visible()

    # the keyboard alone: the skip link first, then 菜单 opens with the space bar, then its first entry
    page.goto("/public")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "nav-toggle":
            break
    assert page.evaluate("document.activeElement.id") == "nav-toggle"
    page.keyboard.press("Space")
    assert menu_links(page) == PUBLIC_MENU
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#mainnav') !== null")

    # the home's search box finds a business's published results
    page.goto("/public/results")
    name = page.locator("article.public-result h2 a").first.inner_text()
    page.goto("/public")
    page.fill("#q", name)
    with page.expect_navigation():
        page.click("form.public-search button[type=submit]")
    assert "/public/results?q=" in page.url
    assert name in page.locator("#entity-hits").inner_text()
    assert_clean(page)
    context.close()


def test_the_public_draw_page_names_the_observers_inputs_in_chinese(browser, demo):
    """ "observer:区人大代表 赵某 0917" (as the demo recorded it) reads, under 现场监督人输入,
    区人大代表 赵某 输入：0917."""
    context = new_context(browser, demo)
    page = new_page(context)
    page.goto("/public/draws?region=231084")
    campaigns = page.locator("table.public-campaigns a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    seen, first = [], None
    for href in campaigns:
        page.goto(href)
        inputs = page.locator("ol.public-inputs li").all_inner_texts()
        if first is None and page.locator("#draw-targets ol.public-inputs li").count():
            save_shot(page, "public-draw-observers", part="#draw-targets")
            first = href
        seen += inputs
    assert seen, "no draw with observers' inputs on the public pages"
    assert not [text for text in seen if "observer" in text], seen
    assert any(re.fullmatch(r"\S*人大代表 \S+ 输入：\s*\d{4}", text) for text in seen), seen
    page.goto(first)  # a target draw's (a check of named businesses has only its inspector draw)
    assert page.locator("#draw-targets dt").filter(has_text="现场监督人输入").count() == 1
    context.close()


#: The ring around the focused control, and its contrast with what is around it (WCAG 1.4.11: 3:1).
FOCUS_RING = """() => {
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = v => { v /= 255;
                                                 return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  let el = document.activeElement;
  // the checkbox shows its ring on its label
  if (el.id === 'nav-toggle') el = document.getElementById('nav-toggle-label');
  const style = getComputedStyle(el);
  let back = [255, 255, 255];
  for (let p = el.parentElement; p; p = p.parentElement) {
    const c = rgb(getComputedStyle(p).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { back = c.slice(0, 3); break; }
  }
  const [a, b] = [lum(rgb(style.outlineColor).slice(0, 3)), lum(back)];
  return {what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' '
                + (el.innerText || el.name || '').trim().slice(0, 20),
          style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
}"""


@pytest.mark.parametrize("width", [1366, 390])
def test_the_keyboard_skips_to_the_content_and_every_control_shows_a_ring(browser, demo, width):
    """跳到正文 is the first stop of the keyboard on a public page and on a staff page, and takes the
    focus to the content; then each control the Tab key reaches (the first 30) shows an outline at
    least 2 px wide, with a contrast of 3:1 or more against its background."""
    context, page = opened(browser, demo, width, 844)
    weak = []
    for login_name, path in ((None, "/public/SCJ"), (None, "/public/results"), ("scj_planner", "/campaigns")):
        if login_name:
            sign_in(page, login_name)
        page.goto(path)
        page.keyboard.press("Tab")
        skip = page.locator(".skip-link")
        assert page.evaluate("document.activeElement.className") == "skip-link", path
        assert skip.inner_text() == "跳到正文" and skip.bounding_box()["y"] >= 0, path
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main", path
        page.keyboard.press("Tab")  # the next stop: the content's first control, past the header
        assert page.evaluate("document.activeElement.closest('main') !== null"), path
        page.reload()
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement === document.body"):
                break
            ring = page.evaluate(FOCUS_RING)
            if ring["style"] in ("none", "hidden") or ring["width"] < 2 or ring["contrast"] < 3:
                weak.append(f"{path} at {width} px: {ring}")
        assert_clean(page)
    assert not weak, "focus rings one cannot see:\n" + "\n".join(weak)
    context.close()


#: Public pages read in the larger-text mode at 200 % zoom.
LARGE_TEXT_PAGES = dict(PHONE_PAGES, rules="/public/rules", algorithm="/public/draws/algorithm")


def font_px(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def test_the_larger_text_mode_enlarges_text_and_controls_and_keeps_to_the_window(browser, demo):
    """大字模式 (适老化): the header's switch makes the text at least 18 px and the controls larger, is
    remembered from page to page, and at 1366 px zoomed to 200 % (683 px wide) no page is wider than
    the window and the header's parts do not overlap; switched off, the page is as before."""
    context, page = opened(browser, demo, 1366, 900)
    page.goto("/public")
    toggle = page.locator("#text-size-toggle")
    assert toggle.is_visible() and toggle.inner_text() == "大字模式"
    assert toggle.get_attribute("aria-pressed") == "false"
    before = {
        "text": font_px(page, "main p.lead"),
        "hint": font_px(page, "main p.hint"),
        "button": page.locator("form.public-search button").bounding_box()["height"],
    }
    assert before["text"] < 18
    save_shot(page, "public-large-text-off-1366")

    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    after = {
        "text": font_px(page, "main p.lead"),
        "hint": font_px(page, "main p.hint"),
        "button": page.locator("form.public-search button").bounding_box()["height"],
    }
    assert after["text"] >= 18 and after["hint"] >= 18 and after["text"] > before["text"], after
    assert after["button"] >= 44 and after["button"] > before["button"], after
    save_shot(page, "public-large-text-on-1366")

    page.goto("/public/SCJ")  # remembered on the next page
    assert page.locator("#text-size-toggle").get_attribute("aria-pressed") == "true"
    assert font_px(page, "main p.hint") >= 18

    page.set_viewport_size({"width": 683, "height": 450})  # 1366 px at 200 % zoom
    for name, path in LARGE_TEXT_PAGES.items():
        page.goto(path)
        assert page.evaluate("document.documentElement.classList.contains('large-text')"), path
        boxes = [page.locator(f"header.topbar > {part}").bounding_box() for part in (".brand", ".mainnav", ".usermenu")]
        for i, one in enumerate(boxes):
            for other in boxes[i + 1 :]:
                apart = (
                    one["x"] + one["width"] <= other["x"] + 1
                    or other["x"] + other["width"] <= one["x"] + 1
                    or one["y"] + one["height"] <= other["y"] + 1
                    or other["y"] + other["height"] <= one["y"] + 1
                )
                assert apart, f"{path}: the header's parts overlap at 683 px: {boxes}"
        assert_fits(page, f"public-large-text-{name}-200pct", 683)
    page.set_viewport_size({"width": 390, "height": 844})
    for name in ("home", "department", "draws", "results"):
        page.goto(LARGE_TEXT_PAGES[name])
        assert_fits(page, f"public-large-text-{name}", 390)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/public")
    page.locator("#text-size-toggle").click()
    assert font_px(page, "main p.lead") == before["text"]
    page.reload()
    assert page.locator("#text-size-toggle").get_attribute("aria-pressed") == "false"
    assert_clean(page)
    context.close()


def test_on_a_phone_the_inspector_directory_reads_one_person_a_card_and_the_footer_keeps_off_the_edge(browser, demo):
    """At 390 px (issue 40's walk): each inspector is a card, the name on one line under 姓名 (not one
    character a line), the certificate number unbroken at its hyphen; the public footer has room on
    both sides. At 1366 px the table keeps its four headers, the names on one line."""
    context, page = opened(browser, demo, 390, 844)
    page.goto("/public/inspectors?region=231084")
    rows = page.locator("table.public-inspector-list tbody tr")
    assert rows.count() >= 10
    lines = page.evaluate("""() => [...document.querySelectorAll('table.public-inspector-list tbody tr')].slice(0, 20)
      .map(tr => ['td.name', 'td.cert'].map(s => { const td = tr.querySelector(s), r = document.createRange();
        r.selectNodeContents(td); return [td.innerText, r.getClientRects().length,
        getComputedStyle(td, '::before').content]; }))""")
    for (name, name_lines, label), (cert, cert_lines, cert_label) in lines:
        assert name_lines == 1, f"{name} runs over {name_lines} lines at 390 px"
        assert cert_lines == 1 and "-" in cert, f"{cert} broken over {cert_lines} lines at 390 px"
        assert label == '"姓名"' and cert_label == '"执法证编号"', (label, cert_label)
    footer = page.locator("footer").evaluate("""f => { const r = document.createRange(); r.selectNodeContents(f);
      const box = r.getBoundingClientRect(); return [box.left, window.innerWidth - box.right]; }""")
    assert min(footer) >= 12, f"the footer's text at {footer} px from the edges at 390 px"
    assert_fits(page, "public-inspectors-cards", 390)
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator("table.public-inspector-list").first.locator("thead th").all_inner_texts() == [
        "姓名",
        "执法机构",
        "执法证编号",
        "执法类别",
    ]
    assert (
        page.locator("table.public-inspector-list td.name").first.evaluate(
            "td => { const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length; }"
        )
        == 1
    )
    assert_fits(page, "public-inspectors-cards", 1366)
    assert_clean(page)
    context.close()
