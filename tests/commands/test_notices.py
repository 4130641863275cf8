"""Notices (文书) as PDF, the inbox, e-mail and SMS deliveries, and the reminders of deadlines.

Documents are checked by extracting their text (pypdf); e-mail goes to a real SMTP server on
loopback (aiosmtpd); SMS goes through the logging adapter, as it does until a gateway is plugged in."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from spotcheck.core import storage
from spotcheck.core.calendar import is_working_day
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.job_models import Job
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.notices import commands as notice_commands, delivery, queries as notice_queries, reminders
from spotcheck.tenants.notices.models import Channel, Delivery, DeliveryStatus, Message, Notice, NoticeKind
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import FollowUp, Visit
from tests.support.campaign_world import build, planner_of
from tests.support.documents import pdf_text
from tests.support.helpers import bearer, signed_in, tenant_id, user_named
from tests.support.notice_world import TODAY, Mailbox, notices_of as _notices
from tests.support.results_world import handed_out, published, teams_drawn, visit


def _inbox(login: str) -> list[Message]:
    user = user_named(login)
    return list(db.session.scalars(sa.select(Message).where(Message.user_id == user.id)))


@pytest.mark.seconds(2.8)
def test_handing_out_writes_every_notice_once_and_tells_the_inspectors(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out(notices=True)  # the notices job ran when the visits were handed out (before anyone was linked)
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            campaign = campaigns.get_campaign(ids["campaign"])
            inspections, assignments = _notices(NoticeKind.inspection), _notices(NoticeKind.assignment)
            assert len(inspections) == ids["visits"]
            members = db.session.execute(
                sa.text("SELECT count(DISTINCT inspector_id) FROM team_member WHERE campaign_id = :c AND active"),
                {"c": campaign.id},
            ).scalar()
            assert len(assignments) == members
            [job] = db.session.scalars(sa.select(Job).where(Job.kind == "notices.campaign"))
            assert job.items_done == job.items_total == ids["visits"] + members  # 已完成 N / N, beside the bar
            # linked after the hand-out's notices were written: told when linked, not again when the job runs again
            assert len(_inbox("yjj_inspector")) == 1
            again = notice_commands.write_campaign_notices(campaign.id, actor=planner)
            assert again["inspection"] == again["assignment"] == 0 and again["told"] == 0
            assert len(_notices(NoticeKind.inspection)) == ids["visits"]
            assert notice_commands.write_campaign_notices(campaign.id, actor=planner)["told"] == 0  # nothing twice
            [message] = _inbox("yjj_inspector")
            assert (
                message.title.startswith("检查任务派遣") and campaign.code in message.title and message.read_at is None
            )
            # the message leads to the inspector's visit, or to their visits of this campaign
            assert message.link == f"/visits/mine?campaign={campaign.id}" or re.fullmatch(r"/visits/\d+", message.link)

            one = visit(ids)
            notice = db.session.scalar(
                sa.select(Notice).where(Notice.visit_id == one.id, Notice.kind == NoticeKind.inspection)
            )
            data = storage.read(notice.storage_key)
            assert data.startswith(b"%PDF") and storage.head(notice.storage_key, 4) == b"%PDF"
            assert hashlib.sha256(data).hexdigest() == notice.sha256
            text = pdf_text(data)
            team = results_queries.team_of(one)
            for expected in (
                "检查通知书",
                one.entity.name,
                one.entity.code,
                campaign.code,
                notice.number,
                campaign.tenant.name,
                "2026年",
                "（印章）",
                *[m.inspector.name for m in team],
                *[m.inspector.cert_no for m in team],
                *[item.name for item in campaign.items],
            ):
                assert expected.replace(" ", "") in text, expected
            assert notice.number.startswith(campaign.tenant.short_name or campaign.tenant.name)
            numbers = [n.number for n in _notices(NoticeKind.inspection)]
            assert len(set(numbers)) == len(numbers)  # each document its own number
            leader = team[0].inspector
            own = notice_queries.assignment_of(campaign.id, user_named("yjj_inspector"))
            text = pdf_text(storage.read(own.storage_key))
            assert leader.name in text and leader.cert_no in text and one.entity.name in text and "组长" in text


@pytest.mark.seconds(2.5)
def test_documents_are_read_by_the_people_concerned_only(app):
    with frozen_at(TODAY):
        with app.app_context():
            ids = handed_out()
            with tenant_scope(ids["tenant"]):
                notice_commands.write_campaign_notices(ids["campaign"], actor=planner_of(user_named("yjj_admin")))
                inspection = db.session.scalar(sa.select(Notice.id).where(Notice.visit_id == ids["visit"]))
                other_visit = db.session.scalar(
                    sa.select(Visit.id).where(Visit.campaign_id == ids["campaign"], Visit.id != ids["visit"])
                )
                elsewhere = db.session.scalar(sa.select(Notice.id).where(Notice.visit_id == other_visit))
        chief = signed_in(app, "yjj_inspector")
        page = chief.get(f"/visits/{ids['visit']}").get_data(as_text=True)
        # the inspection notice carries the business's own code (企业核验码): the department delivers it,
        # the team reads its assignment notice
        assert f"/notices/{inspection}.pdf" not in page and 'data-kind="assignment"' in page
        assert chief.get(f"/notices/{inspection}.pdf").status_code == 404
        assert chief.get(f"/notices/{elsewhere}.pdf").status_code == 404
        got = signed_in(app, "yjj_planner").get(f"/notices/{inspection}.pdf")
        assert got.status_code == 200 and got.mimetype == "application/pdf" and got.data.startswith(b"%PDF")
        assert "attachment" in got.headers["Content-Disposition"]
        assert signed_in(app, "scj_planner").get(f"/notices/{inspection}.pdf").status_code == 404
        assert signed_in(app, "sfj_supervisor").get(f"/notices/{inspection}.pdf").status_code == 404
        header = chief.get("/").get_data(as_text=True)
        assert 'id="inbox-unread"' in header  # the unread count in the header
        inbox = chief.get("/inbox").get_data(as_text=True)
        assert "检查任务派遣" in inbox
        api = app.test_client()
        listed = api.get("/api/v1/inbox", headers=bearer(app, "yjj_inspector")).get_json()
        assert listed["unread"] == 1 and listed["items"][0]["notice_id"]
        assert api.get(
            f"/api/v1/notices/{listed['items'][0]['notice_id']}/pdf", headers=bearer(app, "yjj_inspector")
        ).data.startswith(b"%PDF")
        empty = api.post("/api/v1/inbox/read", json={}, headers=bearer(app, "yjj_inspector"))
        assert empty.status_code == 422 and "ids" in empty.get_json()["errors"]["json"]  # nothing marked unasked
        assert api.get("/api/v1/inbox", headers=bearer(app, "yjj_inspector")).get_json()["unread"] == 1
        read = api.post("/api/v1/inbox/read", json={"all": True}, headers=bearer(app, "yjj_inspector")).get_json()
        assert read == {"marked": 1, "unread": 0}
        assert 'id="inbox-unread"' not in chief.get("/").get_data(as_text=True)
        documents = api.get(
            f"/api/v1/campaigns/{ids['campaign']}/notices", headers=bearer(app, "yjj_planner")
        ).get_json()
        assert {d["kind"] for d in documents} == {"inspection", "assignment"}
        assert (
            api.get(f"/api/v1/campaigns/{ids['campaign']}/notices", headers=bearer(app, "scj_planner")).status_code
            == 404
        )


@pytest.mark.seconds(1.2)
def test_email_and_sms_go_once_each_and_a_failed_send_is_tried_again_later(app, caplog):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            with pytest.raises(InvalidInputError) as refused:
                accounts.set_contact({"email": "not-an-address", "mobile": "12345"}, actor=chief)
            assert set(refused.value.errors) == {"email", "mobile"}
            accounts.set_contact({"email": "chief@yjj.example.cn", "mobile": "13912345678"}, actor=chief)
        mailbox = Mailbox()
        app.config["SPOTCHECK_SMTP_HOST"], app.config["SPOTCHECK_SMTP_PORT"] = "127.0.0.1", mailbox.port
        with tenant_scope(ids["tenant"]):  # the SMTP server is not up yet: the e-mail waits for its next try
            caplog.set_level(logging.INFO, logger="spotcheck.tenants.notices.channels")
            notice_commands.write_campaign_notices(ids["campaign"], actor=planner_of(user_named("yjj_admin")))
        with tenant_scope(ids["tenant"]):
            rows = {d.channel: d for d in db.session.scalars(sa.select(Delivery).where(Delivery.user_id == chief.id))}
        assert set(rows) == {Channel.inbox, Channel.email, Channel.sms}
        assert rows[Channel.sms].status == DeliveryStatus.sent  # the logging adapter, number masked in the log
        assert "139****5678" in caplog.text and "13912345678" not in caplog.text
        email = rows[Channel.email]
        assert email.status == DeliveryStatus.pending and email.attempts == 1 and "SMTP" in email.last_error
        assert email.next_attempt_at.replace(tzinfo=UTC) > datetime(2026, 10, 12, tzinfo=UTC)
        assert delivery.send_due(SCHEDULER) == {"sent": 0, "failed": 0}  # not due again yet
        with mailbox, frozen_at(datetime(2026, 10, 12, 2, 0, tzinfo=UTC)):
            assert delivery.send_due(SCHEDULER) == {"sent": 1, "failed": 0}
            assert delivery.send_due(SCHEDULER) == {"sent": 0, "failed": 0}  # a second run sends nothing
            with tenant_scope(ids["tenant"]):  # neither does the notices job run again
                notice_commands.write_campaign_notices(ids["campaign"], actor=planner_of(user_named("yjj_admin")))
            assert delivery.send_due(SCHEDULER) == {"sent": 0, "failed": 0}
        [(to, content)] = mailbox.received
        assert to == ["chief@yjj.example.cn"] and "Message-ID:" in content
        with tenant_scope(ids["tenant"]):
            sent = db.session.get(Delivery, email.id)
            assert sent.status == DeliveryStatus.sent and sent.attempts == 2
    with frozen_at(TODAY):
        log = signed_in(app, "yjj_admin").get("/notices/deliveries").get_data(as_text=True)
        assert "c***@yjj.example.cn" in log and "139****5678" in log and "13912345678" not in log
        assert signed_in(app, "yjj_planner").get("/notices/deliveries").status_code == 403


def test_a_send_that_keeps_failing_ends_failed_after_the_last_try(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            accounts.set_contact({"email": "chief@yjj.example.cn", "mobile": ""}, actor=chief)
        app.config["SPOTCHECK_SMTP_HOST"], app.config["SPOTCHECK_SMTP_PORT"] = "127.0.0.1", 9  # nobody listens
        with tenant_scope(ids["tenant"]):
            notice_commands.write_campaign_notices(ids["campaign"], actor=planner_of(user_named("yjj_admin")))
        moment = datetime(2026, 10, 12, 1, 0, tzinfo=UTC)
        for minutes in (2, 10, 40, 200):  # 1, 5, 25, 125 minutes apart
            moment += timedelta(minutes=minutes)
            with frozen_at(moment):
                delivery.send_due(SCHEDULER)
        with tenant_scope(ids["tenant"]):
            email = db.session.scalar(
                sa.select(Delivery).where(Delivery.user_id == chief.id, Delivery.channel == Channel.email)
            )
            assert email.status == DeliveryStatus.failed and email.attempts == 5


@pytest.mark.seconds(3.0)
def test_reminders_go_on_working_days_once_a_day_and_escalate_an_overdue_publication(app):
    with app.app_context():
        with frozen_at(TODAY):
            ids = handed_out(
                window_start="2026-09-01",
                window_end="2026-10-31",
                exempt_kind="complaint",
                exempt_reason="群众投诉举报",
            )  # checked in the autumn, outside the plan's months
            with tenant_scope(ids["tenant"]):
                results.record_result(visit(ids).id, {"checked_on": "2026-10-09"}, actor=user_named("yjj_inspector"))
                db.session.commit()
                report_due = visit(ids).report_due
        # five working days after Friday 9 October: Saturday the 10th is a make-up working day (调休上班)
        assert report_due == date(2026, 10, 15) and is_working_day(date(2026, 10, 10))
        with frozen_at(date(2026, 10, 14)), tenant_scope(ids["tenant"]):
            lines = reminders.due_lines(date(2026, 10, 14))
            chief = user_named("yjj_inspector")
            assert any("即将到期" in line and "检查结果报送" in line for line in lines[chief.id])
        with frozen_at(date(2026, 10, 14)):
            first = reminders.send_reminders(actor=SCHEDULER)
            assert first["working_day"] and first["reminded"] >= 1
            assert reminders.send_reminders(actor=SCHEDULER)["reminded"] == 0  # once a day
            with tenant_scope(ids["tenant"]):
                [message] = [m for m in _inbox("yjj_inspector") if m.title.startswith("待办提醒")]
                assert "检查结果报送" in message.body
        with pytest.raises(ForbiddenError):
            reminders.send_reminders(actor=user_named("yjj_admin"))
        for day in (date(2026, 10, 1), date(2026, 10, 18)):  # National Day; a Sunday that is no make-up day
            assert not is_working_day(day)
            with frozen_at(day):
                assert reminders.send_reminders(actor=SCHEDULER) == {
                    "day": day.isoformat(),
                    "working_day": False,
                    "reminded": 0,
                }
        with frozen_at(date(2026, 10, 12)), tenant_scope(ids["tenant"]):
            results.record_result(
                visit(ids).id,
                {
                    "method": "onsite",
                    "record": "现场检查记录。",
                    "evaluation": "未发现问题。",
                    "opinions": "继续保持。",
                    "items": {str(ids["item"]): {"categories": ["no_problem"]}},
                },
                actor=user_named("yjj_inspector"),
            )
            results.submit_result(visit(ids).id, actor=user_named("yjj_inspector"))
            results.approve_result(visit(ids).id, actor=user_named("yjj_leader"))
            db.session.commit()
            publish_due, entity_name = visit(ids).publish_due, visit(ids).entity.name
        assert publish_due == date(2026, 11, 5)  # 20 working days after the check ended, not after the approval
        late = publish_due + timedelta(days=1)
        while not is_working_day(late):
            late += timedelta(days=1)
        with frozen_at(late), tenant_scope(ids["tenant"]):
            lines = reminders.due_lines(late)
            leader, planner = user_named("yjj_leader"), planner_of(user_named("yjj_admin"))
            assert any("已逾期" in line and "公示" in line for line in lines[planner.id])
            assert any("已逾期" in line and "公示" in line for line in lines[leader.id])  # escalated
    with frozen_at(late):  # past the deadline, the supervisor sees it on the home page
        home = signed_in(app, "sfj_supervisor").get("/").get_data(as_text=True)
        assert 'id="home-overdue-publications"' in home and entity_name in home and "逾期未公示" in home
        with app.app_context():  # the results' query of it: read across departments, for a supervisor only
            total, rows = results_queries.overdue_publications(reader=user_named("sfj_supervisor"))
            assert total >= 1 and entity_name in {row["entity"] for row in rows}
            with pytest.raises(ForbiddenError):
                results_queries.overdue_publications(reader=user_named("yjj_leader"))


def test_a_transfer_sends_its_letter_to_the_receiving_department_only(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            one = published(ids)
            transfer = results.open_follow_up(
                one.id,
                {
                    "kind": "transfer",
                    "details": "发现超范围经营，移送市场监管局",
                    "receiver_tenant_id": tenant_id("SCJ"),
                },
                actor=user_named("yjj_inspector"),
            )
            transfer_id, entity_name = transfer.id, one.entity.name
            letter = db.session.scalar(sa.select(Notice).where(Notice.kind == NoticeKind.transfer))
            assert letter is not None and letter.receiver_tenant_id == tenant_id("SCJ")
            text = pdf_text(storage.read(letter.storage_key))
            assert "移送函" in text and entity_name in text and "超范围经营" in text and "应急预案未按规定演练" in text
            letter_id = letter.id
        with tenant_scope(tenant_id("SCJ")):
            assert notice_queries.letter_of(db.session.get(FollowUp, transfer_id)).id == letter_id
            told = [m for m in _inbox("scj_planner") if m.title.startswith("移送函")]
            assert len(told) == 1 and told[0].notice_id == letter_id
            assert [m for m in _inbox("scj_inspector") if m.title.startswith("移送函")] == []
        with tenant_scope(tenant_id("SWJ")):
            assert db.session.scalar(sa.select(Notice).where(Notice.id == letter_id)) is None
    receiver = signed_in(app, "scj_leader")
    assert f"/notices/{letter_id}.pdf" in receiver.get(f"/transfers/{transfer_id}").get_data(as_text=True)
    assert receiver.get(f"/notices/{letter_id}.pdf").status_code == 200
    assert signed_in(app, "swj_planner").get(f"/notices/{letter_id}.pdf").status_code == 404
    assert signed_in(app, "scj_inspector").get(f"/notices/{letter_id}.pdf").status_code == 404


def test_the_result_announcement_lists_the_published_results(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            campaign = campaigns.get_campaign(ids["campaign"])
            with pytest.raises(InvalidInputError):
                notice_commands.write_announcement(campaign.id, actor=planner)
            one = published(ids)
            notice = notice_commands.write_announcement(campaign.id, actor=planner)
            text = pdf_text(storage.read(notice.storage_key))
            assert "检查结果公告" in text and one.entity.name in text and one.entity.code in text
            assert "违反本部门其他规定" in text and campaign.code in text
            assert (
                notice_commands.write_announcement(campaign.id, actor=planner).number != notice.number
            )  # a new version
    planner_page = signed_in(app, "yjj_planner")
    page = planner_page.get(f"/campaigns/{ids['campaign']}/notices").get_data(as_text=True)
    assert "检查结果公告" in page and "write-announcement" in page


def test_a_notice_signs_with_the_departments_full_name_and_place_even_where_its_name_lacks_the_place(app):
    """部门全称: a department named before the regions' tree (应急管理局, its place nowhere in the name) still signs its
    documents as 宁安市应急管理局 — its region's name, then its own — at the head and beside the seal."""
    with app.app_context(), frozen_at(TODAY):
        world = build()
        campaign_id = teams_drawn(world)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            tenant = db.session.get(Tenant, admin.tenant_id)
            assert tenant.name == "宁安市应急管理局" and tenant.full_name == tenant.name  # not said twice
            db.session.execute(sa.update(Tenant).where(Tenant.id == tenant.id).values(name="应急管理局"))
            db.session.commit()
            results.hand_out(campaign_id, actor=planner_of(admin))
            db.session.commit()
            [first, *_] = _notices(NoticeKind.inspection)
            text = pdf_text(storage.read(first.storage_key))
        assert text.count("宁安市应急管理局") >= 2, text[:400]
