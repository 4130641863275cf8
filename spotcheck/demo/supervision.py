"""演示监督与共享: what follows the results — the credit-system export (信用信息共享), the justice
bureau's notice of criticism (通报), its check of one blinded draw (核验抽取) and 应急管理局's statistical tables
(报表报送)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import cast

import sqlalchemy as sa

from spotcheck.core import clock
from spotcheck.core.database import db
from spotcheck.core.policy import SCHEDULER
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo import business as demo_business
from spotcheck.demo.people import user_named
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns.models import DrawCheck
from spotcheck.tenants.exports import commands as exports
from spotcheck.tenants.results import codes
from spotcheck.tenants.results.models import InspectionCode
from spotcheck.tenants.rules.rulebook import rules_for
from spotcheck.tenants.supervision import commands as supervision, draw_checks, duties, entries
from spotcheck.tenants.supervision.models import Complaint, Criticism, ReportSubmission


def credit_export(tenants: dict[str, Tenant]) -> None:
    """The results published above go to the credit system (信用信息共享): each department's batch,
    built and delivered as the scheduler does it (into ``SPOTCHECK_EXPORT_DIR``, by default
    ``<storage>/credit-export``). Nothing is pending when the demo is loaded again: nothing is built."""
    for tenant in tenants.values():
        with tenant_scope(tenant.id):
            if exports.build_batch(actor=SCHEDULER) is not None:
                exports.deliver_waiting(SCHEDULER)


def criticism(*, year: int, today: date) -> None:
    """A notice of criticism (通报) of the first half-year, drafted from the figures by the justice
    bureau's supervisor and approved by its leader once the half-year is over: the departments
    named find it in their inbox. Left alone when the demo has one already."""
    if date(year, 7, 1) > today:
        return
    supervisor, leader = user_named("sfj_supervisor"), user_named("sfj_leader")
    with tenant_scope(supervisor.tenant_id):
        if db.session.scalar(sa.select(Criticism.id).limit(1)) is not None:
            return
        draft = supervision.draft({"period": f"{year}H1"}, actor=supervisor)
        if draft.findings:
            supervision.approve(draft.id, actor=leader)


def draw_check(tenants: dict[str, Tenant]) -> None:
    """The justice bureau's supervisor checks one blinded draw with its key and clear file (核验抽取): 应急管理局's
    target draw, whose public page then states the verdict. Every other draw — the joint campaign's among them —
    stays on the bureau's home to check. Left alone once the bureau has checked any."""
    supervisor = user_named("sfj_supervisor")
    bureau = cast(int, supervisor.tenant_id)  # the demo's bureau
    with tenant_scope(bureau):
        if db.session.scalar(sa.select(DrawCheck.id).where(DrawCheck.tenant_id == bureau).limit(1)):
            return
        found = next(
            (
                draw
                for draw in reversed(draw_checks.checkable(bureau))
                if draw.kind == "targets" and draw.department_id == tenants["YJJ"].id and not draw.joint
            ),
            None,
        )
        if found is not None:
            supervision.check_draw(found.campaign_id, found.kind, actor=supervisor)


#: What 应急管理局 answers in the cells a table leaves to the department (是否已出台实施意见或工作方案).
DEMO_CELLS = {"document": "是，本局“双随机、一公开”工作细则已印发施行（示例）"}


def submissions(*, year: int, today: date) -> None:
    """应急管理局's statistical tables (报表报送), whichever the rules in force ask of it: the first one due this year
    (under 宁安市's rulebook, the first half-year's progress table) prepared by its planner three days before it is
    due and signed by its leader the day before; the second (宁安市: the non-market-field table) signed two days late;
    the other departments have submitted nothing (missing on the justice bureau's overview). Left alone once
    应急管理局 has submitted anything, or when nothing was due yet."""
    planner, leader = user_named("yjj_planner"), user_named("yjj_leader")
    with tenant_scope(leader.tenant_id):
        if db.session.scalar(sa.select(ReportSubmission.id).limit(1)) is not None:
            return
        passed = [
            state.due
            for state in duties.states_of(cast(Tenant, leader.tenant), [year], today)
            if state.owed and state.due.due_on + timedelta(days=2) < today
        ]
        # reports on a period that is over first (宁安市's half-year tables), then any other (城口县's quarterly ones);
        # those due the same day in the order the rules list the duties
        listed = [duty["table"] for duty in rules_for(cast(Tenant, leader.tenant).id).duties]
        owed = sorted(
            passed,
            key=lambda due: (
                due.due_on <= due.period.end,
                due.due_on,
                listed.index(due.duty.code) if due.duty.code in listed else 99,
            ),
        )[:2]
        contact = {"contact": planner.display_name, "phone": "0571-87000001"}
        for number, due in enumerate(owed):
            said = {"code": due.duty.code, "period": due.period.code}
            if cells := entries.cells_of(due.duty.code):  # what the platform holds no data for: the planner fills it
                with clock.frozen_at(due.due_on - timedelta(days=4)):
                    supervision.fill_cells(
                        {**said, "cells": {cell.key: DEMO_CELLS[cell.key] for cell in cells}}, actor=planner
                    )
            if number == 0:
                with clock.frozen_at(due.due_on - timedelta(days=3)):
                    prepared = supervision.prepare({**said, **contact}, actor=planner)
                with clock.frozen_at(due.due_on - timedelta(days=1)):
                    supervision.submit({**said, "digest": prepared.digest}, actor=leader)
            else:
                with clock.frozen_at(due.due_on + timedelta(days=2)):
                    supervision.submit({**said, **contact}, actor=leader)


def complaint(tenants: dict[str, Tenant]) -> None:
    """The caterer checked by both levels (:func:`spotcheck.demo.business.two_level_visits`) complains to the justice
    bureau, two hours after the county market bureau's team left, about a request made at the door; the bureau
    forwards it the next day to the market bureau without the business's name (转办), the market bureau's leader
    answers the bureau two days later, and the bureau answers the business (投诉、转办、答复) — its record shows the
    answered complaint. Left alone once the bureau has a complaint."""
    supervisor = user_named("sfj_supervisor")
    with tenant_scope(supervisor.tenant_id):
        if db.session.scalar(sa.select(Complaint.id).limit(1)) is not None:
            return
    market = user_named("scj_admin").tenant_id
    found = demo_business.two_level_visits(tenants)
    if found is None:
        return
    with tenant_scope(market):
        code = db.session.scalar(sa.select(InspectionCode).where(InspectionCode.visit_id == found[0].id))
        if code is None or code.left_at is None:
            return
        token, business = code.token, codes.business_code(code)
        left = clock.local(code.left_at)
    start = left.replace(tzinfo=None)
    with clock.frozen_at(start + timedelta(hours=2)):
        made = supervision.complain(
            token,
            {
                "business_code": business,
                "contact_name": "陈店长",
                "contact_phone": "13905710001",
                "text": "检查人员要求提供近三年全部进货单据复印件，超出本次检查事项的范围。",
            },
        )
    with clock.frozen_at(start + timedelta(days=1)), tenant_scope(supervisor.tenant_id):
        forward = supervision.forward_complaint(
            made.id,
            {
                "named": "no",
                "text": "有企业反映，检查人员要求提供近三年全部进货单据复印件，超出检查事项的范围。请核实并答复。",
            },
            actor=supervisor,
        )
    leader = user_named("scj_leader")
    with clock.frozen_at(start + timedelta(days=3)), tenant_scope(leader.tenant_id):
        supervision.answer_forwarded(
            forward.id,
            {
                "answer": "经核实，个别检查人员对材料要求把握不准，已组织学习检查事项清单，"
                "今后只要求提供与检查事项有关的材料。"
            },
            actor=leader,
        )
    with clock.frozen_at(start + timedelta(days=5)), tenant_scope(supervisor.tenant_id):
        supervision.answer_complaint(
            made.id,
            {"answer": "经核实，检查人员所要材料超出检查事项范围，已责令市场监督管理局规范材料要求，并向企业说明。"},
            actor=supervisor,
        )
