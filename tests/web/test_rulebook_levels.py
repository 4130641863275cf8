"""Each level's rulebook through the page and the API (各级实施方案): the platform administrator chooses a region,
reads the chain of rulebooks down to it (a level without its own says which rules it applies), loads that level's
rulebook, and is refused a looser one naming the level above; a region the tree lacks answers 404 / 422 in Chinese."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from spotcheck.core.clock import today
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.rules import rulebook, rulefile
from spotcheck.tenants.rules.documents import Entry
from tests.support.helpers import bearer, post_form, signed_in
from tests.support.page_text import visible_text
from tests.support.rulebooks import NINGAN
from tests.support.two_counties import two_counties  # noqa: F401  # the fixture


def _book(place: str, cap: int) -> str:
    entries = {**NINGAN.entries, "inspection_cap": Entry(value=cap, article="第8条")}
    return rulefile.write(
        replace(
            NINGAN,
            title=f"{place}实施方案（测试）",
            short_title=f"{place}实施方案",
            issuer=f"{place}人民政府办公室",
            place=place,
            effective_from=today() + timedelta(days=20),
            entries=entries,
        )
    )


def test_the_administrator_loads_a_countys_rulebook_on_its_page(app, two_counties):  # noqa: F811
    with app.app_context():
        county = regions.get_region(two_counties["regions"]["county1"])
        city = regions.get_region(two_counties["regions"]["city"])
        code, name, city_name = county.code, county.name, city.name
    admin = signed_in(app, "admin")
    page = admin.get(f"/platform/rules?region={code}")
    text = visible_text(page.get_data(as_text=True))
    assert page.status_code == 200 and f"{name} · " in text
    assert city_name in text and "本级未制定实施方案，适用上级规定" in text
    url = f"/platform/rules?region={code}"
    loaded = post_form(admin, url, {"how": "text", "text": _book(name, 2)}, token_from=url)
    assert loaded.status_code == 302, visible_text(loaded.get_data(as_text=True))[:2000]
    with app.app_context():
        assert rulebook.own_rulebook_id(two_counties["regions"]["county1"], today() + timedelta(days=20)) is not None
    assert admin.get("/platform/rules?region=999999").status_code == 404


def test_the_api_loads_a_levels_rulebook_and_names_a_region_it_lacks(app, two_counties):  # noqa: F811
    with app.app_context():
        county = regions.get_region(two_counties["regions"]["county2"])
        code, name = county.code, county.name
    client, headers = app.test_client(), bearer(app, "admin")
    refused = client.post(
        "/api/v1/rules/rulebook/versions", json={"text": _book(name, 2), "region": "999999"}, headers=headers
    )
    assert refused.status_code == 422 and "区划树中没有区划“999999”" in refused.json["errors"]["json"]["region"][0]
    loaded = client.post(
        "/api/v1/rules/rulebook/versions", json={"text": _book(name, 2), "region": code}, headers=headers
    )
    assert loaded.status_code == 201, loaded.get_data(as_text=True)
    with app.app_context():
        assert (
            rulebook.rules_for_region(two_counties["regions"]["county2"], today() + timedelta(days=20)).inspection_cap
            == 2
        )
