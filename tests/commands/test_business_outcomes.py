"""What became of what the business asked (办理结果), read with its 企业核验码: on a joint visit, its request that a
member of the mixed team withdraw — kept by the lead department — with the coordinator's decision and who the joint
draw put in the member's place; a wrong code reads nothing and names the field."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from spotcheck.core.clock import frozen_at, local
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.results import codes, commands as results
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.vocabulary import RecusalRequestStatus
from spotcheck.tenants.supervision.queries.outcomes import business_outcomes
from tests.support.evaluation_world import evaluated_world
from tests.support.helpers import tenant_id, user_named
from tests.support.joint_world import part_visit, picture, world

DURING = date(2026, 4, 1)  # inside the joint campaign's window


@pytest.mark.seconds(2.8)
def test_a_joint_visits_request_reads_with_the_coordinators_decision_and_the_replacement(app):
    with app.app_context(), frozen_at(DURING):
        ids = world("handed_out")
        _, groups, mixed = picture(ids)
        entity_id = next(e for e, drawn_by in groups.items() if len(drawn_by) == 2)
        leader = next(m for m in mixed[entity_id] if m.is_leader)
        member = next(m for m in mixed[entity_id] if not m.is_leader)
        door, member_id, asked = leader.group_code, member.id, f"{member.inspector_name}（{member.cert_no}）"
        with tenant_scope(tenant_id(door)):
            code = db.session.get(Visit, part_visit(ids, door, entity_id).id).code
            token, business = code.token, codes.business_code(code)
        made = results.request_recusal(
            token, {"business_code": business, "cert_no": member.cert_no, "reason": "该检查人员曾在本企业任职。"}
        ).id
        [waiting] = business_outcomes(token, {"business_code": business}).recusals
        assert (waiting.status, waiting.inspector, waiting.replaced_by) == (RecusalRequestStatus.pending, asked, "")
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            results.decide_recusal_request(made, {"accept": "yes", "reason": "经核实，安排其回避。"}, actor=coord)
            db.session.commit()
        [decided] = business_outcomes(token, {"business_code": business}).recusals
        assert decided.status == RecusalRequestStatus.accepted and decided.decision_reason == "经核实，安排其回避。"
        with tenant_scope(coord.tenant_id):  # accepted, replaced at once by the joint draw
            new = db.session.scalar(
                sa.select(TeamMember).where(
                    TeamMember.campaign_id == ids["campaign"],
                    TeamMember.entity_id == entity_id,
                    TeamMember.active.is_(True),
                    TeamMember.position == db.session.get(TeamMember, member_id).position,
                )
            )
            replacement = f"{new.inspector_name}（{new.cert_no}）"
        found = business_outcomes(token, {"business_code": business})
        assert found.joint and [r.replaced_by for r in found.recusals] == [replacement] and replacement != asked
        with pytest.raises(InvalidInputError) as refused:
            business_outcomes(token, {"business_code": "0000-0000-0000"})
        assert set(refused.value.errors) == {"business_code"}
        with pytest.raises(NotFoundError):
            business_outcomes("no-such-token", {"business_code": business})


@pytest.mark.seconds(1.3)
def test_an_evaluation_reads_as_recorded_for_the_business_with_its_day(app):
    with app.app_context():
        ids = evaluated_world()
        (token, business), (last, last_business) = ids["codes"][0], ids["codes"][-1]
        with frozen_at(date(2026, 10, 1)):
            first = business_outcomes(token, {"business_code": business}).evaluated_at
            assert first is not None and local(first).date() == date(2026, 2, 25)
            latest = business_outcomes(last, {"business_code": last_business}).evaluated_at
            assert latest is not None and local(latest).date() == date(2026, 9, 7)
