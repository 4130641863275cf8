"""The pages of 扫码入企: the public page of an inspection code (no sign-in; in Chinese; unknown codes
answer 404 and say so), the box to type a code, and the visit page where the 组长 shows the QR and
records 入企 and 离企. The business's own code (企业核验码) is on no page."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.extensions import limiter
from spotcheck.tenants.results import codes, commands as results, vocabulary
from spotcheck.tenants.results.models import InspectionCode
from spotcheck.tenants.results.queries.codes import public_check
from tests.support.helpers import count_figures, make_app, post_form, signed_in, tenant_id
from tests.support.joint_world import world as joint_world
from tests.support.results_world import codes_of, handed_out, visit

DURING = date(2026, 4, 1)  # inside the world's campaign window
BEFORE = date(2026, 2, 20)  # before it (2026-03-01 – 2026-04-30)


def _team(ids) -> list[tuple[str, str]]:
    with tenant_scope(ids["tenant"]):
        one = visit(ids)
        return [(i.name, i.cert_no) for i in codes.teams_of(one.campaign_id)[one.entity_id]]


def test_the_code_page_says_genuine_with_the_team_and_a_made_up_code_is_unknown(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, typed, business, _ = codes_of(ids)
        client = app.test_client()
        page = client.get(f"/public/checks/{token}")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and 'data-state="valid"' in text
        assert "有效：本次检查经随机抽取并已下达" in text
        assert all(name in text and cert_no in text for name, cert_no in _team(ids))
        assert "企业的权利" in text and business not in text and vocabulary.grouped(business) not in text
        typed_page = client.get(f"/public/checks?code={vocabulary.grouped(typed).lower()}")
        assert typed_page.status_code == 200 and 'data-state="valid"' in typed_page.get_data(as_text=True)
        unknown = client.get("/public/checks/AAAAAAAAAAAAAAAAAAAAAA")
        assert unknown.status_code == 404 and "未知的检查码" in unknown.get_data(as_text=True)
        typed_unknown = client.get("/public/checks?code=ZZZZ-ZZZZ-ZZZZ")  # a search that finds nothing
        assert typed_unknown.status_code == 200 and "未知的检查码" in typed_unknown.get_data(as_text=True)
        box = client.get("/public/checks")
        assert box.status_code == 200 and 'name="code"' in box.get_data(as_text=True)


def test_the_team_leader_shows_the_qr_and_records_arrival_and_departure_on_the_visit_page(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, typed, business, visit_id = codes_of(ids)
    with frozen_at(DURING):  # each client's requests in their own app context (its own signed-in user)
        member = signed_in(app, "yjj_inspector2")
        seen = member.get(f"/visits/{visit_id}").get_data(as_text=True)
        assert vocabulary.grouped(typed) in seen and "<svg" in seen and f"/public/checks/{token}" in seen
        assert 'id="record-arrival"' not in seen and business not in seen and vocabulary.grouped(business) not in seen
        chief = signed_in(app, "yjj_inspector")
        assert 'id="record-arrival"' in chief.get(f"/visits/{visit_id}").get_data(as_text=True)
        post_form(chief, f"/visits/{visit_id}/arrival", {}, token_from=f"/visits/{visit_id}")
        after = chief.get(f"/visits/{visit_id}").get_data(as_text=True)
        assert 'id="record-departure"' in after and 'id="record-arrival"' not in after
        refused = post_form(member, f"/visits/{visit_id}/departure", {}, token_from=f"/visits/{visit_id}")
        assert refused.status_code in (302, 303)
        assert 'data-state="valid"' in app.test_client().get(f"/public/checks/{token}").get_data(as_text=True)
        post_form(chief, f"/visits/{visit_id}/departure", {}, token_from=f"/visits/{visit_id}")
        finished = app.test_client().get(f"/public/checks/{token}").get_data(as_text=True)
        assert 'data-state="finished"' in finished and "离企时间" in finished


def test_before_its_window_the_code_page_says_not_yet_and_the_visit_page_says_why_no_arrival(app):
    """检查期未到: before the campaign's window the code's page does not say the check may take place now but
    that its window has not begun, naming the window; the 组长's visit page offers no 登记入企 and says why (the
    window's first day), a member that the 组长 records it; on the window's first day both change."""
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _typed, _business, visit_id = codes_of(ids)
    with frozen_at(BEFORE):
        public = app.test_client().get(f"/public/checks/{token}").get_data(as_text=True)
        state = public.split('id="check-state"')[1].split("</p>")[0]
        assert 'data-state="not_yet"' in state and "检查期未到" in state and "可以实施" not in state
        assert "2026-03-01" in state and "2026-04-30" in state
        chief = signed_in(app, "yjj_inspector").get(f"/visits/{visit_id}").get_data(as_text=True)
        assert 'id="record-arrival"' not in chief
        why = chief.split('id="arrival-not-offered"')[1].split("</p>")[0]
        assert "暂不能登记入企" in why and "2026-03-01" in why
        member = signed_in(app, "yjj_inspector2").get(f"/visits/{visit_id}").get_data(as_text=True)
        assert "2026-03-01" in member.split('id="arrival-not-offered"')[1].split("</p>")[0]
    with frozen_at(date(2026, 3, 1)):
        assert 'data-state="valid"' in app.test_client().get(f"/public/checks/{token}").get_data(as_text=True)
        chief = signed_in(app, "yjj_inspector").get(f"/visits/{visit_id}").get_data(as_text=True)
        assert 'id="record-arrival"' in chief and 'id="arrival-not-offered"' not in chief
        member = signed_in(app, "yjj_inspector2").get(f"/visits/{visit_id}").get_data(as_text=True)
        assert "只有检查组长" in member.split('id="arrival-not-offered"')[1].split("</p>")[0]  # now: who records it


def test_asking_for_codes_too_fast_is_refused_in_chinese_per_client_and_per_code(database_url):
    # behind one proxy: each client by the address the proxy reports (X-Forwarded-For), an IPv6 one by its /64
    app = make_app(
        database_url,
        SPOTCHECK_PROXY_HOPS=1,
        SPOTCHECK_CODE_LIMIT_PER_CLIENT="3/minute",
        SPOTCHECK_CODE_LIMIT_PER_CODE="5/minute",
    )
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _typed, business, _visit_id = codes_of(ids)
    client = app.test_client()
    one, other = {"X-Forwarded-For": "203.0.113.9"}, {"X-Forwarded-For": "198.51.100.7"}
    for n in range(3):
        assert client.get(f"/public/checks?code=AAAA-AAAA-AAA{n}", headers=one).status_code == 200
    refused = client.get("/public/checks?code=BBBB-BBBB-BBBB", headers=one)
    assert refused.status_code == 429 and "请求过于频繁" in refused.get_data(as_text=True)
    assert client.get("/public/checks?code=BBBB-BBBB-BBBB", headers=other).status_code == 200  # another client
    for n in range(3):  # one subscriber's IPv6 block is one client
        client.get("/public/checks?code=CCCC-CCCC-CCCC", headers={"X-Forwarded-For": f"2001:db8:1:2::{n + 1}"})
    assert client.get("/public/checks?code=CCCC", headers={"X-Forwarded-For": "2001:db8:1:2::99"}).status_code == 429
    page = f"/public/checks/{token}"
    with frozen_at(DURING):
        for n in range(5):  # guessing one code's business code from many clients: limited as a code
            post_form(client, f"{page}/confirm", {"business_code": f"0000-0000-000{n}"}, token_from=page)
            client.environ_base["HTTP_X_FORWARDED_FOR"] = f"192.0.2.{n}"
        client.environ_base["HTTP_X_FORWARDED_FOR"] = "192.0.2.77"
        guessed = post_form(client, f"{page}/confirm", {"business_code": business}, token_from=page)
        assert guessed.status_code == 429
        assert client.get(page).status_code == 200  # the page itself is never locked by the guesses
    kept = " ".join(str(key) for key in limiter.storage.storage)  # what the limiter keeps: no address
    assert kept and "203.0.113.9" not in kept and "192.0.2." not in kept and "2001:db8" not in kept


def test_the_code_lookups_share_one_limit_per_client_and_a_few_clients_cannot_spend_everyones(database_url):
    """Typed and scanned look-ups count against one limit per client (not one each route); the limit all clients
    share is spent only by what each client's own limit lets through, so a few addresses hammering the pages
    cannot shut every business out: with 3 a client and 7 in all, two flooding clients spend 6, and a third still
    looks its code up."""
    app = make_app(
        database_url,
        SPOTCHECK_PROXY_HOPS=1,
        SPOTCHECK_CODE_LIMIT_PER_CLIENT="3/minute",
        SPOTCHECK_CODE_LIMIT_ALL="7/minute",
    )
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, typed, _business, _visit = codes_of(ids)
    client = app.test_client()
    one = {"X-Forwarded-For": "203.0.113.9"}
    assert client.get(f"/public/checks?code={vocabulary.grouped(typed)}", headers=one).status_code == 200
    assert client.get(f"/public/checks/{token}", headers=one).status_code == 200
    assert client.get("/public/checks?code=AAAA-AAAA-AAAA", headers=one).status_code == 200
    assert client.get(f"/public/checks/{token}", headers=one).status_code == 429  # the fourth, on either route
    assert client.get("/public/checks?code=AAAA-AAAA-AAAB", headers=one).status_code == 429
    flooder = {"X-Forwarded-For": "198.51.100.7"}
    answers = [
        client.get(f"/public/checks?code=BBBB-BBBB-BBB{n % 10}", headers=flooder).status_code for n in range(200)
    ]
    assert answers.count(200) == 3 and answers.count(429) == 197  # its 197 refused tries spend nothing of the rest
    third = {"X-Forwarded-For": "192.0.2.44"}
    assert client.get(f"/public/checks/{token}", headers=third).status_code == 200  # 7th of the shared 7
    assert client.get(f"/public/checks/{token}", headers={"X-Forwarded-For": "192.0.2.45"}).status_code == 429


def test_the_business_confirms_and_evaluates_on_the_codes_page_and_the_department_reads_its_confirmation(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _typed, business, visit_id = codes_of(ids)
    with frozen_at(DURING):
        chief = signed_in(app, "yjj_inspector")
        post_form(chief, f"/visits/{visit_id}/arrival", {}, token_from=f"/visits/{visit_id}")
        public = app.test_client()
        page = f"/public/checks/{token}"
        assert 'id="confirm-form"' in public.get(page).get_data(as_text=True)
        wrong = post_form(public, f"{page}/confirm", {"business_code": "0000-0000-0000"}, token_from=page)
        assert wrong.status_code == 422 and "企业核验码不正确" in wrong.get_data(as_text=True)
        done = post_form(public, f"{page}/confirm", {"business_code": vocabulary.grouped(business)}, token_from=page)
        assert done.status_code == 302
        shown = public.get(page).get_data(as_text=True)
        assert 'id="business-confirmed"' in shown and 'id="confirm-form"' not in shown
        post_form(chief, f"/visits/{visit_id}/departure", {}, token_from=f"/visits/{visit_id}")
        blank = post_form(public, f"{page}/evaluate", {"business_code": business}, token_from=page)
        assert blank.status_code == 422 and "请选择对本次检查的满意程度" in blank.get_data(as_text=True)
        sent = post_form(
            public,
            f"{page}/evaluate",
            {"business_code": business, "satisfaction": "2", "text": "等候时间较长。"},
            token_from=page,
        )
        assert sent.status_code == 302 and "sent=evaluate" in sent.headers["Location"]
        said = public.get(sent.headers["Location"]).get_data(as_text=True)  # to the sender, once
        assert 'id="business-evaluated"' in said and "评价已提交司法局" in said and 'id="evaluate-form"' in said
        again = post_form(public, f"{page}/evaluate", {"business_code": business, "satisfaction": "5"}, token_from=page)
        assert again.status_code == 409 and "已经评价过" in again.get_data(as_text=True)
        assert 'id="business-evaluated"' not in public.get(page).get_data(as_text=True)
        staff = chief.get(f"/visits/{visit_id}").get_data(as_text=True)  # the evaluation is the justice bureau's
        assert 'id="inspection-confirmed"' in staff and "等候时间较长。" not in staff and "不满意" not in staff
        assert business not in staff


def test_the_team_leader_records_the_times_late_on_the_visit_page_and_the_codes_page_says_so(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _typed, _business, visit_id = codes_of(ids)
    with frozen_at(DURING):
        chief = signed_in(app, "yjj_inspector")
        page = f"/visits/{visit_id}"
        assert 'id="late-entry"' in chief.get(page).get_data(as_text=True)
        bad = post_form(
            chief, f"{page}/late-entry", {"arrived_at": "昨天", "left_at": "", "reason": ""}, token_from=page
        )
        text = bad.get_data(as_text=True)
        assert bad.status_code == 422 and "请填写日期和时间" in text and "请说明未能现场登记的原因" in text
        done = post_form(
            chief,
            f"{page}/late-entry",
            {"arrived_at": "2026-04-01T08:00", "left_at": "2026-04-01T08:40", "reason": "停电，未能扫码。"},
            token_from=page,
        )
        assert done.status_code == 302
        assert "停电，未能扫码。" in chief.get(page).get_data(as_text=True)
        shown = app.test_client().get(f"/public/checks/{token}").get_data(as_text=True)
        assert "补录" in shown and "停电" not in shown  # the reason is the department's; the public sees the mark


def test_a_request_to_withdraw_reaches_the_leaders_home_and_is_decided_on_the_visit_page(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _typed, business, visit_id = codes_of(ids)
        name, cert_no = _team(ids)[-1]
    with frozen_at(DURING):
        public, page = app.test_client(), f"/public/checks/{token}"
        assert 'id="recusal-form"' in public.get(page).get_data(as_text=True)
        blank = post_form(
            public, f"{page}/recusal", {"business_code": business, "cert_no": "", "reason": ""}, token_from=page
        )
        assert blank.status_code == 422 and "请选择本次检查的检查人员" in blank.get_data(as_text=True)
        sent = post_form(
            public,
            f"{page}/recusal",
            {"business_code": business, "cert_no": cert_no, "reason": "该检查人员曾在本企业任职。"},
            token_from=page,
        )
        assert sent.status_code == 302 and 'id="business-recusal-asked"' in public.get(page).get_data(as_text=True)
        leader = signed_in(app, "yjj_leader")
        home = leader.get("/").get_data(as_text=True)
        assert "处理回避申请" in home and f"被检查单位申请{name}回避" in home
        visit_page = f"/visits/{visit_id}"
        shown = leader.get(visit_page).get_data(as_text=True)
        assert "该检查人员曾在本企业任职。" in shown and 'id="recusal-requests"' in shown
        request_id = int(shown.split('id="decide-recusal-')[1].split('"')[0])
        decided = post_form(
            leader,
            f"{visit_page}/recusal-requests/{request_id}",
            {"accept": "yes", "reason": "经核实属实。"},
            token_from=visit_page,
        )
        assert decided.status_code == 302
        after = leader.get(visit_page).get_data(as_text=True)
        assert "已同意：检查人员回避并替换" in after and "处理回避申请" not in leader.get("/").get_data(as_text=True)


def test_opening_a_codes_page_is_counted_in_aggregate_and_nothing_of_who_opened_it(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, typed, _business, _visit_id = codes_of(ids)
    with frozen_at(DURING):
        client = app.test_client()
        for _ in range(2):
            client.get(f"/public/checks/{token}").close()
        client.get(f"/public/checks?code={vocabulary.grouped(typed)}").close()  # typed from the notice: a check too
        client.get("/public/checks/AAAAAAAAAAAAAAAAAAAAAA").close()  # unknown: nothing to count
    with app.app_context(), tenant_scope(ids["tenant"]):
        code = visit(ids).code
        assert code.scans == 3 and code.first_scanned_at is not None
        columns = {column.name for column in code.__table__.columns}
        assert not {"ip", "address", "location", "user_agent"} & columns  # 行踪轨迹 is never taken


def test_the_page_of_a_typed_code_sends_the_business_forms_to_that_code(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, typed, _business, _visit_id = codes_of(ids)
    with frozen_at(DURING):
        page = app.test_client().get(f"/public/checks?code={typed}").get_data(as_text=True)
        assert f'action="/public/checks/{token}/recusal#recusal-form"' in page  # opened at the form


def test_an_apps_rate_limits_are_its_own_whatever_app_was_made_after_it(app, database_url):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token = codes_of(ids)[0]
    # another app of the process (a command line, a test) keeps its limits in a Redis that is not there
    make_app(database_url, REDIS_URL="redis://127.0.0.1:1/0")
    with frozen_at(DURING):
        assert app.test_client().get(f"/public/checks/{token}").status_code == 200


def test_the_bureau_reads_each_departments_scans_arrivals_evaluations_and_complaints_and_opens_their_visits(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _, _, _ = codes_of(ids)
    with frozen_at(DURING):  # each client's requests in their own app context
        app.test_client().get(f"/public/checks/{token}").close()  # 扫码核验 (counted once the answer is sent)
        supervisor = signed_in(app, "sfj_supervisor")
        count_figures(supervisor)  # 立即重新统计: the dashboard reads the figures as counted
        page = supervisor.get("/supervision?period=2026")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and 'id="business-table"' in text
        assert (
            f'data-drill="scan_rate">{round(100 / ids["visits"], 1):g}%' in text
        )  # the one scan, of every code issued
        for label in ("发放检查码", "扫码核验率", "入企登记率", "企业评价", "平均满意度", "投诉待答复", "投诉已答复"):
            assert label in text, label
        drill = supervisor.get(f"/supervision/departments/{ids['tenant']}/scan_rate?period=2026")
        rows = drill.get_data(as_text=True)
        assert drill.status_code == 200 and "扫码核验次数" in rows and rows.count("<tr><td>") == ids["visits"]


def test_the_coordinator_decides_a_joint_visits_request_on_the_joint_campaigns_page(app):
    with app.app_context(), frozen_at(DURING):
        ids = joint_world("handed_out")
        campaign_id = ids["campaign"]
        for department in ("YJJ", "SWJ"):  # the joint visits' codes are with their 组长's departments
            with tenant_scope(tenant_id(department)):
                if (code := db.session.scalar(sa.select(InspectionCode).limit(1))) is not None:
                    token, business = code.token, codes.business_code(code)
                    break
        check = public_check(token=token)
        made = results.request_recusal(
            token, {"business_code": business, "cert_no": check.team[-1][1], "reason": "该检查人员曾在本企业任职。"}
        )
    with frozen_at(DURING):
        coord = signed_in(app, "scj_coord")
        home = coord.get("/").get_data(as_text=True)
        assert f"/joint/{campaign_id}#recusal-requests" in home and "处理回避申请" in home
        page = coord.get(f"/joint/{campaign_id}")
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and 'id="recusal-requests"' in text and "该检查人员曾在本企业任职。" in text
        assert "待协调人决定" in text and "待协调人决定" in home
        url = f"/joint/{campaign_id}/recusal-requests/{made.id}"
        refused = post_form(coord, url, {"reason": "理由"}, token_from=f"/joint/{campaign_id}")
        assert refused.status_code == 422 and "请选择同意或不同意" in refused.get_data(as_text=True)
        summary = refused.get_data(as_text=True).split('class="error-summary"')[1].split("</div>")[0]
        assert "请选择同意或不同意" in summary and f'href="#decision-accept-{made.id}"' in summary  # at the form's top
        assert refused.get_data(as_text=True).count("请选择同意或不同意") == 1  # said once
        done = post_form(
            coord, url, {"accept": "no", "reason": "经核实无利害关系。"}, token_from=f"/joint/{campaign_id}"
        )
        assert done.status_code == 302
        assert "经核实无利害关系。" in coord.get(f"/joint/{campaign_id}").get_data(as_text=True)
