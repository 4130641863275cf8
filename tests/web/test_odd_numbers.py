"""Numbers in links and forms written with other digits (the hardening probe, issue 39): "²", "١٢",
"３" pass ``str.isdigit()``, and ``int("²")`` then failed with a 500. Every page and form reads a
whole number through one helper (:func:`spotcheck.core.text.whole_number`, ASCII digits only): such a
value is no number — the page's "no such page", an empty choice, or a field error — never a 5xx."""

from __future__ import annotations

import itertools
import re

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import now
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.core.text import whole_number, whole_numbers
from spotcheck.tenants.notices.models import Message
from tests.support.helpers import csrf_token, post_form, signed_in, user_named
from tests.support.route_urls import (
    NUMBER_PARAMETERS,
    ODD_DIGITS,
    ids_by_table,
    is_asset,
    route_urls,
    values_for,
)

#: Forms the walk does not post: signing out would end the walk's sessions.
NOT_POSTED = ("/logout",)


@pytest.mark.parametrize("value", [*ODD_DIGITS, "", "-1", "1.0", " 1", "1234567890", True, None, 3.0])
def test_only_ascii_digits_are_a_whole_number(value):
    assert whole_number(value) is None
    assert whole_number("0012") == 12 and whole_number(7) == 7 and whole_number("123456789") == 123456789
    assert whole_number("1234567", digits=6) is None
    assert whole_numbers(["3", "²", "x", "١٢", "40"]) == [3, 40]


def test_non_ascii_digits_in_any_link_are_never_a_server_error(module_app):
    app = module_app
    ids = ids_by_table(app)
    clients = {
        "anonymous": app.test_client(),
        "platform admin": signed_in(app, "admin"),
        "department admin": signed_in(app, "scj_admin"),
        "planner": signed_in(app, "scj_planner"),
    }
    urls = route_urls(app, ids, per_rule=1)
    assert len(urls) > 150
    failures = []
    for url, odd in itertools.product(urls, ODD_DIGITS):
        for who, client in clients.items():
            answer = client.get(url, query_string={name: odd for name in NUMBER_PARAMETERS})
            if answer.status_code >= 500:
                failures.append(f"GET {url}?…={odd} as {who}: {answer.status_code}")
    assert not failures, "\n".join(failures[:50])


def _post_urls(app, ids) -> list[str]:
    """Every page form's address (not the API's), its arguments filled from real rows."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "POST" not in rule.methods or is_asset(rule) or rule.rule.startswith(("/api/", *NOT_POSTED)):
            continue
        names = sorted(rule.arguments)
        choices = [values_for(name, rule._converters[name], ids, ("SCJ", "YJJ", "SFJ")) for name in names]
        combination = next(itertools.product(*choices), None)
        if combination is not None:
            urls.append(rule.build(dict(zip(names, combination, strict=True)))[1])
    return urls


def test_non_ascii_digits_in_any_form_are_never_a_server_error(module_app):
    app = module_app
    ids = ids_by_table(app)
    urls = _post_urls(app, ids)
    assert len(urls) > 60
    failures = []
    for login in ("admin", "scj_admin", "scj_planner"):
        client = signed_in(app, login)
        token = csrf_token(client, "/")
        for url in urls:
            answer = client.post(url, data={**{name: "²" for name in NUMBER_PARAMETERS}, "csrf_token": token})
            if answer.status_code >= 500:
                failures.append(f"POST {url} as {login}: {answer.status_code}")
    assert not failures, "\n".join(failures[:50])


def test_a_page_number_in_other_digits_is_no_such_page(module_app):
    public = module_app.test_client()
    assert public.get("/public/results", query_string={"page": "1"}).status_code == 200
    for odd in ODD_DIGITS:
        answer = public.get("/public/results", query_string={"page": odd})
        assert answer.status_code == 404 and "该页面或记录不存在" in answer.get_data(as_text=True), odd


def test_a_department_in_other_digits_is_a_field_error_and_changes_nothing(module_app):
    """Naming a field's lead department (牵头部门) with the department's number in other digits: the
    page says to choose a department, and the lead stays as it was."""
    app = module_app
    admin = signed_in(app, "admin")
    page = admin.get("/platform/fields").get_data(as_text=True)
    code = next(c for c in re.findall(r'action="/platform/fields/([^"]+)"', page) if c != "market")
    for odd in ODD_DIGITS:
        answer = post_form(admin, f"/platform/fields/{code}", {"tenant_id": odd}, token_from="/platform/fields")
        assert answer.status_code == 302
        shown = admin.get("/platform/fields").get_data(as_text=True)
        assert "请选择司法局以外的在用部门" in shown, odd
        assert _leads(shown) == _leads(page)


def _leads(page: str) -> str:
    return re.sub(r"\s+|<input[^>]*csrf[^>]*>|<div class=\"flash[^<]*</div>", "", page.split("<main", 1)[-1])


def test_a_message_number_in_other_digits_marks_no_message_read(module_app):
    """The inbox's "mark as read" of one message, its number in other digits: no message is marked
    read (not all of them, as the form without a number does)."""
    app = module_app
    login = "scj_planner"
    _send_two_messages(app, login)
    assert _unread(app, login) >= 2
    client = signed_in(app, login)
    for odd in ODD_DIGITS:
        before = _unread(app, login)
        answer = post_form(client, "/inbox/read", {"message_id": odd}, token_from="/inbox")
        assert answer.status_code == 302 and _unread(app, login) == before, odd


def _unread(app, login: str) -> int:
    with app.app_context(), system_access("test: count the unread messages"):
        user = user_named(login)
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(Message).where(Message.user_id == user.id, Message.read_at.is_(None))
        )


def _send_two_messages(app, login: str) -> None:
    with app.app_context():
        user = user_named(login)
        with tenant_scope(user.tenant_id):
            for title in ("第一条消息", "第二条消息"):
                db.session.add(
                    Message(user_id=user.id, tenant_id=user.tenant_id, title=title, body="", link="", created_at=now())
                )
            db.session.commit()
