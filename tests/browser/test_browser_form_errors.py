"""Every form's errors where the eye is (表单错误摘要, issue 81): on a phone (390 px), each form the walks reach, sent
with bad input, comes back with its one error summary at the top of the window, the first bad field focused, and
each message said once — not again under its field, not in a second box further down.

The demo city's forms: the code page's business forms (企业核验码 wrong), the 组长's result form (nothing chosen),
the business's rectification answer (empty), the staff and business sign-ins, and the staff's forms of each role that
fills one in: the planner's 抽查任务, the department administrator's user, contacts and result categories, a user's
own contact, the platform administrator's calendar, the coordinator's joint campaign, the supervisor's 通报 and its
leader's send-back, a leader's return of a result (the complaint's answer by the justice bureau is another page's
test). Screenshots in ``/tmp/spotcheck-shots/form-errors-*.png``.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.business import login_of, two_level_visits
from spotcheck.demo.people import account_of
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.results import queries as results_queries
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.vocabulary import VisitStatus
from tests.support.browsers import assert_fits, new_context, new_page, save_shot, sign_in
from tests.support.demo_world import demo_city, reported_unpublished
from tests.support.helpers import served, user_named

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def demo(sqlite_template, tmp_path_factory):
    """The demo city served, with the code of a check of its business, its sign-in, and the 组长 of the one visit
    still to be recorded."""
    found = {}

    def prepare(app):
        demo_city(today="2026-11-21")
        found["business"] = login_of()
        tenants = {t.code: t for t in db.session.scalars(sa.select(Tenant))}
        county, _city = two_level_visits(tenants)
        with tenant_scope(county.tenant_id):
            found["token"] = db.session.get(Visit, county.id).code.token
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            visit = db.session.scalar(sa.select(Visit).where(Visit.status == VisitStatus.assigned).order_by(Visit.id))
            leader = next(m for m in results_queries.team_of(visit) if m.is_leader).inspector
            found["chief"], found["visit"] = account_of("yjj", leader, admin).login, visit.id
            db.session.commit()

    with served(sqlite_template, tmp_path_factory.mktemp("form-errors"), prepare) as (app, url):
        found["url"], found["app"] = url, app
        yield found


#: Where the page opened: the summary's top, the focused element's id, and each message of the summary with how
#: many times the page's visible text says it again outside the summary.
LANDED = """(summary) => {
  const box = document.querySelector(summary);
  const text = document.body.innerText;
  const said = (m) => text.split(m).length - 1;
  return {
    top: box ? box.getBoundingClientRect().top : null,
    focused: document.activeElement.id || document.activeElement.name || document.activeElement.tagName,
    messages: box ? [...box.querySelectorAll('li')].map(li => {
      const m = li.innerText.includes('：') ? li.innerText.slice(li.innerText.indexOf('：') + 1) : li.innerText;
      return [m, said(m) - (box.innerText.split(m).length - 1)];  // said outside the summary
    }) : [],
    summaries: document.querySelectorAll('.error-summary').length,
  };
}"""


#: The field a summary names first (a group of choices: its first), else the summary itself.
FIRST_NAMED = """(summary) => {
  const box = document.querySelector(summary), link = box.querySelector('a[href^="#"]');
  if (!link) return box.id;
  const named = document.getElementById(link.getAttribute('href').slice(1));
  const field = /INPUT|SELECT|TEXTAREA/.test(named.tagName) ? named : named.querySelector('input, select, textarea');
  return field.id || field.name;
}"""


def lands_on_errors(page, name: str, summary: str, field: str | None, *words: str) -> None:
    """The page sent back with errors: the summary's top within the first window's height, the first bad field
    focused (``None``: the field the summary names first), each message once, one summary."""
    landed = page.evaluate(LANDED, summary)
    save_shot(page, f"form-errors-{name}", full_page=False, always=True)
    assert landed["top"] is not None, f"{name}: no error summary ({summary}) on {page.url}"
    assert -1 <= landed["top"] < PHONE["height"], f"{name}: the summary is {landed['top']:.0f} px from the window's top"
    assert landed["summaries"] == 1, f"{name}: {landed['summaries']} error summaries"
    expected = field or page.evaluate(FIRST_NAMED, summary)
    assert landed["focused"] == expected, f"{name}: the focus is on {landed['focused']}, not {expected}"
    assert landed["messages"], f"{name}: an empty summary"
    twice = [m for m, n in landed["messages"] if n]
    assert not twice, f"{name}: said more than once: {twice}"
    text = page.inner_text(summary)
    assert all(w in text for w in words), f"{name}: {text}"
    assert_fits(page, f"form-errors-{name}", PHONE["width"])


def phone(browser, demo, login: str | None = None):
    context = new_context(browser, demo["url"])
    page = new_page(context)
    page.set_viewport_size(PHONE)
    page.on("dialog", lambda dialog: dialog.accept())  # a form that asks first is agreed to
    if login:
        sign_in(page, login)
    return context, page


def send(page, button: str) -> None:
    with page.expect_navigation():
        page.click(button)


def test_the_code_pages_business_forms_open_on_their_errors(browser, demo):
    """A wrong 企业核验码 in each business form of the code's page (scanned from the notice)."""
    context, page = phone(browser, demo)
    try:
        page.goto(f"/public/checks/{demo['token']}")
        forms = page.evaluate(
            "['confirm-form', 'recusal-form', 'evaluate-form', 'outcomes-form', 'complaint-form']"
            ".filter(id => document.getElementById(id))"
        )
        assert "outcomes-form" in forms and "complaint-form" in forms, forms
        for form in forms:
            page.goto(f"/public/checks/{demo['token']}")
            if form == "complaint-form":
                page.click("#complaint-form-box > summary")
                page.fill("#complaint-text", "检查人员要求提供与检查事项无关的材料。")
                page.fill("#complaint-name", "张三")
                page.fill("#complaint-phone", "13800138000")
            page.fill(f"#{form} input[name=business_code]", "AAAA-BBBB-CCCC")
            send(page, f"#{form} button[type=submit]")
            name = form.removesuffix("-form")
            lands_on_errors(page, f"code-{name}", f"#{form} .error-summary", f"{name}-business-code", "企业核验码")
    finally:
        context.close()


def test_the_result_form_opens_on_its_errors_each_said_once(browser, demo):
    """The 组长 submits a result with nothing chosen: the summary at the top names each item's missing result."""
    context, page = phone(browser, demo, demo["chief"])
    try:
        page.goto(f"/visits/{demo['visit']}")
        page.evaluate(
            "document.querySelectorAll('#result-form input[type=checkbox]').forEach(c => c.checked = false);"
            "document.querySelectorAll('#result-form textarea').forEach(t => t.value = '')"
        )
        page.fill("#checked_on", "")
        send(page, "#save-and-submit")
        lands_on_errors(page, "result", "#result-errors", "checked_on")
        assert page.locator("#result-form .field .error").count() == 0, "a message repeated under its field"
    finally:
        context.close()


def test_the_sign_ins_open_on_their_errors(browser, demo):
    context, page = phone(browser, demo)
    try:
        page.goto("/login")
        page.fill("#login", "scj_planner")
        page.fill("#password", "not-the-password")
        send(page, "button[type=submit].primary")
        lands_on_errors(page, "sign-in", ".error-summary", "login")

        page.goto("/business/sign-in")
        send(page, "button[type=submit].primary")  # nothing typed
        lands_on_errors(page, "business-sign-in", ".error-summary", "credit_code")

        page.goto("/business/claim")
        page.fill("#credit_code", demo["business"].credit_code)
        page.fill("#business_code", "AAAA-BBBB-CCCC")
        send(page, "button[type=submit].primary")
        lands_on_errors(page, "business-claim", ".error-summary", None)
    finally:
        context.close()


def test_the_business_answer_opens_on_its_error(browser, demo):
    """The business sends its rectification answer empty."""
    context, page = phone(browser, demo)
    login = demo["business"]
    try:
        page.goto("/business/sign-in")
        page.fill("#credit_code", login.credit_code)
        page.fill("#login", login.login)
        page.fill("#password", login.password)
        send(page, "button[type=submit].primary")
        send(page, "#record-past .record-rectification a.button")
        send(page, "#send-answer")
        lands_on_errors(page, "rectification-answer", ".error-summary", "text")
    finally:
        context.close()


#: The staff's forms, of each role that fills one in: who, its address, what is typed wrong (field → text; nothing:
#: sent empty), the button that sends it, the summary and the field focused (``None``: the summary's first).
STAFF_FORMS = {
    "campaign": ("scj_planner", "/campaigns/new", {}, "main form button[type=submit].primary", None),
    "user": ("scj_admin", "/admin/users/new", {}, "main form button[type=submit].primary", "login"),
    "contacts": ("scj_admin", "/admin/contacts", {"#liaison-mobile": "12ab"}, "#contacts-save", "liaison-mobile"),
    "category": ("scj_admin", "/catalog/result-categories", {}, "#add-category-button", "category-name"),
    "account-contact": ("scj_planner", "/account", {"#contact-email": "不是邮箱"}, "#save-contact", "contact-email"),
    "calendar": (
        "admin",
        "/platform/calendar",
        {"#calendar-text": "2027-13-45 放假"},
        "#calendar-preview-button",
        None,
    ),
    "joint-campaign": ("scj_coord", "/joint/new", {}, "main form button[type=submit].primary", None),
}


@pytest.mark.parametrize("name", sorted(STAFF_FORMS))
def test_a_staff_form_of_each_role_opens_on_its_errors(browser, demo, name):
    login, path, typed, button, field = STAFF_FORMS[name]
    context, page = phone(browser, demo, login)
    try:
        page.goto(path)
        for selector, text in typed.items():
            page.fill(selector, text)
        send(page, button)
        lands_on_errors(page, f"staff-{name}", ".error-summary", field)
    finally:
        context.close()


def test_the_notice_of_criticism_opens_on_its_errors_for_its_drafter_and_its_leader(browser, demo):
    """The justice bureau's supervisor drafts a 通报 and saves it without its title; its leader sends it back with
    no reason. Each form opens on its summary, with what was typed kept."""
    context, page = phone(browser, demo, "sfj_supervisor")
    try:
        page.goto("/supervision/criticisms")
        send(page, "#criticism-draft button[type=submit]")
        draft = page.url
        page.fill("#title", "")
        page.fill("#body", "请各部门对照整改。")
        send(page, "#criticism-edit button[type=submit]")
        lands_on_errors(page, "criticism-edit", "#form-errors", "title", "标题")
        assert page.input_value("#body") == "请各部门对照整改。"
    finally:
        context.close()
    context, page = phone(browser, demo, "sfj_leader")
    try:
        page.goto(draft)
        send(page, "#criticism-send-back button[type=submit]")
        lands_on_errors(page, "criticism-send-back", "#send-back-errors", "send-back-reason", "需要修改")
    finally:
        context.close()


def test_the_leaders_review_of_a_result_opens_on_its_error(browser, demo):
    """A leader returns a submitted result without saying why (after the result form's test: the result it left
    unsent is reported here)."""
    with demo["app"].app_context():  # the 组长's result (the form test above sent it wrong) now reported
        reported_unpublished(today="2026-11-21")
    context, page = phone(browser, demo, "yjj_leader")
    try:
        page.goto(f"/visits/{demo['visit']}")
        send(page, "#return-result")
        lands_on_errors(page, "return-result", "#return-form .error-summary", "reason")
    finally:
        context.close()
