"""Campaign codes are unique in their region (文号在区划内唯一): the 应急管理局 of two counties (and of the city above
them) each number their campaigns from 1号 without colliding; departments of one region that write the same short
name number from one sequence; a joint campaign of the city names its parts in two counties alike; and a code issued
before migration 0061 stays as it was, the numbers going on after it."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.commands import unit_of_work
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.people import DEMO_PASSWORD
from spotcheck.tenants.accounts import commands as accounts
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import capped_lists, commands as campaign_commands, inspection_counts
from spotcheck.tenants.campaigns.checking import issue_code
from spotcheck.tenants.campaigns.models import Campaign, InspectionCount
from spotcheck.tenants.common import numbering
from spotcheck.tenants.directory import queries as directory_queries
from spotcheck.tenants.joint import commands as joint
from spotcheck.tenants.joint.models import JointParticipant
from tests.support.campaign_world import build, campaign_data
from tests.support.helpers import migrate_to, user_named
from tests.support.two_counties import REGIONS, two_counties  # noqa: F401  # the fixture


def _approved(department: str, world: dict, title: str) -> Campaign:
    planner, leader = user_named(f"{department}_planner"), user_named(f"{department}_leader")
    with tenant_scope(planner.tenant_id):
        draft = campaign_commands.create_campaign(campaign_data(world, title=title), actor=planner)
        return campaign_commands.approve(draft.id, actor=leader)


def test_the_emergency_bureaus_of_two_counties_and_of_the_city_each_number_from_one(app, two_counties):  # noqa: F811  # the fixture
    """上城区's and 西湖区's 应急管理局 (both 应急) approve their campaigns of 2026: each is 应急抽〔2026〕1号 in its
    own county, stored beside the other's, and 上城区's next is 2号; the city's 应急管理局 numbers on its own too."""
    regions = two_counties["regions"]
    city = two_counties["logins"]["YJJ"]["planner"].removesuffix("_planner")  # the city's 应急管理局
    with app.app_context():
        worlds = {department: build(department) for department in ("scyjj", "xhyjj", city)}
        first = {department: _approved(department, worlds[department], "危化企业抽查") for department in worlds}
        second = _approved("scyjj", worlds["scyjj"], "危化企业第二批")
        assert {d: c.code for d, c in first.items()} == dict.fromkeys(worlds, "应急抽〔2026〕1号")
        assert second.code == "应急抽〔2026〕2号"
        assert (first["scyjj"].region_id, first["xhyjj"].region_id, first[city].region_id) == (
            regions["county1"],
            regions["county2"],
            regions["city"],
        )
        for department, campaign in first.items():
            with tenant_scope(user_named(f"{department}_planner").tenant_id):
                kept = db.session.get(Campaign, campaign.id)
                assert kept is not None and kept.code == "应急抽〔2026〕1号"
        for region in ("county1", "county2", "city"):
            issued = numbering.last_issued_in_region(regions[region], "应急", "campaign", 2026)
            assert issued == (2 if region == "county1" else 1)


def test_departments_of_one_region_writing_the_same_short_name_number_from_one_sequence(app, two_counties):  # noqa: F811  # the fixture
    """A second department of 上城区 whose codes also begin 应急 takes the number after 上城区应急管理局's, never the
    same one."""
    with app.app_context():
        other = accounts.create_department(
            {
                "code": "SCYJ2",
                "name": "县甲应急指挥中心",
                "kind": "ordinary",
                "region": REGIONS["county1"],
                "short_name": "应急",
                "admin": {"login": "scyj2_admin", "display_name": "管理员", "password": DEMO_PASSWORD},
            },
            actor=user_named("admin"),
        )
        db.session.commit()
        departments = [db.session.get(Tenant, two_counties["tenants"]["SCYJJ"]), db.session.get(Tenant, other.id)]
        codes = []
        for tenant in departments * 2:
            with tenant_scope(tenant.id), unit_of_work():
                campaign = Campaign(year=2026, title="编号", joint=False)
                issue_code(campaign, tenant)
                codes.append(campaign.code)
        assert codes == [f"应急抽〔2026〕{n}号" for n in (1, 2, 3, 4)]


def test_a_joint_campaign_of_the_city_names_its_parts_in_two_counties_alike_without_collision(app, two_counties):  # noqa: F811  # the fixture
    """市场监管局's coordinator invites both counties' 应急管理局: each accepts, and each part is
    ``牡市监联抽〔2026〕1号（应急）`` in its own county (the city's bureau numbers under 牡市监, the two counties' both
    under the short name they were given, 应急)."""
    tenants = two_counties["tenants"]
    with app.app_context():
        coord = user_named(two_counties["logins"]["SCJ"]["coord"])
        with tenant_scope(coord.tenant_id):
            campaign = joint.create_joint(
                {
                    "title": "两区危化联合抽查",
                    "year": 2026,
                    "window_start": "2026-03-01",
                    "window_end": "2026-04-30",
                    "team_size": 2,
                    "reserve_size": 2,
                    "department_ids": [tenants["SCYJJ"], tenants["XHYJJ"]],
                },
                actor=coord,
            )
            assert campaign.code == "牡市监联抽〔2026〕1号" and campaign.region_id == two_counties["regions"]["city"]
        parts = {}
        for department in ("scyjj", "xhyjj"):
            planner = user_named(f"{department}_planner")
            with tenant_scope(planner.tenant_id):
                participant = db.session.scalar(
                    sa.select(JointParticipant).where(JointParticipant.campaign_id == campaign.id)
                )
                accepted = joint.accept(participant.id, actor=planner)
                part = db.session.get(Campaign, accepted.part_campaign_id)
                parts[department] = (part.code, part.region_id)
        assert parts == {
            "scyjj": ("牡市监联抽〔2026〕1号（应急）", two_counties["regions"]["county1"]),
            "xhyjj": ("牡市监联抽〔2026〕1号（应急）", two_counties["regions"]["county2"]),
        }


def test_a_code_issued_before_0061_stays_and_the_numbers_go_on_after_it(app):
    """Back to 0060 (codes unique in the deployment, each department's own counter) and up again: the code stays as
    it was, takes its department's region, and the department's next campaign is 2号."""
    with app.app_context():
        world = build()
        first = _approved("yjj", world, "危化企业抽查")
        assert first.code == "宁应急抽〔2026〕1号"
        migrate_to(app, "0060")
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(sa.text("SELECT set_config('app.all_tenants', 'on', true)"))
            before = connection.execute(sa.text("SELECT code FROM campaign WHERE id = :id"), {"id": first.id}).scalar()
            counter = connection.execute(
                sa.text("SELECT last FROM document_counter WHERE tenant_id = :t AND kind = 'campaign' AND year = 2026"),
                {"t": first.tenant_id},
            ).scalar()
        assert (before, counter) == ("宁应急抽〔2026〕1号", 1)
        migrate_to(app)
        admin = user_named("yjj_admin")
        with tenant_scope(admin.tenant_id):
            kept = db.session.get(Campaign, first.id)
            assert kept is not None and (kept.code, kept.region_id) == ("宁应急抽〔2026〕1号", admin.tenant.region_id)
        assert _approved("yjj", world, "危化企业第二批").code == "宁应急抽〔2026〕2号"


def test_a_capped_business_counted_by_two_counties_campaigns_of_one_code_lists_both_and_links_neither(
    app,
    two_counties,  # noqa: F811  # the fixture
):
    """A code names one campaign in its region only: a business counted by 上城区's and 西湖区's 应急抽〔2026〕1号 shows
    the code twice in a frame's capped list (its count stays right) and the public page links neither; a business
    counted by one of them links that one."""
    tenants = two_counties["tenants"]
    with app.app_context():
        world = build("scyjj")
        both, one = (directory_queries.entity_by_code(code) for code in world["codes"][:2])
        rows = [
            (both, "campaign:9001", tenants["SCYJJ"]),
            (both, "campaign:9002", tenants["XHYJJ"]),
            (one, "campaign:9001", tenants["SCYJJ"]),
        ]
        with unit_of_work():
            for entity, key, department in rows:
                db.session.add(
                    InspectionCount(
                        entity_id=entity.id,
                        year=2026,
                        counted_as=key,
                        campaign_code="应急抽〔2026〕1号",
                        department_id=department,
                    )
                )
        with tenant_scope(tenants["SCYJJ"]):
            capped = capped_lists.capped_list([both.id, one.id], 2026)
            assert {row["code"]: row["campaigns"] for row in capped} == {
                both.code: ["应急抽〔2026〕1号", "应急抽〔2026〕1号"],
                one.code: ["应急抽〔2026〕1号"],
            }
            assert inspection_counts.campaign_ids(capped) == {one.code: {"应急抽〔2026〕1号": 9001}}
