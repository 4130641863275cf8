"""涉企检查频次 across the levels (issue 78): the business feels one history, and a region's justice bureau reads it
whole. A county bureau's figures count the city department's checks of the county's businesses — a joint visit of
the city's and the county's 应急管理局 once —, its drill-downs list them naming each department with its level, and
they leave out the city's check of a business located elsewhere; the city bureau's row for the county is the county
bureau's own figures. The county's read opens, besides its branch and read-only, every department's rows about its
businesses, nothing else of a department outside it (ORM scope on both databases, row-level security on
PostgreSQL), and it is recorded in the bureau's own audit chain.

The world: :mod:`tests.support.two_counties` at work
(:func:`tests.support.two_counties_activity.checked_across_levels`), referred to through its dict only."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import SHANGHAI, frozen_at, today
from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import CONSOLE
from spotcheck.core.queries import opened
from spotcheck.core.scoping import TenantViolationError, branch_of, system_access, tenant_scope
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, TargetStatus
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.rules import commands as rules_commands, rulefile
from spotcheck.tenants.rules.documents import Entry
from spotcheck.tenants.supervision import queries as supervision, vocabulary
from spotcheck.tenants.supervision.conditions import REPORTED
from spotcheck.tenants.supervision.policy import across, burden_scope
from spotcheck.tenants.supervision.queries import burden as burden_queries
from tests.support.campaign_world import build, campaign_data, leader_of, planner_of
from tests.support.helpers import signed_in, user_named
from tests.support.rulebooks import NINGAN
from tests.support.two_counties import two_counties  # noqa: F401  # the fixture
from tests.support.two_counties_activity import bureau, checked_across_levels

YEAR = vocabulary.parse_period("2026")
#: The figures a region's row holds (``burden.RegionFigures``).
ROW_FIGURES = ("onsite", "joint", "businesses", "over_cap")
#: The level words of a department's name in a drill-down.
LEVELS = {"province": "省", "city": "市", "county": "县", "town": "乡"}


def _named(tenant_id: int) -> str:
    """A department as the drill-downs name it: with its region and level (``牡丹江市应急管理局（牡丹江市，市级）``)."""
    tenant = db.session.get(Tenant, tenant_id)
    return f"{tenant.name}（{tenant.region.name}，{LEVELS[tenant.region.level]}级）"


def _checks_located_in(region_id: int) -> set[tuple[int, int]]:
    """What a region's figures count, read one visit at a time: every department's reported on-site visits of the
    businesses located in the region, a joint visit once — (business, joint campaign or minus the visit)."""
    prefix = regions.get_region(region_id).code
    with system_access("test: every department's visits"):
        rows = db.session.execute(
            sa.select(Visit.entity_id, Visit.id, Campaign.joint_id, Entity.region_code)
            .join(Campaign, Campaign.id == Visit.campaign_id)
            .join(Entity, Entity.id == Visit.entity_id)
            .where(Visit.status.in_(REPORTED), Visit.method == "onsite")
        ).all()
    return {(entity, joint or -visit) for entity, visit, joint, code in rows if code.startswith(prefix)}


@pytest.mark.seconds(12)
def test_a_county_bureau_counts_every_levels_checks_of_its_businesses_and_names_each_department_with_its_level(app):
    with app.app_context():
        ids = checked_across_levels()
        county, city, sibling = (bureau(ids, code) for code in ("SCSFJ", "SFJ", "XHSFJ"))
        city_yjj, county_yjj = _named(ids["tenants"]["YJJ"]), _named(ids["tenants"]["SCYJJ"])
        assert city_yjj.endswith("，市级）") and county_yjj.endswith("，县级）")
        checks = _checks_located_in(ids["regions"]["county1"])
        joint = {check for check in checks if check[1] > 0}
        with frozen_at(date(2026, 5, 6)):
            with tenant_scope(county.tenant_id):
                found = burden_queries.figures(YEAR, reader=county)
                listed = burden_queries.rows("onsite", YEAR, reader=county)
                jointly = burden_queries.rows("joint_rate", YEAR, reader=county)
                entity, of_business = burden_queries.business(ids["business"], YEAR, reader=county)
                repeated = burden_queries.rows("repeated", YEAR, reader=county)
                with pytest.raises(NotFoundError):  # located in the other county: not among this bureau's businesses
                    burden_queries.business(ids["sibling"], YEAR, reader=county)
            with tenant_scope(city.tenant_id):
                above = burden_queries.figures(YEAR, reader=city)
            with tenant_scope(sibling.tenant_id):
                beside = burden_queries.figures(YEAR, reader=sibling)
                _, of_sibling = burden_queries.business(ids["sibling"], YEAR, reader=sibling)

        # every level's checks of the county's businesses, a joint visit once; nothing of the other county's
        assert joint and len(checks) == len(joint) + 1  # the joint visits, and the city's own check of one business
        assert (found.onsite, found.joint, found.businesses) == (len(checks), len(joint), len(joint))
        assert found.most == 2 and found.spread == {1: len(joint) - 1, 2: 1}
        assert found.onsite == listed.total == len(listed.rows) and found.joint == jointly.total
        assert ids["sibling"] not in {row[2] for row in listed.rows}
        # the drill-downs name the city's department with its level: its own check, and in the joint visits
        assert {row[3] for row in listed.rows if row[2] == ids["business"]} >= {city_yjj}
        departments = {name for row in jointly.rows for name in row[3].split("、")}
        assert departments == {city_yjj, county_yjj}
        assert len({row[0] for row in jointly.rows}) == 1  # under the joint campaign's own code, the city lead's
        assert entity.code == ids["business"] and of_business.total == 2
        assert (of_business.rows[0][4], of_business.rows[0][3]) == (date(2026, 4, 20), city_yjj)
        assert city_yjj in of_business.rows[1][3].split("、")
        # the county's 应急管理局 at the joint visit, the city's ten days later: different departments within 30 days
        assert found.repeated == 1 and [row[1] for row in repeated.rows] == [ids["business"]]

        # the city bureau's row for the county is the county bureau's own figures; the other county's, its own
        rows = {row.region.id: row for row in above.below if row.region is not None}
        for key, own in (("county1", found), ("county2", beside)):
            assert {f: getattr(rows[ids["regions"][key]], f) for f in ROW_FIGURES} == {
                f: getattr(own, f) for f in ROW_FIGURES
            }, key
        # the other county's bureau counts the city's check of its business, naming the city's department
        assert (beside.onsite, beside.businesses) == (1, 1) and of_sibling.rows[0][3] == _named(ids["tenants"]["SWJ"])

        # each read recorded in the bureau's own chain, saying what it read
        with system_access("test: the county bureau's chain"):
            reasons = db.session.scalars(
                sa.select(AuditEntry.details).where(
                    AuditEntry.action == "read.across", AuditEntry.tenant_id == county.tenant_id
                )
            ).all()
        assert reasons and all(r.get("reason") == "burden 2026" for r in reasons)
        assert {r["query"] for r in reasons} == {
            f"spotcheck.tenants.supervision.queries.burden.{name}" for name in ("figures", "rows", "business")
        }

    # the page of the business's checks, as the county bureau reads it
    with frozen_at(date(2026, 5, 6)):
        client = signed_in(app, ids["logins"]["SCSFJ"]["supervisor"])
        shown = client.get(f"/supervision/burden/businesses/{ids['business']}?period=2026")
        assert shown.status_code == 200 and city_yjj in shown.get_data(as_text=True)
        assert client.get(f"/supervision/burden/businesses/{ids['sibling']}?period=2026").status_code == 404


def _seen(model, *columns) -> set[tuple]:
    return {tuple(row) for row in db.session.execute(sa.select(*columns).select_from(model)).all()}


@pytest.mark.seconds(10)
def test_the_county_bureaus_read_opens_its_businesses_visits_alone_read_only_and_its_other_pages_keep_its_branch(app):
    with app.app_context():
        ids = checked_across_levels()
        county = bureau(ids, "SCSFJ")
        branch = branch_of(county.tenant_id)
        city_yjj = ids["tenants"]["YJJ"]
        with system_access("test: the businesses"):
            business, sibling = (
                db.session.scalar(sa.select(Entity.id).where(Entity.code == ids[key]))
                for key in ("business", "sibling")
            )
        postgres = db.engine.dialect.name == "postgresql"
        with tenant_scope(county.tenant_id), opened(county, burden_scope(county, period=YEAR), "test"):
            seen = _seen(Visit, Visit.tenant_id, Visit.entity_id)
            # the city's visits of the county's businesses, never its visit of the other county's
            assert (city_yjj, business) in seen and not any(e == sibling for _, e in seen)
            # nothing else of a department outside the branch: its people (ID numbers), its accounts, its directory
            for model in (Inspector, User, DirectoryEntry):
                assert {t for (t,) in _seen(model, model.tenant_id)} <= branch, model.__name__
            # the city's check of the other county's business is not among the campaigns read
            campaigns = db.session.execute(sa.select(Campaign.id, Campaign.tenant_id)).all()
            assert city_yjj in {t for _, t in campaigns}
            with system_access("test: that campaign"):
                elsewhere = db.session.scalar(sa.select(Visit.campaign_id).where(Visit.entity_id == sibling))
            assert elsewhere not in {c for c, _ in campaigns}
            if postgres:  # row-level security reads the same: raw SQL
                raw = db.session.execute(
                    sa.text("SELECT DISTINCT entity_id FROM visit WHERE tenant_id = :t"), {"t": city_yjj}
                ).all()
                assert (business,) in raw and (sibling,) not in raw
                assert not db.session.execute(
                    sa.text("SELECT 1 FROM app_user WHERE tenant_id = :t"), {"t": city_yjj}
                ).all()
            # read, never written: a change of the city's visit is refused, an update reaches none of its rows
            visit = db.session.scalar(sa.select(Visit).where(Visit.tenant_id == city_yjj, Visit.entity_id == business))
            changed = db.session.execute(
                sa.update(Visit)
                .where(Visit.tenant_id == city_yjj)
                .values(record="改写")
                .execution_options(synchronize_session=False)
            )
            assert changed.rowcount == 0
            if postgres:
                rewritten = db.session.execute(
                    sa.text("UPDATE visit SET record = '改写' WHERE tenant_id = :t"), {"t": city_yjj}
                )
                assert rewritten.rowcount == 0
            visit.record = "改写"
            with pytest.raises(TenantViolationError):
                db.session.flush()
            db.session.rollback()
        # the bureau's other reads keep to its branch: its supervision figures, and the city's visits unread
        county = bureau(ids, "SCSFJ")
        with tenant_scope(county.tenant_id), frozen_at(date(2026, 5, 6)):
            assert {s.tenant_id for s in supervision.statuses(YEAR, reader=county)} <= branch
            with opened(county, across(county, period=YEAR), "test"):
                assert not _seen(Visit, Visit.tenant_id) - {(t,) for t in branch}


#: The root's rulebook of these tests (the demo's 牡丹江市 has none of its own).
UPPER = replace(
    NINGAN,
    title="牡丹江市涉企行政检查规定（测试）",
    short_title="牡丹江市规定",
    issuer="牡丹江市人民政府办公室",
    place="牡丹江市",
)


@pytest.mark.seconds(6)
def test_the_city_departments_draws_of_county_businesses_are_the_county_bureaus_over_the_cap_and_repeated_draws(
    app,
    two_counties,  # noqa: F811  # the fixture
):
    """The city's 应急管理局 draws 80 % of its directory — businesses located in the first county — twice, both frames
    frozen before either draws: each business drawn twice is over the county's yearly cap of one, flagged as drawn
    in two frames frozen together, and its repeated draws weighed; the county's bureau reads all of it, naming the
    city's department, as the city's bureau does."""
    city_login = two_counties["logins"]["YJJ"]["admin"].removesuffix("_admin")
    with app.app_context(), frozen_at(date(2026, 2, 10)):
        world = build(city_login, first_code=1000)
        admin = user_named(f"{city_login}_admin")
        county_code = regions.get_region(two_counties["regions"]["county1"]).code
        with tenant_scope(two_counties["tenants"]["SCJ"]):
            db.session.execute(sa.update(Entity).where(Entity.code.in_(world["codes"])).values(region_code=county_code))
            db.session.commit()
        article = NINGAN.articles[4].number
        entries = {"inspection_cap": Entry(value=1, article=article), "repeat_draw_alpha": Entry(99, article)}
        text = rulefile.write(replace(UPPER, effective_from=today(), entries=entries))
        rules_commands.load_rulebook({"text": text}, actor=CONSOLE)
        db.session.commit()
        planner, leader = planner_of(admin), leader_of(admin)
        with tenant_scope(admin.tenant_id):
            risks = db.session.scalars(sa.select(DirectoryEntry.risk).distinct()).all()
            strata = {risk: {"ratio_bp": 8000, "min": 0} for risk in risks}
            campaigns = []
            for title in ("第一批", "第二批"):
                campaign = campaign_commands.create_campaign(
                    campaign_data(world, title=title, strata=strata), actor=planner
                )
                campaign_commands.approve(campaign.id, actor=leader)
                campaigns.append(campaign.id)
            for minute, campaign_id in enumerate(campaigns):  # both frames frozen before either draws
                with frozen_at(datetime(2026, 2, 10, 9, minute, tzinfo=SHANGHAI)):
                    campaign_commands.freeze_targets(campaign_id, actor=planner)
            for minute, campaign_id in enumerate(campaigns, 10):
                with frozen_at(datetime(2026, 2, 10, 9, minute, tzinfo=SHANGHAI)):
                    campaign_commands.draw_targets(campaign_id, {"public_inputs": ["observer:测试"]}, actor=planner)
            db.session.commit()
            both = set.intersection(
                *[
                    set(
                        db.session.scalars(
                            sa.select(CampaignTarget.entity_id).where(
                                CampaignTarget.campaign_id == c, CampaignTarget.status == TargetStatus.selected
                            )
                        )
                    )
                    for c in campaigns
                ]
            )
        assert both
        named = _named(admin.tenant_id)
        county, city = (user_named(two_counties["logins"][code]["supervisor"]) for code in ("SCSFJ", "SFJ"))
        with tenant_scope(county.tenant_id):
            found = burden_queries.figures(YEAR, reader=county)
            over = burden_queries.rows("over_cap", YEAR, reader=county)
            flagged = burden_queries.rows("suspicious", YEAR, reader=county)
        with tenant_scope(city.tenant_id):
            above = burden_queries.figures(YEAR, reader=city)
            flagged_above = burden_queries.rows("suspicious", YEAR, reader=city)
        assert found.over_cap == len(both) and found.suspicious == len(both)
        assert all(row[2:4] == [2, 1] and row[6] == "两个抽取范围同时冻结" for row in over.rows)
        assert {row[2] for row in flagged.rows} == {named} and all(row[3] == 2 for row in flagged.rows)
        (row,) = [r for r in above.below if r.region is not None and r.region.id == two_counties["regions"]["county1"]]
        assert row.over_cap == found.over_cap and above.suspicious == found.suspicious
        assert flagged_above.rows == flagged.rows
