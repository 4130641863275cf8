"""Follow-up through the pages and the API: the team orders rectification on the visit's page, a
planner transfers a problem to another department, whose planner finds it on the home page and
in the transfers inbox, reads only what was sent and acknowledges it; nobody else sees it."""

from __future__ import annotations

import re
from datetime import date

from spotcheck.core.clock import frozen_at
from spotcheck.core.scoping import tenant_scope
from tests.support.helpers import bearer, csrf_token, signed_in, tenant_id
from tests.support.results_world import handed_out, published, visit

TODAY = date(2026, 10, 12)


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _setup(app):
    with app.app_context():
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            one = published(ids)
            ids["entity_name"], ids["entity_code"] = one.entity.name, one.entity.code
        ids["scj"] = tenant_id("SCJ")
        return ids


def _post(client, url, page, data):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, page)})


def test_the_team_orders_rectification_and_records_the_recheck_on_the_visits_page(app):
    with frozen_at(TODAY):
        ids = _setup(app)
        page = f"/visits/{ids['visit']}"
        chief = signed_in(app, "yjj_inspector")
        shown = _text(chief.get(page))
        assert "后续处置" in shown and "责令改正" in shown and "移送/抄告其他部门" in shown
        refused = _post(chief, f"{page}/follow-ups", page, {"kind": "rectification", "details": "30日内组织演练"})
        assert refused.status_code == 422 and "请填写日期" in _text(refused)  # the deadline, under its field
        done = _post(
            chief,
            f"{page}/follow-ups",
            page,
            {"kind": "rectification", "details": "30日内组织演练", "deadline": "2026-11-10"},
        )
        assert done.status_code == 302
        shown = _text(chief.get(page))
        assert "30日内组织演练" in shown and "期限 2026-11-10" in shown and "未办结" in shown
        assert "登记复查结果" in shown

        planner = signed_in(app, "yjj_planner")
        assert "办结本次检查" not in _text(planner.get(page))  # a follow-up is open
        assert "登记复查或办理结果" in _text(planner.get("/"))  # the planner's to-do list shows it

        leader = signed_in(app, "yjj_leader")  # reviews results; follow-up is not the leader's
        assert _post(leader, f"{page}/follow-ups", page, {"kind": "case"}).status_code == 403

        with app.app_context(), tenant_scope(ids["tenant"]):
            follow_up_id = visit(ids).follow_ups[0].id
        wrong = _post(chief, f"{page}/follow-ups/{follow_up_id}/close", page, {"closed_on": "2026-10-12"})
        assert wrong.status_code == 422 and "请选择是否已改正" in _text(wrong)
        closed = _post(
            chief,
            f"{page}/follow-ups/{follow_up_id}/close",
            page,
            {"closed_on": "2026-10-12", "outcome": "rectified", "outcome_note": "已补充演练记录"},
        )
        assert closed.status_code == 302
        shown = _text(planner.get(page))
        assert "已改正" in shown and "已补充演练记录" in shown and "办结本次检查" in shown
        assert _post(planner, f"{page}/close", page, {}).status_code == 302
        assert "已于" in _text(planner.get(page)) and "办结" in _text(planner.get(page))


def test_a_transfer_reaches_the_receivers_inbox_and_only_what_was_sent(app):
    with frozen_at(TODAY):
        ids = _setup(app)
        page = f"/visits/{ids['visit']}"
        planner = signed_in(app, "yjj_planner")
        sent = _post(
            planner,
            f"{page}/follow-ups",
            page,
            {
                "kind": "transfer",
                "details": "发现无照经营食品，移送市场监管局处理",
                "receiver_tenant_id": str(ids["scj"]),
            },
        )
        assert sent.status_code == 302
        assert "等待接收部门签收" in _text(planner.get(page))

        receiver = signed_in(app, "scj_planner")
        home = _text(receiver.get("/"))
        assert ids["entity_name"] in home and "签收移送" in home and "应急管理局 移送" in home
        inbox = receiver.get("/transfers")
        [transfer_id] = re.findall(r'data-transfer="(\d+)"', inbox.get_data(as_text=True))
        shown = _text(receiver.get(f"/transfers/{transfer_id}"))
        assert "发现无照经营食品" in shown and "应急预案未按规定演练" in shown and ids["entity_code"] in shown
        assert f"/visits/{ids['visit']}" not in receiver.get(f"/transfers/{transfer_id}").get_data(as_text=True)
        assert receiver.get(page).status_code == 404  # the visit itself stays the sender's

        assert signed_in(app, "swj_planner").get(f"/transfers/{transfer_id}").status_code == 404
        assert planner.get(f"/transfers/{transfer_id}").status_code == 404  # the sender's inbox is not this
        assert signed_in(app, "scj_inspector").get("/transfers").status_code == 403

        done = _post(
            receiver, f"/transfers/{transfer_id}/acknowledge", f"/transfers/{transfer_id}", {"note": "已转执法稽查科"}
        )
        assert done.status_code == 302
        assert "已签收" in _text(receiver.get(f"/transfers/{transfer_id}"))
        shown = _text(planner.get(page))
        assert "已签收" in shown and "已转执法稽查科" in shown and "市场监督管理局 钱伟" in shown


def test_follow_ups_through_the_api(app):
    with frozen_at(TODAY):
        ids = _setup(app)
        chief, receiver = bearer(app, "yjj_inspector"), bearer(app, "scj_leader")
        client = app.test_client()
        url = f"/api/v1/visits/{ids['visit']}/follow-ups"
        bad = client.post(url, json={"kind": "seizure", "details": "x"}, headers=chief)
        assert bad.status_code == 422 and "kind" in bad.get_json()["errors"]["json"]
        missing = client.post(url, json={"kind": "case", "details": "未演练"}, headers=chief)
        assert missing.status_code == 422 and "case_number" in str(missing.get_json())
        made = client.post(
            url, json={"kind": "transfer", "details": "移送", "receiver_tenant_id": ids["scj"]}, headers=chief
        )
        assert made.status_code == 201, made.get_json()
        transfer = made.get_json()
        assert transfer["kind"] == "transfer" and transfer["is_open"] and transfer["actions"] == []
        assert (
            client.get(f"/api/v1/visits/{ids['visit']}", headers=chief).get_json()["follow_ups"][0]["id"]
            == transfer["id"]
        )
        refused = client.post(
            f"/api/v1/follow-ups/{transfer['id']}/close", json={"closed_on": "2026-10-12"}, headers=chief
        )
        assert refused.status_code == 409
        [received] = client.get("/api/v1/follow-ups/received", headers=receiver).get_json()
        assert received["transferred"]["entity_code"] == ids["entity_code"] and received["actions"] == ["acknowledge"]
        assert "visit_id" not in received
        acknowledged = client.post(
            f"/api/v1/follow-ups/received/{transfer['id']}/acknowledge", json={}, headers=receiver
        )
        assert acknowledged.status_code == 200 and not acknowledged.get_json()["is_open"]
        assert client.get(f"/api/v1/follow-ups/received/{transfer['id']}", headers=chief).status_code in (403, 404)
