"""A business acts from its record (``/business``), signed in and without the 企业核验码: on a check of its record it
asks that an inspector withdraw and complains before the team comes, confirms the team came once it arrived, and
evaluates the check — once — after the team left; each by the command the code's page calls, each outcome on its
record, each audit entry naming the business's person who acted. A bad form names its field and changes nothing; a
check not on its record (another business's) is not found; the code's page and the notice say which acts need the
code. 检查预告 shows a check once its inspection notice is issued, and the record counts only the checks it shows."""

from __future__ import annotations

import re
from datetime import date, datetime

import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.audit.vocabulary import DETAIL_LABELS
from spotcheck.tenants.notices import commands as notices
from spotcheck.tenants.results import codes, commands as results
from spotcheck.tenants.results.models import InspectionCode, RecusalRequest, Visit
from spotcheck.tenants.results.queries.visits import team_of
from spotcheck.tenants.supervision.models import Complaint, ComplaintContact, Evaluation
from tests.support.business_accounts import DURING, claim, visited_business
from tests.support.campaign_world import planner_of
from tests.support.helpers import csrf_token, post_form, signed_in, user_named
from tests.support.page_text import visible_text
from tests.support.results_world import handed_out, visit


def _at(day: date, hour: int = 10, minute: int = 0):
    return frozen_at(datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI))


def _section(html: str, element_id: str) -> str:
    found = re.search(rf'<section[^>]*id="{element_id}".*?</section>', html, re.S)
    assert found, element_id
    return visible_text(found.group(0))


def _act(client, check: int, act: str, data: dict):
    return client.post(
        f"/business/checks/{check}/{act}", data={**data, "csrf_token": csrf_token(client, f"/business/checks/{check}")}
    )


def _entries(tenant_id: int | None, action: str) -> list[AuditEntry]:
    with system_access("the test reads the audit trail"):
        where = [AuditEntry.action == action] + ([AuditEntry.tenant_id == tenant_id] if tenant_id else [])
        return list(db.session.scalars(sa.select(AuditEntry).where(*where).order_by(AuditEntry.id)))


def _signed_in_business(app) -> tuple[dict, object]:
    world = visited_business(app)
    client = app.test_client()
    with _at(DURING):
        assert claim(client, world["credit"], world["code"]).status_code == 302
    return world, client


def test_before_the_team_comes_the_business_asks_a_recusal_and_complains_without_the_code(app):
    world, client = _signed_in_business(app)
    check, tenant = world["ids"]["visit"], world["ids"]["tenant"]  # the check, by its visit
    with app.app_context(), tenant_scope(tenant):
        member = next(m for m in team_of(visit(world["ids"])) if not m.is_leader)
        cert_no = member.shown_cert_no
    with _at(DURING):
        coming = _section(client.get("/business").get_data(as_text=True), "record-coming")
        assert "办理本次检查事项" in coming and "申请检查人员回避" in coming and "向司法局投诉" in coming
        page = client.get(f"/business/checks/{check}").get_data(as_text=True)
        assert 'id="act-recusal"' in page and 'id="act-complaint"' in page and "无需企业核验码" in page
        assert 'id="act-confirm"' not in page and 'id="act-evaluate"' not in page  # the team has not come
        assert "business_code" not in page

        # a reason missing: the field named, nothing asked
        refused = _act(client, check, "ask_recusal", {"cert_no": cert_no, "reason": ""})
        assert refused.status_code == 422
        assert 'href="#act-recusal-reason">申请回避的理由</a>：请说明申请回避的理由' in refused.get_data(as_text=True)
        with app.app_context(), tenant_scope(tenant):
            assert db.session.scalar(sa.select(sa.func.count(RecusalRequest.id))) == 0

        # no CSRF token: refused, nothing asked
        assert client.post(f"/business/checks/{check}/ask_recusal", data={"cert_no": cert_no}).status_code == 400

        sent = _act(client, check, "ask_recusal", {"cert_no": cert_no, "reason": "该检查人员是本店店长的表弟。"})
        assert sent.status_code == 302 and sent.headers["Location"].endswith("/business#record-requests")
        home = client.get("/business").get_data(as_text=True)
        assert "回避申请已提交" in visible_text(home)
        requests = _section(home, "record-requests")
        assert "该检查人员是本店店长的表弟。" in requests and cert_no in requests

        complaint = {"text": "检查组来电要求提前准备与检查无关的材料。", "contact_name": "王法务"}
        refused = _act(client, check, "complain", {**complaint, "contact_phone": "123"})
        assert refused.status_code == 422 and "请填写11位手机号码" in visible_text(refused.get_data(as_text=True))
        sent = _act(client, check, "complain", {**complaint, "contact_phone": "13912345678"})
        assert sent.status_code == 302
        requests = _section(client.get("/business").get_data(as_text=True), "record-requests")
        assert "检查组来电要求提前准备与检查无关的材料。" in requests
        assert "13912345678" not in requests

    with app.app_context():
        [asked] = _entries(tenant, "visit.recusal_requested")
        assert asked.actor_login == f"b:{world['credit']}:fawu"
        assert asked.details["business_person"] == "王法务（fawu）" and "business_person" in DETAIL_LABELS
        [made] = _entries(None, "complaint.made")
        assert made.tenant_id != tenant and made.details["business_person"] == "王法务（fawu）"
        with system_access("the test reads the bureau's rows"):
            [row] = db.session.scalars(sa.select(Complaint)).all()
            assert row.about_tenant_id == tenant
            assert db.session.scalar(sa.select(ComplaintContact.complaint_id)) == row.id
        with tenant_scope(tenant):  # the department complained about reads nothing of it, nor who to call
            assert db.session.scalars(sa.select(Complaint)).all() == []
            assert db.session.scalars(sa.select(ComplaintContact)).all() == []


def test_the_business_confirms_then_evaluates_once_and_each_outcome_shows(app):
    world, client = _signed_in_business(app)
    check, tenant = world["ids"]["visit"], world["ids"]["tenant"]  # the check, by its visit
    with app.app_context(), _at(DURING, 10, 1), tenant_scope(tenant):
        chief = user_named("yjj_inspector")
        results.record_arrival(world["ids"]["visit"], actor=chief)
        db.session.commit()
    with _at(DURING, 10, 2):
        page = client.get(f"/business/checks/{check}").get_data(as_text=True)
        assert 'id="act-confirm"' in page and 'id="act-evaluate"' not in page
        assert _act(client, check, "confirm", {}).status_code == 302
        under_way = _section(client.get("/business").get_data(as_text=True), "record-under-way")
        assert "贵企业已于" in under_way and "确认检查组入企" in under_way
        assert 'id="act-confirm"' not in client.get(f"/business/checks/{check}").get_data(as_text=True)
        again = _act(client, check, "confirm", {})
        assert again.status_code == 409 and "企业已经确认过本次检查" in visible_text(again.get_data(as_text=True))
    with app.app_context(), _at(DURING, 10, 10), tenant_scope(tenant):
        chief = user_named("yjj_inspector")
        results.record_departure(world["ids"]["visit"], actor=chief)
        db.session.commit()
    with _at(DURING, 10, 15):
        page = client.get(f"/business/checks/{check}").get_data(as_text=True)
        assert 'id="act-evaluate"' in page and 'id="act-recusal"' not in page  # the team left
        refused = _act(client, check, "evaluate", {"satisfaction": "", "text": ""})
        assert refused.status_code == 422 and "请选择对本次检查的满意程度" in visible_text(
            refused.get_data(as_text=True)
        )
        sent = _act(client, check, "evaluate", {"satisfaction": "4", "text": "检查人员出示证件，用时较短。"})
        assert sent.status_code == 302
        home = client.get("/business").get_data(as_text=True)
        assert "检查人员出示证件，用时较短。" in _section(home, "record-requests")
        assert "贵企业已评价本次检查" in _section(home, "record-under-way")
        page = client.get(f"/business/checks/{check}").get_data(as_text=True)
        assert 'id="act-evaluate"' not in page and 'id="act-evaluated"' in page  # offered once
        again = _act(client, check, "evaluate", {"satisfaction": "1"})
        assert again.status_code == 409 and "每次检查只能评价一次" in visible_text(again.get_data(as_text=True))
    with app.app_context():
        [confirmed] = _entries(tenant, "visit.confirmed_by_business")
        assert confirmed.details["business_person"] == "王法务（fawu）"
        [evaluated] = _entries(None, "evaluation.made")
        assert evaluated.details["business_person"] == "王法务（fawu）"
        with system_access("the test reads the bureau's rows"):
            assert [e.satisfaction for e in db.session.scalars(sa.select(Evaluation))] == [4]
        with tenant_scope(tenant):
            assert db.session.scalar(sa.select(InspectionCode.confirmed_at)) is not None


def test_a_check_of_another_business_is_not_found_and_the_code_page_says_what_needs_the_code(app):
    world, client = _signed_in_business(app)
    with app.app_context(), tenant_scope(world["ids"]["tenant"]):
        other = db.session.scalars(
            sa.select(Visit).where(Visit.campaign_id == world["ids"]["campaign"]).order_by(Visit.id)
        ).all()[1]
        other_check = other.id
    with _at(DURING):
        assert client.get(f"/business/checks/{other_check}").status_code == 404
        response = client.post(
            f"/business/checks/{other_check}/complain",
            data={
                "text": "别家企业的检查，不应能投诉。",
                "contact_name": "王法务",
                "contact_phone": "13912345678",
                "csrf_token": csrf_token(client, "/business"),
            },
        )
        assert response.status_code == 404
        code_page = visible_text(client.get(f"/public/checks/{world['token']}").get_data(as_text=True))
    assert "投诉" in code_page and "都需要输入" in code_page and "企业核验码" in code_page
    assert "特定对象检查不提前预告" in code_page and "须在本页面凭企业核验码提出" in code_page
    with app.app_context(), system_access("the test reads the bureau's rows"):
        assert db.session.scalars(sa.select(Complaint)).all() == []
    for page in ("/public", "/login"):
        assert 'href="/business/sign-in"' in app.test_client().get(page).get_data(as_text=True), page


def test_a_check_is_announced_once_its_notice_is_issued_and_counted_only_when_shown(app):
    """Before its window and with no notice period in the rules, a check is neither coming nor counted; its inspection
    notice issued, it shows under 检查预告 with the day, and the ledger counts it."""
    before = date(2026, 2, 10)  # the window opens on 1 March
    with app.app_context(), _at(before):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            one = visit(ids)
            credit, business = one.entity.code, codes.business_code(one.code)
        db.session.commit()
    client = app.test_client()
    with _at(before):
        assert claim(client, credit, business).status_code == 302
        html = client.get("/business").get_data(as_text=True)
        assert "目前没有对贵企业的检查预告" in _section(html, "record-coming")
        assert "本年度已计入 0 次" in _section(html, "record-ledger")
    with app.app_context(), _at(before, 10, 5), tenant_scope(ids["tenant"]):
        notices.write_campaign_notices(ids["campaign"], actor=planner_of(user_named("yjj_admin")))
        db.session.commit()
    with _at(before, 10, 10):
        html = client.get("/business").get_data(as_text=True)
        coming = _section(html, "record-coming")
        assert "目前没有对贵企业的检查预告" not in coming
        assert "已于2026-02-10向贵企业出具检查通知书" in coming and "2026-03-01 – 2026-04-30" in coming
        assert "本年度已计入 1 次" in _section(html, "record-ledger")
    staff = signed_in(app, "yjj_admin")
    assert staff.get("/business").status_code in (401, 403, 302)


def test_the_api_gets_the_same_acts_and_never_the_codes_page(app):
    """``POST /api/v1/business/record/checks/<check_id>/…``: the record names each check by ``check_id`` and what the
    business may do on it, never by its code's token; a recusal asked there is on the record, named in the audit."""
    world, client = _signed_in_business(app)
    with app.app_context(), tenant_scope(world["ids"]["tenant"]):
        cert_no = next(m for m in team_of(visit(world["ids"])) if not m.is_leader).shown_cert_no
    with _at(DURING):
        made = post_form(client, "/business/tokens", {"name": "城市App"}, token_from="/business/tokens")
        secret = re.search(r'<code class="secret">([^<]+)</code>', made.get_data(as_text=True)).group(1)
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"  # the city's app, with the business's token
        record = client.get("/api/v1/business/record").json
        [coming] = record["coming"]
        assert coming["check_id"] == world["ids"]["visit"] and coming["acts"] == ["ask_recusal", "complain"]
        url = f"/api/v1/business/record/checks/{coming['check_id']}"
        refused = client.post(f"{url}/recusal-requests", json={"cert_no": cert_no})
        assert refused.status_code == 422 and "reason" in refused.get_data(as_text=True)
        assert client.post(f"{url}/confirmation").status_code == 409  # the team has not come
        made = client.post(f"{url}/recusal-requests", json={"cert_no": cert_no, "reason": "该检查人员曾在本企业任职。"})
        assert made.status_code == 201, made.get_data(as_text=True)
        [asked] = made.json["requests"]["recusals"]
        assert asked["reason"] == "该检查人员曾在本企业任职。" and cert_no in asked["inspector"]
        assert world["token"] not in made.get_data(as_text=True)
        assert client.post("/api/v1/business/record/checks/999999/complaints", json={}).status_code == 404
    with app.app_context():
        [entry] = _entries(world["ids"]["tenant"], "visit.recusal_requested")
        assert entry.details["business_person"] == "王法务（fawu）"
