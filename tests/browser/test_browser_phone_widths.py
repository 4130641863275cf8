"""Every page of every role fits a phone (手机宽度): at 390 px no page the demo city's roles open —
nor any page a citizen opens without signing in — is wider than the window. A wide table may scroll
inside its own box (``.table-scroll``), never the page as a whole; on every page no column is squeezed to a character
a line (:data:`SQUEEZED`), no part of a card's value lies under its labels (:data:`MISPLACED`), and every box that
scrolls sideways is reached by the keyboard (:data:`UNREACHABLE`).

The pages are those of the wording walk (``tests/web/test_page_wording.py``): the same accounts, each
GET route once with its arguments from the demo's rows, and the links its pages show (one a route:
:data:`FOLLOWED_PER_RULE`).
One Chromium, one context per account, opens each at 390 px, measures it and follows its links; the
public portal, the same page for everyone, is walked by the citizen alone; routes the account's
permissions refuse are not asked. The demo city is walked after a photo is attached to a visit and a
statistical table is built, so that the tables only work fills are measured too. Images and fonts are
not fetched (they do not widen a page here: every image is sized by the stylesheet), and the
stylesheets and scripts are fetched once per account.

The failure names each page, by how much it is too wide and what reaches past the edge
(:data:`tests.support.browsers.WIDEST`), with a screenshot of each in ``/tmp/spotcheck-shots/phone-*.png``.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter, deque
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.platform.permissions import declared_access
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.supervision import commands as supervision_commands
from tests.support.browsers import WIDEST, new_context, require_axe, save_shot, serious_findings, sign_in
from tests.support.demo_world import demo_city
from tests.support.helpers import served, tenant_id, user_named
from tests.support.route_urls import WALKERS, crawlable, ids_by_table, links, route_urls, rule_of

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
#: Links followed per route and account beyond the route's own URL: one (the wording walk, through
#: the test client, reads two); a page's width is its template's with its rows, and every route is
#: measured from its own URL first.
FOLLOWED_PER_RULE = 1
#: What the measure does not fetch: it changes no page's width (images are sized by the stylesheet).
NOT_FETCHED = re.compile(r"\.(png|jpe?g|gif|svg|ico|webp|woff2?|ttf|otf)(\?.*)?$")
#: How much wider than the window the page is, and its links (``href="…"``, as the page's HTML has them).
MEASURE = """
() => [document.documentElement.scrollWidth - window.innerWidth,
       [...document.querySelectorAll('[href], [src]')]
         .map(e => `href="${e.getAttribute('href') || e.getAttribute('src')}"`)]
"""
#: When no element in the flow reaches past the edge: the positioned elements that do (an absolutely
#: placed label inside a scrolling box whose box is not their containing block escapes its clipping),
#: else the elements whose own text runs past it (a ``<pre>`` line).
ESCAPED = """
(() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
  && ['absolute', 'fixed'].includes(getComputedStyle(e).position)).slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()}${e.className ? '.' + String(e.className).split(' ').join('.') : ''}`
    + ` positioned at ${Math.round(e.getBoundingClientRect().right)} px,`
    + ` in ${e.parentElement.closest('[id]')?.id || 'body'}`).join(', ')
  || [...document.querySelectorAll('body *')].filter(e => getComputedStyle(e).overflowX === 'visible'
  && e.getBoundingClientRect().left + e.scrollWidth > window.innerWidth + 1 && e.scrollWidth > e.clientWidth + 1
  && ![...e.children].some(c => c.getBoundingClientRect().left + c.scrollWidth > window.innerWidth + 1)).slice(0, 3)
  .map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''} whose text runs to`
    + ` ${Math.round(e.getBoundingClientRect().left + e.scrollWidth)} px`)
  .join(', ') || '?')()
"""


#: A photo as an inspector attaches one (the smallest PNG the platform takes).
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(scope="module")
def city(sqlite_template, tmp_path_factory):
    """The demo city served, with what its pages show only once someone has worked: a photo attached
    to a visit, a statistical table built and a notice of criticism (通报) drafted for the bureau's leader to sign.
    Returns the app, its URL and the pages showing those."""
    shown = []

    def prepare(app):
        shown.extend(worked_in(app))

    with served(sqlite_template, tmp_path_factory.mktemp("phone-widths"), prepare) as (app, url):
        yield app, url, shown


def worked_in(app) -> list[str]:
    demo_city(today="2026-11-21")
    pages = ["/supervision/tables"]
    supervisor = user_named("sfj_supervisor")
    with tenant_scope(supervisor.tenant_id):
        supervision_commands.request_table("progress", "2026", actor=supervisor)
        draft = supervision_commands.draft({"period": "2026"}, actor=supervisor)  # a 通报 for the leader to sign
        db.session.commit()
    pages.append(f"/supervision/criticisms/{draft.id}")
    inspector = user_named("scj_inspector")
    with tenant_scope(tenant_id("SCJ")):
        for visit_id in db.session.scalars(sa.select(Visit.id).order_by(Visit.id)):
            try:
                if db.session.get(Visit, visit_id).status.value == "published":  # the demo's are: corrected
                    results.start_correction(visit_id, {"reason": "补充现场照片"}, actor=user_named("scj_planner"))
                results.add_attachment(
                    visit_id, {"stream": io.BytesIO(PNG), "filename": "现场检查照片（仓库东侧）.png"}, actor=inspector
                )
            except (ConflictError, ForbiddenError, NotFoundError, InvalidInputError):
                db.session.rollback()  # not on this team, or its result is no longer recorded
                continue
            db.session.commit()
            pages.append(f"/visits/{visit_id}")
            break
    assert len(pages) == 3, "no visit of the demo takes the inspector's photo"
    return pages


def walk(page, app, login: str | None, seeds: list[str], opens) -> tuple[int, list[str]]:
    """Open ``seeds`` and the links their pages show (one a route, :data:`FOLLOWED_PER_RULE`) at
    390 px, each once: how many pages were measured, and those wider than the window."""
    # local: playwright (dev-only) is loaded only when a browser test runs, as in tests/support/browsers.py
    from playwright.sync_api import Error as PlaywrightError

    adapter = app.url_map.bind("localhost")
    queue, seen, followed = deque(seeds), set(), Counter()
    measured, found = 0, []
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            response = page.goto(url, wait_until="domcontentloaded")
        except PlaywrightError:  # a download (a workbook, a PDF, a proof): not a page
            continue
        if (
            response is None
            or response.status != 200
            or response.request.redirected_from is not None
            or not response.headers.get("content-type", "").startswith("text/html")
        ):
            continue  # refused, moved elsewhere (that page is walked in its turn) or not a page
        measured += 1
        overflow, hrefs = page.evaluate(MEASURE)
        squeezed, misplaced, unreachable = page.evaluate(SQUEEZED), page.evaluate(MISPLACED), page.evaluate(UNREACHABLE)
        if overflow > 1 or squeezed or misplaced or unreachable:
            found.append(
                f"{login or 'citizen'} {url}: "
                + (f"+{overflow} px at {page.evaluate(WIDEST) or page.evaluate(ESCAPED)} " if overflow > 1 else "")
                + (f"squeezed {squeezed[:3]} " if squeezed else "")
                + (f"under a card's labels {misplaced[:3]} " if misplaced else "")
                + (f"a scrolling box no keyboard reaches {unreachable[:3]}" if unreachable else "")
            )
            name = re.sub(r"[^\w-]+", "_", url.strip("/")) or "home"
            save_shot(page, f"phone-{login or 'citizen'}-{name}", always=True)
        text = " ".join(hrefs)
        shown = SimpleNamespace(headers={}, mimetype="text/html", get_data=lambda as_text, text=text: text)
        for link in links(shown):  # as the wording walk reads a page's links
            if link in seen or not opens(link) or not crawlable(adapter, link, False):
                continue
            rule = rule_of(adapter, link)
            if followed[rule] < FOLLOWED_PER_RULE:
                followed[rule] += 1
                queue.append(link)
    return measured, found


def opened_by(app, login: str | None):
    """Whether ``login`` walks a URL: a page its permissions open (what a route declares it needs; a
    refusal is no page to measure), never the API; the public portal, the same page for everyone,
    is the citizen's alone."""
    adapter = app.url_map.bind("localhost")
    if login is not None:
        with app.app_context():
            user = user_named(login)
            held = {permission for permission in Permission if has_permission(user, permission)}

    def opens(url: str) -> bool:
        if url.startswith("/api/") or (login is not None and url.startswith("/public")):
            return False
        try:
            endpoint = adapter.match(urlsplit(url).path, method="GET")[0]
        except Exception:
            return False
        needed = declared_access(app.view_functions[endpoint], "GET")
        return needed in (None, "public") or (login is not None and needed in held)

    return opens


def served_once(context) -> None:
    """The stylesheets and scripts are asked of the server once per account, then answered from memory:
    the walk measures pages, not the static files' round trips."""
    kept = {}

    def answer(route):
        url = route.request.url
        if url not in kept:
            response = route.fetch()
            kept[url] = {"status": response.status, "headers": response.headers, "body": response.body()}
        route.fulfill(**kept[url])

    context.route("**/static/**", answer)


@pytest.mark.slow(50)
def test_every_page_of_every_role_fits_a_phone(browser, city):
    app, url, worked = city
    started, spent = time.monotonic(), time.process_time()
    seeds = worked + route_urls(app, ids_by_table(app), per_rule=1, skip=("/api/", "/platform/assets"))
    report, measured = [], Counter()
    for login in WALKERS:
        context = new_context(browser, url)
        context.route(NOT_FETCHED, lambda route: route.abort())
        served_once(context)
        try:
            page = context.new_page()
            page.set_viewport_size(PHONE)
            if login:
                sign_in(page, login)
            opens = opened_by(app, login)
            measured[login or "citizen"], found = walk(page, app, login, [s for s in seeds if opens(s)], opens)
            report += found
        finally:
            context.close()
    elapsed, spent = time.monotonic() - started, time.process_time() - spent
    print(
        f"\n390 px walk: {sum(measured.values())} pages of {len(measured)} accounts in {elapsed:.1f} s "
        f"({spent:.1f} s of processor time here): {dict(measured)}"
    )
    assert not report, f"{len(report)} page(s) not whole on a phone (390 px):\n" + "\n".join(report)
    # not vacuous: every account opened its pages, the pages of the table of issue 40 among them
    assert all(count >= 5 for count in measured.values()), measured


#: The table cells a phone squeezes under three and a half characters wide (``抽/取/范/围``, ``已抽/中``, a
#: definition three characters a line), or a long text under six characters wide (a score's reasons, a column
#: of four lines and more): their text, three characters or more, on more than one line. A
#: stacked table's column names, kept for screen readers in a one-pixel box, are not shown and not asked.
SQUEEZED = """
() => [...document.querySelectorAll('main th, main td')].filter(c => c.offsetParent !== null
    && (!c.closest('thead') || c.closest('thead').getBoundingClientRect().width > 1)).map(c => {
  const tops = new Set(), walker = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const range = document.createRange(); range.selectNodeContents(node);
    for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
  }
  const style = getComputedStyle(c), size = parseFloat(style.fontSize);
  const width = c.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return [c.textContent.replace(/\\s+/g, ''), tops.size, width / size];
}).filter(([text, lines, ems]) => text.length >= 3 && lines > 1 && (ems < 3.5 || ems < 6 && lines > 3))
  .map(([text]) => text)
"""


#: A stacked table's card puts each column's name on the left and its value on the right: the parts of a value (a
#: name, then a hint under it; an element or a text) that a phone laid under the names instead (walk 81, round two:
#: the joint campaign's invitations, the business's record).
MISPLACED = """
() => [...document.querySelectorAll('main table.stack-on-phone td')]
  .filter(c => getComputedStyle(c).display === 'grid' && getComputedStyle(c, '::before').content !== 'none'
    && getComputedStyle(c).gridTemplateColumns.split(' ').length > 1)
  .flatMap(c => {
    const column = parseFloat(getComputedStyle(c).gridTemplateColumns.split(' ')[0]) + c.getBoundingClientRect().left;
    const box = (n) => {  // a text's box, or an element's
      if (n.nodeType === 1) return n.getBoundingClientRect();
      const range = document.createRange(); range.selectNodeContents(n); return range.getBoundingClientRect();
    };
    return [...c.childNodes].filter(n => n.nodeType === 3 ? n.textContent.trim()
        : n.nodeType === 1 && n.offsetParent !== null && n.tagName !== 'BR')
      .filter(n => box(n).width > 0 && box(n).left < column - 1)
      .map(n => n.textContent.trim().slice(0, 20));
  })
"""
#: A box scrolling sideways (a wide table's) that a keyboard cannot reach: not focusable itself and holding nothing
#: focusable (axe-core's scrollable-region-focusable, measured here on every page).
UNREACHABLE = """
() => [...document.querySelectorAll('main *')].filter(e => {
  const style = getComputedStyle(e);
  return /auto|scroll/.test(style.overflowX) && e.scrollWidth > e.clientWidth + 1 && e.offsetParent !== null
    && e.tabIndex < 0 && !e.querySelector('a[href], button, input, select, textarea, [tabindex]');
}).map(e => (e.id || e.className || e.tagName) + ': ' + (e.textContent || '').trim().slice(0, 20))
"""


def test_no_table_column_is_one_character_wide_on_a_phone(browser, city):
    """The pages whose columns a phone once squeezed to a character a line (walk 78): 考核 with its
    deductions' definitions, a campaign's strata and their counts (its page, and the portal's), a
    department's campaigns on the portal with a 特定对象检查's tag. Each is stacked as cards, or its
    short column names kept whole."""
    app, url, _worked = city
    with app.app_context(), system_access("test lookup"):
        campaign = db.session.scalar(sa.select(Campaign.id).where(Campaign.code == "宁市监抽〔2026〕3号"))
    pages = {
        "sfj_supervisor": ["/supervision/assessment"],
        "scj_planner": [f"/campaigns/{campaign}"],
        None: [f"/public/draws/campaigns/{campaign}", "/public/draws"],
    }
    found = []
    for login, urls in pages.items():
        context = new_context(browser, url)
        try:
            page = context.new_page()
            page.set_viewport_size(PHONE)
            if login:
                sign_in(page, login)
            for path in urls:
                assert page.goto(path).status == 200, path
                squeezed = page.evaluate(SQUEEZED)
                if squeezed:
                    found.append(f"{login or 'citizen'} {path}: {squeezed[:5]}")
                    name = path.strip("/").replace("/", "_")
                    save_shot(page, f"phone-squeezed-{login or 'citizen'}-{name}", always=True)
        finally:
            context.close()
    assert not found, "columns squeezed to under two characters a line at 390 px:\n" + "\n".join(found)


#: The pages walk 81 found whole on no phone, by who opens them: the 通报 the bureau's leader signs (its draft wider
#: than the window, the card above it taking the tap on 签发并送达), the joint campaign's departments and items (793 px
#: wide, rows 560 px tall), a published result's items (one character a line inside the cards of a joint visit), and
#: the wide tables scrolling in a box no keyboard reached (axe-core: scrollable-region-focusable).
WALK_81 = {
    "sfj_leader": ["/supervision/assessment", "/reports/overview"],
    "scj_coord": ["/joint"],
    None: ["/public/results"],
}
#: How tall a table's row is at most, the table not stacked as cards (a card holds its row's every line); the joint
#: campaign's were 560 px, higher than half the window, when its columns squeezed.
TALLEST_ROW = """() => Math.max(0, ...[...document.querySelectorAll('main tr')]
  .filter(r => r.offsetParent !== null && getComputedStyle(r).display === 'table-row')
  .map(r => r.getBoundingClientRect().height))"""


def test_each_roles_task_is_whole_on_a_phone(browser, city):
    """At 390 px: the leader signs the 通报 (签发并送达 takes the tap, nothing lies over it: a click without force,
    tried), and on each page of :data:`WALK_81` — with the joint campaign's and a joint visit's result's pages
    their lists link to — nothing is wider than the window, no column is squeezed (:data:`SQUEEZED`), no row is
    taller than half the window (:data:`TALLEST_ROW`), and axe-core finds nothing serious or critical."""
    require_axe()
    _app, url, worked = city
    criticism = next(p for p in worked if p.startswith("/supervision/criticisms/"))
    found = []
    for login, urls in WALK_81.items():
        context = new_context(browser, url, bypass_csp=True)  # axe-core is added as a script of the page
        try:
            page = context.new_page()
            page.set_viewport_size(PHONE)
            if login:
                sign_in(page, login)
            if login == "sfj_leader":
                urls = [criticism, *urls]
            for path in urls:
                assert page.goto(path).status == 200, path
                if path == "/joint":  # the coordinator's joint campaign
                    path = next(
                        h
                        for h in page.locator("main a[href^='/joint/']").evaluate_all(
                            "as => as.map(a => a.getAttribute('href'))"
                        )
                        if re.fullmatch(r"/joint/\d+", h)
                    )
                    assert page.goto(path).status == 200, path
                if path == "/public/results":  # a business checked by a joint visit: its results, cards in a card
                    entities = page.locator("main a[href^='/public/results/entities/']").evaluate_all(
                        "as => [...new Set(as.map(a => a.getAttribute('href')))]"
                    )
                    for path in entities:
                        assert page.goto(path).status == 200, path
                        if page.locator(".joint-visit .public-result").count():
                            break
                    else:
                        raise AssertionError(f"no joint visit's results among {entities}")
                wider, _hrefs = page.evaluate(MEASURE)
                squeezed, tallest = page.evaluate(SQUEEZED), page.evaluate(TALLEST_ROW)
                axe = serious_findings(page)
                if wider > 1 or squeezed or tallest > PHONE["height"] / 2 or axe:
                    found.append(
                        f"{login or 'citizen'} {path}: {wider} px wider, squeezed {squeezed[:3]}, "
                        f"tallest row {tallest:.0f} px, axe {axe}"
                    )
                    save_shot(page, f"phone-81-{login or 'citizen'}-{path.strip('/').replace('/', '_')}", always=True)
                if path == criticism:
                    assert page.locator("#criticism-approve button").is_visible(), "no 签发并送达 for the leader"
                    page.click("#criticism-approve button", trial=True, timeout=3000)  # nothing over it takes the tap
        finally:
            context.close()
    assert not found, "not whole on a phone (390 px):\n" + "\n".join(found)
