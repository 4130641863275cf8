"""Rules per level (各级实施方案): a region below the root has its own rulebook; what passes down is only tightened,
what is local stays with its level; loading a rulebook re-checks every rulebook and department below it; a campaign
keeps the chain of versions in force at its approval."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from spotcheck.core.clock import frozen_at, today
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import queries as accounts_queries
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import in_force as campaign_rules
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.rules import commands, rulebook, rulefile
from spotcheck.tenants.rules.documents import Entry
from spotcheck.tenants.supervision import duties as duty_schedule
from tests.support.rulebooks import NINGAN
from tests.support.two_counties import two_counties  # noqa: F401  # the fixture


def _book(place: str, start, **values) -> str:
    """A rulebook of ``place`` (宁安市's articles, its own title and issuer) from ``start``, each ``key=(value,
    article)`` set."""
    entries = dict(NINGAN.entries)
    for key, (value, article) in values.items():
        entries[key] = Entry(value=value, article=article)
    document = replace(
        NINGAN,
        title=f"{place}推行“双随机、一公开”监管的实施方案",
        short_title=f"{place}实施方案",
        issuer=f"{place}人民政府办公室",
        place=place,
        effective_from=start,
        entries=entries,
    )
    return rulefile.write(document)


def _load(region_id: int, text: str):
    version = commands.load_rulebook({"text": text, "region": region_id}, actor=CONSOLE)
    db.session.commit()
    return version


@pytest.fixture
def levels(app, two_counties):  # noqa: F811  # the fixture
    """The city's rulebook (a yearly cap of 3, filed with both authorities) from a day to come, and the ids."""
    with app.app_context():
        start = today() + timedelta(days=30)
        ids = {key: two_counties["regions"][key] for key in ("city", "county1", "county2", "town")}
        names = {key: regions.get_region(ids[key]).name for key in ids}
        city = _load(ids["city"], _book(names["city"], start, inspection_cap=(3, "第8条")))
        yield {"start": start, "ids": ids, "names": names, "city": city, "world": two_counties}


def test_a_looser_county_rulebook_is_refused_citing_the_citys(app, levels):
    with app.app_context():
        county = levels["names"]["county1"]
        with pytest.raises(InvalidInputError) as refused:
            commands.load_rulebook(
                {
                    "text": _book(county, levels["start"], inspection_cap=(5, "第8条")),
                    "region": levels["ids"]["county1"],
                },
                actor=CONSOLE,
            )
        message = " ".join(refused.value.errors["inspection_cap"])
        assert f"《{levels['names']['city']}推行“双随机、一公开”监管的实施方案》第8条" in message
        assert "只能从严" in message
        db.session.rollback()
        assert rulebook.own_rulebook_id(levels["ids"]["county1"], levels["start"]) is None  # nothing loaded


def test_a_county_tightens_and_its_towns_inherit_while_a_sibling_keeps_the_citys(app, levels):
    with app.app_context():
        ids, start = levels["ids"], levels["start"]
        _load(ids["county1"], _book(levels["names"]["county1"], start, inspection_cap=(2, "第8条")))
        county, town, sibling, city = (
            rulebook.rules_for_region(ids[k], start) for k in ("county1", "town", "county2", "city")
        )
        assert (county.inspection_cap, town.inspection_cap, sibling.inspection_cap, city.inspection_cap) == (2, 2, 3, 3)
        assert levels["names"]["county1"] in county.cite("inspection_cap")
        assert levels["names"]["city"] in sibling.cite("inspection_cap")
        assert [ref.title for ref in town.rulebooks] == [
            f"{levels['names'][k]}推行“双随机、一公开”监管的实施方案" for k in ("city", "county1")
        ]
        # a department of the county works under the county's cap
        department = levels["world"]["tenants"]["SCYJJ"]
        assert rulebook.rules_for(department, start).inspection_cap == 2
        # and before either version takes effect, nothing changed for it
        assert (
            rulebook.rules_for(department, start - timedelta(days=1)).inspection_cap
            == rulebook.rules_for_region(ids["city"], start - timedelta(days=1)).inspection_cap
        )


def test_local_parameters_stay_with_their_level(app, levels):
    with app.app_context():
        ids, start = levels["ids"], levels["start"]
        county_name = levels["names"]["county1"]
        # filed with the justice bureau alone: “looser” than the city's two authorities, but the county's own to say
        _load(
            ids["county1"], _book(county_name, start, filing_authorities=(["justice"], "第3条"), duties=([], "第9条"))
        )
        county, city = rulebook.rules_for_region(ids["county1"], start), rulebook.rules_for_region(ids["city"], start)
        assert county.values["filing_authorities"] == ["justice"]
        assert city.values["filing_authorities"] == ["justice", "market"]
        assert county.duties == [] and len(city.duties) == 3  # the city's duties do not reach the county's departments
        assert county.place == county_name and city.place == levels["names"]["city"]
        # the town below the county has no rulebook: it takes its nearest level's local rules, not the city's
        assert rulebook.rules_for_region(ids["town"], start).values["filing_authorities"] == ["justice"]
        # while the county's sibling, without a rulebook of its own, has the city's
        assert rulebook.rules_for_region(ids["county2"], start).values["filing_authorities"] == ["justice", "market"]


def test_loading_the_citys_rulebook_rechecks_the_counties_below(app, levels):
    with app.app_context():
        ids, start = levels["ids"], levels["start"]
        _load(ids["county1"], _book(levels["names"]["county1"], start, inspection_cap=(2, "第8条")))
        later = start + timedelta(days=10)
        with pytest.raises(InvalidInputError) as refused:
            commands.load_rulebook(
                {"text": _book(levels["names"]["city"], later, inspection_cap=(1, "第8条")), "region": ids["city"]},
                actor=CONSOLE,
            )
        below = " ".join(refused.value.errors["regions"])
        assert levels["names"]["county1"] in below and "只能从严" in below
        db.session.rollback()
        # a later county version replacing the looser one lets the city tighten
        _load(ids["county1"], _book(levels["names"]["county1"], later, inspection_cap=(1, "第8条")))
        _load(ids["city"], _book(levels["names"]["city"], later, inspection_cap=(1, "第8条")))
        assert rulebook.rules_for_region(ids["county2"], later).inspection_cap == 1


def test_a_department_below_a_county_rulebook_may_not_loosen_it(app, levels):
    with app.app_context():
        ids, start = levels["ids"], levels["start"]
        county_name = levels["names"]["county1"]
        _load(ids["county1"], _book(county_name, start, inspection_cap=(2, "第8条")))
        department = levels["world"]["tenants"]["SCYJJ"]
        own = replace(
            NINGAN,
            kind="department",
            title="应急管理局“双随机、一公开”抽查工作细则",
            short_title="应急细则",
            issuer=db.session.get(Tenant, department).name,
            effective_from=start,
            entries={"inspection_cap": Entry(value=3, article="第8条")},
            sources=(),
        )
        with tenant_scope(department), pytest.raises(InvalidInputError) as refused:
            commands.load_department_rules({"text": rulefile.write(own)}, actor=CONSOLE)
        assert any(county_name in m for m in refused.value.errors.get("inspection_cap", [])), refused.value.errors
        db.session.rollback()


def test_a_campaign_keeps_the_chain_in_force_at_its_approval(app, levels):
    with app.app_context():
        ids, start = levels["ids"], levels["start"]
        county = _load(ids["county1"], _book(levels["names"]["county1"], start, inspection_cap=(2, "第8条")))
        department = levels["world"]["tenants"]["SCYJJ"]
        campaign = Campaign(tenant_id=department)
        with frozen_at(start):
            campaign_rules.keep_rules(campaign)
        assert campaign.rulebook_version_ids == [levels["city"].id, county.id]
        later = start + timedelta(days=10)
        _load(ids["county1"], _book(levels["names"]["county1"], later, inspection_cap=(1, "第8条")))
        with frozen_at(later + timedelta(days=1)):
            assert rulebook.rules_for(department).inspection_cap == 1
            assert campaign_rules.rules_of(campaign).inspection_cap == 2


def test_a_rulebook_s_duty_of_its_own_level_binds_its_departments_and_not_a_town_that_applies_it(app, levels):
    """宁安市's 第9条 tables are “市直部门” tables (``binds = "level"``): a county that adopts the same rulebook
    owes them with its own departments; its town's office, which applies the county's rulebook (适用上级), owes
    only the 第10条 table (本级及下级) and files its plans with the county's authorities as before (第3条)."""
    with app.app_context():
        ids, start, tenants = levels["ids"], levels["start"], levels["world"]["tenants"]
        _load(ids["county1"], _book(levels["names"]["county1"], start))
        county, town = rulebook.rules_for(tenants["SCYJJ"], start), rulebook.rules_for(tenants["QBJD"], start)
        assert [d["table"] for d in county.duties] == ["progress", "practice", "joint"]
        assert [d["table"] for d in town.duties] == ["joint"]
        assert set(county.tables) == {"plan", "progress", "joint", "halfplan", "practice"}
        assert set(town.tables) == {"plan", "joint", "halfplan"}
        assert town.cite("duties") == county.cite("duties")  # cited by the county's rulebook, its article
        # the schedules of the next year: the town's office owes the joint table alone, to the county's bureau
        year = start.year + 1
        assert {due.duty.code for due in duty_schedule.schedule(tenants["SCYJJ"], [year])} == {
            "progress",
            "practice",
            "joint",
        }
        assert {due.duty.code for due in duty_schedule.schedule(tenants["QBJD"], [year])} == {"joint"}
        # what is not a duty reaches the town as it is: its plan is filed with the county's two authorities
        assert town.filing_authorities == county.filing_authorities == ("justice", "market")
        assert town.cite("filing_authorities") == county.cite("filing_authorities")
        assert accounts_queries.bureau_of(tenants["QBJD"]).id == tenants["SCSFJ"]
        # the sibling county has no rulebook and applies the city's: the city's 市直部门 tables are not its departments'
        sibling, city = rulebook.rules_for(tenants["XHYJJ"], start), rulebook.rules_for(tenants["YJJ"], start)
        assert [d["table"] for d in sibling.duties] == ["joint"]
        assert [d["table"] for d in city.duties] == ["progress", "practice", "joint"]
        # the levels as the portal and the bureaus read them say the same
        assert [d["table"] for d in rulebook.rules_for_region(ids["town"], start).duties] == ["joint"]
        assert len(rulebook.rules_for_region(ids["county1"], start).duties) == 3


def test_a_duty_that_does_not_say_whom_it_binds_binds_the_levels_below_too(app, levels):
    """A rules file whose duties and tables say nothing of ``binds`` (a version written before it, or a document
    addressed to “各部门” alone): they reach a town applying the rulebook, as every local rule does."""
    with app.app_context():
        ids, start, tenants = levels["ids"], levels["start"], levels["world"]["tenants"]
        text = _book(levels["names"]["county1"], start)
        _load(ids["county1"], "\n".join(line for line in text.splitlines() if not line.startswith("binds = ")) + "\n")
        town = rulebook.rules_for(tenants["QBJD"], start)
        assert [d["table"] for d in town.duties] == ["progress", "practice", "joint"]
        assert all(d["binds"] == "level_and_below" for d in town.duties)
        assert "适用：本级及下级部门" in town.say("duties") and "适用：本级及下级部门" in town.say("tables")


def test_a_town_department_may_add_a_duty_its_county_gives_its_own_level_alone(app, levels):
    """A 细则 adds duties, never restates the rulebook's: a county department's 细则 restating the 市直部门 table is
    refused citing the county's article; the town's office, which that duty does not bind, may set it for itself."""
    with app.app_context():
        ids, start, tenants = levels["ids"], levels["start"], levels["world"]["tenants"]
        _load(ids["county1"], _book(levels["names"]["county1"], start))
        progress = next(d for d in NINGAN.entries["duties"].value if d["table"] == "progress")

        def own(department: int) -> str:
            return rulefile.write(
                replace(
                    NINGAN,
                    kind="department",
                    title="“双随机、一公开”抽查工作细则",
                    short_title="细则",
                    issuer=db.session.get(Tenant, department).full_name,
                    effective_from=start,
                    entries={"duties": Entry(value=[dict(progress, recipient="县司法局")], article="第9条")},
                    sources=(),
                )
            )

        with tenant_scope(tenants["SCYJJ"]), pytest.raises(InvalidInputError) as refused:
            commands.load_department_rules({"text": own(tenants["SCYJJ"])}, actor=CONSOLE)
        assert "已由《" in " ".join(refused.value.errors["duties"]), refused.value.errors
        db.session.rollback()
        with tenant_scope(tenants["QBJD"]):
            commands.load_department_rules({"text": own(tenants["QBJD"])}, actor=CONSOLE)
            db.session.commit()
        assert [d["table"] for d in rulebook.rules_for(tenants["QBJD"], start).duties] == ["joint", "progress"]
