"""A campaign's target list a page at a time (a campaign may draw 10,000 targets and more): fifty
to a page with counts, filters and each target's team, forms that return to the same page and
filter, and the API's pages."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignTarget, TeamMember
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector
from tests.support.campaign_world import build, campaign_data, credit_code, leader_of, planner_of
from tests.support.helpers import bearer, post_form, signed_in, user_named
from tests.support.in_english import english

#: More than 50 selected of the 80 entities of build(entities=80) (A 27, B 15, C 18, D 20), 2 reserves each; a
#: higher risk class never drawn less than a lower one (the national floor).
MANY = {"A": {"count": 20}, "B": {"count": 13}, "C": {"count": 13}, "D": {"count": 13}}


def _drawn(world, *, inspectors: bool) -> int:
    """A campaign of the world with its targets drawn (and its inspectors, if asked); its id."""
    admin = user_named("yjj_admin")
    with tenant_scope(admin.tenant_id):
        campaign = campaign_commands.create_campaign(
            campaign_data(world, strata=MANY, capacity=None), actor=planner_of(admin)
        )
        campaign_commands.approve(campaign.id, actor=leader_of(admin))
        campaign_commands.freeze_targets(campaign.id, actor=planner_of(admin))
        db.session.commit()
        campaign_commands.draw_targets(campaign.id, {"public_inputs": ["观察员: 1"]}, actor=planner_of(admin))
        db.session.commit()
        if inspectors:
            campaign_commands.freeze_inspectors(campaign.id, actor=planner_of(admin))
            db.session.commit()
            campaign_commands.draw_inspectors(
                campaign.id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=planner_of(admin)
            )
            db.session.commit()
        return campaign.id


def _in_draw_order(world, campaign_id) -> list[tuple[str, str, str]]:
    """The campaign's targets as (stratum, code, status), by stratum and rank."""
    with tenant_scope(world["tenant"]):
        return [
            (stratum, code, status.value)
            for stratum, code, status in db.session.execute(
                sa.select(CampaignTarget.stratum, Entity.code, CampaignTarget.status)
                .join(CampaignTarget.entity)
                .where(CampaignTarget.campaign_id == campaign_id)
                .order_by(CampaignTarget.stratum, CampaignTarget.rank)
            )
        ]


def _team_certs(world, campaign_id) -> dict[str, set[str]]:
    with tenant_scope(world["tenant"]):
        teams: dict[str, set[str]] = {}
        for code, cert_no in db.session.execute(
            sa.select(Entity.code, Inspector.cert_no)
            .join(TeamMember.entity)
            .join(TeamMember.inspector)
            .where(TeamMember.campaign_id == campaign_id, TeamMember.active.is_(True))
        ):
            teams.setdefault(code, set()).add(cert_no)
        return teams


def _rows(response) -> list[tuple[str, str]]:
    """The rows of the page's target table as (code, status)."""
    body = response.get_data(as_text=True)
    table = re.search(r'<table class="results[^"]*" id="targets-table">.*?</table>', body, re.S)
    return (
        re.findall(
            r'<tr data-entity="\d+" class="target-(\w+)">\s*<td class="code"[^>]*><code>(\w+)</code>', table.group(0)
        )
        if table
        else []
    )


def _codes(response) -> list[str]:
    return [code for _status, code in _rows(response)]


def _row_html(response, code: str) -> str:
    body = response.get_data(as_text=True)
    return re.search(
        rf'<tr data-entity="\d+" class="target-\w+">\s*<td class="code"[^>]*><code>{code}</code>.*?</tr>', body, re.S
    ).group(0)


def test_the_campaign_page_lists_the_targets_fifty_to_a_page_with_counts_and_filters(app):
    with app.app_context():
        world = build(entities=80)
        campaign_id = _drawn(world, inspectors=True)
        targets, teams = _in_draw_order(world, campaign_id), _team_certs(world, campaign_id)
    url = f"/campaigns/{campaign_id}"
    page = english(signed_in(app, "yjj_planner"))
    selected = [t for t in targets if t[2] == "selected"]
    assert len(selected) == sum(rule["count"] for rule in MANY.values()) > 50 and len(targets) == len(selected) + 8

    first, second = page.get(url), page.get(f"{url}?page=2")
    assert _rows(first) == [(status, code) for _s, code, status in targets[:50]]  # by stratum, then rank
    assert _rows(second) == [(status, code) for _s, code, status in targets[50:]]
    shown = second.get_data(as_text=True)
    assert f"51–{len(targets)} of {len(targets)}" in shown and "Page 2 of 2" in shown
    assert f'href="{url}?page=2#results"' in first.get_data(as_text=True)
    assert 'id="targets-seed"' in shown  # the ceremony is on every page
    for _stratum, code, _status in targets[50:]:  # each target of the page with its own team (a reserve: none)
        assert set(re.findall(r"YJJ-\d{4}", _row_html(second, code))) == teams.get(code, set()), code

    counts = re.search(r'<table class="frame-counts" id="target-counts">.*?</table>', shown, re.S).group(0)
    for stratum, rule in MANY.items():
        row = re.search(rf'<tr data-stratum="{stratum}">.*?</tr>', counts, re.S).group(0)
        numbers = re.findall(r'<td data-status="(\w+)">(?:<a [^>]*>)?([\d,]+)', row)
        assert numbers == [("selected", str(rule["count"])), ("reserve", "2"), ("replaced", "0")], stratum
    assert re.search(rf'data-status="selected"><a [^>]*>{len(selected)}</a>', counts)  # the total

    reserves = page.get(url, query_string={"status": "reserve"})
    assert _rows(reserves) == [("reserve", code) for _s, code, status in targets if status == "reserve"]
    only_b = page.get(url, query_string={"stratum": "B", "status": "selected"})
    assert _codes(only_b) == [code for stratum, code, status in targets if (stratum, status) == ("B", "selected")]
    assert 'value="B" selected' in only_b.get_data(as_text=True)
    wanted = targets[60][1]
    assert _codes(page.get(url, query_string={"q": wanted[:16].lower()})) == [wanted]
    drawn_codes = {code for _s, code, _status in targets}
    by_name = set(_codes(page.get(url, query_string={"q": "测试危化企业7"})))
    assert by_name == {credit_code(n) for n in (7, *range(70, 80))} & drawn_codes
    assert "Nothing matches this search." in page.get(url, query_string={"q": "不存在的企业"}).get_data(as_text=True)
    assert _codes(page.get(url, query_string={"status": "everything"})) == _codes(first)  # an unknown status: all

    past = page.get(url, query_string={"page": 3, "status": "reserve"})  # past the last page: that list's first
    assert past.status_code == 302 and past.headers["Location"].endswith(f"{url}?status=reserve#results")
    assert page.get(url, query_string={"page": 0}).status_code == 404


def _location(response) -> tuple[str, dict, str]:
    assert response.status_code == 302, response.status_code
    where = urlsplit(response.headers["Location"])
    return where.path, parse_qs(where.query), where.fragment


def _results_card(response) -> str:
    """The card of the target list (its messages, counts, filter, table and pages)."""
    return response.get_data(as_text=True).split('<section class="card" id="results">', 1)[1]


def _next_field(response) -> str:
    """Where the forms of the target table say they were posted from."""
    table = re.search(r'id="targets-table">.*?</table>', response.get_data(as_text=True), re.S).group(0)
    return html.unescape(re.search(r'name="next" value="([^"]+)"', table).group(1))


def test_the_forms_on_the_list_return_to_the_same_page_and_filter(app):
    with app.app_context():
        world = build(entities=80)
        campaign_id = _drawn(world, inspectors=False)
    url = f"/campaigns/{campaign_id}"
    planner = english(signed_in(app, "yjj_planner"))
    listed = planner.get(url, query_string={"page": 2, "status": "selected"})
    came_from = _next_field(listed)
    out = _codes(listed)[0]
    entity_id = re.search(
        rf'<tr data-entity="(\d+)" class="target-selected">\s*<td class="code"[^>]*><code>{out}<',
        listed.get_data(as_text=True),
    ).group(1)

    # a refused replacement and a done one both land on page 2 of the selected targets
    refused = post_form(
        planner, f"{url}/targets/{entity_id}/replace", {"reason": "cannot_be_found", "next": came_from}, token_from=url
    )
    assert _location(refused) == (url, {"page": ["2"], "status": ["selected"]}, "results")
    assert re.search(
        r'<div class="flash error at-list" role="status">A drawn target is replaced only for these reasons',
        _results_card(planner.get(refused.headers["Location"])),
    )  # the message above the list
    replaced = post_form(
        planner, f"{url}/targets/{entity_id}/replace", {"reason": "closed", "next": came_from}, token_from=url
    )
    assert _location(replaced) == (url, {"page": ["2"], "status": ["selected"]}, "results")
    back = planner.get(replaced.headers["Location"])
    assert "Replaced by" in _results_card(back) and back.get_data(as_text=True).count("Replaced by") == 1  # once
    assert out not in _codes(back) and "Page 2 of 2" in _results_card(back)
    assert _rows(planner.get(url, query_string={"status": "replaced"})) == [("replaced", out)]

    # the way back is this campaign's page and its list's arguments, nothing else
    with app.app_context():
        other = _drawn(world, inspectors=False)
    for elsewhere in (
        f"https://evil.example{url}?page=2",
        f"//evil.example{url}?page=2",
        f"/campaigns/{other}?page=2",
        "javascript:alert(1)",
        f"{url}/../../account?page=2",
        "",
    ):
        answer = post_form(
            planner, f"{url}/targets/{entity_id}/replace", {"reason": "closed", "next": elsewhere}, token_from=url
        )
        assert answer.headers["Location"] == f"{url}#results", elsewhere
    kept = post_form(
        planner,
        f"{url}/targets/{entity_id}/replace",
        {"reason": "closed", "next": f"{url}?page=2&q=企业&evil=1&stratum=A"},
        token_from=url,
    )
    assert _location(kept) == (url, {"page": ["2"], "q": ["企业"], "stratum": ["A"]}, "results")

    # after the inspector draw: naming the leader and replacing an inspector from page 2
    with app.app_context(), tenant_scope(world["tenant"]):
        campaign = campaigns.get_campaign(campaign_id)
        campaign_commands.freeze_inspectors(campaign.id, actor=user_named("yjj_planner"))
        db.session.commit()
        campaign_commands.draw_inspectors(
            campaign_id, {"public_inputs": ["observer:测试监督人 0001"]}, actor=user_named("yjj_planner")
        )
        db.session.commit()
    listed = planner.get(url, query_string={"page": 2})
    came_from = _next_field(listed)
    member_id = re.search(rf'action="{url}/team-members/(\d+)/leader"', listed.get_data(as_text=True)).group(1)
    named = post_form(planner, f"{url}/team-members/{member_id}/leader", {"next": came_from}, token_from=url)
    assert _location(named) == (url, {"page": ["2"]}, "results")
    back = _results_card(planner.get(named.headers["Location"]))
    assert "is the team leader" in back
    assert re.search(rf'<li class="member-active member-leader" data-member="{member_id}">', back)
    changed = post_form(
        planner, f"{url}/team-members/{member_id}/replace", {"reason": "leave", "next": came_from}, token_from=url
    )
    assert _location(changed) == (url, {"page": ["2"]}, "results")
    back = _results_card(planner.get(changed.headers["Location"]))
    assert "the next eligible inspector" in back
    assert re.search(rf'<li class="member-replaced" data-member="{member_id}">', back)


def test_the_api_gives_the_targets_a_page_at_a_time(app):
    with app.app_context():
        world = build(entities=80)
        campaign_id = _drawn(world, inspectors=True)
        targets, teams = _in_draw_order(world, campaign_id), _team_certs(world, campaign_id)
    client, planner = app.test_client(), bearer(app, "yjj_planner")
    base = f"/api/v1/campaigns/{campaign_id}/targets"

    first = client.get(base, headers=planner).json
    assert (first["page"], first["pages"], first["total"], first["next_page"]) == (1, 2, len(targets), 2)
    second = client.get(base, query_string={"page": first["next_page"]}, headers=planner).json
    assert second["next_page"] is None and len(first["items"]) == 50
    items = first["items"] + second["items"]
    assert [(t["stratum"], t["code"], t["status"]) for t in items] == targets
    for item in items:
        assert {m["cert_no"] for m in item["team"]} == teams.get(item["code"], set()), item["code"]
        assert set(item) == {
            "entity_id",
            "code",
            "name",
            "group_code",
            "stratum",
            "rank",
            "status",
            "replacement_reason",
            "cause",
            "cause_reference",
            "team",
            "experts",
        }
        assert item["cause"] == item["cause_reference"] == ""  # drawn: no cause (a named check's target has one)

    last = -(-len(targets) // 10)  # the last page of ten
    small = client.get(base, query_string={"limit": 10, "page": last}, headers=planner).json
    assert [t["code"] for t in small["items"]] == [code for _s, code, _status in targets[(last - 1) * 10 : last * 10]]
    assert small["pages"] == last and small["next_page"] is None
    assert client.get(base, query_string={"limit": 10, "page": last + 1}, headers=planner).status_code == 404
    for bad in ({"limit": 201}, {"limit": 0}, {"page": 0}, {"status": "everything"}):
        assert client.get(base, query_string=bad, headers=planner).status_code == 422, bad
    reserves = client.get(base, query_string={"status": "reserve"}, headers=planner).json
    assert [t["code"] for t in reserves["items"]] == [code for _s, code, status in targets if status == "reserve"]
    only_b = client.get(base, query_string={"stratum": "B", "status": "selected", "limit": 5}, headers=planner).json
    assert only_b["total"] == MANY["B"]["count"] and all(t["stratum"] == "B" for t in only_b["items"])
    wanted = targets[60][1]
    assert [
        t["code"] for t in client.get(base, query_string={"q": wanted[:16].lower()}, headers=planner).json["items"]
    ] == [wanted]
    assert client.get(base, headers=bearer(app, "swj_planner")).status_code == 404
