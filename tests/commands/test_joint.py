"""Joint campaigns (联合抽查): invitation to hand-out through the commands; the shared rows seen by
the participants only, in the ORM scope and under row-level security; the saving in visits."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from spotcheck.core import storage
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, ForbiddenError
from spotcheck.core.scoping import joint_scope, tenant_scope
from spotcheck.draw.verify import verify
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, TeamMember
from spotcheck.tenants.campaigns.queries import public as publication
from spotcheck.tenants.joint import commands as joint, figures, queries as joint_queries
from spotcheck.tenants.joint.models import JointParticipant, ParticipantStatus
from spotcheck.tenants.joint.policy import JOINT_ACTIONS, PARTICIPANT_ACTIONS
from spotcheck.tenants.notices.models import Notice, NoticeKind
from spotcheck.tenants.results.models import Visit
from tests.support.helpers import make_app, user_named
from tests.support.joint_world import world


def _seen(campaign_id):
    """The campaign as the present scope reads it (a query, not the session's identity map)."""
    return db.session.scalar(sa.select(Campaign).where(Campaign.id == campaign_id))


@pytest.mark.seconds(3.0)
def test_a_joint_campaign_draws_once_and_gives_each_department_its_own_visits(app):
    with app.app_context():
        ids = world("handed_out")
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            campaign = joint_queries.get_joint(ids["campaign"])
            proof = publication.drawn_proof(campaign, "targets")
            assert sorted(proof["selected"]) == ["SWJ", "YJJ"]
            assert all(check.ok for check in verify(proof))
            teams_proof = publication.drawn_proof(campaign, "inspectors")
            assert teams_proof["per_group_min"] == 1 and all(check.ok for check in verify(teams_proof))
            groups = joint_queries.visit_groups(campaign)
            figures_now = figures.savings(campaign)
            shared = [entity for entity, g in groups.items() if len(g) == 2]
            # One visit per entity, however many departments drew it; fewer than separate draws would need.
            assert figures_now.visits == len(groups) < figures_now.checks
            assert shared and figures_now.separate > figures_now.visits
            for entity_id, team in joint_queries.teams(campaign).items():
                assert len(team) >= 2 and {m.group_code for m in team} >= set(groups[entity_id])
                assert team[0].is_leader
        for dept in ("yjj", "swj"):
            planner = user_named(f"{dept}_planner")
            with tenant_scope(planner.tenant_id):
                part = _seen(ids[f"{dept}_part"])
                visits = db.session.scalars(sa.select(Visit).where(Visit.campaign_id == part.id)).all()
                mine = {entity for entity, g in groups.items() if dept.upper() in g}
                assert {v.entity_id for v in visits} == mine and part.status.value == "notified"
                # the department's own members of each team; one of them submits its results
                members = db.session.scalars(sa.select(TeamMember).where(TeamMember.campaign_id == part.id)).all()
                assert {m.entity_id for m in members if m.is_leader} == mine
                assert all(m.inspector.tenant_id == planner.tenant_id for m in members)


def test_a_participant_reads_the_shared_rows_only_inside_the_joint_scope_and_never_another_part(app):
    with app.app_context():
        ids = world("targets")
        swj, _yjj = user_named("swj_planner"), user_named("yjj_planner")
        with tenant_scope(swj.tenant_id):
            assert _seen(ids["campaign"]) is None  # outside the joint scope: not its row
        with joint_scope(swj.tenant_id, ids["campaign"]):
            campaign = _seen(ids["campaign"])
            assert campaign is not None and sorted(campaign.joint_parts) == ["SWJ", "YJJ"]
            groups = {
                g
                for g in db.session.scalars(
                    sa.select(CampaignTarget.group_code).where(CampaignTarget.campaign_id == campaign.id)
                )
            }
            assert groups == {"SWJ", "YJJ"}  # the visit list is shared
            assert _seen(ids["yjj_part"]) is None  # another department's part is not
            assert db.session.scalars(sa.select(Visit)).all() == []  # nor are its visits
        other = user_named("scj_planner")  # not invited: the joint scope grants nothing
        with joint_scope(user_named("sfj_supervisor").tenant_id, ids["campaign"]):
            assert _seen(ids["campaign"]) is None
        with tenant_scope(other.tenant_id):
            assert _seen(ids["yjj_part"]) is None


@pytest.mark.seconds(2.0)
def test_each_step_is_taken_by_its_own_people_and_in_its_order(app):
    with app.app_context():
        ids = world("invited")
        coord, swj_planner = user_named("scj_coord"), user_named("swj_planner")
        swj, scj = swj_planner.tenant_id, coord.tenant_id
        with tenant_scope(scj):
            campaign = joint_queries.get_joint(ids["campaign"])
            assert "approve" not in JOINT_ACTIONS.allowed(campaign, user_named("scj_leader"))
            with pytest.raises(ConflictError, match=r"商务局|应急管理局"):
                joint.approve_joint(campaign.id, actor=user_named("scj_leader"))
            participant = db.session.get(JointParticipant, ids["participants"]["swj"])
            with pytest.raises(ForbiddenError):  # the lead cannot answer for a department
                joint.accept(participant.id, actor=user_named("scj_planner"))
        swj_planner = user_named("swj_planner")
        with tenant_scope(swj):
            participant = joint_queries.get_participant(ids["participants"]["swj"])
            assert PARTICIPANT_ACTIONS.allowed(participant, swj_planner) == {"accept", "decline"}
            joint.decline(participant.id, {"reason": "本季度无相关检查事项"}, actor=swj_planner)
            with pytest.raises(ConflictError):
                joint.accept(participant.id, actor=swj_planner)
        with tenant_scope(scj):
            row = db.session.get(JointParticipant, ids["participants"]["swj"])
            assert row.status == ParticipantStatus.declined and row.answered_by_name


@pytest.mark.postgres
def test_raw_sql_shows_the_joint_rows_to_participants_and_no_part_or_unpublished_result_to_another(postgres_url):
    app = make_app(postgres_url)
    with app.app_context():
        ids = world("handed_out")
        swj, yjj, sfj = (user_named(login).tenant_id for login in ("swj_planner", "yjj_planner", "sfj_supervisor"))
        with tenant_scope(yjj):  # 应急管理局 records a result (unpublished)
            db.session.execute(
                sa.text("UPDATE visit SET record = '现场发现问题' WHERE campaign_id = :c"), {"c": ids["yjj_part"]}
            )
            db.session.commit()
        sql = sa.text
        with joint_scope(swj, ids["campaign"]):
            assert (
                db.session.execute(sql("SELECT count(*) FROM campaign WHERE id = :c"), {"c": ids["campaign"]}).scalar()
                == 1
            )
            assert (
                db.session.execute(
                    sql("SELECT count(DISTINCT group_code) FROM campaign_target WHERE campaign_id = :c"),
                    {"c": ids["campaign"]},
                ).scalar()
                == 2
            )
            assert (
                db.session.execute(
                    sql("SELECT count(*) FROM team_member WHERE campaign_id = :c"), {"c": ids["campaign"]}
                ).scalar()
                > 0
            )
            assert (
                db.session.execute(
                    sql("SELECT count(*) FROM draw WHERE campaign_id = :c"), {"c": ids["campaign"]}
                ).scalar()
                == 2
            )
            # another department's part, its visits and results stay its own, even named explicitly
            assert (
                db.session.execute(sql("SELECT count(*) FROM campaign WHERE id = :c"), {"c": ids["yjj_part"]}).scalar()
                == 0
            )
            assert (
                db.session.execute(
                    sql("SELECT count(*) FROM visit WHERE campaign_id = :c"), {"c": ids["yjj_part"]}
                ).scalar()
                == 0
            )
            assert db.session.execute(sql("SELECT count(*) FROM visit WHERE record LIKE '%问题%'")).scalar() == 0
            assert db.session.execute(sql("SELECT count(*) FROM item_result")).scalar() == 0
            # and it cannot write the shared rows
            assert (
                db.session.execute(
                    sql("UPDATE campaign SET title = 'x' WHERE id = :c"), {"c": ids["campaign"]}
                ).rowcount
                == 0
            )
            db.session.rollback()
        with tenant_scope(swj):  # outside the joint scope: nothing of the joint campaign
            assert (
                db.session.execute(
                    sql("SELECT count(*) FROM campaign_target WHERE campaign_id = :c"), {"c": ids["campaign"]}
                ).scalar()
                == 0
            )
        with joint_scope(sfj, ids["campaign"]):  # not a participant
            assert (
                db.session.execute(sql("SELECT count(*) FROM campaign WHERE id = :c"), {"c": ids["campaign"]}).scalar()
                == 0
            )
        db.session.rollback()
        db.engine.dispose()


@pytest.mark.seconds(2.7)
def test_one_inspection_notice_per_joint_visit_names_every_department_and_each_department_tells_its_own(app):
    """The hand-out's job writes, as the lead, one inspection notice per visit listing each
    department that checks there with its items and the mixed team; each department's assignment
    notices go to its own inspectors only; a second run writes nothing."""
    with app.app_context():
        ids = world("handed_out", notices=True, entities=8)  # a few visits: each notice is a PDF
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            campaign = joint_queries.get_joint(ids["campaign"])
            groups = joint_queries.visit_groups(campaign)
            written = db.session.scalars(sa.select(Notice).where(Notice.campaign_id == campaign.id)).all()
            assert len(written) == len(groups) and {n.kind for n in written} == {NoticeKind.inspection}
            names = {"YJJ": "宁安市应急管理局", "SWJ": "宁安市商务局"}
            for entity_id, drawn_by in groups.items():  # each notice names the departments that check there
                notice = next(n for n in written if n.subject.endswith(f":entity:{entity_id}"))
                text = "".join(  # as printed: a name wraps at the end of a line or of a table's cell
                    page.extract_text().replace("\n", "")
                    for page in PdfReader(io.BytesIO(storage.read(notice.storage_key))).pages
                )
                assert "联合检查" in text and "危险化学品安全生产检查" in text
                assert all(names[code] in text for code in drawn_by)
            again = joint.write_joint_notices(campaign.id, actor=coord)
            assert again["inspection"] == 0 and again["assignment"] == 0
        for dept in ("yjj", "swj"):
            planner = user_named(f"{dept}_planner")
            with tenant_scope(planner.tenant_id):
                assignments = db.session.scalars(
                    sa.select(Notice).where(
                        Notice.kind == NoticeKind.assignment, Notice.campaign_id == ids[f"{dept}_part"]
                    )
                ).all()
                members = {
                    m.inspector_id
                    for m in db.session.scalars(
                        sa.select(TeamMember).where(TeamMember.campaign_id == ids[f"{dept}_part"])
                    )
                }
                assert assignments and {n.inspector_id for n in assignments} == members
