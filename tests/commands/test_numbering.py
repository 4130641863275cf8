"""Official document numbers (文号) have no gaps: a number is issued only with its document, in the
same transaction; a refused or rolled-back step issues none; two issuers at once never share one."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.commands import unit_of_work
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps
from spotcheck.tenants.common import numbering
from spotcheck.tenants.notices import writing
from spotcheck.tenants.notices.vocabulary import NoticeKind
from spotcheck.tenants.supervision import criticism as criticisms
from spotcheck.tenants.supervision.models import Criticism
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import make_app, tenant_id, user_named


def test_refused_and_rolled_back_approvals_issue_no_number_and_codes_run_on(app, monkeypatch):
    """A draft is 未编号; a refused approval (wrong role, plan no longer followed) or one that fails
    after taking its number (rolled back) leaves the counter where it was; a deleted draft never had
    a number; the approved campaigns are 1号, 2号, 3号 with no gap."""
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(admin.tenant_id):
            first = campaign_commands.create_campaign(campaign_data(world), actor=planner)
            assert first.code is None
            with pytest.raises(ForbiddenError):
                campaign_commands.approve(first.id, actor=planner)  # a planner does not approve
            broken = campaign_commands.create_campaign(campaign_data(world, title="将被改坏的任务"), actor=planner)
            broken.window_start, broken.window_end = date(2026, 6, 1), date(2026, 6, 30)  # the plan says March–April
            db.session.commit()
            with pytest.raises(InvalidInputError):  # outside the plan's months now: refused at approval
                campaign_commands.approve(broken.id, actor=leader)

            def fails(*args, **kwargs):
                raise ConflictError("the commitment could not be stored")

            with monkeypatch.context() as patched:
                patched.setattr(draw_steps, "commit_draw", fails)
                with pytest.raises(ConflictError):
                    campaign_commands.approve(first.id, actor=leader)  # took 1号, then failed: rolled back
            region = admin.tenant.region_id  # a campaign code's number: its short name's in the department's region
            assert numbering.last_issued_in_region(region, "宁应急", "campaign", 2026) == 0 and first.code is None

            dropped = campaign_commands.create_campaign(campaign_data(world, title="作废草稿"), actor=planner)
            campaign_commands.delete_draft(dropped.id, actor=planner)
            codes = [campaign_commands.approve(first.id, actor=leader).code]
            for title in ("第二批", "第三批"):
                draft = campaign_commands.create_campaign(campaign_data(world, title=title), actor=planner)
                codes.append(campaign_commands.approve(draft.id, actor=leader).code)
            assert codes == ["宁应急抽〔2026〕1号", "宁应急抽〔2026〕2号", "宁应急抽〔2026〕3号"]
            assert numbering.last_issued_in_region(region, "宁应急", "campaign", 2026) == 3
            assert broken.code is None


def test_a_notice_of_criticism_naming_several_departments_takes_one_number(app):
    """A 通报 is one document with one number, however many departments receive a copy: the next one
    is the next number (counting the copies used to skip numbers)."""
    with app.app_context(), frozen_at(datetime(2026, 11, 23, 2, tzinfo=UTC)):
        bureau = tenant_id("SFJ")
        findings = [
            {"tenant_id": tenant_id(code), "name": code, "reasons": [{"code": "filing_late", "text": "逾期报备"}]}
            for code in ("SCJ", "YJJ", "SWJ")
        ]
        numbers = []
        with tenant_scope(bureau):
            issuer = db.session.get(Tenant, bureau)
            for n in range(2):
                with unit_of_work():
                    criticism = Criticism(period="2026", title=f"通报{n}", body="正文", findings=findings)
                    db.session.add(criticism)
                    db.session.flush()
                    number, copies = criticisms.write(
                        issuer,
                        criticism.id,
                        title=criticism.title,
                        opening=["正文"],
                        findings=findings,
                        closing=[],
                        contact="测试",
                        link="/supervision/received",
                    )
                    assert len(copies) == 3
                    numbers.append(number)
        assert numbers == ["宁司法通〔2026〕1号", "宁司法通〔2026〕2号"]


def test_a_number_is_taken_only_inside_a_command(app):
    with app.app_context(), tenant_scope(tenant_id("YJJ")), pytest.raises(RuntimeError):
        numbering.issue(tenant_id("YJJ"), "campaign", 2026)


@pytest.mark.postgres
def test_two_issuers_at_once_never_share_a_number(postgres_url):
    """Two connections issue numbers of the same kind at once, each in its own transaction held open
    a moment: every number is issued once, and together they run 1…N with no gap."""
    app = make_app(postgres_url)
    with app.app_context():
        tenant = tenant_id("YJJ")
        db.engine.dispose()
    issued, errors, barrier = [], [], threading.Barrier(2)

    def issuer():
        with app.app_context(), tenant_scope(tenant):
            try:
                barrier.wait()
                for _ in range(10):
                    with unit_of_work():
                        number = numbering.issue(tenant, "inspection", 2026)
                        db.session.execute(sa.text("SELECT pg_sleep(0.01)"))
                    issued.append(number)
            except Exception as failed:
                errors.append(failed)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issuer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(issued) == list(range(1, 21))
    with app.app_context():
        db.engine.dispose()


@pytest.mark.postgres
def test_two_leaders_approving_at_once_get_two_codes(postgres_url):
    """Two campaigns approved at the same moment by two requests: 1号 and 2号, never the same."""
    app = make_app(postgres_url)
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            ids = [
                campaign_commands.create_campaign(campaign_data(world, title=f"并发{n}"), actor=planner_of(admin)).id
                for n in range(2)
            ]
            tenant = admin.tenant_id
        db.engine.dispose()
    codes, barrier = [], threading.Barrier(2)

    def approve(campaign_id):
        with app.app_context(), tenant_scope(tenant):
            leader = user_named("yjj_leader")
            barrier.wait()
            codes.append(campaign_commands.approve(campaign_id, actor=leader).code)
            db.session.remove()

    threads = [threading.Thread(target=approve, args=(campaign_id,)) for campaign_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(codes) == ["宁应急抽〔2026〕1号", "宁应急抽〔2026〕2号"]
    with app.app_context():
        db.engine.dispose()


def test_a_command_writing_many_documents_takes_their_numbers_at_once_and_they_run_on(app):
    """A job that writes N documents takes N numbers in one step, in order; a further one is taken
    on its own; the next command goes on from there, and a rolled-back block is given back."""
    with app.app_context(), frozen_at(datetime(2026, 11, 23, 2, tzinfo=UTC)):
        bureau = tenant_id("SFJ")
        with tenant_scope(bureau):
            issuer = db.session.get(Tenant, bureau)
            with unit_of_work():
                number = writing.numberer(issuer, NoticeKind.inspection, 3)
                first = [number() for _ in range(4)]
            with pytest.raises(ConflictError), unit_of_work():
                writing.numberer(issuer, NoticeKind.inspection, 5)()
                raise ConflictError("the job failed")
            with unit_of_work():
                after = writing.numberer(issuer, NoticeKind.inspection, 1)()
            assert numbering.last_issued(bureau, "inspection", 2026) == 5
        assert [n.split("〔2026〕")[1] for n in [*first, after]] == ["1号", "2号", "3号", "4号", "5号"]
