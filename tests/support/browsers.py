"""Chromium for the browser tests (浏览器): one per session (of each xdist worker), a context per test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from spotcheck.demo.people import LOGINS as DEMO_LOGINS
from tests.support.helpers import CHROMIUM_ARGS, DEMO_PASSWORD, service_missing
from tests.support.page_text import programmer_words

SHOTS = Path("/tmp/spotcheck-shots")
#: Screenshots for a person to look at (截图) are taken when ``SPOTCHECK_SHOTS=1`` (a walk before an issue
#: is resolved), not in every run of the suite: a full-page shot costs Chromium about as much as loading the
#: page, and nobody looks at them in CI. A page that fails a check is shot whatever this says.
SHOTS_WANTED = os.environ.get("SPOTCHECK_SHOTS") == "1"
TIMEOUT_MS = 10_000

#: Console errors tolerated for now. The app serves no /favicon.ico, so Chromium logs its 404 as a
#: console error on whichever page it first asks for it; drop this once a favicon is shipped.
TOLERATED_CONSOLE_ERROR_URLS = ("/favicon.ico",)

#: Runs in every page before its own scripts: CSP violations land in ``window.__cspViolations``.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' +
  e.lineNumber);
});
"""

#: Debian's Chromium builds, the first found: the headless shell (无界面浏览器, package
#: chromium-headless-shell: the same Blink and V8 without the desktop browser's compositor and window
#: layer, what Playwright itself runs for headless tests; a page costs it about 40 % less CPU), else
#: the full browser. ``SPOTCHECK_TEST_CHROMIUM`` names another.
CHROMIUM_BUILDS = ("chromium-headless-shell", "chromium")


def chromium_executable() -> str | None:
    """The Chromium the browser tests drive (see :data:`CHROMIUM_BUILDS`), or None."""
    wanted = os.environ.get("SPOTCHECK_TEST_CHROMIUM")
    for name in (wanted,) if wanted else CHROMIUM_BUILDS:
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright (never a downloaded browser): one for the session (of each
    xdist worker); every test opens its own context (own cookies, own pages) in it."""
    executable = chromium_executable()
    if executable is None:
        service_missing(
            "Chromium", "no `chromium-headless-shell` or `chromium` on PATH (apt-get install chromium-headless-shell)"
        )
    # Playwright is heavy and only the browser tests need it: imported when a browser is launched
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True)
def _browser_contexts_closed(request):
    """The contexts a browser test opened are closed after it (the browser outlives the module)."""
    if "browser" not in request.fixturenames:
        yield
        return
    chromium = request.getfixturevalue("browser")
    before = set(chromium.contexts)
    yield
    for context in chromium.contexts:
        if context not in before:
            context.close()


class Problems:
    """Console errors and uncaught exceptions seen by one page."""

    def __init__(self, page):
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def clear(self) -> None:
        self.console_errors.clear()
        self.page_errors.clear()

    def _on_console(self, message):
        url = message.location.get("url") or ""
        if message.type == "error" and not url.endswith(TOLERATED_CONSOLE_ERROR_URLS):
            self.console_errors.append(f"{message.text} @ {url}")


def new_context(browser, base_url: str, **options):
    """A browser context (own cookies, so its own session): a desktop window in Chinese, recording CSP violations."""
    ctx = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="zh-CN", **options)
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.add_init_script(CSP_RECORDER)
    return ctx


def new_page(context):
    """A page of ``context`` whose console errors and uncaught exceptions are kept in ``page.problems``."""
    pg = context.new_page()
    pg.problems = Problems(pg)
    return pg


def sign_in(page, login_name: str, password: str = DEMO_PASSWORD):
    page.goto("/login")
    page.fill('input[name="login"]', login_name)
    page.fill('input[name="password"]', password)
    with page.expect_navigation():
        page.click('form:has(input[name="password"]) button[type="submit"]')


def header_text(page) -> str:
    return page.locator("header.topbar").inner_text()


def save_shot(page, name: str, *, full_page: bool = True, part: str | None = None, always: bool = False) -> None:
    """A screenshot of the page (or of its element ``part``) in ``SHOTS/<name>.png``, for a person to look
    at: only when :data:`SHOTS_WANTED`, or ``always`` (a page that failed a check). Chromium now and then
    fails to capture a page on a loaded machine ("Unable to capture screenshot"): it is tried once more."""
    if not (SHOTS_WANTED or always):
        return
    # local: playwright (dev-only) is loaded only when a browser test runs
    from playwright.sync_api import Error as PlaywrightError

    if part is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator(part).screenshot(path=str(SHOTS / f"{name}.png"))
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
    except PlaywrightError as failed:
        if "Unable to capture screenshot" not in str(failed):
            raise
        page.wait_for_timeout(200)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def screenshot(page, role: str) -> None:
    save_shot(page, role)


#: The innermost elements that reach past the window's right edge (outside a scrolling box): where an
#: overflow comes from, for the failure's message.
WIDEST = """
(() => [...document.querySelectorAll('body *')].filter(e => {
  if (e.getBoundingClientRect().right <= window.innerWidth + 1) return false;
  for (let p = e.parentElement; p; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return false;
  }
  return ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1);
}).slice(0, 5).map(e => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className ? '.' +
String(e.className).split(' ').join('.') : ''} (${Math.round(e.getBoundingClientRect().right)} px)`).join(', '))()
"""

#: The widths every staff page is looked at: a desk (1366 px) and a phone (390 px).
WIDTHS = ((1366, 900), (390, 844))


def assert_fits(page, name: str, width: int) -> None:
    """No horizontal overflow at the window's width; a screenshot ``<name>-<width>.png`` to look at."""
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    save_shot(page, f"{name}-{width}", always=overflow > 1)
    assert overflow <= 1, f"{name} at {width} px: {overflow} px wider than the window, at {page.evaluate(WIDEST)}"


def at_both_widths(page, name: str) -> None:
    """The page fits at a desk and on a phone (screenshots of both), with no console error or CSP
    violation; the window is left at the desk's width."""
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        assert_fits(page, name, width)
    page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
    assert_clean(page)


#: The demo's logins: data a user types (``scj_planner``), not code on a page.
LOGINS = DEMO_LOGINS


def assert_worded(page) -> None:
    """The page as the reader sees it (Chinese locale) holds no identifier and no English sentence."""
    words = [word for word in programmer_words(page.inner_text("body")) if word not in LOGINS]
    assert not words, f"code or English on {page.url}: {words}"


def csp_violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def assert_clean(page) -> None:
    problems = page.problems
    assert problems.console_errors == [], f"console errors on {page.url}"
    assert problems.page_errors == [], f"uncaught exceptions on {page.url}"
    assert csp_violations(page) == [], f"CSP violations on {page.url}"


def assert_styled(page) -> None:
    """The stylesheet loaded and was applied (CSP did not block it)."""
    sheets = page.evaluate(
        "[...document.styleSheets].map(s => { try { return s.cssRules.length } catch (e) { return 0 } })"
    )
    assert sheets and all(n > 0 for n in sheets), f"stylesheets on {page.url}: {sheets}"


def path_of(page) -> str:
    return urlsplit(page.url).path


class Person:
    """One person at their own browser (own cookies, own session)."""

    def __init__(self, chromium, base_url: str, login: str | None):
        self.context = new_context(chromium, base_url, accept_downloads=True)
        self.page = new_page(self.context)
        self.confirmations: list[str] = []  # the questions of irreversible steps, each accepted
        self.page.on("dialog", self._confirm)
        if login:
            sign_in(self.page, login)

    def _confirm(self, dialog) -> None:
        self.confirmations.append(dialog.message)
        dialog.accept()

    def go(self, path: str):
        """Open ``path``: it answers, and it speaks no code or English (:func:`assert_worded`)."""
        self.page.problems.clear()
        response = self.page.goto(path)
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        assert_worded(self.page)
        return self.page

    def submit(self, selector: str) -> None:
        """Click a submit button and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.click(selector)

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        save_shot(self.page, f"ceremony-{name}")
        assert_clean(self.page)

    def both_widths(self, name: str) -> None:
        """Screenshots at 1366 and at 390 px (a phone): the page never scrolls sideways as a whole."""
        at_both_widths(self.page, f"ceremony-{name}")

    def close(self) -> None:
        self.context.close()


#: axe-core, installed by `make install-dev` (npm ci), added to a page as a script to check it.
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def require_axe() -> None:
    if not AXE.exists():
        service_missing("axe-core", f"{AXE} is missing: run `npm ci`")


def axe_violations(page) -> list[dict]:
    """axe-core's violations of WCAG 2.1 A/AA and its best practices on the page as it is now: each one's id, impact,
    help and first three places."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
        const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")


def serious_findings(page) -> list[str]:
    """The critical and serious violations axe-core finds on the page, named with the page's address."""
    return [
        f"{page.url}: {v['id']}: {v['help']} at {', '.join(v['nodes'])}"
        for v in axe_violations(page)
        if v["impact"] in ("critical", "serious")
    ]
