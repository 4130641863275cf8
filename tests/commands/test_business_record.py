"""The business's own record (企业检查档案): one business checked by two departments — 应急管理局's random check and
商务局's check of named businesses (特定对象检查) — read on each day as it goes: coming from the window's first day (or
the rules' notice period before it), under way with its code and what the business may do, past as published only
(never a draft or a returned result) with its rectification orders (never a case), the named check nowhere until its
own 离企; the cap ledger as the register counts, the named check left out of it until then; the business's requests
and their outcomes. The statements grow with the departments, never with the checks."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.business_record.queries import Record, record_of
from spotcheck.tenants.business_record.vocabulary import Part
from spotcheck.tenants.campaigns import commands as campaign_commands, inspection_counts
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.results import codes, commands as results
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.vocabulary import CheckState, RecusalRequestStatus
from spotcheck.tenants.rules import commands as rules_commands
from spotcheck.tenants.rules.rulebook import document_of, version_ids
from spotcheck.tenants.supervision import commands as supervision
from spotcheck.tenants.supervision.models import ComplaintStatus
from tests.support import joint_world, named_world
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import user_named
from tests.support.leader_accounts import open_leader_accounts
from tests.support.results_world import complete_result, handed_out, visit
from tests.support.rules_files import changed_department_rules

BEFORE, FIRST_DAY = date(2026, 2, 20), date(2026, 3, 2)  # the campaigns' window: 2026-03-01 to 2026-04-30


def _at(day: date, hour: int = 9):
    return frozen_at(datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI))


def _register_count(entity: Entity, year: int) -> int:
    """The register's count of the business's checks toward its yearly cap (its region's rules), as a frame reads it:
    the named checks not disclosed yet left out."""
    _, rules = inspection_counts.rules_of_business(entity.region_code, date(year, 6, 1))
    rows = inspection_counts.register_rows([entity.id], year, None, withheld=False).get(entity.id, [])
    return len({key for key, _, _, kind, _ in rows if kind is not None and kind not in rules.cap_exempt_kinds})


def _two_departments():
    """应急管理局's random check handed out (its first visit's business), and 商务局's check of that business named on a
    referral (有关部门转办移送: a cause the cap counts), handed out; returns (yjj ids, swj ids, entity id)."""
    with _at(BEFORE):
        ids = handed_out()
        with tenant_scope(ids["tenant"]):
            entity_id = visit(ids).entity_id
        code = db.session.get(Entity, entity_id).code
        swj_world = build("swj", first_code=0)  # 商务局's directory holds the same businesses
        named = named_world.handed_out(
            swj_world,
            department="swj",
            codes=[code],
            named_targets=[{"entity_code": code, "cause": "referral", "reference": "市监移〔2026〕7号"}],
        )
    return ids, {**named, "item": swj_world["item"]}, entity_id


def _business_code(tenant: int, visit_id: int) -> tuple[str, str]:
    with tenant_scope(tenant):
        one = db.session.get(Visit, visit_id)
        return one.code.token, codes.business_code(one.code)


def _result(item: int, categories: list[str]) -> dict:
    return {
        "checked_on": FIRST_DAY.isoformat(),
        "method": "onsite",
        "record": "现场检查，台账齐全。",
        "evaluation": "基本规范。",
        "opinions": "按规定整改。",
        "items": {str(item): {"categories": categories, "findings": "应急预案未按规定演练。"}},
    }


@pytest.mark.seconds(8)
def test_the_four_parts_across_two_departments_as_the_checks_go(app):
    with app.app_context():
        yjj, swj, entity_id = _two_departments()
        entity = db.session.get(Entity, entity_id)
        yjj_chief, swj_chief = user_named("yjj_inspector"), user_named("swj_inspector")

        # before the window, no notice issued, no notice period set: nothing is coming, and the record counts no
        # check it does not show (the register already counts the random draw: the record waits until it shows it)
        found = record_of(entity_id, BEFORE)
        assert (found.coming, found.under_way, found.past) == ([], [], [])
        assert found.ledger.counted == [] and found.ledger.exempt == [] and found.ledger.count == 0
        assert _register_count(entity, 2026) == 1

        # the window's first day: 应急管理局's check is coming, with its items, basis, window and team, and counted;
        # 商务局's named check is nowhere
        found = record_of(entity_id, FIRST_DAY)
        assert [line.counted_as for line in found.ledger.counted] == [f"campaign:{yjj['campaign']}"]
        assert found.ledger.exempt == [] and found.ledger.count == _register_count(entity, 2026) == 1
        cap = found.ledger.cap
        assert found.ledger.line.startswith("本年度已计入 1 次，") and (
            f"上限 {cap} 次" in found.ledger.line if cap is not None else "未设上限" in found.ledger.line
        )
        [coming] = found.coming
        assert coming.part == Part.coming and coming.department.startswith(user_named("yjj_admin").tenant.name)
        assert coming.items and all(basis for _, basis in coming.items)
        assert (coming.window_start, coming.window_end) == (date(2026, 3, 1), date(2026, 4, 30))
        with tenant_scope(yjj["tenant"]):
            certs = {i.cert_no for i in db.session.scalars(sa.select(Inspector))}
        assert len(coming.team) == 2 and {m.cert_no for m in coming.team} <= certs
        assert sum(m.leader for m in coming.team) == 1 and not coming.named
        assert found.under_way == [] and found.past == []

        # 入企: under way, with the code and what the business may do; it asks that an inspector withdraw
        with _at(FIRST_DAY), tenant_scope(yjj["tenant"]):
            results.record_arrival(yjj["visit"], actor=yjj_chief)
            db.session.commit()
        token, business = _business_code(yjj["tenant"], yjj["visit"])
        with _at(FIRST_DAY):
            member = next(m for m in record_of(entity_id, FIRST_DAY).under_way[0].team if not m.leader)
            results.request_recusal(
                token, {"business_code": business, "cert_no": member.cert_no, "reason": "该检查人员曾在本企业任职。"}
            )
            db.session.commit()
        found = record_of(entity_id, FIRST_DAY)
        [going] = found.under_way
        assert found.coming == [] and going.token == token and going.state == CheckState.valid
        assert going.arrived_at is not None and going.left_at is None
        assert {"confirm", "ask_recusal"} <= going.steps and "evaluate" not in going.steps
        [asked] = found.requests.recusals
        assert asked.status == RecusalRequestStatus.pending and member.cert_no in asked.inspector

        # 商务局's team arrives: still nowhere, nor in the ledger; it leaves (离企): under way and counted
        with _at(date(2026, 3, 3)), tenant_scope(swj["tenant"]):
            results.record_arrival(swj["visit"], actor=swj_chief)
            db.session.commit()
        found = record_of(entity_id, date(2026, 3, 3))
        assert [c.department for c in found.under_way] == [going.department] and found.ledger.count == 1
        assert f"campaign:{swj['campaign']}" not in {line.counted_as for line in found.ledger.counted}
        with _at(date(2026, 3, 3), 11), tenant_scope(swj["tenant"]):
            results.record_departure(swj["visit"], actor=swj_chief)
            db.session.commit()
        found = record_of(entity_id, date(2026, 3, 3))
        named = next(c for c in found.under_way if c.named)
        assert named.department.startswith(user_named("swj_admin").tenant.name) and named.left_at is not None
        assert "evaluate" in named.steps
        assert found.ledger.count == _register_count(entity, 2026) == 2
        assert {line.counted_as for line in found.ledger.counted} == {
            f"campaign:{yjj['campaign']}",
            f"campaign:{swj['campaign']}",
        }

        # 应急管理局's result: a draft, submitted, returned — never past; published — past, as published, with its
        # rectification order and never its case
        leader, planner = user_named("yjj_leader"), planner_of(user_named("yjj_admin"))
        with _at(date(2026, 3, 4)), tenant_scope(yjj["tenant"]):
            results.record_departure(yjj["visit"], actor=yjj_chief)
            results.record_result(yjj["visit"], complete_result(yjj, checked_on=FIRST_DAY.isoformat()), actor=yjj_chief)
            db.session.commit()
            assert record_of(entity_id, date(2026, 3, 4)).past == []
            results.submit_result(yjj["visit"], actor=yjj_chief)
            results.return_result(yjj["visit"], {"reason": "检查情况写得不清楚。"}, actor=leader)
            db.session.commit()
        assert record_of(entity_id, date(2026, 3, 4)).past == []
        with _at(date(2026, 3, 5)), tenant_scope(yjj["tenant"]):
            results.submit_result(yjj["visit"], actor=yjj_chief)
            results.approve_result(yjj["visit"], actor=leader)
            results.publish_results([yjj["visit"]], actor=planner)
            results.open_follow_up(
                yjj["visit"],
                {"kind": "rectification", "details": "30日内组织应急演练", "deadline": "2026-04-10"},
                actor=yjj_chief,
            )
            results.open_follow_up(
                yjj["visit"],
                {"kind": "case", "details": "未按规定开展应急演练", "case_number": "应急立〔2026〕17号"},
                actor=planner,
            )
            results.open_follow_up(
                yjj["visit"],
                {"kind": "police", "police_organ": "新城区公安分局", "details": "现场笔录、照片6张"},
                actor=planner,
            )
            db.session.commit()
        found = record_of(entity_id, date(2026, 3, 5))
        [past] = found.past
        assert past.department == going.department and past.items[0].findings == "应急预案未按规定演练。"
        assert {m.cert_no for m in past.team} <= certs and len(past.team) == 2
        [order] = past.rectifications
        assert (order.details, order.deadline, order.closed_on) == ("30日内组织应急演练", date(2026, 4, 10), None)
        assert [c.department for c in found.under_way] == [named.department]  # 商务局's, not published yet

        # 商务局's result published too: two departments' results; the business complains and evaluates
        swj_leader = user_named("swj_leader")
        with _at(date(2026, 3, 6)), tenant_scope(swj["tenant"]):
            results.record_result(swj["visit"], _result(swj["item"], ["no_problem"]), actor=swj_chief)
            results.submit_result(swj["visit"], actor=swj_chief)
            results.approve_result(swj["visit"], actor=swj_leader)
            results.publish_results([swj["visit"]], actor=planner_of(user_named("swj_admin")))
            db.session.commit()
        with _at(date(2026, 3, 6)):
            complaint = {"text": "检查人员态度粗暴。", "contact_name": "王经理", "contact_phone": "13912345678"}
            supervision.complain(token, {**complaint, "business_code": business})
            supervision.evaluate_visit(token, {"business_code": business, "satisfaction": "2", "text": "不满意"})
            db.session.commit()
        found = record_of(entity_id, date(2026, 3, 6))
        assert found.coming == found.under_way == []
        assert {p.department for p in found.past} == {going.department, named.department}
        assert next(p for p in found.past if p.named).rectifications == []
        [made] = found.requests.complaints
        assert made.status == ComplaintStatus.open and made.text == "检查人员态度粗暴。" and not made.forwarded
        [given] = found.requests.evaluations
        assert (given.satisfaction, given.text) == (2, "不满意")
        assert found.ledger.count == _register_count(entity, 2026) == 2


@pytest.mark.seconds(4)
def test_a_check_shows_the_rules_notice_period_before_its_window(app):
    with app.app_context():
        with _at(date(2026, 2, 1)):
            ids = handed_out()
            with tenant_scope(ids["tenant"]):
                entity_id = visit(ids).entity_id
                article = document_of(version_ids(ids["tenant"])[1]).articles[0].number
                rules_commands.load_department_rules(
                    {"text": changed_department_rules(ids["tenant"], advance_notice_days=(10, article))},
                    actor=CONSOLE,
                )
                db.session.commit()
        assert record_of(entity_id, date(2026, 2, 18)).coming == []
        [coming] = record_of(entity_id, date(2026, 2, 19)).coming  # ten days before 1 March
        assert coming.notice_rule and article in coming.notice_rule
        assert coming.token == ""  # the code is the business's once the window opens


@pytest.mark.seconds(6)
def test_the_statements_grow_with_the_departments_never_with_the_checks(app):
    """A business checked once by each of two departments, then three times by each: the record reads the same number
    of statements (the departments' rows read together, one statement a kind of row)."""
    with app.app_context(), _at(date(2026, 3, 12)):
        yjj_world, swj_world = build(), build("swj", first_code=0)
        code = yjj_world["codes"][0]
        entity_id = db.session.scalar(sa.select(Entity.id).where(Entity.code == code))

        def emergency(world, department: str, n: int) -> None:
            leader = leader_of(user_named(f"{department}_admin"))
            with tenant_scope(world["tenant"]):
                team = list(db.session.scalars(sa.select(Inspector.id).order_by(Inspector.id).limit(2)))
                data = {
                    **campaign_data(world),
                    "title": f"事故现场紧急检查{n}",
                    "checked_on": "2026-03-10",
                    "late_reason": "事故发生后须立即到场排查，来不及事先登记。",
                    "team": team,
                    "named_targets": [{"entity_code": code, "cause": "accident", "reference": f"2026年3月10日 {n}"}],
                }
                campaign = campaign_commands.register_emergency(data, actor=leader)
                open_leader_accounts(campaign.id, department)
                [one] = results.hand_out(campaign.id, actor=planner_of(leader))
                chief = user_named(f"{department}_inspector")
                if n == 1:  # the 组长 of every one of these checks
                    results.link_inspector(
                        team[0], {"user_id": chief.id, "other_name": True}, actor=user_named(f"{department}_admin")
                    )
                late = {
                    "arrived_at": "2026-03-10 09:00",
                    "left_at": "2026-03-10 11:00",
                    "reason": "事故现场来不及扫码。",
                }
                results.record_late_entry(one.id, late, actor=chief)
                db.session.commit()

        def statements() -> tuple[int, Record]:
            seen: list[str] = []

            def count(conn, cursor, statement, *rest):
                seen.append(statement)

            sa.event.listen(db.engine, "before_cursor_execute", count)
            try:
                found = record_of(entity_id, date(2026, 3, 12))
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", count)
            db.session.rollback()
            return len(seen), found

        for department, world in (("yjj", yjj_world), ("swj", swj_world)):
            emergency(world, department, 1)
        once, found = statements()
        assert len(found.under_way) == 2 and found.coming == [] and len(found.ledger.exempt) == 2
        assert all("evaluate" in check.steps for check in found.under_way)
        for n in (2, 3):
            for department, world in (("yjj", yjj_world), ("swj", swj_world)):
                emergency(world, department, n)
        thrice, found = statements()
        assert len(found.under_way) == 6 and len(found.ledger.exempt) == 6
        assert all(line.cause == "发生事故" and line.rule for line in found.ledger.exempt)
        assert thrice == once


@pytest.mark.seconds(4)
def test_a_joint_check_shows_once_with_every_departments_items_and_its_mixed_team(app):
    with app.app_context(), frozen_at(date(2026, 4, 1)):  # inside the joint campaign's window
        ids = joint_world.world("handed_out")
        _, groups, mixed = joint_world.picture(ids)
        entity_id = next(e for e, drawn_by in groups.items() if len(drawn_by) == 2)
        entity = db.session.get(Entity, entity_id)
        found = record_of(entity_id, date(2026, 4, 1))
        [check] = found.coming
        assert check.joint and not found.under_way
        names = [user_named(f"{d}_admin").tenant.name for d in ("yjj", "swj")]
        assert all(name in check.department for name in names) and "、" in check.department
        assert {basis for _, basis in check.items} and len(check.items) >= 2
        assert {m.cert_no for m in check.team} == {m.cert_no for m in mixed[entity_id]}
        assert sum(m.leader for m in check.team) == 1
        joint_lines = [line for line in found.ledger.counted if line.counted_as == f"joint:{ids['campaign']}"]
        assert len(joint_lines) == 1  # counted once, whatever the departments
        assert found.ledger.count == _register_count(entity, 2026)
