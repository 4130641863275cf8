"""特定对象检查 (非随机, 国办发〔2024〕54号): a check of businesses named one by one, each for its cause, is
registered rather than drawn; its inspectors are drawn with the usual proof, published only after the team has
left (离企) so that a check on a complaint is not announced ahead; its notices say why; a check on a cause the
rules leave out of the yearly cap does not count toward it, and a business at its cap is refused any other."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import url_for

from spotcheck.core import storage
from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.draw.verify import verify
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignTarget, Draw, InspectionCount
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.campaigns.queries import public as publication
from spotcheck.tenants.campaigns.vocabulary import CampaignStatus
from spotcheck.tenants.notices import documents
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.supervision import queries as supervision_queries, vocabulary as supervision_vocabulary
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.documents import pdf_text
from tests.support.helpers import bearer, user_named
from tests.support.named_world import handed_out, named_data, registered
from tests.support.rules_files import load_department_cap

DAY = date(2026, 3, 2)
YEAR = supervision_vocabulary.parse_period("2026")


@pytest.mark.seconds(1.5)
def test_the_approval_registers_the_named_businesses_with_their_causes_and_counts_only_the_routine_one(app):
    with app.app_context(), frozen_at(DAY):
        world = build()
        campaign_id = registered(world)
        with tenant_scope(world["tenant"]):
            campaign = campaigns.get_campaign(campaign_id)
            assert campaign.status == CampaignStatus.targets_drawn and campaign.code
            targets = db.session.scalars(
                sa.select(CampaignTarget).where(CampaignTarget.campaign_id == campaign_id).order_by(CampaignTarget.rank)
            ).all()
            assert [(t.entity.code, t.cause, t.cause_reference) for t in targets] == [
                (world["codes"][0], "complaint", "TS-2026-0012"),
                (world["codes"][1], "order", "市应急交〔2026〕3号"),
                (world["codes"][2], "referral", "市监移〔2026〕7号"),
            ]
            kinds = set(db.session.scalars(sa.select(Draw.kind).where(Draw.campaign_id == campaign_id)))
            assert {k.value for k in kinds} == {"inspectors"}  # nothing drawn for the targets; the teams are
            counts = {row.entity_id: row.counts for row in db.session.scalars(sa.select(InspectionCount))}
            by_code = {t.entity.code: t.entity_id for t in targets}
            assert counts == {
                by_code[world["codes"][0]]: False,
                by_code[world["codes"][1]]: False,
                by_code[world["codes"][2]]: True,
            }  # a referral counts toward the cap; the others not
            assert "replace_target" not in CAMPAIGN_ACTIONS.allowed(campaign, planner_of(user_named("yjj_admin")))


def test_a_named_check_refuses_a_business_outside_the_directory_a_missing_reference_and_a_repeat(app):
    with app.app_context(), frozen_at(DAY):
        world = build()
        planner = planner_of(user_named("yjj_admin"))
        with tenant_scope(world["tenant"]):
            data = named_data(world)
            data["named_targets"] = [
                {"entity_code": world["codes"][0], "cause": "投诉举报", "reference": "TS-1"},
                {"entity_code": world["codes"][0], "cause": "complaint", "reference": "TS-2"},
                {"entity_code": "91330100MA0000000X", "cause": "order", "reference": "交〔2026〕1号"},
                {"entity_code": world["codes"][1], "cause": "order", "reference": ""},
                {"entity_code": world["codes"][2], "cause": "rumour", "reference": "无"},
            ]
            with pytest.raises(InvalidInputError) as refused:
                campaign_commands.create_campaign(data, actor=planner)
            said = " ".join(str(m) for m in refused.value.errors["named_targets"])
            assert "named twice" in said or "重复" in said
            assert "91330100MA0000000X" in said and world["codes"][1] in said and world["codes"][2] in said
            assert db.session.scalar(sa.select(sa.func.count()).select_from(CampaignTarget)) == 0


def test_a_business_at_its_cap_is_refused_a_counting_named_check_but_not_one_on_a_complaint(app):
    with app.app_context(), frozen_at(DAY):
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            load_department_cap(admin.tenant_id, 1)
        registered(world)  # the referral counts: the third business is at the department's cap of 1
        with tenant_scope(admin.tenant_id):
            again = campaign_commands.create_campaign(named_data(world, title="再次核查"), actor=planner_of(admin))
            db.session.commit()
            with pytest.raises(InvalidInputError) as refused:
                campaign_commands.approve(again.id, actor=leader_of(admin))
            db.session.rollback()
            said = " ".join(str(m) for m in refused.value.errors["named_targets"])
            assert "测试危化企业2" in said and "测试危化企业0" not in said  # only the one whose cause counts
            complaint_only = campaign_commands.create_campaign(
                named_data(world, targets=1, title="投诉核查"), actor=planner_of(admin)
            )
            campaign_commands.approve(complaint_only.id, actor=leader_of(admin))  # a complaint: not limited by the cap
            db.session.commit()


def test_a_named_check_is_published_only_after_the_team_has_left_and_its_notice_says_why(app):
    with app.app_context(), frozen_at(DAY):
        world = build()
        ids = handed_out(world, notices=True)
        with tenant_scope(ids["tenant"]):
            campaign = campaigns.get_campaign(ids["campaign"])
            code, name = world["codes"][0], "测试危化企业0"
            assert publication.withheld(campaign)
            notices = results_notices(ids)
            inspection = pdf_text(notices["inspection"])
            assert "因投诉举报" in inspection and "经随机抽取" not in inspection and "TS-2026-0012" not in inspection
            assert "特定对象检查" in pdf_text(notices["assignment"])
    client = app.test_client()
    with frozen_at(DAY):
        page = client.get(f"/public/draws/campaigns/{ids['campaign']}").get_data(as_text=True)
        assert 'id="public-named-withheld"' in page and name not in page and code not in page
        assert "特定对象检查" in page
        assert client.get(f"/public/draws/campaigns/{ids['campaign']}/proofs/inspectors.json").status_code == 404
    with app.app_context(), frozen_at(DAY), tenant_scope(ids["tenant"]):
        chief = user_named("yjj_inspector")
        results.record_arrival(ids["visit"], actor=chief)
        results.record_departure(ids["visit"], actor=chief)
        db.session.commit()
        assert campaigns.get_campaign(ids["campaign"]).disclosed_at is not None
        proof = publication.drawn_proof(campaigns.get_campaign(ids["campaign"]), "inspectors")
        assert all(check.ok for check in verify(proof))
    with frozen_at(DAY):
        page = client.get(f"/public/draws/campaigns/{ids['campaign']}").get_data(as_text=True)
        assert name in page and "有因检查" in page  # the business, and that it was checked for a cause:
        assert "投诉举报" not in page and "TS-2026-0012" not in page  # never which cause (the business's, the bureau's)
        assert client.get(f"/public/draws/campaigns/{ids['campaign']}/proofs/inspectors.json").status_code == 200


def results_notices(ids) -> dict[str, bytes]:
    """The campaign's documents by kind (one of each kind here), as stored."""
    return {
        notice.kind.value: storage.read(notice.storage_key)
        for notice in db.session.scalars(sa.select(Notice).where(Notice.campaign_id == ids["campaign"]))
    }


def test_the_result_announcement_of_a_named_check_never_says_drawn(app):
    class Named:
        named, code, title = True, "应急抽〔2026〕9号", "投诉举报核查"

    body = documents.announcement(
        campaign=Named(), window="2026年3月1日至2026年4月30日", drawn=2, results=[], dated="2026年4月30日"
    )
    text = "".join(getattr(block, "text", "") for block in body)
    assert "特定对象检查" in text and "随机抽取" not in text


def test_a_named_check_is_counted_apart_from_the_random_checks_in_the_bureaus_figures(app):
    with app.app_context(), frozen_at(DAY):
        world = build()
        ids = handed_out(world)
        chief = user_named("yjj_inspector")
        with tenant_scope(ids["tenant"]):
            results.record_result(
                ids["visit"],
                {
                    "checked_on": "2026-03-02",
                    "method": "onsite",
                    "record": "核查投诉反映的问题，现场查看储存场所。",
                    "evaluation": "投诉反映的问题不属实。",
                    "opinions": "无。",
                    "items": {str(world["item"]): {"categories": ["no_problem"], "findings": ""}},
                },
                actor=chief,
            )
            results.submit_result(ids["visit"], actor=chief)
            db.session.commit()
        supervisor = user_named("sfj_supervisor")
        with tenant_scope(supervisor.tenant_id):
            [status] = [
                s for s in supervision_queries.statuses(YEAR, reader=supervisor) if s.tenant_id == ids["tenant"]
            ]
            assert (status.named_campaigns, status.named_checked) == (1, 1)
            assert (status.campaigns, status.checked) == (0, 0)  # never passes for a random check
            _, rows = supervision_queries.figure_rows("named_checked", ids["tenant"], YEAR, reader=supervisor)
            assert [row[1] for row in rows.rows] == ["测试危化企业0"]
            _, rows = supervision_queries.figure_rows("named_campaigns", ids["tenant"], YEAR, reader=supervisor)
            assert [row[1] for row in rows.rows] == ["危化企业有因核查"]
        with tenant_scope(ids["tenant"]):
            results.approve_result(ids["visit"], actor=user_named("yjj_leader"))
            results.publish_results([ids["visit"]], actor=planner_of(user_named("yjj_admin")))
            db.session.commit()
        with app.test_request_context():
            url = url_for("public_results.entity", code=world["codes"][0])
    page = app.test_client().get(url).get_data(as_text=True)
    card = page[page.index("public-result-named") :]
    assert "特定对象检查（非随机）" in card and "有因检查" in card and "《中华人民共和国安全生产法》第六十五条" in card
    assert "投诉举报" not in page and "TS-2026-0012" not in page  # the cause is the business's and the bureau's


def test_a_named_check_not_yet_disclosed_changes_no_frame_and_can_be_withdrawn_before_the_hand_out(app):
    with app.app_context(), frozen_at(DAY):
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            load_department_cap(admin.tenant_id, 1)
        named_id = registered(world)  # the referral would put its business at the cap of 1
        with tenant_scope(admin.tenant_id):
            assert all(row.withheld for row in db.session.scalars(sa.select(InspectionCount)))
            planner = planner_of(admin)
            random_check = campaign_commands.create_campaign(campaign_data(world, title="危化企业抽查"), actor=planner)
            campaign_commands.approve(random_check.id, actor=leader_of(admin))
            campaign_commands.freeze_targets(random_check.id, actor=planner)
            db.session.commit()
            record = db.session.scalar(sa.select(Draw).where(Draw.campaign_id == random_check.id))
            frame = draw_steps.read_clear(record)["frame_file"]  # the clear frame, as the department keeps it
            assert all(code in frame for code in world["codes"][:3])  # neither "checked" nor capped: nothing told
            assert not (record.excluded or {}).get("cap") and not record.capped
            campaign_commands.cancel(named_id, {"reason": "投诉人撤回投诉，经核实无须检查。"}, actor=leader_of(admin))
            db.session.commit()
            assert campaigns.get_campaign(named_id).status == CampaignStatus.withdrawn
            assert db.session.scalar(sa.select(sa.func.count()).select_from(InspectionCount)) == 0  # counts for nobody


def test_approving_a_named_check_through_the_api_answers_its_inspector_draws_commitment(app):
    with app.app_context(), frozen_at(DAY):
        world = build()
        with tenant_scope(world["tenant"]):
            campaign = campaign_commands.create_campaign(named_data(world), actor=planner_of(user_named("yjj_admin")))
            db.session.commit()
            campaign_id = campaign.id
    with frozen_at(DAY):
        approved = app.test_client().post(f"/api/v1/campaigns/{campaign_id}/approve", headers=bearer(app, "yjj_leader"))
    assert (
        approved.status_code == 200 and approved.json["kind"] == "inspectors" and len(approved.json["commitment"]) == 64
    )
