"""The business's voice on the pages (投诉、回避、办理结果): a complaint reaches the justice bureau, which forwards it
on
its page to the department complained about — anonymously here — and answers the business; the department's leader
answers the forward on its own page, and until the forward no page or API answer of the department's leader, planner
or inspector holds anything of the complaint. The business reads what became of its requests with its code, and
nobody without the code does."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import RecusalRequest
from spotcheck.tenants.supervision import commands as supervision
from spotcheck.tenants.supervision.models import Complaint, ComplaintForward
from tests.support.helpers import post_form, signed_in, tenant_id, user_named
from tests.support.id_number_scan import crawl, refused_by_guard, report
from tests.support.personal_data_world import personal_token
from tests.support.results_world import codes_of, handed_out, visit
from tests.support.route_urls import ids_by_table, route_urls

DURING = date(2026, 4, 1)  # inside the world's campaign window
COMPLAINT = {
    "text": "检查人员甲乙丙要求我单位提供与检查事项无关的材料。",
    "contact_name": "暗访联系人",
    "contact_phone": "13900001111",
}
FORWARDED = "有企业反映检查人员要求提供与检查事项无关的材料，请核实并答复。"
ANSWER = "经核实，已要求检查人员只索取与检查事项有关的材料。"
REPLY = "经核实，已督促该部门规范检查行为，特此答复。"


def _complained(app) -> tuple[dict, str, str]:
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _, business, _ = codes_of(ids)
        db.session.commit()
    with frozen_at(DURING):
        page = f"/public/checks/{token}"
        sent = post_form(
            app.test_client(), f"{page}/complaint", {**COMPLAINT, "business_code": business}, token_from=page
        )
        assert sent.status_code == 302
    return ids, token, business


def test_the_bureau_forwards_on_its_page_and_the_department_answers_on_its_own(app):
    ids, _, _ = _complained(app)
    with frozen_at(DURING):
        bureau, leader = signed_in(app, "sfj_supervisor"), signed_in(app, "yjj_leader")
        home = bureau.get("/").get_data(as_text=True)
        assert "转办或答复投诉" in home
        listed = bureau.get("/supervision/complaints").get_data(as_text=True)
        assert "只有司法局可见" in listed and "待处理" in listed
        with app.app_context(), tenant_scope(tenant_id("SFJ")):
            made = db.session.scalar(sa.select(Complaint.id))
        page = f"/supervision/complaints/{made}"
        shown = bureau.get(page).get_data(as_text=True)
        assert "暗访联系人 · 13900001111" in shown and 'id="forward"' in shown and 'id="answer"' in shown
        assert leader.get(page).status_code == 403 and leader.get("/supervision/complaints").status_code == 403
        assert "答复司法局" not in leader.get("/").get_data(as_text=True)
        refused = post_form(bureau, f"{page}/forward", {"named": "", "text": "短"}, token_from=page)
        assert refused.status_code == 422 and "请选择转办时是否附企业名称" in refused.get_data(as_text=True)
        forwarded = post_form(bureau, f"{page}/forward", {"named": "no", "text": FORWARDED}, token_from=page)
        assert forwarded.status_code == 302
        shown = bureau.get(page).get_data(as_text=True)
        assert (
            'id="complaint-forward"' in shown
            and "未附企业名称：部门看不到企业名称" in shown
            and 'id="forward"' not in shown
        )
        # the department's leader: a to-do, the list, the forward as forwarded — no business, campaign or date
        home = leader.get("/").get_data(as_text=True)
        assert "答复司法局" in home and "司法局转办的投诉" in home
        with app.app_context(), tenant_scope(ids["tenant"]):
            forward_id = db.session.scalar(sa.select(ComplaintForward.id))
            entity, campaign_code = visit(ids).entity.name, visit(ids).campaign.code
        assert f"/complaints/forwarded/{forward_id}" in leader.get("/complaints/forwarded").get_data(as_text=True)
        mine = f"/complaints/forwarded/{forward_id}"
        text = leader.get(mine).get_data(as_text=True)
        assert FORWARDED in text and COMPLAINT["text"] not in text
        assert entity not in text and campaign_code not in text and "未附企业名称" in text
        assert signed_in(app, "yjj_planner").get(mine).status_code == 403  # a leader's to answer
        assert signed_in(app, "scj_leader").get(mine).status_code == 404  # another department's: no such complaint
        answered = post_form(leader, mine, {"answer": ANSWER}, token_from=mine)
        assert answered.status_code == 302
        assert ANSWER in leader.get(mine).get_data(as_text=True)
        # the bureau reads the answer and answers the business
        shown = bureau.get(page).get_data(as_text=True)
        assert ANSWER in shown and "答复企业" in bureau.get("/").get_data(as_text=True)
        replied = post_form(bureau, page, {"answer": REPLY}, token_from=page)
        assert replied.status_code == 302 and REPLY in bureau.get(page).get_data(as_text=True)


def test_the_business_reads_its_outcomes_with_its_code_and_nobody_else_does(app):
    ids, token, business = _complained(app)
    with app.app_context(), frozen_at(DURING):
        leader, supervisor = user_named("yjj_leader"), user_named("sfj_supervisor")
        with tenant_scope(ids["tenant"]):
            members = [(m.id, m.shown_name, m.shown_cert_no) for m in results_queries.team_of(visit(ids))]
        asked, kept = members[-1], members[0]
        accepted = results.request_recusal(
            token, {"business_code": business, "cert_no": asked[2], "reason": "该检查人员的配偶在本企业任职。"}
        ).id
        refused = results.request_recusal(
            token, {"business_code": business, "cert_no": kept[2], "reason": "与本企业负责人有经济往来。"}
        ).id
        with tenant_scope(ids["tenant"]):
            results.decide_recusal_request(
                accepted, {"accept": "yes", "reason": "经核实属实，同意回避。"}, actor=leader
            )
            results.decide_recusal_request(refused, {"accept": "no", "reason": "经核实无利害关系。"}, actor=leader)
            db.session.commit()
            # accepted, the member is replaced at once by the rule of the draw
            [new] = [m for m in results_queries.team_of(visit(ids)) if m.id not in {asked[0], kept[0]}]
            replacement = f"{new.shown_name}（{new.shown_cert_no}）"
            assert db.session.scalar(sa.select(sa.func.count()).select_from(RecusalRequest)) == 2
        with tenant_scope(supervisor.tenant_id):
            made = db.session.scalar(sa.select(Complaint.id))
            supervision.forward_complaint(made, {"named": "no", "text": FORWARDED}, actor=supervisor)
            supervision.answer_complaint(made, {"answer": REPLY}, actor=supervisor)
            db.session.commit()
    with frozen_at(DURING):
        public, page = app.test_client(), f"/public/checks/{token}"
        check = public.get(page).get_data(as_text=True)
        assert 'id="outcomes-form"' in check and REPLY not in check and "经核实属实" not in check
        assert public.get(f"{page}/outcomes").status_code == 405  # asked by a form, never by an address
        wrong = post_form(public, f"{page}/outcomes", {"business_code": "0000-0000-0000"}, token_from=page)
        text = wrong.get_data(as_text=True)
        assert wrong.status_code == 422 and "企业核验码" in text and REPLY not in text and "经核实属实" not in text
        read = post_form(public, f"{page}/outcomes", {"business_code": business}, token_from=page)
        text = read.get_data(as_text=True)
        assert read.status_code == 200 and "no-store" in read.headers["Cache-Control"]
        assert "经核实属实，同意回避。" in text and replacement in text and asked[1] in text
        assert "已同意：检查人员回避并替换" in text and "经核实无利害关系。" in text and "不同意" in text
        assert REPLY in text and "已转办被投诉的部门，未附贵单位名称。" in text
        assert COMPLAINT["contact_phone"] not in text  # who complained is the bureau's
        assert "本企业未评价本次检查。" in text  # the team has not left: nothing to evaluate yet


def _walks(app, ids, logins, wanted) -> tuple[list, dict]:
    page_urls, api_urls = route_urls(app, ids), route_urls(app, ids, prefix="/api/")
    results_, statuses = [], {}
    for login in logins:
        client = signed_in(app, login)
        headers = personal_token(client)
        refused = refused_by_guard(app, login)
        pages = crawl(app, client, page_urls, who=f"{login} (session)", wanted=wanted, refused=refused)
        api = crawl(
            app,
            app.test_client(),
            api_urls,
            who=f"{login} (token)",
            wanted=wanted,
            headers=headers,
            api_only=True,
            refused=refused,
        )
        results_ += [pages, api]
        statuses[login] = pages.statuses
    return results_, statuses


@pytest.mark.slow(40)
def test_a_complaint_is_on_no_page_or_api_answer_of_the_department_until_forwarded(app):
    _ids, _, _ = _complained(app)
    wanted = {
        COMPLAINT["text"]: "the complaint's text",
        COMPLAINT["contact_name"]: "who complained",
        COMPLAINT["contact_phone"]: "their phone",
        FORWARDED: "the text forwarded",
    }
    with frozen_at(DURING):
        routes = ids_by_table(app)
        walks, _ = _walks(app, routes, ("yjj_leader", "yjj_planner", "yjj_inspector"), wanted)
        leaks, errors = report(walks)
        assert not leaks, "the department read a complaint not forwarded:\n" + "\n".join(leaks)
        assert not errors, "\n".join(errors)
        with app.app_context(), tenant_scope(tenant_id("SFJ")):
            made = db.session.scalar(sa.select(Complaint.id))
            supervision.forward_complaint(made, {"named": "no", "text": FORWARDED}, actor=user_named("sfj_supervisor"))
            db.session.commit()
        # forwarded: the leader reads the text forwarded (the walk finds it), never the original or who made it
        walks, statuses = _walks(
            app, ids_by_table(app), ("yjj_leader",), {k: v for k, v in wanted.items() if k != FORWARDED}
        )
        leaks, errors = report(walks)
        assert not leaks and not errors, "\n".join(leaks + errors)
        forward_pages = [
            url
            for url, status in statuses["yjj_leader"].items()
            if url.startswith("/complaints/forwarded/") and status == 200
        ]
        assert forward_pages, "the walk never opened the forward"
        assert FORWARDED in signed_in(app, "yjj_leader").get(forward_pages[0]).get_data(as_text=True)


def test_the_portal_tells_businesses_who_reads_what_they_say(app):
    public = app.test_client()
    page = public.get("/public/businesses")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for said in (
        "每一条评价只有司法局能看到",
        "5条以上评价的汇总数字",
        "投诉内容和投诉人只有司法局能看到",
        "被投诉的部门看不到投诉，除非司法局转办",
        "可以不附企业名称",
        "输入企业核验码",
    ):
        assert said in text, said
    assert 'href="/public/businesses"' in public.get("/public").get_data(as_text=True)
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _, _, _ = codes_of(ids)
        db.session.commit()
    with frozen_at(DURING):
        assert 'href="/public/businesses"' in public.get(f"/public/checks/{token}").get_data(as_text=True)


def test_each_business_form_opens_the_page_at_itself_and_the_trail_names_the_business(app):
    """A phone shows what became of a form: each form's address opens the answer at the form (its refusal beside
    it), a request sent opens at the line saying so; the department's trail names the business as the actor."""
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _, business, _ = codes_of(ids)
        with tenant_scope(ids["tenant"]):
            cert_no = results_queries.team_of(visit(ids))[-1].shown_cert_no
        db.session.commit()
    with frozen_at(DURING):
        public, page = app.test_client(), f"/public/checks/{token}"
        text = public.get(page).get_data(as_text=True)
        for form in ("recusal", "complaint", "outcomes"):
            assert f'/{form}#{form}-form" id="{form}-form"' in text, form
        sent = post_form(
            public,
            f"{page}/recusal",
            {"business_code": business, "cert_no": cert_no, "reason": "该检查人员的配偶在本企业任职。"},
            token_from=page,
        )
        assert sent.status_code == 302 and sent.headers["Location"].endswith("#business-recusal-sent")
        assert 'id="business-recusal-sent"' in public.get(sent.headers["Location"]).get_data(as_text=True)
        again = post_form(
            public,
            f"{page}/recusal",
            {"business_code": business, "cert_no": cert_no, "reason": "再次申请回避"},
            token_from=page,
        )
        shown = again.get_data(as_text=True)
        assert again.status_code == 409
        form_html = shown[shown.index('id="recusal-form"') : shown.index("</form>", shown.index('id="recusal-form"'))]
        assert 'id="business-refusal"' in form_html  # beside the form it came from
        trail = signed_in(app, "yjj_leader").get("/audit").get_data(as_text=True)
        assert "被检查单位（凭企业核验码）" in trail and ">business<" not in trail
