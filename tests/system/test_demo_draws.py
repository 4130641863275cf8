"""The demo city's plans and campaigns (``spotcheck demo``): every stage is there to look at, and
each draw the demo made publishes a proof that verifies with ``spotcheck draw verify`` and with
the independent DRAW-SPEC check of ``tests/independent``."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from spotcheck.cli import main
from spotcheck.core import storage
from spotcheck.core.audit import AuditEntry
from spotcheck.core.calendar import add_working_days, official_calendar_known
from spotcheck.core.clock import as_utc
from spotcheck.core.database import db
from spotcheck.core.scoping import joint_scope, system_access, tenant_scope
from spotcheck.demo import before_blinding, city_summary, joint_summary
from spotcheck.demo.city import EXPERT_INSTITUTE, EXPERT_PERSON
from spotcheck.demo.joint import large_joint_campaign
from spotcheck.demo.withdrawn import REASON
from spotcheck.draw.verify import verify
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, Draw, InspectionCount, TeamMember
from spotcheck.tenants.campaigns.queries import public as publication
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.notices.models import Notice, NoticeKind
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.results import queries as results_queries
from spotcheck.tenants.results.models import PublishedResult, Visit
from spotcheck.tenants.results.queries import follow_ups as follow_up_reads
from tests.independent.draw_spec_check import check as independent_check
from tests.support.demo_world import demo_city
from tests.support.documents import pdf_text
from tests.support.exported import demo_exported_everything
from tests.support.helpers import bearer, level_url, signed_in, tenant_id
from tests.support.snapshots import building
from tests.support.verifier import verifies_in_an_empty_folder

pytestmark = pytest.mark.planning_clock  # the window and plan-year rules read the one clock

TODAY = date(2026, 11, 21)
#: The demo's proof drawn before blinding and withdrawn from public view (隐去明细).
REDACTED = ("宁应急抽〔2026〕3号", "targets")
DRAWN = {
    ("宁市监抽〔2026〕1号", "targets"),
    ("宁市监抽〔2026〕1号", "inspectors"),
    ("宁应急抽〔2026〕1号", "targets"),
    ("宁应急抽〔2026〕1号", "inspectors"),
    # frozen before blinding, drawn after: its version 1 target proof is public redacted, its teams blinded
    ("宁应急抽〔2026〕3号", "targets"),
    ("宁应急抽〔2026〕3号", "inspectors"),
    ("宁商务抽〔2026〕1号", "targets"),
    ("宁市监抽〔2026〕3号", "targets"),
    ("宁市监抽〔2026〕3号", "inspectors"),
    ("宁市监联抽〔2026〕1号", "targets"),
    ("宁市监联抽〔2026〕1号", "inspectors"),
    # a check of named businesses: its inspector proof, once its team has left (the December one's is not public yet)
    ("宁市监查〔2026〕1号", "inspectors"),
}
STAGES = {
    "宁市监抽〔2026〕1号": "inspectors_drawn",
    "宁市监抽〔2026〕2号": "approved",
    "宁市监抽〔2026〕3号": "results_in",  # a small city: each of its three visits approved, two published
    "宁应急抽〔2026〕1号": "inspectors_drawn",
    "宁应急抽〔2026〕2号": "approved",
    "宁应急抽〔2026〕3号": "inspectors_drawn",  # March's, frozen before blinding (demo.before_blinding)
    "宁商务抽〔2026〕1号": "targets_drawn",
    "宁商务抽〔2026〕2号": "withdrawn",  # cancelled with the reason
    # checks of named businesses (特定对象检查): one done on a complaint, one ordered for December; and one made
    # after an accident, registered the day after with the team that went, handed to it
    "宁市监查〔2026〕1号": "published",
    "宁市监查〔2026〕2号": "inspectors_drawn",
    "宁应急查〔2026〕1号": "notified",
    "未编号": "draft",  # 市监局's and 商务局's drafts: a code is issued at approval
    # the joint campaign of the three (handed out) and each department's part: in a small city each
    # department's few visits all reach a published result (市场监管局's third an approved one)
    "宁市监联抽〔2026〕1号": "notified",
    "宁市监联抽〔2026〕1号（宁市监）": "results_in",
    "宁市监联抽〔2026〕1号（宁应急）": "published",
    "宁市监联抽〔2026〕1号（宁商务）": "published",
}


def _load():
    demo_city(today=TODAY.isoformat())


def _counts():
    with system_access("test: count the demo"):
        return {
            model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (AuditEntry, Plan, Campaign, Draw, CampaignTarget, TeamMember)
        }


def _public_draws(app):
    """{(campaign code, kind): (campaign id, stage)} of every draw on the public portal."""
    draws = {}
    with app.app_context():
        for code in ("SCJ", "YJJ", "SWJ", "SFJ"):
            with tenant_scope(tenant_id(code)):
                for campaign in publication.public_campaigns(TODAY.year):
                    for kind, draw in publication.public_draws(campaign).items():
                        draws[(campaign.code, kind)] = (campaign.id, draw.stage)
    return draws


def test_every_demo_draw_publishes_a_proof_that_verifies_independently(app, tmp_path):
    with app.app_context():
        _load()
        before = _counts()
        with building():  # really again, not a copy: no second campaign, no second draw, nothing written
            _load()
        assert _counts() == before
        demo_exported_everything(app)  # and its published results went to the credit system, once
    drawn = {key: campaign_id for key, (campaign_id, stage) in _public_draws(app).items() if stage == "drawn"}
    assert set(drawn) == DRAWN

    client = app.test_client()  # anyone, not signed in
    for (code, kind), campaign_id in drawn.items():
        response = client.get(f"/public/draws/campaigns/{campaign_id}/proofs/{kind}.json")
        assert response.status_code == 200, (code, kind)
        proof = json.loads(response.data)
        assert proof["campaign"] == code and proof["kind"] == kind and proof["public_inputs"]
        assert all(line.startswith("observer:") for line in proof["public_inputs"])
        assert ("redacted" in proof) == ((code, kind) == REDACTED)  # its strata name each business's class
        independent_check(proof)
        assert all(check.ok for check in verify(proof)), (code, kind)
        path = tmp_path / f"{campaign_id}-{kind}.json"
        path.write_bytes(response.data)
        result = CliRunner().invoke(main, ["draw", "verify", str(path)])
        assert result.exit_code == 0 and "FAIL" not in result.output, result.output
        if kind == "targets" and "redacted" not in proof:
            assert sum(len(ids) for strata in proof["selected"].values() for ids in strata.values()) > 0

    # the proof drawn before blinding: redacted for the public, the original's SHA-256 on its page; whole for 应急管理局
    campaign_id = drawn[REDACTED]
    original = json.loads(client.get(f"/public/draws/campaigns/{campaign_id}/proofs/targets.json").data)
    page = client.get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
    assert f'id="targets-original-sha256">{original["original_sha256"]}<' in page
    full = signed_in(app, "yjj_planner").get(f"/campaigns/{campaign_id}/proofs/targets.json").data
    assert hashlib.sha256(full).hexdigest() == original["original_sha256"]
    assert all(check.ok for check in verify(json.loads(full))) and json.loads(full)["algorithm"] == "spotcheck-draw/1"

    # the single-file verifier from the portal checks each demo proof in an empty folder, in a bare Python

    verifier = client.get("/public/draws/spotcheck-verify.pyz")
    assert verifier.status_code == 200 and verifier.headers["X-Content-SHA256"] in client.get(
        "/public/draws/algorithm"
    ).get_data(as_text=True)
    for (_code, kind), campaign_id in sorted(drawn.items()):
        proof = client.get(f"/public/draws/campaigns/{campaign_id}/proofs/{kind}.json").data
        verifies_in_an_empty_folder(verifier.data, proof, tmp_path / f"empty-{campaign_id}-{kind}")


def test_the_demo_shows_plans_and_campaigns_at_every_stage(app):
    with app.app_context():
        _load()
        summary = city_summary()
        county = [row for row in summary["campaigns"] if row[0] != "MDJSCJ"]
        assert {number: status for _, number, _, status in county} == STAGES
        # 牡丹江市's market bureau numbers in its own region, under its own 机关代字 (牡市监, never 宁安市's
        # 宁市监): its random campaign drawn, its check in 宁安市 published — no number reads as the other level's
        upper = {number: status for code, number, _, status in summary["campaigns"] if code == "MDJSCJ"}
        assert upper == {"牡市监抽〔2026〕1号": "inspectors_drawn", "牡市监查〔2026〕1号": "published"}
        assert not set(upper) & {number for _, number, _, _ in county}
        assert summary["levels"] == "黑龙江省牡丹江市 → 宁安市 → 宁安镇" and summary["place"] == "宁安市"
        assert summary["plans"] == [
            ("SCJ", 2026, "filed"),
            ("SCJ", 2027, "draft"),
            ("YJJ", 2026, "filed"),
            ("YJJ", 2027, "returned"),
            ("SWJ", 2026, "filed"),
            ("SWJ", 2027, "submitted"),
            ("MDJSCJ", 2026, "published"),  # the national floor alone asks no filing
            ("MDJSCJ", 2027, "draft"),
        ]
        assert summary["joint_plans"] == [("YJJ", 2026, "safety", "filed")]
        # the half-year plans of the non-market fields (seed 001): one department's second is missing
        assert summary["half_plans"] == [
            ("SCJ", 2026, 1, "filed"),
            ("SCJ", 2026, 2, "filed"),
            ("YJJ", 2026, 1, "filed"),
            ("YJJ", 2026, 2, "filed"),
            ("SWJ", 2026, 1, "filed"),
        ]
        for code in ("SCJ", "YJJ", "SWJ"):
            with tenant_scope(tenant_id(code)):
                plan = db.session.scalar(
                    sa.select(Plan).where(Plan.year == 2026, Plan.kind == "annual", Plan.half.is_(None))
                )
                assert plan.filed_by_name == ("韩梅" if code == "SCJ" else "韩梅、周静") and len(plan.lines) >= 7
                assert (
                    as_utc(plan.published_at) <= as_utc(plan.submitted_at) <= as_utc(plan.filed_at)
                )  # published first
                for campaign in campaigns.list_campaigns(2026):
                    if (
                        campaign.named
                    ):  # a check on a cause, with its own day (test_named_checks, test_emergency_checks)
                        assert campaign.exempt_kind and all(t["cause"] for t in campaign.named_targets)
                        continue
                    if campaign.exempt_kind:  # outside the plan, with the reason stated
                        assert campaign.plan_id is None and campaign.exempt_kind == "production_safety"
                        assert "专项检查" in campaign.exempt_reason
                    else:
                        assert campaign.plan_id == plan.id
                    if campaign.title == before_blinding.TITLE.format(year=2026):  # March's
                        assert campaign.window_start == date(2026, 3, 10)
                    elif campaign.status.value not in ("in_progress", "results_in", "published"):  # the 3rd quarter's
                        assert campaign.window_start.month == 12 and campaign.window_end == date(2026, 12, 31)
                    if campaign.status.value == "inspectors_drawn":
                        teams = {}
                        for member in campaigns.list_team_members(campaign):
                            teams.setdefault(member.entity_id, []).append(member)
                        assert teams and all(
                            len(team) == 2 and sum(m.is_leader for m in team) == 1 for team in teams.values()
                        )

    stages = {key: stage for key, (_, stage) in _public_draws(app).items() if stage != "drawn"}
    assert stages == {
        ("宁市监抽〔2026〕2号", "targets"): "committed",
        ("宁应急抽〔2026〕2号", "targets"): "frozen",
        ("宁商务抽〔2026〕1号", "inspectors"): "committed",
        ("宁商务抽〔2026〕2号", "targets"): "frozen",
        # drawn, but the public sees its commitment only until its teams have left (离企)
        ("宁市监查〔2026〕2号", "inspectors"): "committed",
    }
    scj = signed_in(app, "scj_planner").get("/campaigns").get_data(as_text=True)
    assert all(number in scj for number in STAGES if number.startswith("宁市监抽") or number.endswith("（宁市监）"))
    assert "（宁应急）" not in scj and "（宁商务）" not in scj  # another department's part is not listed
    review = signed_in(app, "sfj_supervisor").get("/plans/review").get_data(as_text=True)
    assert "宁安市商务局2027年度行政执法检查计划" in review
    market = signed_in(app, "scj_coord").get("/plans/review").get_data(as_text=True)  # it touches the market field
    assert "宁安市商务局2027年度行政执法检查计划" in market and "市场监督管理局" in market
    portal = app.test_client().get(level_url(app, "/public/draws")).get_data(as_text=True)
    assert "宁安市安全生产领域2026年度联合抽查工作计划" in portal
    assert "宁市监抽〔2026〕1号" in portal and "宁应急抽〔2026〕2号" in portal and "宁市监联抽〔2026〕1号" in portal
    assert "未编号" not in portal and "明码标价专项检查" not in portal  # drafts are internal
    _the_withdrawn_campaign_stays_public_as_withdrawn(app)
    # one load of the demo per database for these too
    _follow_ups_and_a_transfer_to_yjj_acknowledged_and_one_waiting(app)
    _joint_campaign_seen_by_its_three_departments(app)
    _an_expert_on_a_team_on_its_page_notice_and_public_result(app)
    _a_business_checked_at_two_levels(app)


def _a_business_checked_at_two_levels(app):
    """宁安市's 市场监督管理局 checked a caterer on a complaint; 牡丹江市's checked the same one in its 督导检查: both
    results are published, and the register counts the business's checks by both departments (its cap and burden
    figures show both levels)."""
    with app.app_context(), system_access("test: the results and the register of every department"):
        county, upper = tenant_id("SCJ"), tenant_id("MDJSCJ")
        published = db.session.execute(sa.select(PublishedResult.entity_id, PublishedResult.tenant_id)).all()
        both = {e for e, t in published if t == upper} & {e for e, t in published if t == county}
        assert len(both) == 1, both
        counted = set(
            db.session.scalars(sa.select(InspectionCount.department_id).where(InspectionCount.entity_id.in_(both)))
        )
        assert {county, upper} <= counted
        entity = db.session.get(Entity, both.pop())
        assert entity.region_code.startswith("231084") and "宁安市" in entity.address


def _the_withdrawn_campaign_stays_public_as_withdrawn(app):
    """撤销: 宁商务抽〔2026〕2号 was approved, frozen and cancelled by the leader: its public page says
    已撤销 with the reason beside its commitment and frozen digest, and no draw follows."""
    with app.app_context(), tenant_scope(tenant_id("SWJ")):
        campaign = next(c for c in publication.public_campaigns(TODAY.year) if c.code == "宁商务抽〔2026〕2号")
        campaign_id, digest = campaign.id, publication.public_draws(campaign)["targets"].frame_digest
    page = app.test_client().get(f"/public/draws/campaigns/{campaign_id}").get_data(as_text=True)
    assert "已撤销" in page and REASON in page and digest in page
    refused = app.test_client().post(
        f"/api/v1/campaigns/{campaign_id}/draws/targets",
        headers=bearer(app, "swj_planner"),
        json={"public_inputs": ["observer:试图抽取"]},
    )
    assert refused.status_code == 409 and "已撤销" in refused.get_json()["message"]


def _an_expert_on_a_team_on_its_page_notice_and_public_result(app):
    """专家 (seed 001): the first visit of 宁市监抽〔2026〕3号 has, beside its two drawn inspectors, an expert
    of the directory and a testing institute with its person — on the visit's page, its inspection
    notice and its published result."""
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        campaign = db.session.scalar(sa.select(Campaign).where(Campaign.code == "宁市监抽〔2026〕3号"))
        first = db.session.scalar(sa.select(Visit).where(Visit.campaign_id == campaign.id).order_by(Visit.id).limit(1))
        experts = results_queries.teams.experts_of_visit(first)
        assert [e.kind.value for e in experts] == ["directory", "testing_body"] and len(
            results_queries.team_of(first)
        ) == 2
        assert (experts[1].name, experts[1].organisation) == (
            EXPERT_PERSON,
            EXPERT_INSTITUTE.replace("杭州市", "牡丹江市"),  # the upper level's institute
        )
        notice = db.session.scalar(
            sa.select(Notice).where(Notice.visit_id == first.id, Notice.kind == NoticeKind.inspection)
        )
        assert EXPERT_PERSON in pdf_text(storage.read(notice.storage_key))
        visit_id, code, status = first.id, first.entity.code, first.status.value
    assert EXPERT_PERSON in signed_in(app, "scj_planner").get(f"/visits/{visit_id}").get_data(as_text=True)
    assert status == "published"
    assert EXPERT_PERSON in app.test_client().get(f"/public/results/entities/{code}").get_data(as_text=True)


def _follow_ups_and_a_transfer_to_yjj_acknowledged_and_one_waiting(app):
    """The demo has follow-ups, and a transfer to 应急管理局 acknowledged and one waiting."""
    with app.app_context():
        with tenant_scope(tenant_id("YJJ")):
            received = follow_up_reads.received()
            assert [(t.transferred["from_department"], t.is_open) for t in received] == [
                ("宁安市市场监督管理局", True),
                ("宁安市市场监督管理局", False),
            ]
            assert received[1].outcome == "acknowledged" and received[1].closed_by_name == "宁安市应急管理局 郑洁"
        with tenant_scope(tenant_id("SCJ")):
            opened = follow_up_reads.open_of_department()
            # the joint check's rectification and transfer, and the demo business's rectification order to answer
            assert sorted(f.kind.value for f in opened) == ["rectification", "rectification", "transfer"]
            [order] = [f for f in opened if f.kind.value == "rectification" and f.deadline_days == 30]
            # 限30个工作日内改正: provisional exactly when it runs into a year without an official calendar
            counted = add_working_days(order.opened_on, order.deadline_days)
            assert (order.deadline, order.deadline_provisional) == (counted.due, counted.provisional)
            runs_into_next_year = order.deadline.year > order.opened_on.year
    home = signed_in(app, "yjj_planner").get("/").get_data(as_text=True)
    assert "签收移送" in home
    planner_home = signed_in(app, "scj_planner").get("/").get_data(as_text=True)
    assert "登记复查或办理结果" in planner_home
    with app.app_context():
        next_year_entered = official_calendar_known(order.deadline.year)
    assert ("暂按周一至周五计算" in planner_home) == (runs_into_next_year and not next_year_entered)


def _joint_campaign_seen_by_its_three_departments(app):
    """市场监管局, 应急管理局 and 商务局 check filling stations together: each department sees the joint
    campaign and its own part, the coordinator's page shows the visits made beside those separate
    draws would need, and each department has published results of its own in it."""
    with app.app_context():
        (joint,) = joint_summary()
        departments = ["宁安市商务局", "宁安市市场监督管理局", "宁安市应急管理局"]
        assert sorted(joint["departments"]) == departments and joint["status"]
        # one visit per entity however many departments drew it (the saving against separate draws is
        # a matter of chance in this small city's few filling stations: see tests/commands/test_joint.py)
        assert 0 < joint["visits"] <= joint["checks"] and joint["separate"] > 0
        for code in ("SCJ", "YJJ", "SWJ"):
            with joint_scope(tenant_id(code), joint["id"]):
                assert db.session.scalar(sa.select(Campaign.code).where(Campaign.id == joint["id"]))
                parts = db.session.scalars(sa.select(Campaign).where(Campaign.joint_id == joint["id"])).all()
                assert [part.tenant_id for part in parts] == [tenant_id(code)]  # its own part, no other
                published = db.session.scalar(
                    sa.select(sa.func.count())
                    .select_from(PublishedResult)
                    .where(PublishedResult.campaign_id == parts[0].id)
                )
                assert published >= 1
    page = signed_in(app, "scj_coord").get(f"/joint/{joint['id']}").get_data(as_text=True)
    assert f'id="visits-made"><strong>{joint["visits"]}</strong>' in page
    assert f"{joint['separate']:.1f}" in page


def test_the_enlarged_demos_joint_campaign_is_a_safety_check_led_by_its_fields_lead(app):
    """``spotcheck demo --scale N`` adds a large joint campaign of 应急管理局 and 商务局: a check of
    安全生产, so 应急管理局 (the field's lead) creates it within its filed joint plan and invites 商务局;
    市场监管局, which takes no part, neither leads it nor sees it."""
    with app.app_context():
        _load()
        tenants = {tenant.code: tenant for tenant in db.session.scalars(sa.select(Tenant))}
        made = large_joint_campaign(tenants, year=2026)
        assert large_joint_campaign(tenants, year=2026) == made  # found by its title, never made twice
        db.session.commit()
    page = signed_in(app, "yjj_coord").get(f"/joint/{made}").get_data(as_text=True)
    assert "牵头部门：宁安市应急管理局" in page and "安全生产" in page.split('id="joint-field">')[1][:60]
    assert "大规模联合检查" in signed_in(app, "swj_planner").get("/").get_data(as_text=True)  # its invitation
    assert signed_in(app, "scj_coord").get(f"/joint/{made}").status_code == 404


def test_the_bureau_has_the_joint_draws_to_check_and_one_draw_checked(app):
    """After ``spotcheck demo`` the justice bureau's home asks it to check (核验抽取) the joint campaign's two blinded
    draws, by their campaign's number; 应急管理局's target draw it has checked, and that draw's public page says so."""
    with app.app_context():
        _load()
    drawn = {key: campaign_id for key, (campaign_id, _stage) in _public_draws(app).items()}
    home = signed_in(app, "sfj_supervisor").get("/").get_data(as_text=True)
    tasks = re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", home.split('id="home-bureau-draw-checks"')[1].split("</ul>")[0])
    )
    for kind in ("检查对象抽取", "执法检查人员抽取"):
        assert re.search(rf"核验抽取：宁市监联抽〔2026〕1号 [^（]+（{kind}）", tasks), tasks
    assert not re.search(r"核验抽取：宁应急抽〔2026〕1号 [^（]+（检查对象抽取）", tasks)  # checked already
    public = app.test_client().get(f"/public/draws/campaigns/{drawn[('宁应急抽〔2026〕1号', 'targets')]}")
    assert "盲化密钥已向宁安市司法局披露，核验通过（" in public.get_data(as_text=True)
