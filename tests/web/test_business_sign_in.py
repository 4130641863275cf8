"""A business signs in as itself (企业账户, issue 79 part 1): it claims its account once with the credit code and the
企业核验码 of one of its notices, then signs in with its password; a code claims once; a wrong code reads and takes
the same whether or not the credit code ever had a notice; the holder adds and removes people; a business's
session is refused by every staff route and never reads another business's account; the platform administrator
resets an account, audited."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.platform.permissions import declared_access
from spotcheck.tenants.businesses import commands as businesses
from spotcheck.tenants.businesses.models import BusinessPerson
from spotcheck.tenants.results import codes
from spotcheck.tenants.results.models import Visit
from tests.support.business_accounts import DURING, PASSWORD, claim, sign_in, visited_business
from tests.support.helpers import post_form, signed_in
from tests.support.route_urls import ids_by_table, route_urls

BUSINESS_PERMISSIONS = {Permission.BUSINESS_SIGNED_IN, Permission.BUSINESS_PEOPLE_MANAGE}


def _without_token(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)


def test_a_business_claims_with_a_notices_code_then_signs_in_with_its_password(app):
    world = visited_business(app)
    client = app.test_client()
    with frozen_at(DURING):
        claimed = claim(client, world["credit"], world["code"])
        assert claimed.status_code == 302 and claimed.headers["Location"].endswith("/business")
        home = client.get("/business").get_data(as_text=True)
        assert world["name"] in home and "王法务" in home and 'id="record-coming"' in home
        assert "认领" in home  # the claim is on the account's record, shown to the holder
        signed_out = post_form(client, "/business/sign-out", {}, token_from="/business")
        assert signed_out.status_code == 302
        assert client.get("/business").status_code == 302  # to the business's sign-in
        wrong = sign_in(client, world["credit"], password="Wrong-mima-2026")
        assert wrong.status_code == 422 and "统一社会信用代码、账号或密码错误" in wrong.get_data(as_text=True)
        right = sign_in(client, world["credit"])
        assert right.status_code == 302 and client.get("/business").status_code == 200


def test_a_code_claims_once(app):
    world = visited_business(app)
    with frozen_at(DURING):
        assert claim(app.test_client(), world["credit"], world["code"]).status_code == 302
        again = claim(app.test_client(), world["credit"], world["code"], login="lingyiren", name="另一人")
        assert again.status_code == 422
        assert "已认领过一次账户" in again.get_data(as_text=True)
        holder = app.test_client()
        assert sign_in(holder, world["credit"]).status_code == 302
        home = holder.get("/business").get_data(as_text=True)
        assert (
            "王法务" in home and "另一人" not in home and "再次用于认领" in home
        )  # the later use, shown to the holder


def test_a_wrong_code_reads_and_takes_the_same_with_or_without_notices(app):
    world = visited_business(app)
    assert world["other"] and world["other"] != world["credit"]
    wrong = "ABCD-EFGH-JKMN"
    with frozen_at(DURING):
        pages = []
        for credit in (world["credit"], world["other"]):
            answer = claim(app.test_client(), credit, wrong)
            assert answer.status_code == 422
            pages.append(_without_token(answer.get_data(as_text=True)).replace(credit, "CREDIT"))
        assert pages[0] == pages[1]
        assert "这不是送达该统一社会信用代码单位的检查通知书上的企业核验码" in pages[0]
        assert 'href="#business_code"' in pages[0]  # the field named, at the top
        with app.app_context():
            # the same work either way, statement by statement — what the time of an answer is made of (a timed
            # comparison on a shared machine measures the machine); the password is hashed on both paths
            outcomes, work = {}, {}
            for credit in (world["credit"], world["other"], world["credit"], world["other"]):  # the last two compared
                data = {
                    "credit_code": credit,
                    "business_code": wrong,
                    "display_name": "试探者",
                    "login": "shitan",
                    "password": PASSWORD,
                    "client": f"client-{len(work)}-{credit}",  # never slowed: the same work on every try
                }
                statements: list[str] = []

                def seen(conn, cursor, statement, parameters, context, executemany, statements=statements):
                    statements.append(statement)

                sa.event.listen(db.engine, "before_cursor_execute", seen)
                try:
                    outcome = businesses.claim_account(data)
                finally:
                    sa.event.remove(db.engine, "before_cursor_execute", seen)
                work[credit] = statements
                outcomes[credit] = (str(outcome.refused.message), outcome.refused.field, outcome.person)
    assert outcomes[world["credit"]] == outcomes[world["other"]]
    assert work[world["credit"]] == work[world["other"]] and work[world["credit"]]


def test_wrong_attempts_slow_the_client_down_and_never_lock_the_account(app):
    world = visited_business(app)
    with frozen_at(DURING):
        assert claim(app.test_client(), world["credit"], world["code"]).status_code == 302
        stranger = app.test_client()
        answers = [sign_in(stranger, world["credit"], password="Wrong-mima-2026") for _ in range(7)]
        assert all(a.status_code == 422 for a in answers)
        assert "请等待" in answers[-1].get_data(as_text=True)  # slowed down
        # the holder (another client… the same address in tests: another credit code's key is untouched) signs in
        with app.app_context():
            outcome = businesses.sign_in(
                {"credit_code": world["credit"], "login": "fawu", "password": PASSWORD, "client": "elsewhere"}
            )
            db.session.commit()
        assert outcome.refused is None and outcome.person is not None


def test_the_holder_adds_and_removes_people_and_reads_no_other_business(app):
    world = visited_business(app)
    with frozen_at(DURING):
        holder = app.test_client()
        assert claim(holder, world["credit"], world["code"]).status_code == 302
        refused = post_form(
            holder,
            "/business/people",
            {"display_name": "", "login": "x", "password": "short"},
            token_from="/business/people",
        )
        text = refused.get_data(as_text=True)
        assert refused.status_code == 422 and 'id="form-errors"' in text
        assert text.index('id="form-errors"') < text.index('name="display_name"')  # at the top of the form
        added = post_form(
            holder,
            "/business/people",
            {"display_name": "李会计", "login": "kuaiji", "password": PASSWORD},
            token_from="/business/people",
        )
        assert added.status_code == 302
        member = app.test_client()
        assert sign_in(member, world["credit"], login="kuaiji").status_code == 302
        assert member.get("/business").status_code == 200
        assert member.get("/business/people").status_code == 403  # only the holder manages people
        with app.app_context():
            kuaiji = db.session.scalar(sa.select(BusinessPerson).where(BusinessPerson.login == "kuaiji"))
            holder_id = db.session.scalar(sa.select(BusinessPerson.id).where(BusinessPerson.login == "fawu"))
            kuaiji_id = kuaiji.id
        # a person of the business cannot remove the holder; the holder removes the person, signed out at once
        assert post_form(member, f"/business/people/{holder_id}/remove", {}, token_from="/business").status_code == 403
        removed = post_form(holder, f"/business/people/{kuaiji_id}/remove", {}, token_from="/business/people")
        assert removed.status_code == 302
        assert member.get("/business").status_code == 302
        home = holder.get("/business").get_data(as_text=True)
        assert "李会计" in home and "移除人员" in home  # on the trail: added, removed


def test_another_business_cannot_touch_this_ones_people(app):
    world = visited_business(app)
    with app.app_context(), frozen_at(DURING):
        # a second business of the same campaign claims its own account
        with tenant_scope(world["ids"]["tenant"]):
            second = db.session.scalars(
                sa.select(Visit).where(Visit.campaign_id == world["ids"]["campaign"], Visit.id != world["ids"]["visit"])
            ).first()
            second_credit, second_code, second_name = (
                second.entity.code,
                codes.business_code(second.code),
                second.entity.name,
            )
        db.session.commit()
    with frozen_at(DURING):
        first, other = app.test_client(), app.test_client()
        assert claim(first, world["credit"], world["code"]).status_code == 302
        assert claim(other, second_credit, second_code, login="laoban", name="赵老板").status_code == 302
        post_form(
            first,
            "/business/people",
            {"display_name": "李会计", "login": "kuaiji", "password": PASSWORD},
            token_from="/business/people",
        )
        with app.app_context():
            kuaiji_id = db.session.scalar(sa.select(BusinessPerson.id).where(BusinessPerson.login == "kuaiji"))
        assert (
            post_form(other, f"/business/people/{kuaiji_id}/remove", {}, token_from="/business/people").status_code
            == 404
        )
        other_home = other.get("/business").get_data(as_text=True)
        assert second_name in other_home and world["name"] not in other_home and "李会计" not in other_home
        with app.app_context():
            assert db.session.get(BusinessPerson, kuaiji_id).active  # untouched


def _business_client(app, world):
    client = app.test_client()
    with frozen_at(DURING):
        assert claim(client, world["credit"], world["code"]).status_code == 302
    return client


def test_a_business_session_is_refused_by_every_staff_route(app):
    world = visited_business(app)
    client = _business_client(app, world)
    ids = ids_by_table(app)
    staff = []
    with app.app_context():
        adapter = app.url_map.bind("localhost")
        for url in route_urls(app, ids):
            endpoint, _ = adapter.match(url.split("?")[0], method="GET")
            access = declared_access(app.view_functions[endpoint], "GET")
            if access != "public" and access not in BUSINESS_PERMISSIONS:
                staff.append(url)
    assert len(staff) > 100
    answered = {}
    with frozen_at(DURING):
        for url in staff:
            status = client.get(url).status_code
            if status not in (401, 403):
                answered[url] = status
    assert not answered, answered


def _value(converter) -> object:
    """A value a route's part takes: a row id, one of its choices, or a word."""
    if hasattr(converter, "num_convert"):
        return 1
    return sorted(converter.items)[0] if hasattr(converter, "items") else "x"


def test_a_business_token_is_refused_by_every_staff_route_and_method(app):
    world = visited_business(app)
    _business_client(app, world)
    with app.app_context():
        person = db.session.scalar(sa.select(BusinessPerson).where(BusinessPerson.login == "fawu"))
        _, secret = businesses.issue_token({"name": "城市App"}, actor=person)
    headers = {"Authorization": f"Bearer {secret}"}
    client, answered, walked = app.test_client(), {}, 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            access = declared_access(view, method)
            if access == "public" or access in BUSINESS_PERMISSIONS or access is None:
                continue
            url = rule.build({name: _value(rule._converters[name]) for name in rule.arguments})[1]
            status = client.open(url, method=method, headers=headers, json={}).status_code
            walked += 1
            if status not in (401, 403):
                answered[f"{method} {url}"] = status
    assert walked > 200 and not answered, answered


def test_the_platform_administrator_resets_an_account_with_the_reason_audited(app):
    world = visited_business(app)
    business = _business_client(app, world)
    admin = signed_in(app, "admin")
    page = f"/platform/businesses?credit_code={world['credit']}"
    assert world["name"] in admin.get(page).get_data(as_text=True)
    no_reason = post_form(
        admin, "/platform/businesses", {"credit_code": world["credit"], "reason": ""}, token_from=page
    )
    assert no_reason.status_code == 422 and "原因" in no_reason.get_data(as_text=True)
    done = post_form(
        admin,
        "/platform/businesses",
        {"credit_code": world["credit"], "reason": "持有人离职，企业申请重置"},
        token_from=page,
    )
    assert done.status_code == 302
    with frozen_at(DURING):
        assert business.get("/business").status_code == 302  # signed out on the server
        assert sign_in(app.test_client(), world["credit"]).status_code == 422
    with app.app_context(), system_access("read the trail"):
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "business.reset"))
        assert entry.actor_login == "admin" and entry.details["reason"] == "持有人离职，企业申请重置"
    # the business's own page refuses the administrator, and the administrator's page the business
    assert admin.get("/business").status_code == 403


def test_a_business_session_ends_when_idle_refuses_a_form_without_its_token_and_changes_its_password(app):
    world = visited_business(app)
    morning = datetime(2026, 4, 1, 9, 0)
    business, elsewhere = app.test_client(), app.test_client()
    with frozen_at(morning):
        assert claim(business, world["credit"], world["code"]).status_code == 302
        assert sign_in(elsewhere, world["credit"]).status_code == 302
        # no CSRF token: refused, nothing added
        forged = business.post(
            "/business/people", data={"display_name": "伪造", "login": "weizao", "password": PASSWORD}
        )
        assert forged.status_code == 400
        with app.app_context():
            assert db.session.scalar(sa.select(BusinessPerson.id).where(BusinessPerson.login == "weizao")) is None
        wrong = post_form(
            business,
            "/business/password",
            {"current_password": "Wrong-mima-2026", "new_password": "Xin-mima-2026-9"},
            token_from="/business/password",
        )
        assert wrong.status_code == 422 and "当前密码" in wrong.get_data(as_text=True)
        changed = post_form(
            business,
            "/business/password",
            {"current_password": PASSWORD, "new_password": "Xin-mima-2026-9"},
            token_from="/business/password",
        )
        assert changed.status_code == 302
        assert business.get("/business").status_code == 200  # this session goes on
        assert elsewhere.get("/business").status_code == 302  # the other one is ended
        assert sign_in(app.test_client(), world["credit"], password="Xin-mima-2026-9").status_code == 302
    with frozen_at(morning + timedelta(minutes=31)):
        idle = business.get("/business")
        assert idle.status_code == 302 and idle.headers["Location"].startswith("/business/sign-in")
