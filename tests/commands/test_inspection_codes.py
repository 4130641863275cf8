"""扫码入企 (国办发〔2024〕54号): every visit handed out gets an inspection code (检查码) anyone can check
and a business code (企业核验码) printed for the business alone; the public page of a code says what
state the inspection is in; the 组长 records 入企 and 离企.

The notice's QR is read back as a phone would: its page rendered (pypdfium2) and decoded (zxing-cpp)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp

from spotcheck.core import personal_data, storage
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.notices.models import Notice, NoticeKind
from spotcheck.tenants.results import codes, commands as results, queries as results_queries, vocabulary
from spotcheck.tenants.results.models import InspectionCode, RecusalRequest, Visit
from spotcheck.tenants.results.queries.codes import public_check
from spotcheck.tenants.results.vocabulary import ALPHABET, CheckState, RecusalRequestStatus
from spotcheck.tenants.rules import commands as rules_commands, rulebook
from tests.support.campaign_world import build, planner_of
from tests.support.documents import pdf_text
from tests.support.helpers import user_named
from tests.support.notice_world import TODAY
from tests.support.results_world import complete_result, handed_out, teams_drawn, visit
from tests.support.rules_files import changed_department_rules

#: A day inside the world's campaign window (2026-03-01 to 2026-04-30): its codes are valid.
DURING = date(2026, 4, 1)


def _codes() -> list[InspectionCode]:
    return list(db.session.scalars(sa.select(InspectionCode).order_by(InspectionCode.id)))


@pytest.mark.seconds(1.4)
def test_every_visit_handed_out_gets_two_codes_no_one_can_guess(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            found = _codes()
            assert len(found) == ids["visits"]  # one each, every visit of the campaign
            assert {c.visit_id for c in found} == set(
                db.session.scalars(sa.select(Visit.id).where(Visit.campaign_id == ids["campaign"]))
            )
            for code in found:
                assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", code.token)  # 16 random bytes: 128 bits
                assert len(code.typed) == 12 and set(code.typed) <= set(ALPHABET)  # 60 bits to type
                business = codes.business_code(code)
                assert len(business) == 12 and business not in code.business_encrypted  # never kept in clear
                assert code.business_digest == personal_data.digest(business)
            assert len({c.token for c in found}) == len({c.typed for c in found}) == len(found)
            entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "campaign.handed_out"))
            assert entry.details["codes"] == ids["visits"]


@pytest.mark.seconds(1.7)
def test_the_public_reads_a_code_by_its_qr_or_typed_and_a_made_up_one_is_unknown(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            one = visit(ids)
            token, typed = one.code.token, one.code.typed
            campaign = campaigns.get_campaign(ids["campaign"])
            department = campaign.tenant.name
            team = {(i.name, i.cert_no) for i in codes.teams_of(campaign.id)[one.entity_id]}
        check = public_check(token=token)  # outside any department: the public names none
        assert check is not None and check.state == CheckState.valid
        assert check.department == department
        assert check.campaign_title == campaign.title and check.window_end == campaign.window_end
        assert check.entity_name == one.entity.name and check.items and all(name for name, _ in check.items)
        assert {(name, cert_no) for name, cert_no, _ in check.team} == team and len(team) >= 2
        assert [leader for _, _, leader in check.team].count(True) == 1 and check.team[0][2]  # the 组长 first
        spaced = f"{typed[:4].lower()}-{typed[4:8]} {typed[8:]}"  # as a person types it
        assert public_check(typed=spaced) == check
        assert public_check(token="x" * 22) is None and public_check(typed="0000-0000-0000") is None
        assert public_check(typed="short") is None and public_check(token="") is None


def test_only_the_team_leader_records_arrival_then_departure_and_the_page_follows(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        chief, member = user_named("yjj_inspector"), user_named("yjj_inspector2")
        with tenant_scope(ids["tenant"]):
            with pytest.raises(ConflictError):
                results.record_departure(ids["visit"], actor=chief)  # not arrived yet
            with pytest.raises(ForbiddenError):
                results.record_arrival(ids["visit"], actor=member)  # a member, not the 组长
            results.record_arrival(ids["visit"], actor=chief)
            db.session.commit()
            with pytest.raises(ConflictError):
                results.record_arrival(ids["visit"], actor=chief)  # once
            token = visit(ids).code.token
        arrived = public_check(token=token)
        assert arrived.state == CheckState.valid and arrived.arrived_at is not None and arrived.left_at is None
        with tenant_scope(ids["tenant"]):
            results.record_departure(ids["visit"], actor=chief)
            db.session.commit()
            code = visit(ids).code
            assert code.left_by_name == chief.display_name
            actions = set(
                db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_id == str(ids["visit"])))
            )
            assert {"visit.arrived", "visit.left"} <= actions
        assert public_check(token=token).state == CheckState.finished


def test_the_team_arrives_only_within_the_campaigns_window(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            campaign = campaigns.get_campaign(ids["campaign"])
            start, end = campaign.window_start, campaign.window_end
    for day, words in ((start - timedelta(days=1), "不得提前入企"), (end + timedelta(days=1), "检查码已过期")):
        with app.app_context(), frozen_at(day), tenant_scope(ids["tenant"]):
            with pytest.raises(ConflictError) as refused:
                results.record_arrival(ids["visit"], actor=chief)
            assert words in str(refused.value) and visit(ids).code.arrived_at is None
    with app.app_context(), frozen_at(start), tenant_scope(ids["tenant"]):
        results.record_arrival(ids["visit"], actor=chief)  # its first day
        db.session.commit()
        assert visit(ids).code.arrived_at is not None


def test_a_code_whose_window_ended_without_arrival_has_expired(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            token = visit(ids).code.token
            window_end = campaigns.get_campaign(ids["campaign"]).window_end
    with app.app_context(), frozen_at(window_end + timedelta(days=1)):
        assert public_check(token=token).state == CheckState.expired


def test_no_code_for_an_inspection_that_may_not_take_place(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            one = visit(ids)
            team = codes.teams_of(one.campaign_id)[one.entity_id]
            assert codes.why_no_code(one.campaign, team, TODAY) is None
            team[0].cert_expires_on = TODAY - timedelta(days=1)  # 严禁未取得执法证件的人员实施行政检查
            assert "执法证件" in codes.why_no_code(one.campaign, team, TODAY)
            one.campaign.items[0].status = "draft"  # 行政检查事项未经公布的，不得实施
            assert "公布" in codes.why_no_code(one.campaign, [], TODAY)
            db.session.rollback()


@pytest.mark.seconds(2.3)
def test_a_visit_handed_out_with_a_lapsed_certificate_gets_its_codes_once_the_member_is_replaced(app):
    with app.app_context(), frozen_at(TODAY):
        campaign_id = teams_drawn(build())
        admin = user_named("yjj_admin")
        planner = planner_of(admin)
        with tenant_scope(admin.tenant_id):
            campaign = campaigns.get_campaign(campaign_id)
            first = min(campaigns.list_team_members(campaign), key=lambda m: (m.entity_id, m.id))
            first.inspector.cert_expires_on = TODAY - timedelta(days=1)  # lapsed: this visit may not take place
            visits = {v.entity_id: v for v in results.hand_out(campaign_id, actor=planner)}
            db.session.commit()
            assert visits[first.entity_id].code is None and any(
                v.code for v in visits.values()
            )  # the others have theirs
            campaign_commands.replace_inspector(campaign_id, {"member_id": first.id, "reason": "leave"}, actor=planner)
            db.session.commit()
            coded = db.session.scalar(
                sa.select(InspectionCode).where(InspectionCode.visit_id == visits[first.entity_id].id)
            )
            assert coded is not None and len(coded.typed) == 12
            assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "visit.codes_issued"))


@pytest.mark.seconds(2.4)
def test_the_notice_to_the_business_prints_its_codes_and_a_qr_that_opens_the_codes_page(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out(notices=True)
        with tenant_scope(ids["tenant"]):
            one = visit(ids)
            notice = db.session.scalar(
                sa.select(Notice).where(Notice.visit_id == one.id, Notice.kind == NoticeKind.inspection)
            )
            data = storage.read(notice.storage_key)
            url = codes.public_url(one.code.token)
            business = vocabulary.grouped(codes.business_code(one.code))
        text = re.sub(r"\s+", "", pdf_text(data))
        assert f"检查码：{vocabulary.grouped(one.code.typed)}" in text and f"企业核验码：{business}" in text
        page = pypdfium2.PdfDocument(data)[0].render(scale=3).to_pil()
        [found] = zxingcpp.read_barcodes(page)
        assert found.format == zxingcpp.BarcodeFormat.QRCode and found.text == url
        assert url.startswith(app.config["SPOTCHECK_PUBLIC_BASE_URL"]) and url.endswith(
            "/public/checks/" + one.code.token
        )


def test_a_typed_code_reads_the_same_however_it_is_typed():
    # no letter of the alphabet is taken for a digit: a code read aloud or copied by hand is typed right
    assert not set("ILOU") & set(ALPHABET) and len(ALPHABET) == 32
    assert vocabulary.normalise_typed(" o1il-ABCD efgh ") == "0111ABCDEFGH"
    assert vocabulary.grouped("0111ABCDEFGH") == "0111-ABCD-EFGH"


def test_the_business_confirms_once_with_its_own_code_only(app):
    """确认入企 (its evaluation, the justice bureau's, is tests/commands/test_evaluations.py)."""
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            code = visit(ids).code
            token, business = code.token, codes.business_code(code)
            with pytest.raises(ConflictError):
                results.confirm_visit(token, {"business_code": business})  # the team has not arrived
            results.record_arrival(ids["visit"], actor=chief)
            db.session.commit()
        wrong = vocabulary.grouped(codes.new_typed())
        with pytest.raises(InvalidInputError) as refused:
            results.confirm_visit(token, {"business_code": wrong})
        assert set(refused.value.errors) == {"business_code"} and "企业核验码不正确" in str(
            refused.value.errors["business_code"][0]
        )
        assert public_check(token=token).confirmed_at is None  # nothing changed
        results.confirm_visit(
            token, {"business_code": vocabulary.grouped(business).lower()}
        )  # as typed from the notice
        assert public_check(token=token).confirmed_at is not None
        with pytest.raises(ConflictError):
            results.confirm_visit(token, {"business_code": business})  # once
        with tenant_scope(ids["tenant"]):
            logins = set(
                db.session.scalars(
                    sa.select(AuditEntry.actor_login).where(AuditEntry.action == "visit.confirmed_by_business")
                )
            )
            assert logins == {"business"}


def test_the_team_leader_records_the_times_late_with_a_reason_and_after_the_window_only_a_leader(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        chief, member, leader = user_named("yjj_inspector"), user_named("yjj_inspector2"), user_named("yjj_leader")
        late = {"arrived_at": "2026-04-01T08:30", "left_at": "2026-04-01T08:50", "reason": "现场网络中断，未能扫码。"}
        with tenant_scope(ids["tenant"]):
            with pytest.raises(InvalidInputError) as refused:
                results.record_late_entry(
                    ids["visit"], {**late, "left_at": "2026-04-01T08:00", "reason": ""}, actor=chief
                )
            assert set(refused.value.errors) == {"left_at", "reason"} and visit(ids).code.arrived_at is None
            for wrong, field in (
                ({"left_at": late["arrived_at"]}, "left_at"),  # the same minute: no visit at all
                ({"arrived_at": "2026-04-01"}, "arrived_at"),  # a day without its time (midnight)
                ({"left_at": "2026-04-01"}, "left_at"),
            ):
                with pytest.raises(InvalidInputError) as refused:
                    results.record_late_entry(ids["visit"], {**late, **wrong}, actor=chief)
                assert set(refused.value.errors) == {field}, wrong
                assert visit(ids).code.arrived_at is None and visit(ids).code.late_at is None
            with pytest.raises(ForbiddenError):
                results.record_late_entry(ids["visit"], late, actor=member)  # the 组长's to record
            results.record_late_entry(ids["visit"], late, actor=chief)
            db.session.commit()
            code = visit(ids).code
            assert code.late_reason == late["reason"] and code.late_by_name == chief.display_name
            assert code.arrived_at < code.left_at and code.left_at is not None
            token, until = code.token, codes.late_entry_until(visit(ids))
        check = public_check(token=token)
        assert check.late and check.state == CheckState.finished
        assert until == campaigns_window_end(ids) + timedelta(days=10)  # the platform's 10 days where no rule says
    with app.app_context(), frozen_at(until + timedelta(days=1)):
        chief, leader = user_named("yjj_inspector"), user_named("yjj_leader")
        with tenant_scope(ids["tenant"]):
            with pytest.raises(ConflictError):
                results.record_late_entry(ids["visit"], late, actor=chief)  # too late for the 组长
            results.record_late_entry(ids["visit"], {**late, "reason": "更正：入企时间登记有误。"}, actor=leader)
            db.session.commit()
            entry = db.session.scalars(
                sa.select(AuditEntry)
                .where(AuditEntry.action == "visit.entry_recorded_late")
                .order_by(AuditEntry.seq.desc())
            ).first()
            assert entry.actor_login == leader.login and entry.details["after_the_window"] is True


def test_where_the_rules_ask_it_a_result_is_submitted_once_the_arrival_is_recorded(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            article = rulebook.document_of(rulebook.version_ids(ids["tenant"])[1]).articles[0].number
            text = changed_department_rules(ids["tenant"], entry_required=(True, article))
            rules_commands.load_department_rules({"text": text}, actor=CONSOLE)
            results.record_result(ids["visit"], complete_result(ids, checked_on=DURING.isoformat()), actor=chief)
            db.session.commit()
            with pytest.raises(InvalidInputError) as refused:
                results.submit_result(ids["visit"], actor=chief)
            assert article in str(refused.value.errors["arrival"][0]) and "入企" in str(
                refused.value.errors["arrival"][0]
            )
            results.record_arrival(ids["visit"], actor=chief)
            results.submit_result(ids["visit"], actor=chief)
            db.session.commit()
            assert visit(ids).status.value == "submitted"


def campaigns_window_end(ids) -> date:
    with tenant_scope(ids["tenant"]):
        return campaigns.get_campaign(ids["campaign"]).window_end


@pytest.mark.seconds(1.5)
def test_a_business_asks_that_an_inspector_withdraw_and_a_leader_decides_with_the_reason(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        leader, chief = user_named("yjj_leader"), user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            one = visit(ids)
            token, business = one.code.token, codes.business_code(one.code)
            members = [(m.id, m.shown_cert_no) for m in results_queries.team_of(one)]
            asked, other = (
                SimpleNamespace(id=members[-1][0], cert_no=members[-1][1]),
                SimpleNamespace(id=members[0][0], cert_no=members[0][1]),
            )
        with pytest.raises(InvalidInputError) as refused:
            results.request_recusal(token, {"business_code": business, "cert_no": "NOT-ON-TEAM", "reason": ""})
        assert set(refused.value.errors) == {"cert_no", "reason"}
        with pytest.raises(InvalidInputError):
            results.request_recusal(
                token, {"business_code": "0000-0000-0000", "cert_no": asked.cert_no, "reason": "亲属"}
            )
        first = results.request_recusal(
            token, {"business_code": business, "cert_no": asked.cert_no, "reason": "该检查人员的配偶在本企业任职。"}
        ).id
        with pytest.raises(ConflictError):
            results.request_recusal(token, {"business_code": business, "cert_no": asked.cert_no, "reason": "再次申请"})
        second = results.request_recusal(
            token, {"business_code": business, "cert_no": other.cert_no, "reason": "与本企业负责人有经济往来。"}
        ).id
        assert public_check(token=token).recusal_asked
        with tenant_scope(ids["tenant"]):
            [task] = [t for t in results_queries.tasks_for(leader) if t.kind == "recusal_request" and t.obj.id == first]
            assert task.actions == {"decide"}
            assert not [
                t for t in results_queries.tasks_for(chief) if t.kind == "recusal_request"
            ]  # a leader's to decide
            coordinator = user_named("yjj_coord")  # the department's joint coordinator: only joint visits' requests
            assert not [t for t in results_queries.tasks_for(coordinator) if "recusal" in t.kind]
            with pytest.raises(ForbiddenError):
                results.decide_recusal_request(first, {"accept": "yes", "reason": "属实"}, actor=chief)
            with pytest.raises(InvalidInputError):
                results.decide_recusal_request(first, {"accept": "maybe", "reason": ""}, actor=leader)
            with pytest.raises(NotFoundError):  # decided on another visit's page: not that visit's request
                results.decide_recusal_request(
                    first, {"accept": "yes", "reason": "属实", "visit_id": ids["visit"] + 1}, actor=leader
                )
            results.decide_recusal_request(first, {"accept": "yes", "reason": "经核实属实，同意回避。"}, actor=leader)
            results.decide_recusal_request(second, {"accept": "no", "reason": "经核实无利害关系。"}, actor=leader)
            db.session.commit()
            with pytest.raises(ConflictError):
                results.decide_recusal_request(first, {"accept": "no", "reason": "改变主意"}, actor=leader)  # once
            team = {m.id: m for m in results_queries.team_of(visit(ids))}
            assert asked.id not in team and len(team) == len(members)  # replaced at once by the rule of the draw
            assert team[other.id].recusal_id is None
            decided = {r.id: r for r in db.session.scalars(sa.select(RecusalRequest))}
            assert decided[first].status == RecusalRequestStatus.accepted and decided[first].decided_by_name
            assert decided[second].status == RecusalRequestStatus.refused
            assert decided[second].decision_reason == "经核实无利害关系。"
        assert not public_check(token=token).recusal_asked


def test_a_late_record_keeps_what_was_recorded_at_the_door(app):
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            results.record_arrival(ids["visit"], actor=chief)
            db.session.commit()
            arrived = visit(ids).code.arrived_at
            with pytest.raises(InvalidInputError) as refused:  # a time at the calendar's edge is refused, not a 500
                results.record_late_entry(
                    ids["visit"], {"left_at": "0001-01-01T05:00+14:00", "reason": "离企未登记"}, actor=chief
                )
            assert set(refused.value.errors) == {"left_at"}
            with frozen_at(datetime(2026, 4, 1, 11, 0)):  # arrived at 09:00 at the door, left at 10:30 unrecorded
                results.record_late_entry(
                    ids["visit"],
                    {
                        "arrived_at": "2026-04-01T06:00",
                        "left_at": "2026-04-01T10:30",
                        "reason": "离企时手机没电，未能登记。",
                    },
                    actor=chief,
                )
            db.session.commit()
            code = visit(ids).code
            assert code.arrived_at == arrived and code.left_at is not None  # only the missing departure is filled
            with pytest.raises(ConflictError):  # both recorded: a leader corrects them
                results.record_late_entry(
                    ids["visit"],
                    {"arrived_at": "2026-04-01T08:00", "left_at": "2026-04-01T08:30", "reason": "更正"},
                    actor=chief,
                )
