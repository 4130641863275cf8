"""扫码入企 in a joint inspection (联合检查, “进一次门、查多项事”): one inspection code per joint visit, kept
with the visit of the department whose inspector leads the mixed team (组长); printed, with the
business's code and its QR, on the one joint inspection notice; its public page names every
department that checks there with its items, and the whole mixed team."""

from __future__ import annotations

import re
from datetime import date

import pypdfium2
import pytest
import sqlalchemy as sa
import zxingcpp

from spotcheck.core import storage
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import as_utc, frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, NotFoundError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.joint import codes as joint_codes, queries as joint_queries
from spotcheck.tenants.notices.models import Notice, NoticeKind
from spotcheck.tenants.results import codes, commands as results, queries as results_queries, vocabulary
from spotcheck.tenants.results.code_lookup import door_arrival
from spotcheck.tenants.results.models import InspectionCode, RecusalRequest, Visit
from spotcheck.tenants.results.queries.codes import public_check
from spotcheck.tenants.results.queries.visits import team_of
from spotcheck.tenants.results.vocabulary import CheckState, RecusalRequestStatus
from tests.support.documents import pdf_text
from tests.support.helpers import tenant_id, user_named
from tests.support.joint_world import world

DURING = date(2026, 4, 1)  # inside the joint campaign's window
NAMES = {"YJJ": "宁安市应急管理局", "SWJ": "宁安市商务局"}


def _codes_by_entity() -> dict[int, list[tuple[str, InspectionCode]]]:
    """Every code of the two departments, by entity, with the department holding it."""
    found: dict[int, list] = {}
    for code in NAMES:
        with tenant_scope(tenant_id(code)):
            for visit in db.session.scalars(sa.select(Visit)):
                if visit.code is not None:
                    found.setdefault(visit.entity_id, []).append((code, visit.code))
    return found


def _picture(ids):
    coord = user_named("scj_coord")
    with tenant_scope(coord.tenant_id):
        campaign = joint_queries.get_joint(ids["campaign"])
        return campaign, joint_queries.visit_groups(campaign), joint_queries.teams(campaign)


def test_each_joint_visit_has_one_code_on_the_visit_of_its_team_leaders_department(app):
    with app.app_context():
        ids = world("handed_out")
        _campaign, groups, mixed = _picture(ids)
        door = joint_codes.door_groups(mixed)
        found = _codes_by_entity()
        assert set(found) == set(groups)  # every joint visit: one code, however many departments check there
        for entity_id, held in found.items():
            [(department, _)] = held
            assert department == door[entity_id]
        assert any(len(drawn_by) == 2 for drawn_by in groups.values())  # not vacuous: visits of both departments


def test_the_public_page_of_a_joint_code_names_every_department_its_items_and_the_mixed_team(app):
    with app.app_context(), frozen_at(DURING):
        ids = world("handed_out")
        campaign, groups, mixed = _picture(ids)
        entity_id = next(e for e, drawn_by in groups.items() if len(drawn_by) == 2)
        [(department, code)] = _codes_by_entity()[entity_id]
        check = public_check(token=code.token)
        assert check is not None and check.joint and check.state == CheckState.valid
        assert check.department == "宁安市商务局、宁安市应急管理局" and check.campaign_code == campaign.code
        assert check.campaign_title == campaign.title
        assert {name.rpartition("（")[2].rstrip("）") for name, _ in check.items} == set(NAMES.values())
        assert [(name, cert_no) for name, cert_no, _ in check.team] == [
            (m.shown_name, m.shown_cert_no) for m in mixed[entity_id]
        ]
        assert check.team[0][2] and [leader for *_, leader in check.team].count(True) == 1  # the 组长 first

        # the 组长 records 入企 on their own department's visit, and the code's page follows
        leader = next(m for m in mixed[entity_id] if m.is_leader)
        chief, admin = user_named(f"{department.lower()}_inspector"), user_named(f"{department.lower()}_admin")
        with tenant_scope(tenant_id(department)):
            visit = db.session.scalar(
                sa.select(Visit).where(
                    Visit.entity_id == entity_id, Visit.campaign_id == ids[f"{department.lower()}_part"]
                )
            )
            assert next(m for m in team_of(visit) if m.inspector_id == leader.inspector_id).is_leader
            results.link_inspector(leader.inspector_id, {"user_id": chief.id, "other_name": True}, actor=admin)
            results.record_arrival(visit.id, actor=chief)
            db.session.commit()
        arrived = public_check(token=code.token).arrived_at
        assert arrived is not None
        for other in NAMES:  # every department's visit of the joint visit reads that one 入企
            with tenant_scope(tenant_id(other)):
                visit = db.session.scalar(
                    sa.select(Visit).where(
                        Visit.entity_id == entity_id, Visit.campaign_id == ids[f"{other.lower()}_part"]
                    )
                )
                assert door_arrival(visit) == as_utc(arrived)


def test_the_joint_notice_prints_the_visits_codes_and_a_qr_that_opens_its_page(app):
    with app.app_context():
        ids = world("handed_out", notices=True, entities=8)
        campaign, groups, _ = _picture(ids)
        found = _codes_by_entity()
        with tenant_scope(user_named("scj_coord").tenant_id):
            notices = {
                n.subject.rpartition(":")[2]: n
                for n in db.session.scalars(
                    sa.select(Notice).where(Notice.campaign_id == campaign.id, Notice.kind == NoticeKind.inspection)
                )
            }
        entity_id = next(iter(groups))
        [(_, code)] = found[entity_id]
        data = storage.read(notices[str(entity_id)].storage_key)
        text = re.sub(r"\s+", "", pdf_text(data))
        assert f"检查码：{vocabulary.grouped(code.typed)}" in text
        assert f"企业核验码：{vocabulary.grouped(codes.business_code(code))}" in text
        pages = [page.render(scale=3).to_pil() for page in pypdfium2.PdfDocument(data)]  # its box kept whole
        [qr] = [b for p in pages for b in zxingcpp.read_barcodes(p) if b.format == zxingcpp.BarcodeFormat.QRCode]
        assert qr.text == codes.public_url(code.token)


def test_a_joint_visits_request_that_a_member_withdraw_goes_to_the_coordinator_who_decides_it(app):
    with app.app_context(), frozen_at(DURING):
        ids = world("handed_out")
        campaign, groups, mixed = _picture(ids)
        entity_id = next(e for e, drawn_by in groups.items() if len(drawn_by) == 2)
        [(department, code)] = _codes_by_entity()[entity_id]
        other = next(m for m in mixed[entity_id] if m.group_code != department)  # a member of the other department
        with tenant_scope(tenant_id(department)):
            business = codes.business_code(code)
        made = results.request_recusal(
            code.token,
            {"business_code": business, "cert_no": other.shown_cert_no, "reason": "该检查人员曾在本企业任职。"},
        )
        assert public_check(token=code.token).recusal_asked  # kept by the lead department, and the page says so
        with tenant_scope(tenant_id(department)):
            assert not db.session.scalar(sa.select(RecusalRequest))  # not the 组长's department's row
        coord, lead_leader = user_named("scj_coord"), user_named("scj_leader")
        door_leader = user_named(f"{department.lower()}_leader")
        with tenant_scope(door_leader.tenant_id):
            assert not [t for t in results_queries.tasks_for(door_leader) if "recusal" in t.kind]
        with tenant_scope(coord.tenant_id):
            [task] = [t for t in results_queries.tasks_for(coord) if t.kind == "joint_recusal_request"]
            assert task.obj.id == made.id and task.actions == {"decide_joint"}
            assert not [t for t in results_queries.tasks_for(lead_leader) if "recusal" in t.kind]
            with pytest.raises(ForbiddenError):  # a leader of the lead department: not theirs to decide
                results.decide_recusal_request(made.id, {"accept": "yes", "reason": "属实"}, actor=lead_leader)
            with pytest.raises(NotFoundError):  # asked on another joint campaign's page
                results.decide_recusal_request(
                    made.id, {"accept": "yes", "reason": "属实", "campaign_id": -1}, actor=coord
                )
            decided = results.decide_recusal_request(
                made.id, {"accept": "yes", "reason": "经核实，安排其回避。"}, actor=coord
            )
            db.session.commit()
            assert decided.status == RecusalRequestStatus.accepted and decided.decided_by_name == coord.display_name
            entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "joint.recusal_request_decided"))
            assert entry.object_id == str(campaign.id) and entry.details["accepted"] is True
            # accepted, the member's conflict is declared on the mixed team and the joint draw replaces them at once
            assert other.id not in [m.id for m in joint_queries.teams(campaign)[entity_id] if m.active]
            assert not [m for m in joint_queries.teams(campaign)[entity_id] if m.recused]
