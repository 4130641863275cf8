"""A conflict declared after the draw on a joint visit (联合检查, 抽取后申报回避): a member of the mixed team
declares it (or a business's request is accepted); nobody of any department records, submits, 入企 or 离企
on the visit until the lead department's coordinator replaces the member by a replacement draw of the
joint campaign, recorded in its published proof (DRAW-SPEC's rule for a team member), which the Python,
the independent and the browser verifiers accept; the 组长 and a department's submitter are named anew first; a member
may move from one
department's part to another's; the code's public page and the notices name the new team."""

from __future__ import annotations

import copy
import re
from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck import draw as engine
from spotcheck.core import storage
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw import proof_file
from spotcheck.draw.verify import verify
from spotcheck.tenants.campaigns import draws as draw_steps
from spotcheck.tenants.campaigns.draw_stages import draw_of
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.inspectors.models import Recusal
from spotcheck.tenants.joint import commands as joint
from spotcheck.tenants.notices.models import Message, Notice, NoticeKind
from spotcheck.tenants.results import codes, commands as results
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.queries.codes import public_check
from spotcheck.tenants.results.queries.visits import team_of
from spotcheck.tenants.results.vocabulary import VisitStatus
from tests.independent.draw_spec_check import check as independent_check
from tests.support.documents import pdf_text
from tests.support.helpers import tenant_id, user_named
from tests.support.joint_world import member_account, part_visit, picture, world
from tests.support.leader_accounts import open_joint_leader_accounts
from tests.support.verifier import run_node

DURING = date(2026, 4, 1)  # inside the joint campaign's window
RULE = "国办发〔2024〕54号|四（二），"  # the recusal rule as each department's rules in force cite it: the national
# : floor (国办发〔2024〕54号), or 应急管理局's own 细则 (from 乌审旗's 四（二）: 检查人员…应依法回避), which states it
# too


def _result(ids: dict, department: str) -> dict:
    return {
        "checked_on": "2026-04-01",
        "method": "onsite",
        "record": "联合检查组现场检查。",
        "evaluation": "未发现问题。",
        "opinions": "继续保持。",
        "items": {str(ids[department.lower()]["item"]): {"categories": ["no_problem"], "findings": ""}},
    }


def _proof(ids: dict) -> dict:
    with tenant_scope(user_named("scj_coord").tenant_id):
        campaign, _, _ = picture(ids)
        return proof_file.loads(draw_steps.published_bytes(draw_of(campaign, "inspectors")))


def _part_members(ids: dict, department: str, entity_id: int) -> list[TeamMember]:
    with tenant_scope(tenant_id(department)):
        return team_of(part_visit(ids, department, entity_id))


def test_a_members_conflict_holds_every_departments_part_until_the_coordinator_replaces_them(app):
    with app.app_context(), frozen_at(DURING):
        ids = world("handed_out")
        campaign, groups, mixed = picture(ids)
        entity_id = next(e for e, drawn_by in groups.items() if len(drawn_by) == 2)
        leader = next(m for m in mixed[entity_id] if m.is_leader)
        member = next(m for m in mixed[entity_id] if not m.is_leader)  # of the other department: its submitter
        door, other = leader.group_code, member.group_code
        name, cert_no, member_id = member.inspector_name, member.cert_no, member.id  # the lead's rows: read once here
        assert door != other
        chief, declaring = member_account(door, leader.inspector_id), member_account(other, member.inspector_id)
        with tenant_scope(tenant_id(door)):
            results.record_arrival(part_visit(ids, door, entity_id).id, actor=chief)  # 入企, at the door
            db.session.commit()

        with tenant_scope(tenant_id(other)):  # the member declares their own conflict on their part's visit
            results.declare_own_recusal(
                part_visit(ids, other, entity_id).id, {"reason": "本人配偶在该企业任职"}, actor=declaring
            )
            db.session.commit()
            assert (
                db.session.scalar(sa.select(Recusal.reason).where(Recusal.inspector_id == member.inspector_id))
                == "本人配偶在该企业任职"
            )  # in the member's department's inspector directory: later draws leave it out
        refused = []
        for department, who in ((door, chief), (other, declaring)):  # every department's part of the visit waits
            with tenant_scope(tenant_id(department)):
                visit_id = part_visit(ids, department, entity_id).id
                with pytest.raises(ConflictError) as why:
                    results.record_result(visit_id, _result(ids, department), actor=who)
                refused.append(str(why.value))
                with pytest.raises(ConflictError) as why:
                    results.submit_result(visit_id, actor=who)
                refused.append(str(why.value))
                db.session.rollback()
        with tenant_scope(tenant_id(door)):
            door_visit = part_visit(ids, door, entity_id).id
            for step in (results.record_departure, results.record_arrival):  # 离企, and 入企 (already recorded)
                with pytest.raises(ConflictError) as why:
                    step(door_visit, actor=chief)
                refused.append(str(why.value))
        assert len(refused) == 6
        assert all(re.search(RULE, why) and name in why and "应依法回避" in why for why in refused), refused

        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            with pytest.raises(ForbiddenError):  # the lead department's coordinator replaces, nobody else
                joint.replace_inspector(
                    campaign.id, {"member_id": member_id, "reason": "conflict"}, actor=user_named("scj_planner")
                )
            with pytest.raises(InvalidInputError):  # the proof records why: the declared conflict
                joint.replace_inspector(campaign.id, {"member_id": member_id, "reason": "leave"}, actor=coord)
            new = joint.replace_inspector(campaign.id, {"member_id": member_id, "reason": "conflict"}, actor=coord)
            db.session.commit()
            new_cert = new.cert_no
            assert new.group_code == other and new_cert != cert_no  # the department keeps its one member
            entries = [
                e.action
                for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_id == str(campaign.id)))
            ]
            assert "joint.recusal_declared" in entries and "draw.inspector_replaced" in entries
        [own] = _part_members(ids, other, entity_id)  # written into the department's part, its submitter now
        assert own.inspector.cert_no == new_cert and own.is_leader

        proof = _proof(ids)
        assert proof["replacements"][-1] == {
            "visit": proof["replacements"][-1]["visit"],
            "out": cert_no,
            "in": new_cert,
            "reason": "conflict",
        }
        assert all(check.ok for check in verify(proof))  # the joint draw's proof verifies, replacement included
        independent_check(proof)  # and so it does for the verifier written from DRAW-SPEC alone

        with tenant_scope(tenant_id(door)):  # the visit goes on
            results.record_result(door_visit, _result(ids, door), actor=chief)
            results.submit_result(door_visit, actor=chief)
            results.record_departure(door_visit, actor=chief)
            db.session.commit()
            assert part_visit(ids, door, entity_id).status == VisitStatus.submitted


def test_a_business_request_accepted_replaces_the_member_at_once_by_the_joint_draw(app):
    with app.app_context(), frozen_at(DURING):
        ids = world("handed_out")
        _campaign, groups, mixed = picture(ids)
        entity_id = next(e for e, drawn_by in groups.items() if len(drawn_by) == 2)
        leader = next(m for m in mixed[entity_id] if m.is_leader)
        member = next(m for m in mixed[entity_id] if not m.is_leader)
        door, member_id, door_visit = leader.group_code, member.id, part_visit(ids, leader.group_code, entity_id).id
        out_cert = member.cert_no
        with tenant_scope(tenant_id(door)):
            code = db.session.get(Visit, door_visit).code
            token, business = code.token, codes.business_code(code)
        made = results.request_recusal(
            token, {"business_code": business, "cert_no": member.cert_no, "reason": "该检查人员曾在本企业任职。"}
        )
        coord = user_named("scj_coord")
        lead = coord.tenant_id
        with tenant_scope(lead):
            results.decide_recusal_request(made.id, {"accept": "yes", "reason": "经核实，安排其回避。"}, actor=coord)
            db.session.commit()
            out = db.session.get(TeamMember, member_id)
            assert not out.active and out.replacement_reason == "conflict"  # replaced in the decision, at once
            present = [m.cert_no for m in picture(ids)[2][entity_id]]
            assert out_cert not in present and len(present) == len(mixed[entity_id])
            step = db.session.scalar(
                sa.select(AuditEntry)
                .where(AuditEntry.action == "draw.inspector_replaced")
                .order_by(AuditEntry.id.desc())
                .limit(1)
            )
            assert step.details.get("system_step") is True and step.actor_id == coord.id
        assert _proof(ids)["replacements"][-1]["out"] == out_cert
        chief = member_account(door, leader.inspector_id)
        with tenant_scope(tenant_id(door)):  # nothing waits: the 组长 records the arrival
            assert results.record_arrival(door_visit, actor=chief).arrived_at is not None
            db.session.commit()


def _full_proof(ids: dict) -> dict:
    with tenant_scope(user_named("scj_coord").tenant_id):
        campaign, _, _ = picture(ids)
        return draw_steps.full_proof(draw_of(campaign, "inspectors"))


def _visit_tokens(ids: dict) -> dict[str, str]:
    """Each visit's code → its token in the inspector draw's proof (the lead department reads its clear frame)."""
    with tenant_scope(user_named("scj_coord").tenant_id):
        campaign, _, _ = picture(ids)
        return {code: token for token, code in draw_steps.clear_tokens(draw_of(campaign, "inspectors")).items()}


def _groups_of(proof: dict) -> dict[str, str]:
    """Each inspector of the frame (执法证号) with their department (group), from its P lines."""
    return {line.split("\t")[2]: line.split("\t")[1] for line in proof["frame_lines"] if line.startswith("P\t")}


def _door(ids: dict, entity_id: int) -> str:
    """The department whose visit holds the joint visit's code."""
    held = []
    for department in ("YJJ", "SWJ"):
        with tenant_scope(tenant_id(department)):
            if part_visit(ids, department, entity_id).code is not None:
                held.append(department)
    [department] = held
    return department


@pytest.mark.seconds(4)
def test_the_team_leader_and_a_departments_submitter_are_named_anew_before_their_replacement(app):
    with app.app_context(), frozen_at(DURING):
        ids = world("handed_out", team_size=3)
        campaign, groups, mixed = picture(ids)
        entity_id = next(
            e
            for e, drawn_by in groups.items()
            if len(drawn_by) == 2
            and sum(m.group_code == next(x for x in mixed[e] if x.is_leader).group_code for m in mixed[e]) == 2
        )
        team = mixed[entity_id]
        leader = next(m for m in team if m.is_leader)
        colleague = next(m for m in team if m.group_code == leader.group_code and not m.is_leader)
        other = next(m for m in team if m.group_code != leader.group_code)
        ours, theirs = leader.group_code, other.group_code
        leader_id, colleague_id, other_id, leader_name = leader.id, colleague.id, other.id, leader.inspector_name
        coord = user_named("scj_coord")
        lead = coord.tenant_id
        assert _door(ids, entity_id) == ours
        with tenant_scope(lead):
            joint.declare_recusal(campaign.id, leader_id, {"reason": "其近亲属为该企业股东"}, actor=coord)
            db.session.commit()
            with pytest.raises(ConflictError) as refused:
                joint.replace_inspector(campaign.id, {"member_id": leader_id, "reason": "conflict"}, actor=coord)
            assert "组长" in str(refused.value) and leader_name in str(refused.value)
            with pytest.raises(ConflictError):  # nobody who declared a conflict leads the team
                joint.designate_leader(campaign.id, {"member_id": leader_id}, actor=coord)
            joint.designate_leader(campaign.id, {"member_id": other_id}, actor=coord)  # of the other department
            db.session.commit()
        assert _door(ids, entity_id) == theirs  # the code follows the 组长 to the door of their department's visit
        assert [m.is_leader for m in _part_members(ids, theirs, entity_id)] == [True]
        with tenant_scope(lead):
            with pytest.raises(ConflictError) as refused:  # still the submitter of their department, beside a colleague
                joint.replace_inspector(campaign.id, {"member_id": leader_id, "reason": "conflict"}, actor=coord)
            assert "提交" in str(refused.value) and leader_name in str(refused.value)
            with pytest.raises(ConflictError):
                joint.designate_submitter(campaign.id, {"member_id": leader_id}, actor=coord)
            joint.designate_submitter(campaign.id, {"member_id": colleague_id}, actor=coord)
            db.session.commit()
        submitters = [m.inspector_id for m in _part_members(ids, ours, entity_id) if m.is_leader]
        assert submitters == [colleague.inspector_id]
        with tenant_scope(lead):
            new = joint.replace_inspector(campaign.id, {"member_id": leader_id, "reason": "conflict"}, actor=coord)
            db.session.commit()
            assert not new.is_leader
        proof = _proof(ids)
        assert all(check.ok for check in verify(proof))
        independent_check(proof)
        chief = member_account(theirs, other.inspector_id)  # the new 组长 records 入企 at the door
        with tenant_scope(tenant_id(theirs)):
            assert results.record_arrival(part_visit(ids, theirs, entity_id).id, actor=chief).arrived_at is not None
            db.session.commit()


def test_a_replacement_of_another_department_moves_the_member_between_the_departments_parts(app):
    with app.app_context(), frozen_at(DURING):
        ids = world("handed_out", team_size=3)
        campaign, groups, mixed = picture(ids)
        proof, coord = _full_proof(ids), user_named("scj_coord")
        group_of = _groups_of(proof)
        tokens = _visit_tokens(ids)  # the proof names each visit by its token (a blinded draw)
        found = None
        for (
            entity_id,
            drawn_by,
        ) in groups.items():  # a member whose replacement the joint draw takes from the other department
            if len(drawn_by) != 2:
                continue
            for member in mixed[entity_id]:
                submits = {m.inspector_id for m in _part_members(ids, member.group_code, entity_id) if m.is_leader}
                if member.is_leader or member.inspector_id in submits:
                    continue
                incoming = engine.replace_inspector(
                    copy.deepcopy(proof), visit=tokens[member.entity.code], out=member.cert_no, reason="conflict"
                )["in"]
                if group_of[incoming] != member.group_code:
                    found = (entity_id, member.id, member.cert_no, member.group_code, incoming)
                    break
            if found:
                break
        assert found, "no member of a visit of two departments whose replacement is of the other one"
        entity_id, member_id, out_cert, leaving, coming = found
        joining = group_of[coming]
        before = {d: [m.cert_no for m in _part_members(ids, d, entity_id)] for d in (leaving, joining)}
        with tenant_scope(coord.tenant_id):
            joint.declare_recusal(campaign.id, member_id, {"reason": "曾为该企业提供咨询服务"}, actor=coord)
            new = joint.replace_inspector(campaign.id, {"member_id": member_id, "reason": "conflict"}, actor=coord)
            db.session.commit()
            assert (new.cert_no, new.group_code) == (coming, joining)
        after = {d: [m.cert_no for m in _part_members(ids, d, entity_id)] for d in (leaving, joining)}
        assert after[leaving] == [c for c in before[leaving] if c != out_cert]  # out of the leaving department's part
        assert sorted(after[joining]) == sorted(before[joining] + [coming])  # into the other department's part
        with tenant_scope(tenant_id(joining)):  # in that department's scope, audited there
            assert (
                db.session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "joint.member_replaced"))[
                    "in"
                ]
                == coming
            )
        proof = _proof(ids)
        assert proof["replacements"][-1]["in"] == coming
        assert all(check.ok for check in verify(proof))
        independent_check(proof)


@pytest.mark.seconds(6)
def test_the_codes_public_page_and_the_notices_name_the_new_team(app):
    with app.app_context(), frozen_at(DURING):
        ids = world("handed_out", notices=True)
        campaign, groups, mixed = picture(ids)
        entity_id = next(e for e, drawn_by in groups.items() if len(drawn_by) == 2)
        member = next(m for m in mixed[entity_id] if not m.is_leader)
        member_id, out_name, out_cert, department = member.id, member.inspector_name, member.cert_no, member.group_code
        stays = next(m for m in mixed[entity_id] if m.is_leader)
        teammate = member_account(stays.group_code, stays.inspector_id)  # told in the inbox, as the one coming is
        door = _door(ids, entity_id)
        with tenant_scope(tenant_id(door)):
            token = part_visit(ids, door, entity_id).code.token
        before = public_check(token=token)
        assert (out_name, out_cert) in [(name, cert) for name, cert, _ in before.team]
        coord = user_named("scj_coord")
        lead = coord.tenant_id
        with tenant_scope(lead):
            first = db.session.scalar(
                sa.select(Notice).where(Notice.subject == f"joint:{campaign.id}:entity:{entity_id}")
            )
            first_number = first.number
            joint.declare_recusal(campaign.id, member_id, {"reason": "其兄弟为该企业负责人"}, actor=coord)
            new = joint.replace_inspector(campaign.id, {"member_id": member_id, "reason": "conflict"}, actor=coord)
            db.session.commit()
            new_name, new_cert, new_inspector = new.inspector_name, new.cert_no, new.inspector_id
            notice = db.session.scalar(
                sa.select(Notice).where(Notice.subject == f"joint:{campaign.id}:entity:{entity_id}:team:{new.id}")
            )
            text = pdf_text(storage.read(notice.storage_key))
        after = public_check(token=token)  # the code's page names the new team, not the member replaced
        assert (new_name, new_cert) in [(name, cert) for name, cert, _ in after.team]
        assert out_cert not in [cert for _, cert, _ in after.team] and len(after.team) == len(before.team)
        # the business's new inspection notice names the new team, in place of the first one, with the same code
        assert new_name in text and new_cert in text and out_cert not in text
        assert f"替代{first_number}" in text and "（检查组变更）" in notice.title
        with tenant_scope(tenant_id(department)):  # the one coming gets their assignment notice in their department
            assert (
                db.session.scalar(
                    sa.select(Notice.id).where(
                        Notice.kind == NoticeKind.assignment, Notice.inspector_id == new_inspector
                    )
                )
                is not None
            )
        with tenant_scope(tenant_id(stays.group_code)):  # and the team is told in the inbox
            [told] = db.session.scalars(
                sa.select(Message).where(Message.user_id == teammate.id, Message.title.like("联合检查组变更%"))
            ).all()
            assert new_name in told.body


@pytest.mark.seconds(2.9)
def test_before_the_hand_out_a_conflict_holds_the_hand_out_until_the_replacement(app):
    with app.app_context():
        ids = world("inspectors")
        campaign, groups, mixed = picture(ids)
        entity_id = next(iter(groups))
        member = mixed[entity_id][-1]
        member_id, out_cert, department, inspector_id = (
            member.id,
            member.cert_no,
            member.group_code,
            member.inspector_id,
        )
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            joint.declare_recusal(campaign.id, member_id, {"reason": "其配偶在该企业任财务负责人"}, actor=coord)
            for team in picture(ids)[2].values():
                joint.designate_leader(
                    campaign.id, {"member_id": next(m.id for m in team if not m.recused)}, actor=coord
                )
            db.session.commit()
            with pytest.raises(ConflictError, match=RULE):  # the joint hand-out waits, as a department's own does
                joint.hand_out(campaign.id, actor=coord)
            new = joint.replace_inspector(campaign.id, {"member_id": member_id, "reason": "conflict"}, actor=coord)
            new_cert = new.cert_no
            db.session.commit()
            open_joint_leader_accounts(campaign.id, ("yjj", "swj"))  # only a 组长 with an account records 入企
            joint.hand_out(campaign.id, actor=coord)
            db.session.commit()
        with tenant_scope(tenant_id(department)):
            assert db.session.scalar(sa.select(Recusal.id).where(Recusal.inspector_id == inspector_id)) is not None
        shown = [m.inspector.cert_no for d in groups[entity_id] for m in _part_members(ids, d, entity_id)]
        assert new_cert in shown and out_cert not in shown  # each department's part is handed the new team
        assert all(check.ok for check in verify(_proof(ids)))


def test_the_published_proof_with_a_joint_replacement_verifies_in_the_browser_verifier(app, tmp_path):
    with app.app_context():
        ids = world("handed_out")
        campaign, groups, mixed = picture(ids)
        member = next(m for m in mixed[next(iter(groups))] if not m.is_leader)
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            joint.declare_recusal(campaign.id, member.id, {"reason": "本人曾在该企业任职"}, actor=coord)
            joint.replace_inspector(campaign.id, {"member_id": member.id, "reason": "conflict"}, actor=coord)
            db.session.commit()
            published = draw_steps.published_bytes(draw_of(campaign, "inspectors"))
    (tmp_path / "PROOF.json").write_bytes(published)  # the file the portal publishes, as a citizen downloads it
    checked = run_node(tmp_path / "PROOF.json")
    assert checked.returncode == 0 and "证明已验证" in checked.stdout, checked.stdout[-2000:] + checked.stderr
    assert proof_file.loads(published)["replacements"][-1]["reason"] == "conflict"


@pytest.mark.seconds(6)
def test_a_recused_team_leader_accepted_is_replaced_the_code_moving_to_the_new_leaders_department(app):
    with app.app_context(), frozen_at(DURING):
        ids = world("handed_out", notices=True)
        campaign, groups, mixed = picture(ids)
        entity_id = next(
            e
            for e, drawn_by in groups.items()
            if len(drawn_by) == 2 and len({m.group_code for m in mixed[e]}) == 2  # a member of each department
        )
        leader = next(m for m in mixed[entity_id] if m.is_leader)
        other = next(m for m in mixed[entity_id] if not m.is_leader)
        leader_id, out_cert, ours, theirs = leader.id, leader.cert_no, leader.group_code, other.group_code
        visit_code = leader.entity.code
        assert _door(ids, entity_id) == ours
        with tenant_scope(tenant_id(ours)):
            code = part_visit(ids, ours, entity_id).code
            token, business = code.token, codes.business_code(code)
        made = results.request_recusal(
            token, {"business_code": business, "cert_no": out_cert, "reason": "该组长与本企业负责人系亲属。"}
        )
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            first = db.session.scalar(
                sa.select(Notice.number).where(Notice.subject == f"joint:{campaign.id}:entity:{entity_id}")
            )
            results.decide_recusal_request(made.id, {"accept": "yes", "reason": "经核实，安排其回避。"}, actor=coord)
            db.session.commit()
            out = db.session.get(TeamMember, leader_id)
            assert not out.active and out.replacement_reason == "conflict"
            team = picture(ids)[2][entity_id]
            [chief] = [m for m in team if m.is_leader]
            assert chief.id == other.id and out_cert not in [m.cert_no for m in team]  # named by the rule
            moved = db.session.scalar(
                sa.select(AuditEntry).where(AuditEntry.action == "joint.code_moved").order_by(AuditEntry.id.desc())
            )
            assert moved is not None and moved.details["visit"] == visit_code
            new = db.session.scalar(
                sa.select(Notice).where(Notice.subject.like(f"joint:{campaign.id}:entity:{entity_id}:team:%"))
            )
            text = pdf_text(storage.read(new.storage_key))
        assert _door(ids, entity_id) == theirs  # the code follows the new 组长 to their department's visit
        assert f"替代{first}" in text and out_cert not in text  # the notice sent again, naming the new team
        after = public_check(token=token)  # the same code, its page naming the new team and its 组长
        assert out_cert not in [cert for _, cert, _ in after.team]
        assert [cert for _, cert, leads in after.team if leads] == [chief.cert_no]
