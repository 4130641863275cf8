"""The national floor as the pages show it: the yearly cap that 国办发〔2024〕54号 asks every place to set, a to-do
while it is open, and the enforcement supervisor (《行政执法监督条例》) cited where a business complains — each only
from the day its article is in force."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.policy import CONSOLE
from spotcheck.demo.rules import county_id
from spotcheck.tenants.rules import commands as rules_commands, documents, queries as rules_queries, rulebook, rulefile
from tests.support.helpers import signed_in, tenant_id
from tests.support.results_world import codes_of, handed_out


def test_the_yearly_cap_left_open_is_a_to_do_for_the_operator_and_the_bureau_and_unset_on_the_portal(app):
    """国办发〔2024〕54号 asks every place to set a yearly cap: while the rules in force leave it open, the platform
    administrator's and the justice bureau's homes say so citing it, and /public/rules says 未规定."""
    with app.app_context():
        asked = rules_queries.open_against_floor()
        assert [a.key for a in asked] == ["inspection_cap"] and "国办发〔2024〕54号" in asked[0].citation
        assert rules_queries.open_against_floor(date(2024, 12, 1)) == []  # before 54号: nothing was asked
    for login in ("admin", "sfj_supervisor"):
        page = signed_in(app, login).get("/").get_data(as_text=True)
        assert 'id="floor-asks-inspection_cap"' in page and "国办发〔2024〕54号" in page
        assert "每户企业每年涉企行政检查次数上限" in page
    assert 'id="floor-asks-inspection_cap"' not in signed_in(app, "yjj_planner").get("/").get_data(as_text=True)
    public = app.test_client().get("/public/rules").get_data(as_text=True)
    cap = public[public.index("每户企业每年涉企行政检查次数上限") :][:600]
    assert "未规定" in cap
    with app.app_context():
        day = adopt_cap(3)
    with frozen_at(day):  # 宁安市's new version sets the cap from its day on: its bureau's to-do goes
        page = signed_in(app, "sfj_supervisor").get("/").get_data(as_text=True)
        upper = signed_in(app, "admin").get("/").get_data(as_text=True)
    assert 'id="floor-asks-inspection_cap"' not in page and "监督" in page
    assert 'id="floor-asks-inspection_cap"' in upper  # 牡丹江市 runs on the national floor alone: still asked


def adopt_cap(cap: int) -> date:
    """A new version of the rulebook in force, the same but with the yearly cap set, from tomorrow on."""
    version_id = rulebook.own_rulebook_id(county_id())
    document = rulebook.document_of(version_id)
    entries = {**document.entries, "inspection_cap": documents.Entry(value=cap, article=document.articles[0].number)}
    day = rulebook.today() + timedelta(days=1)
    rules_commands.load_rulebook(
        {"text": rulefile.write(replace(document, entries=entries, effective_from=day)), "region": county_id()},
        actor=CONSOLE,
    )
    db.session.commit()
    with frozen_at(day):
        assert rulebook.rules_for_region(county_id()).inspection_cap == cap
    return day


def test_a_complaint_cites_the_enforcement_supervisor_only_from_the_day_it_is_in_force(app):
    """《行政执法监督条例》 makes the justice bureau the enforcement supervisor from 1 February 2026: the business's
    complaint form cites it from that day, and not before."""
    with app.app_context(), frozen_at(date(2026, 4, 1)):
        ids = handed_out()
        token, *_ = codes_of(ids)
    client = app.test_client()
    with frozen_at(date(2026, 4, 1)):
        page = client.get(f"/public/checks/{token}").get_data(as_text=True)
    said = page[page.index('id="complaint-taken-by"') :][:400]
    assert "根据《行政执法监督条例》（国务院令第825号）第二条、第六条，" in said
    with app.app_context():
        before = rulebook.rules_for(tenant_id("YJJ"), date(2026, 1, 20))
    assert before.under("enforcement_supervisor") == ""
