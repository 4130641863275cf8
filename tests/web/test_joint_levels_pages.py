"""Joint checks across levels on the pages and through the API (跨层级联合抽查, issue 78 item 4): the coordinator's
form offers the departments of its region and of the regions below it, grouped under each region's name; a county's
coordinator is never offered the city's departments nor a sibling county's, and the API refuses them (422, under
``department_ids``). On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest

from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.joint import commands as joint
from spotcheck.tenants.regions import queries as regions
from tests.support import two_counties
from tests.support.helpers import bearer, post_form, signed_in, user_named
from tests.support.joint_levels import county_coordinator, joint_data


def _text(response) -> str:
    return response.get_data(as_text=True)


def _offered(page: str) -> list[int]:
    """The departments the form's checkboxes offer, in their order."""
    return [int(v) for v in re.findall(r'<input[^>]*name="department_ids"[^>]*value="(\d+)"', page)]


def _legends(page: str) -> list[str]:
    return re.findall(r'<fieldset class="flags region-group"><legend>([^<]+)</legend>', page)


@pytest.mark.seconds(2)
def test_the_form_offers_the_coordinators_branch_region_by_region(app):
    with app.app_context():
        world = two_counties.world()
        tenants = world["tenants"]
        login = county_coordinator(world)
        own = user_named(login).tenant_id
        names = {key: regions.get_region(region_id).name for key, region_id in world["regions"].items()}
        outsider = db.session.get(Tenant, tenants["XHYJJ"])
        outsider_name, outsider_region = outsider.name, outsider.region.name
    county = signed_in(app, login)
    page = _text(county.get("/joint/new"))
    assert _legends(page) == [names["county1"], names["town"]]
    assert set(_offered(page)) == {own, tenants["SCYJJ"], tenants["QBJD"]}
    assert "可邀请本级及下级区划的部门" in page
    refused = post_form(
        county,
        "/joint/new",
        {**joint_data([]), "department_ids": [str(tenants["SCYJJ"]), str(tenants["XHYJJ"])]},
        token_from="/joint/new",
    )
    page = _text(refused)
    assert refused.status_code == 422
    assert f"{outsider_name}（{outsider_region}）不属于{names['county1']}或其下级区划" in page

    city = _text(signed_in(app, world["logins"]["SCJ"]["coord"]).get("/joint/new"))
    legends = _legends(city)  # the tree's order: the city first, each county followed by its towns
    assert legends[0] == names["city"] and {names["county1"], names["town"], names["county2"]} <= set(legends)
    assert legends.index(names["town"]) == legends.index(names["county1"]) + 1
    offered = set(_offered(city))
    assert offered >= {tenants[code] for code in ("SCJ", "YJJ", "SWJ", "SCYJJ", "QBJD", "XHYJJ")} | {own}
    assert not offered & {tenants[code] for code in ("SFJ", "SCSFJ", "XHSFJ")}


@pytest.mark.seconds(2)
def test_the_api_lists_the_branch_and_refuses_a_department_outside_it(app):
    with app.app_context():
        world = two_counties.world()
        tenants = world["tenants"]
        login = county_coordinator(world)
        own = user_named(login).tenant_id
    client, token = app.test_client(), bearer(app, login)
    listed = client.get("/api/v1/joint/departments", headers=token)
    assert listed.status_code == 200
    assert [group["region_id"] for group in listed.json] == [world["regions"]["county1"], world["regions"]["town"]]
    assert {d["id"] for group in listed.json for d in group["departments"]} == {own, tenants["SCYJJ"], tenants["QBJD"]}
    for outside in ("YJJ", "XHYJJ"):
        refused = client.post("/api/v1/joint", json=joint_data([tenants["SCYJJ"], tenants[outside]]), headers=token)
        assert refused.status_code == 422 and set(refused.json["errors"]["json"]) == {"department_ids"}, refused.json
    assert client.get("/api/v1/joint", headers=token).json["led"] == []  # nothing was created
    made = client.post("/api/v1/joint", json=joint_data([tenants["SCYJJ"], tenants["QBJD"]]), headers=token)
    assert made.status_code == 201, made.json


def test_a_joint_plans_form_offers_its_leads_branch(app):
    with app.app_context():
        world = two_counties.world()
        tenants = world["tenants"]
        joint.name_field_lead("safety", {"tenant_id": tenants["SCYJJ"]}, actor=user_named("admin"))
        db.session.commit()
    page = _text(signed_in(app, "scyjj_planner").get("/plans/new-joint"))
    assert set(_offered(page)) == {tenants["QBJD"]}  # its town's; never the city's nor the sibling county's
