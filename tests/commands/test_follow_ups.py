"""Follow-up of problems found (后续处置): each kind opened with what it needs and closed by its
own step; a transfer seen and acknowledged only by the department it was sent to, in the ORM
scope and in row-level security; a visit or campaign with an open follow-up is not closed."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.core.scoping import TenantViolationError, tenant_scope
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import FollowUp, FollowUpKind
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS, FOLLOW_UP_ACTIONS, VISIT_ACTIONS
from spotcheck.tenants.results.queries import follow_ups as follow_up_reads, todo as results_todo
from tests.support.campaign_world import planner_of
from tests.support.helpers import make_app, tenant_id, user_named
from tests.support.results_world import handed_out, published, visit

TODAY = date(2026, 10, 12)


def _trail(visit_id: int) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.object_type == "visit", AuditEntry.object_id == str(visit_id))
            .order_by(AuditEntry.id)
        )
    )


def test_each_follow_up_needs_what_its_kind_needs_and_is_closed_by_its_own_step(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        chief, planner = user_named("yjj_inspector"), planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            with pytest.raises(ConflictError):  # nothing recorded yet: no problem found to follow up
                results.open_follow_up(visit(ids).id, {"kind": "rectification"}, actor=chief)
            one = published(ids)
            assert "follow_up" in VISIT_ACTIONS.allowed(one, chief)
            assert "follow_up" not in VISIT_ACTIONS.allowed(one, user_named("yjj_leader"))
            with pytest.raises(InvalidInputError) as refused:
                results.open_follow_up(one.id, {"kind": "rectification", "details": "补充应急演练"}, actor=chief)
            assert set(refused.value.errors) == {"deadline"}
            with pytest.raises(InvalidInputError) as refused:
                results.open_follow_up(
                    one.id, {"kind": "rectification", "details": "补充应急演练", "deadline": "2026-10-09"}, actor=chief
                )
            assert "past" in str(refused.value.errors["deadline"][0]) or refused.value.errors["deadline"]
            with pytest.raises(InvalidInputError) as refused:
                results.open_follow_up(one.id, {"kind": "seizure"}, actor=chief)
            assert set(refused.value.errors) == {"kind"}
            rectification = results.open_follow_up(
                one.id,
                {"kind": "rectification", "details": "30日内组织应急演练", "deadline": "2026-11-10"},
                actor=chief,
            )
            case = results.open_follow_up(
                one.id,
                {"kind": "case", "details": "未按规定开展应急演练", "case_number": "应急立〔2026〕17号"},
                actor=planner,
            )
            with pytest.raises(InvalidInputError) as refused:
                results.open_follow_up(
                    one.id, {"kind": "case", "details": "重复", "case_number": "应急立〔2026〕17号"}, actor=planner
                )
            assert set(refused.value.errors) == {"case_number"}
            police = results.open_follow_up(
                one.id,
                {"kind": "police", "police_organ": "新城区公安分局", "details": "现场笔录、照片6张、检验报告"},
                actor=planner,
            )
            db.session.commit()
            assert rectification.deadline == date(2026, 11, 10) and rectification.opened_by_name == chief.display_name
            # each open follow-up is a to-do of the visit's team and of the planners, the earliest deadline first
            for reader in (chief, planner):
                to_close = [(t.obj.id, t.actions) for t in results_todo.tasks_for(reader) if t.kind == "follow_up"]
                assert to_close[0] == (rectification.id, {"close"})
                assert {follow_up for follow_up, _ in to_close} == {rectification.id, case.id, police.id}
            assert not [t for t in results_todo.tasks_for(user_named("yjj_leader")) if t.kind == "follow_up"]

            # A visit with an open follow-up is not closed, nor is its campaign.
            assert "close" not in VISIT_ACTIONS.allowed(visit(ids), planner)
            with pytest.raises(ConflictError, match="3"):
                results.close_visit(visit(ids).id, actor=planner)

            with pytest.raises(InvalidInputError) as refused:  # the re-check says whether it was corrected
                results.close_follow_up(rectification.id, {"closed_on": "2026-10-12"}, actor=chief)
            assert set(refused.value.errors) == {"outcome"}
            with pytest.raises(InvalidInputError) as refused:
                results.close_follow_up(
                    rectification.id, {"closed_on": "2026-10-20", "outcome": "rectified"}, actor=chief
                )
            assert set(refused.value.errors) == {"closed_on"}  # not in the future
            results.close_follow_up(
                rectification.id,
                {"closed_on": "2026-10-12", "outcome": "not_rectified", "outcome_note": "复查时仍未演练"},
                actor=chief,
            )
            with pytest.raises(InvalidInputError) as refused:  # a case is concluded with what was decided
                results.close_follow_up(case.id, {"closed_on": "2026-10-12"}, actor=planner)
            assert set(refused.value.errors) == {"outcome_note"}
            results.close_follow_up(
                case.id, {"closed_on": "2026-10-12", "outcome_note": "罚款一万元，已结案"}, actor=planner
            )
            with pytest.raises(ConflictError):
                results.close_follow_up(case.id, {"closed_on": "2026-10-12", "outcome_note": "再次"}, actor=planner)
            results.close_follow_up(
                police.id, {"closed_on": "2026-10-12", "outcome_note": "受案回执 新公受〔2026〕88号"}, actor=planner
            )
            db.session.commit()
            assert [(f.kind, f.outcome) for f in visit(ids).follow_ups] == [
                (FollowUpKind.rectification, "not_rectified"),
                (FollowUpKind.case, "concluded"),
                (FollowUpKind.police, "accepted"),
            ]
            assert "close" in VISIT_ACTIONS.allowed(visit(ids), planner)
            results.close_visit(visit(ids).id, actor=planner)
            db.session.commit()
            assert visit(ids).closed_at is not None
            assert _trail(ids["visit"])[-7:] == ["follow_up.opened"] * 3 + ["follow_up.closed"] * 3 + ["visit.closed"]


def test_a_transfer_is_read_and_acknowledged_only_by_the_department_it_is_sent_to(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        chief, scj_planner = user_named("yjj_inspector"), user_named("scj_planner")
        swj = tenant_id("SWJ")
        with tenant_scope(ids["tenant"]):
            one = published(ids)
            with pytest.raises(InvalidInputError) as refused:  # not to itself, not to nowhere
                results.open_follow_up(
                    one.id,
                    {"kind": "transfer", "details": "涉及无照经营", "receiver_tenant_id": ids["tenant"]},
                    actor=chief,
                )
            assert set(refused.value.errors) == {"receiver_tenant_id"}
            rectification = results.open_follow_up(
                one.id, {"kind": "rectification", "details": "补充演练", "deadline": "2026-11-10"}, actor=chief
            )
            transfer = results.open_follow_up(
                one.id,
                {
                    "kind": "transfer",
                    "details": "发现超范围经营，移送市场监管局",
                    "receiver_tenant_id": tenant_id("SCJ"),
                },
                actor=chief,
            )
            db.session.commit()
            transfer_id, rectification_id, entity_code = transfer.id, rectification.id, one.entity.code
            with pytest.raises(ConflictError):  # the sender cannot close it: the receiver acknowledges
                results.close_follow_up(transfer.id, {"closed_on": "2026-10-12", "outcome_note": "x"}, actor=chief)
            assert "acknowledge" not in FOLLOW_UP_ACTIONS.allowed(transfer, planner_of(user_named("yjj_admin")))
        with tenant_scope(tenant_id("SCJ")):
            [inbox] = follow_up_reads.received(open_only=True)
            assert inbox.id == transfer_id and inbox.transferred["entity_code"] == entity_code
            assert inbox.transferred["problems"][0]["findings"] == "应急预案未按规定演练。"
            assert inbox.transferred["from_department"] == "宁安市应急管理局"
            with pytest.raises(NotFoundError):  # only the transfer, never the sender's other follow-ups
                follow_up_reads.get_follow_up(rectification_id)
            with pytest.raises(NotFoundError):  # nor the visit it came from
                results_queries.get_visit(ids["visit"])
            # the receiver's planner finds it among the to-dos, the sender's visit never read for it
            assert [(t.obj.id, t.actions) for t in results_todo.tasks_for(scj_planner) if t.kind == "transfer"] == [
                (transfer_id, {"acknowledge"})
            ]
            with pytest.raises(ForbiddenError):  # an inspector of the receiver cannot acknowledge
                results.acknowledge_transfer(inbox.id, {"note": ""}, actor=user_named("scj_inspector"))
            results.acknowledge_transfer(inbox.id, {"note": "已签收，转执法科办理"}, actor=scj_planner)
            db.session.commit()
            with pytest.raises(ConflictError):
                results.acknowledge_transfer(
                    follow_up_reads.get_follow_up(transfer_id).id, {"note": ""}, actor=scj_planner
                )
        with tenant_scope(swj):  # a third department sees nothing of it
            assert follow_up_reads.received() == []
            with pytest.raises(NotFoundError):
                follow_up_reads.get_follow_up(transfer_id)
        with tenant_scope(ids["tenant"]):
            done = follow_up_reads.get_follow_up(transfer_id)
            assert done.outcome == "acknowledged" and done.closed_by_name.startswith("宁安市市场监督管理局")
            assert done.outcome_note == "已签收，转执法科办理"
            [still_open] = [f for f in visit(ids).follow_ups if f.is_open]
            assert still_open.id == rectification_id
        with tenant_scope(tenant_id("SCJ")):
            trail = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "follow_up")).all()
            assert trail == ["transfer.acknowledged"]  # in the receiver's own trail


def test_a_campaign_with_an_open_follow_up_is_not_closed(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        _chief, planner = user_named("yjj_inspector"), planner_of(user_named("yjj_admin"))
        with tenant_scope(ids["tenant"]):
            published(ids)
            results.open_follow_up(
                visit(ids).id, {"kind": "case", "details": "未演练", "case_number": "立17"}, actor=planner
            )
            db.session.commit()
            campaign = campaigns.get_campaign(ids["campaign"])
            campaign.status = campaign.status.__class__.published  # as if every other result were published
            assert "close" not in CAMPAIGN_STEPS.allowed(campaign, planner)
            with pytest.raises(ConflictError, match="1"):
                results.close_campaign(campaign.id, actor=planner)
            db.session.rollback()


def test_the_receiver_cannot_write_a_transfer_of_its_own_making(app):
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        with tenant_scope(tenant_id("SCJ")):
            forged = FollowUp(
                tenant_id=ids["tenant"],
                receiver_tenant_id=tenant_id("SCJ"),
                visit_id=ids["visit"],
                kind=FollowUpKind.transfer,
                details="伪造",
                opened_on=date(2026, 10, 12),
            )
            db.session.add(forged)
            with pytest.raises(TenantViolationError):
                db.session.flush()
            db.session.rollback()


@pytest.mark.postgres
def test_row_level_security_shows_a_transfer_to_its_receiver_and_nobody_else(postgres_url):
    app = make_app(postgres_url)
    with app.app_context(), frozen_at(TODAY):
        ids = handed_out()
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            one = published(ids)
            results.open_follow_up(
                one.id, {"kind": "rectification", "details": "补充演练", "deadline": "2026-11-10"}, actor=chief
            )
            results.open_follow_up(
                one.id, {"kind": "transfer", "details": "移送", "receiver_tenant_id": tenant_id("SCJ")}, actor=chief
            )
            db.session.commit()
        scj, swj, yjj = tenant_id("SCJ"), tenant_id("SWJ"), ids["tenant"]
        with tenant_scope(scj):
            rows = db.session.execute(sa.text("SELECT kind, tenant_id FROM follow_up")).all()
            assert rows == [("transfer", yjj)]
            updated = db.session.execute(sa.text("UPDATE follow_up SET outcome_note = 'x'")).rowcount
            assert updated == 1  # the acknowledgement is the receiver's to write
            with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
                db.session.execute(
                    sa.text(
                        "INSERT INTO follow_up (visit_id, kind, details, case_number, police_organ, "
                        "opened_on, opened_at,"
                        " opened_by_name, closed_by_name, outcome, outcome_note, tenant_id, receiver_tenant_id) VALUES"
                        " (:v, 'transfer', '伪造', '', '', now(), now(), '', '', '', '', :owner, :me)"
                    ),
                    {"v": ids["visit"], "owner": yjj, "me": scj},
                )
            db.session.rollback()
        with tenant_scope(scj):
            with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
                db.session.execute(sa.text("UPDATE follow_up SET receiver_tenant_id = :third"), {"third": swj})
            db.session.rollback()
        with tenant_scope(swj):
            assert db.session.execute(sa.text("SELECT count(*) FROM follow_up")).scalar() == 0
        db.session.rollback()
        db.engine.dispose()
