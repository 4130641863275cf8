"""The result cycle through the pages and the API, as each role would use them, and what the
public portal shows of it: only published versions, inspectors by name and certificate number."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results.models import VisitStatus
from spotcheck.tenants.results.queries import listing
from tests.support.helpers import bearer, csrf_token, post_form, signed_in, user_named
from tests.support.results_world import handed_out, visit


def _text(response) -> str:
    return _text_of(response.get_data(as_text=True))


def _text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _result_form(ids, *, dates: bool = True, **extra) -> dict:
    """The result form as a browser sends it (once submitted, the check dates are not: they are fixed)."""
    return {
        **({"checked_on": "2026-04-30", "checked_until": "2026-04-30"} if dates else {}),
        "method": "onsite",
        "record": "现场检查危化品仓库。",
        "evaluation": "安全管理制度基本落实。",
        "opinions": "责令限期组织应急预案演练。",
        f"item-{ids['item']}-categories": ["pending_own_rules"],
        f"item-{ids['item']}-findings": "应急预案未按规定演练。",
        **extra,
    }


def _setup(app):
    """The world, built in an app context of its own (requests then run in their own contexts)."""
    with app.app_context():
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            entity = visit(ids).entity
            ids["entity_name"], ids["entity_code"] = entity.name, entity.code
        ids["chief_id"], ids["member_id"] = user_named("yjj_inspector").id, user_named("yjj_inspector2").id
        return ids


def _status(app, ids):
    with app.app_context(), tenant_scope(ids["tenant"]):
        return visit(ids).status


def test_from_the_inspectors_home_to_the_public_entity_page(app):
    ids = _setup(app)
    entity_name, entity_code = ids["entity_name"], ids["entity_code"]
    page = f"/visits/{ids['visit']}"
    if True:
        member = signed_in(app, "yjj_inspector2")
        home = _text(member.get("/"))
        assert entity_name in home and "录入检查结果" in home
        form_page = member.get(page).get_data(as_text=True)
        assert "组长" in form_page and entity_name in form_page and "2026-03-01" in form_page
        assert " checked" not in form_page  # nothing is pre-selected
        assert "保存并提交审核" not in form_page  # a member saves, the 组长 submits
        saved = member.post(f"{page}/result", data={**_result_form(ids), "csrf_token": csrf_token(member, page)})
        assert saved.status_code == 302, _text(saved)[:600]

        chief = signed_in(app, "yjj_inspector")
        submitted = chief.post(
            f"{page}/result", data={**_result_form(ids), "then": "submit", "csrf_token": csrf_token(chief, page)}
        )
        assert submitted.status_code == 302
        assert _status(app, ids) == VisitStatus.submitted
        flashed = _text(chief.get(page))  # one message, the submission's: not the draft's before it
        assert "检查结果已提交审核" in flashed and "已保存为草稿" not in flashed

        assert entity_name not in _text(app.test_client().get(f"/public/results?q={entity_code}"))

        leader = signed_in(app, "yjj_leader")
        assert entity_name in _text(leader.get("/visits/review"))
        home = leader.get("/").get_data(as_text=True)  # the queue, counted, one click from the home page
        queue_line = home.split('id="home-queues"')[1].split("</ul>")[0]
        assert 'href="/visits/review"' in queue_line and "待审核的检查结果：1" in _text_of(queue_line)
        empty = leader.post(f"{page}/return", data={"reason": "", "csrf_token": csrf_token(leader, page)})
        assert empty.status_code == 422 and "退回理由" in _text(empty)
        summary = empty.get_data(as_text=True).split('id="return-form"')[1].split("</form>")[0]
        assert 'class="error-summary"' in summary and 'href="#reason"' in summary  # at the form's top, linked
        assert empty.get_data(as_text=True).count('class="error-summary"') == 1  # and no other form's
        post_form(leader, f"{page}/return", {"reason": "检查日期与笔录不一致"}, token_from=page)
        returned = chief.get(page).get_data(as_text=True)
        assert "检查日期与笔录不一致" in _text(chief.get(page))
        home = _text(chief.get("/"))  # the returned visit waits on the home page, with the reason
        assert "已退回" in home and "检查日期与笔录不一致" in home
        inbox = _text(chief.get("/inbox"))  # and the team is told
        assert f"检查结果被退回：{entity_name}" in inbox and "检查日期与笔录不一致" in inbox
        assert 'id="checked_on"' in returned and "disabled" in returned.split('id="checked_on"')[1][:300]
        redated = chief.post(
            f"{page}/result", data={**_result_form(ids, checked_on="2026-04-29"), "csrf_token": csrf_token(chief, page)}
        )
        assert redated.status_code == 422 and "只能由领导说明理由后更正" in _text(redated)  # the team cannot
        no_reason = post_form(
            leader, f"{page}/dates", {"checked_on": "2026-04-29", "checked_until": "2026-04-30"}, token_from=page
        )
        assert no_reason.status_code == 422 and "更正检查日期的理由" in _text(no_reason)
        post_form(
            leader,
            f"{page}/dates",
            {"checked_on": "2026-04-29", "checked_until": "2026-04-30", "reason": "笔录载明检查自4月29日开始"},
            token_from=page,
        )
        assert "笔录载明检查自4月29日开始" in _text(chief.get(page))
        chief.post(
            f"{page}/result",
            data={**_result_form(ids, dates=False), "then": "submit", "csrf_token": csrf_token(chief, page)},
        )
        post_form(leader, f"{page}/approve", {}, token_from=page)
        assert _status(app, ids) == VisitStatus.approved

        planner = signed_in(app, "yjj_planner")
        assert 'href="/visits/publication"' in planner.get("/").get_data(as_text=True).split('id="home-queues"')[1]
        queue = planner.get("/visits/publication").get_data(as_text=True)
        assert f'value="{ids["visit"]}"' in queue and "data-confirm" in queue
        # ticked on the list of one campaign, published, and back on that campaign's list (not all of them,
        # where "publish all" would count other campaigns' results too)
        one_campaign = f"/visits/publication?campaign={ids['campaign']}"
        ticking = planner.get(one_campaign).get_data(as_text=True).split('id="publish-many"')[1].split("</form>")[0]
        assert f'name="campaign" value="{ids["campaign"]}"' in ticking
        back = post_form(
            planner,
            "/visits/publish",
            {"visit_ids": [str(ids["visit"])], "campaign": str(ids["campaign"])},
            token_from=one_campaign,
        )
        assert back.status_code == 302 and back.headers["Location"].endswith(one_campaign)
        assert _status(app, ids) == VisitStatus.published

        public = app.test_client()
        found = _text(public.get(f"/public/results?q={entity_name}"))
        assert entity_name in found
        shown = public.get(f"/public/results/entities/{entity_code}")
        text = _text(shown)
        assert shown.status_code == 200 and "违反本部门其他规定" in text and "2026-04-29 至 2026-04-30" in text
        assert "YJJ-" not in text and "检查码页面向企业展示" in text  # a blinded draw's team: on the 检查码 page
        assert "已公示" in text and "已发布" not in text  # a result is made public (公示), not "released"
        visit_page = planner.get(page).get_data(as_text=True)
        assert "已公示" in visit_page.split('id="visit-facts"')[1].split("</dl>")[0]
        assert re.search(r"231084 \S*宁安市", text), text  # region by name beside its code (GB/T 2260)
        assert not re.search(r"\b\d{17}[\dX]\b", shown.get_data(as_text=True))  # no ID number
        # the department's report stays its own: the record, the evaluation and the handling opinions
        assert "现场检查危化品仓库" not in text and "安全管理制度基本落实" not in text and "责令限期组织" not in text
        assert "随机抽取公示" in _text(public.get("/public")) and "抽查结果公示" in _text(public.get("/public"))


def test_the_result_form_names_each_missing_part_of_the_report_and_the_reviewer_reads_them(app):
    """Seed 002 四(三) and the campaign's method: the 组长 who submits a result without the evaluation,
    the handling opinions or the reason for another method sees each field named in Chinese, the
    draft kept and nothing submitted; once given, the reviewing leader reads all three."""
    ids = _setup(app)
    page = f"/visits/{ids['visit']}"
    chief = signed_in(app, "yjj_inspector")
    form = {**_result_form(ids, method="document", evaluation="", opinions=""), "then": "submit"}
    refused = chief.post(f"{page}/result", data={**form, "csrf_token": csrf_token(chief, page)})
    said = _text(refused)
    assert refused.status_code == 422 and _status(app, ids) == VisitStatus.drafting
    for message in ("请填写“对被检查人的评价”", "请填写“处理意见和建议”", "请填写“方式变更理由”", "实地检查"):
        assert message in said, message
    reason = "企业停产检修，改为书面检查其报送的材料。"
    done = chief.post(
        f"{page}/result",
        data={
            **_result_form(ids, method="document", method_change_reason=reason),
            "then": "submit",
            "csrf_token": csrf_token(chief, page),
        },
    )
    assert done.status_code == 302 and _status(app, ids) == VisitStatus.submitted
    review = _text(signed_in(app, "yjj_leader").get(page))
    assert "方式变更理由" in review and reason in review and "不是确定的检查方式（实地检查）" in review
    assert "安全管理制度基本落实。" in review and "责令限期组织应急预案演练。" in review


def test_the_api_answers_an_inspector_only_their_visits_and_takes_the_result(app):
    ids = _setup(app)
    if True:
        member, chief = bearer(app, "yjj_inspector2"), bearer(app, "yjj_inspector")
        client = app.test_client()
        listed = client.get("/api/v1/visits", headers=member).get_json()
        assert ids["visit"] in [row["id"] for row in listed["rows"]]
        with app.app_context(), tenant_scope(ids["tenant"]):
            mine = {v.id for v in db.session.scalars(listing.mine(user_named("yjj_inspector2")))}
            other = db.session.scalar(sa.select(listing.Visit.id).where(listing.Visit.id.not_in(mine)).limit(1))
        assert {row["id"] for row in listed["rows"]} == mine
        assert client.get(f"/api/v1/visits/{other}", headers=member).status_code == 404
        one = client.get(f"/api/v1/visits/{ids['visit']}", headers=member).get_json()
        assert one["actions"] == ["record"] and any(m["is_leader"] for m in one["team"])
        bad = client.put(
            f"/api/v1/visits/{ids['visit']}/result",
            headers=member,
            json={"method": "guess", "items": {str(ids["item"]): {"categories": ["made_up"]}}},
        )
        assert bad.status_code == 422
        ok = client.put(
            f"/api/v1/visits/{ids['visit']}/result",
            headers=member,
            json={
                "checked_on": "2026-04-28",
                "checked_until": "2026-04-30",
                "method": "document",
                "items": {str(ids["item"]): {"categories": ["no_problem"], "findings": ""}},
            },
        )
        body = ok.get_json()
        assert ok.status_code == 200 and (body["report_due"], body["publish_due"]) == ("2026-05-11", "2026-06-01")
        assert body["report_due_provisional"] is False and body["checked_until"] == "2026-04-30"
        assert client.post(f"/api/v1/visits/{ids['visit']}/submit", headers=member).status_code == 403
        no_record = client.post(f"/api/v1/visits/{ids['visit']}/submit", headers=chief)  # seed 002 四(三): the report
        missing = no_record.get_json()["errors"]["json"]
        assert no_record.status_code == 422 and set(missing) == {
            "record",
            "evaluation",
            "opinions",
            "method_change_reason",
        }
        assert "现场检查笔录" in missing["record"][0] and "请填写“对被检查人的评价”" in missing["evaluation"][0]
        assert (
            "请填写“处理意见和建议”" in missing["opinions"][0]
            and "请填写“方式变更理由”" in missing["method_change_reason"][0]
        )
        too_long = client.put(f"/api/v1/visits/{ids['visit']}/result", headers=member, json={"opinions": "议" * 2001})
        assert too_long.status_code == 422 and "opinions" in too_long.get_json()["errors"]["json"]
        assert (
            client.put(
                f"/api/v1/visits/{ids['visit']}/result",
                headers=member,
                json={
                    "record": "书面检查企业报送的材料。",
                    "evaluation": "材料齐全。",
                    "opinions": "继续保持。",
                    "method_change_reason": "企业停产，改为书面检查。",
                },
            ).status_code
            == 200
        )
        assert client.post(f"/api/v1/visits/{ids['visit']}/submit", headers=chief).get_json()["status"] == "submitted"
        moved = client.put(f"/api/v1/visits/{ids['visit']}/result", headers=chief, json={"checked_until": "2026-04-29"})
        assert moved.status_code == 409  # submitted: nothing of it is recorded again, its dates least of all
        leader = bearer(app, "yjj_leader")
        assert (
            client.post(
                f"/api/v1/visits/{ids['visit']}/dates",
                headers=chief,
                json={"checked_on": "2026-04-28", "checked_until": "2026-04-29", "reason": "改正"},
            ).status_code
            == 403
        )
        corrected = client.post(
            f"/api/v1/visits/{ids['visit']}/dates",
            headers=leader,
            json={"checked_on": "2026-04-28", "checked_until": "2026-04-29", "reason": "笔录载明4月29日结束检查"},
        )
        # brought forward (Saturday 9 May worked)
        assert corrected.status_code == 200 and corrected.get_json()["report_due"] == "2026-05-09"
        assert client.post(f"/api/v1/visits/{ids['visit']}/approve", headers=leader).get_json()["status"] == "approved"
        planner = bearer(app, "yjj_planner")
        published = client.post("/api/v1/visits/publish", headers=planner, json={"visit_ids": [ids["visit"]]})
        assert published.status_code == 200 and published.get_json()[0]["version"] == 1
        foreign = bearer(app, "scj_planner")
        assert client.get(f"/api/v1/visits/{ids['visit']}", headers=foreign).status_code == 404


def test_the_department_administrator_links_an_inspector_to_one_account(app):
    ids = _setup(app)
    if True:
        admin = signed_in(app, "yjj_admin")
        page = f"/catalog/inspectors/{ids['member_inspector']}"
        assert "褚明" in _text(admin.get(page))
        taken = post_form(admin, f"{page}/account", {"user_id": str(ids["chief_id"])}, token_from=page)
        assert taken.status_code == 302
        assert "已关联检查人员" in _text(admin.get(page))  # one person, one link: refused with the other entry named
        planner = signed_in(app, "yjj_planner")
        assert post_form(planner, f"{page}/account", {"user_id": ""}, token_from="/").status_code == 403


def test_an_attachment_is_downloaded_only_by_those_who_may_read_the_visit(app):
    ids = _setup(app)
    page = f"/visits/{ids['visit']}"
    member = signed_in(app, "yjj_inspector2")
    png = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32
    sent = member.post(
        f"{page}/attachments",
        data={"file": (io.BytesIO(png), "现场.png"), "csrf_token": csrf_token(member, page)},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    link = re.search(rf'href="({page}/attachments/\d+)"', member.get(page).get_data(as_text=True)).group(1)
    got = member.get(link)
    assert got.status_code == 200 and got.data == png and got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert signed_in(app, "scj_planner").get(link).status_code == 404  # another department
    assert app.test_client().get(link).status_code == 302  # to the sign-in page
    bad = member.post(
        f"{page}/attachments",
        data={"file": (io.BytesIO(b"MZ\x90\x00"), "photo.png"), "csrf_token": csrf_token(member, page)},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "PDF" in _text(bad)
    summary = bad.get_data(as_text=True).split('id="attach-form"')[1].split("</form>")[0]
    assert 'class="error-summary"' in summary and 'href="#file"' in summary  # the attach form's own summary
    none = member.post(f"{page}/attachments", data={"csrf_token": csrf_token(member, page)})
    assert none.status_code == 422  # no file chosen: said in the form's summary, not flashed
    summary = none.get_data(as_text=True).split('id="attach-form"')[1].split("</form>")[0]
    assert "请选择要上传的文件" in summary and 'href="#file"' in summary
