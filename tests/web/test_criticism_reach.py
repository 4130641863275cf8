"""A bureau writes only about what it supervises (通报的点名范围, issue 93): 宁安市司法局's notice of criticism may not
name in its title a department it does not supervise (牡丹江市市场监督管理局, by its full name, a short form or its
short name), citing the rule in force; its text may name the departments of its findings and the bureaus above it
(根据牡丹江市司法局…), and any other department it names is shown to the signing leader, who confirms each before
approving — the confirmation kept in the audit trail. 牡丹江市司法局 names 宁安市's departments: they are in its branch.

The demo city as ``spotcheck demo`` loads it, each step as the bureau's supervisor or leader takes it, on both
databases."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.accounts.names import departments_named
from spotcheck.tenants.audit.vocabulary import DETAIL_LABELS
from spotcheck.tenants.supervision import commands as supervision
from spotcheck.tenants.supervision.models import Criticism, CriticismStatus
from tests.support.demo_world import demo_city
from tests.support.helpers import bearer, post_form, signed_in, user_named
from tests.support.page_text import visible_text

pytestmark = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)

RULE = "《行政执法监督条例》（国务院令第825号）第二条、第六条"


@pytest.fixture
def demo(app):
    with app.app_context():
        demo_city(today="2026-11-21")
    return app


def _draft(client) -> str:
    """A draft notice of the bureau, from the year's figures: its page's address."""
    drafted = post_form(client, "/supervision/criticisms", {"period": "2026"}, token_from="/supervision/criticisms")
    assert drafted.status_code == 302
    return drafted.headers["Location"]


def _edit(client, detail: str, title: str, body: str):
    return post_form(client, detail + "/edit", {"title": title, "body": body}, token_from=detail)


def _criticism(app, detail: str) -> Criticism:
    with app.app_context(), system_access("test: the notice as it is"):
        found = db.session.get(Criticism, int(detail.rstrip("/").rsplit("/", 1)[1]))
        db.session.expunge(found)
        return found


def test_the_one_function_finds_a_department_by_each_name_the_platform_knows(demo):
    """Full name, the short form people write (市场监管局) and the short name its 文号 begin with (牡市监); the longest
    first, so 牡丹江市市场监督管理局 is not also read as another department; a name without a place finds none."""
    with demo.app_context(), system_access("test: every department"):
        tenants = list(db.session.scalars(sa.select(Tenant).order_by(Tenant.id)))
        codes = {t.code: t for t in tenants}

        def found(text: str) -> list[str]:
            return [t.code for t in departments_named(text, tenants)]

        assert found("牡丹江市市场监督管理局的检查") == ["MDJSCJ"]
        assert found("牡丹江市市场监管局") == ["MDJSCJ"] and found("牡市监抽〔2026〕1号") == ["MDJSCJ"]
        assert found("宁安市市场监管局会同宁安镇综合行政执法办公室") == ["SCJ", "NAZF"]
        assert found("市场监督管理局") == [] and found("应急管理工作") == []
        assert codes["NAZF"].full_name == "宁安镇综合行政执法办公室"


def test_a_title_naming_a_department_outside_the_bureaus_supervision_is_refused_citing_the_rule(demo):
    """宁安市司法局's supervisor titles its notice after 牡丹江市市场监督管理局 (any of its names): refused, naming it,
    the bureau and the rule in force, and nothing changes; the town's office, which it supervises, may be named."""
    supervisor = signed_in(demo, "sfj_supervisor")
    detail = _draft(supervisor)
    before = _criticism(demo, detail).title
    for title in ("关于牡丹江市市场监督管理局检查工作的通报", "关于牡丹江市市场监管局的通报", "关于牡市监的通报"):
        refused = _edit(supervisor, detail, title, "第一段。\n\n请整改。")
        assert refused.status_code == 422, title
        summary = visible_text(html.unescape(refused.get_data(as_text=True)).split('id="form-errors"')[1])
        assert "牡丹江市市场监督管理局" in summary and "宁安市司法局" in summary and RULE in summary, summary
        assert _criticism(demo, detail).title == before
    assert _edit(supervisor, detail, "关于宁安镇综合行政执法办公室的通报", "第一段。\n\n请整改。").status_code == 302
    assert _criticism(demo, detail).title == "关于宁安镇综合行政执法办公室的通报"


def test_the_leader_cannot_sign_a_draft_whose_title_names_a_department_outside(demo):
    """A draft titled before the rule (written straight to its row) reaches the leader: the page warns, and signing is
    refused naming the title and the department; nothing is numbered."""
    supervisor = signed_in(demo, "sfj_supervisor")
    detail = _draft(supervisor)
    with demo.app_context(), system_access("test: a draft titled before the rule"):
        found = db.session.get(Criticism, _criticism(demo, detail).id)
        found.title = "关于牡丹江市市场监督管理局的通报"
        db.session.commit()
    leader = signed_in(demo, "sfj_leader")
    page = html.unescape(leader.get(detail).get_data(as_text=True))
    assert 'id="criticism-title-outside"' in page and "牡丹江市市场监督管理局" in page
    refused = post_form(leader, detail + "/approve", {}, token_from=detail)
    assert refused.status_code == 422
    summary = visible_text(html.unescape(refused.get_data(as_text=True)).split('id="approve-errors"')[1])
    assert "标题" in summary and "牡丹江市市场监督管理局" in summary and RULE in summary
    assert _criticism(demo, detail).status == CriticismStatus.draft and not _criticism(demo, detail).number


def test_another_department_named_in_the_text_is_confirmed_by_the_signing_leader_and_audited(demo):
    """The text cites 牡丹江市司法局 (the bureau above: free) and names 牡丹江市市场监督管理局 (neither found nor
    above): the leader's page lists that one alone to confirm; signing without ticking it is refused naming it and
    the field; ticked, the notice is signed and the trail keeps who confirmed which department, its key labelled in
    Chinese."""
    supervisor = signed_in(demo, "sfj_supervisor")
    detail = _draft(supervisor)
    body = (
        "根据牡丹江市司法局《关于开展行政执法监督工作的通知》，本局对各部门工作情况进行了检查。\n\n"
        "牡丹江市市场监督管理局在宁安市开展的督导检查中发现的问题一并通报。"
    )
    assert _edit(supervisor, detail, "关于2026年度“双随机、一公开”监管工作情况的通报", body).status_code == 302
    leader = signed_in(demo, "sfj_leader")
    page = html.unescape(leader.get(detail).get_data(as_text=True))
    others = page.split('id="criticism-named-others"')[1].split("</fieldset>")[0]
    assert 'value="MDJSCJ"' in others and "牡丹江市市场监督管理局" in others
    assert "牡丹江市司法局" not in others  # the bureau above is cited freely

    refused = post_form(leader, detail + "/approve", {}, token_from=detail)
    assert refused.status_code == 422
    summary = visible_text(html.unescape(refused.get_data(as_text=True)).split('id="approve-errors"')[1])
    assert "牡丹江市市场监督管理局" in summary and "正文" in summary
    assert _criticism(demo, detail).status == CriticismStatus.draft

    with demo.app_context():  # the command asks the same of any caller: the field by its name
        leader_user = user_named("sfj_leader")
        with tenant_scope(leader_user.tenant_id), pytest.raises(InvalidInputError) as unconfirmed:
            supervision.approve(_criticism(demo, detail).id, {"confirm_named": ["SCJ"]}, actor=leader_user)
        assert "牡丹江市市场监督管理局" in " ".join(unconfirmed.value.errors["confirm_named"])
        db.session.rollback()

    signed = post_form(leader, detail + "/approve", {"confirm_named": "MDJSCJ"}, token_from=detail)
    assert signed.status_code == 302
    approved = _criticism(demo, detail)
    assert approved.status == CriticismStatus.approved and approved.number
    with demo.app_context(), system_access("test: the trail"):
        entry = db.session.scalars(
            sa.select(AuditEntry)
            .where(AuditEntry.action == "criticism.approved", AuditEntry.object_id == str(approved.id))
            .order_by(AuditEntry.id.desc())
        ).first()
        assert entry is not None and entry.details["confirmed_named"] == ["牡丹江市市场监督管理局"]
    assert str(DETAIL_LABELS["confirmed_named"]) != "confirmed_named"


def test_the_api_shows_the_leader_what_to_confirm_and_signs_only_once_confirmed(demo):
    """The same through the API: the notice lists the department to confirm; signing without it is a 422 naming
    ``confirm_named`` in Chinese; with it, the notice is signed."""
    supervisor = signed_in(demo, "sfj_supervisor")
    detail = _draft(supervisor)
    body = "本局对各部门工作情况进行了检查。\n\n宁安市应急管理局配合牡丹江市市场监管局开展了督导检查。"
    assert _edit(supervisor, detail, "关于2026年度工作情况的通报", body).status_code == 302
    criticism_id = _criticism(demo, detail).id
    client, headers = demo.test_client(), bearer(demo, "sfj_leader")
    read = client.get(f"/api/v1/supervision/criticisms/{criticism_id}", headers=headers).get_json()
    assert {d["code"] for d in read["to_confirm"]} >= {"MDJSCJ"} and read["title_outside"] == []
    refused = client.post(f"/api/v1/supervision/criticisms/{criticism_id}/approve", json={}, headers=headers)
    assert refused.status_code == 422
    [message] = refused.get_json()["errors"]["json"]["confirm_named"]
    assert "牡丹江市市场监督管理局" in message and "确认" in message
    codes = [d["code"] for d in read["to_confirm"]]
    signed = client.post(
        f"/api/v1/supervision/criticisms/{criticism_id}/approve", json={"confirm_named": codes}, headers=headers
    )
    assert signed.status_code == 200 and signed.get_json()["status"] == "approved" and signed.get_json()["number"]
    supervisor_headers = bearer(demo, "sfj_supervisor")  # the supervisor drafts; only a leader signs
    assert (
        client.post(f"/api/v1/supervision/criticisms/{criticism_id}/approve", json={}, headers=supervisor_headers)
    ).status_code == 403


def test_the_city_bureau_names_the_county_departments_of_its_branch(demo):
    """牡丹江市司法局 supervises 宁安市 through its branch: its title may name 宁安市市场监督管理局."""
    supervisor = signed_in(demo, "mdjsfj_supervisor")
    detail = _draft(supervisor)
    assert _edit(supervisor, detail, "关于宁安市市场监督管理局的通报", "第一段。\n\n请整改。").status_code == 302
