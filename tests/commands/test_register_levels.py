"""The register across levels (每户企业年度检查次数, 涉企检查频次): a business located in a county is checked by a city
department and by a county department; its yearly cap is its county's (the rules of the region its registry code
lies in) and counts both visits; a later frame leaves it out saying why, citing the rule, and its published list
names each counting department with its level; the city bureau's 涉企检查频次 has a row for each county, summing
to its own figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import sqlalchemy as sa

from spotcheck.core.clock import SHANGHAI, frozen_at, today
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import commands as campaign_commands, draws as draw_steps, inspection_counts
from spotcheck.tenants.campaigns.models import Draw, InspectionCount
from spotcheck.tenants.directory import commands as directory
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.directory.queries import entity_by_code
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.rules import commands as rules_commands, rulefile
from spotcheck.tenants.rules.documents import Entry
from spotcheck.tenants.rules.rulebook import rules_for_region
from spotcheck.tenants.supervision import vocabulary
from spotcheck.tenants.supervision.burden import figures as burden_figures
from spotcheck.tenants.supervision.policy import reading
from spotcheck.tenants.supervision.queries import burden as burden_queries
from tests.support.campaign_world import CATEGORY, build, campaign_data, leader_of, planner_of
from tests.support.helpers import signed_in, user_named
from tests.support.named_world import handed_out
from tests.support.rulebooks import NINGAN, cited
from tests.support.two_counties import two_counties  # noqa: F401  # the fixture

DAY = date(2026, 2, 10)
YEAR = vocabulary.parse_period("2026")
#: The article the test's yearly cap is set under (any article of the rulebook).
ARTICLE = NINGAN.articles[4].number


def _city(world: dict) -> str:
    """The login prefix of the city's (牡丹江市's) 应急管理局 in the world (``mdjyjj``)."""
    return world["logins"]["YJJ"]["admin"].removesuffix("_admin")


def _county_business(world: dict) -> tuple[dict, dict, str]:
    """The city's 应急管理局 and 上城区's, each with its directory; the city's businesses located in 上城区 (their
    registry codes in the county), the first of them in both directories. Returns both worlds and its code."""
    city, county = build(_city(world), first_code=1000), build("scyjj")
    county_code = regions.get_region(world["regions"]["county1"]).code
    with tenant_scope(world["tenants"]["SCJ"]):  # the registry: the businesses' addresses in the county
        db.session.execute(sa.update(Entity).where(Entity.code.in_(city["codes"])).values(region_code=county_code))
        db.session.commit()
    business = city["codes"][0]
    admin = user_named(world["logins"]["SCYJJ"]["admin"])
    with tenant_scope(admin.tenant_id):  # in both directories (built from the same codes, it may be already)
        listed = db.session.scalar(
            sa.select(DirectoryEntry.id).where(DirectoryEntry.entity_id == entity_by_code(business).id)
        )
        if listed is None:
            entry = {"entity_id": entity_by_code(business).id, "risk": "A", "category": CATEGORY}
            directory.add_entry(entry, actor=admin)
        db.session.commit()
    return city, county, business


#: The root's own document in these tests: a yearly cap alone (the demo's 牡丹江市 has no rulebook of its own).
UPPER = replace(
    NINGAN,
    title="牡丹江市涉企行政检查次数上限的规定（测试）",
    short_title="牡丹江市规定",
    issuer="牡丹江市人民政府办公室",
    place="牡丹江市",
)


def _load_cap(cap: int) -> None:
    """The root's rulebook (牡丹江市's, which the demo lacks) setting only a yearly cap of ``cap`` on every business,
    leaving only accidents out of it: every level below inherits it."""
    document = replace(
        UPPER,
        effective_from=today(),
        entries={"inspection_cap": Entry(value=cap, article=ARTICLE), "cap_exempt_kinds": Entry(["accident"], ARTICLE)},
    )
    rules_commands.load_rulebook({"text": rulefile.write(document)}, actor=CONSOLE)
    db.session.commit()


def _everything(world: dict) -> dict:
    """Every business of the department's directory drawn (each risk class in full), its earlier checks kept."""
    with tenant_scope(world["tenant"]):
        risks = db.session.scalars(sa.select(DirectoryEntry.risk).distinct()).all()
    strata = {risk: {"ratio_bp": 10000, "min": 0} for risk in risks}
    return campaign_data(world, strata=strata, exclude_checked=False)


def _campaign(world: dict, department: str, title: str, *, draw: bool = True) -> int:
    admin = user_named(f"{department}_admin")
    planner = planner_of(admin)
    with tenant_scope(admin.tenant_id):
        campaign = campaign_commands.create_campaign({**_everything(world), "title": title}, actor=planner)
        campaign_commands.approve(campaign.id, actor=leader_of(admin))
        campaign_commands.freeze_targets(campaign.id, actor=planner)
        if draw:
            campaign_commands.draw_targets(campaign.id, {"public_inputs": ["observer:测试"]}, actor=planner)
        db.session.commit()
        return campaign.id


def _label(world: dict, code: str) -> str:
    tenant = db.session.get(Tenant, world["tenants"][code])
    return inspection_counts.level_label(tenant.name, tenant.region)


def test_a_county_business_counts_a_city_and_a_county_check_under_its_countys_cap_and_is_left_out_saying_why(
    app,
    two_counties,  # noqa: F811  # the fixture
):
    with app.app_context(), frozen_at(DAY):
        city, county, business = _county_business(two_counties)
        _load_cap(2)
        entity = entity_by_code(business)
        region = regions.containing(entity.region_code)
        assert region is not None and region.id == two_counties["regions"]["county1"]
        rules = rules_for_region(region.id, DAY)  # the business's cap: its county's rules
        assert rules.inspection_cap == 2

        _campaign(city, _city(two_counties), "城区危化企业抽查")  # the city's 应急管理局
        _campaign(county, "scyjj", "辖区危化企业抽查")  # 上城区's
        counted = db.session.scalars(sa.select(InspectionCount).where(InspectionCount.entity_id == entity.id)).all()
        assert {row.department_id for row in counted} == {city["tenant"], county["tenant"]}

        later = _campaign(city, _city(two_counties), "城区危化企业复查", draw=False)
        with tenant_scope(city["tenant"]):
            record = db.session.scalar(sa.select(Draw).where(Draw.campaign_id == later, Draw.kind == "targets"))
            frame = draw_steps.read_clear(record)["frame_file"]  # the clear frame
        assert record.excluded[inspection_counts.CAPPED] == 1  # the others were checked once: below the county's cap
        (row,) = record.capped
        assert row["code"] == business and business not in frame
        assert row["why"] == f"已达每户企业每年涉企行政检查次数上限：2次（{cited(ARTICLE, UPPER)}；{region.name}）"
        departments = {name for counting in row["counted"] for name in counting["departments"]}
        city_label, county_label = _label(two_counties, "YJJ"), _label(two_counties, "SCYJJ")
        assert departments == {city_label, county_label}
        assert county_label == f"{region.name}应急管理局（{region.name}，县级）" and city_label.endswith("，市级）")

    shown = app.test_client().get(f"/public/draws/campaigns/{later}").get_data(as_text=True)
    listed = shown[shown.index('id="targets-capped"') :]
    assert row["why"] in listed and city_label in listed and county_label in listed


def _checked(ids: dict, department: str, day: date) -> None:
    chief = user_named(f"{department}_inspector")
    with tenant_scope(ids["tenant"]), frozen_at(datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI)):
        results.record_result(
            ids["visit"],
            {
                "checked_on": day.isoformat(),
                "method": "onsite",
                "record": "现场核查。",
                "evaluation": "基本规范。",
                "opinions": "无。",
                "items": {str(ids["item"]): {"categories": ["no_problem"], "findings": ""}},
            },
            actor=chief,
        )
        results.submit_result(ids["visit"], actor=chief)
        db.session.commit()


def test_the_city_bureaus_burden_has_a_row_per_county_summing_to_its_figures_and_the_cap_is_the_countys(
    app,
    two_counties,  # noqa: F811  # the fixture
):
    with app.app_context(), frozen_at(date(2026, 2, 27)):
        city, county, business = _county_business(two_counties)
        first = {**handed_out(city, department=_city(two_counties), codes=[business]), "item": city["item"]}
        second = {**handed_out(county, department="scyjj", codes=[business]), "item": county["item"]}
    with app.app_context():
        _checked(first, _city(two_counties), date(2026, 3, 2))
        _checked(second, "scyjj", date(2026, 3, 20))
        with frozen_at(date(2026, 4, 1)):
            _load_cap(1)  # after both were registered: the county's cap is 1, and it was checked twice
            supervisor = user_named(two_counties["logins"]["SFJ"]["supervisor"])
            with tenant_scope(supervisor.tenant_id):
                found = burden_queries.figures(YEAR, reader=supervisor)
                assert (found.onsite, found.businesses, found.over_cap) == (2, 1, 1)
                rows = {row.region.id if row.region else None: row for row in found.below}
                county1, county2 = (rows[two_counties["regions"][key]] for key in ("county1", "county2"))
                assert (county1.onsite, county1.businesses, county1.over_cap) == (2, 1, 1)
                assert (county2.onsite, county2.businesses, county2.over_cap) == (0, 0, 0)
                for figure in ("onsite", "joint", "businesses", "over_cap"):  # the rows sum to the bureau's figures
                    assert sum(getattr(row, figure) for row in found.below) == getattr(found, figure), figure
                # the county's own figures, read for its region, are its row's
                with reading(supervisor, "burden", period=YEAR):
                    own = burden_figures.compute(YEAR, two_counties["regions"]["county1"], reader=supervisor)
                    assert (own.onsite, own.businesses, own.over_cap) == (county1.onsite, county1.businesses, 1)
                    assert (
                        burden_figures.compute(YEAR, two_counties["regions"]["county2"], reader=supervisor).onsite == 0
                    )
                # over the cap: the county's yearly cap, its rule named, both departments' checks counted
                over = burden_queries.rows("over_cap", YEAR, reader=supervisor)
                assert [r[1:5] for r in over.rows] == [[business, 2, 1, f"{cited(ARTICLE, UPPER)}（年度总上限）"]]
                # the figure counted in the database is what the register's rows say, read one by one
                keys: dict[int, set[str]] = {}
                for entity_id, key in db.session.execute(
                    sa.select(InspectionCount.entity_id, InspectionCount.counted_as).where(
                        InspectionCount.year == 2026, InspectionCount.kind.is_not(None)
                    )
                ):
                    keys.setdefault(entity_id, set()).add(key)
                assert found.over_cap == sum(len(k) > 1 for k in keys.values())
            county_name = regions.get_region(two_counties["regions"]["county1"]).name
    with frozen_at(date(2026, 4, 1)):  # the page shows the row of each county
        shown = signed_in(app, two_counties["logins"]["SFJ"]["supervisor"]).get("/supervision/burden?period=2026")
    text = shown.get_data(as_text=True)
    table = text[text.index('id="burden-regions"') :]
    assert county_name in table[: table.index("</table>")]
