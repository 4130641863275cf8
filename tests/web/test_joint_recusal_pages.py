"""A conflict on a joint visit through the pages and the API, as each person meets it: the member declares it
on their visit's page; every department's visit page says the visit waits, citing the rule, and offers no
result form; the coordinator declares and replaces on the joint campaign's page (CSRF, a confirmation before
the replacement) or through the API, each route with its permission."""

from __future__ import annotations

import re
from datetime import date

from spotcheck.core.clock import frozen_at
from tests.support.helpers import bearer, post_form, signed_in
from tests.support.joint_world import member_account, part_visit, picture, world

DURING = date(2026, 4, 1)
RULE = "国办发〔2024〕54号|四（二），"  # the floor's, or 应急管理局's 细则 (乌审旗's 四（二）) that states it too


def _text(response) -> str:
    return response.get_data(as_text=True)


def _two_departments(ids):
    campaign, groups, mixed = picture(ids)
    entity_id = next(e for e, drawn_by in groups.items() if len(drawn_by) == 2)
    leader = next(m for m in mixed[entity_id] if m.is_leader)
    member = next(m for m in mixed[entity_id] if not m.is_leader)
    return campaign.id, entity_id, leader, member


def test_the_member_declares_on_the_visit_page_and_the_coordinator_replaces_on_the_joint_page(app):
    with app.app_context(), frozen_at(DURING):
        ids = world("handed_out")
        campaign_id, entity_id, leader, member = _two_departments(ids)
        ours, theirs = member.group_code, leader.group_code
        member_id, member_name, member_cert = member.id, member.inspector_name, member.cert_no
        declaring = member_account(ours, member.inspector_id).login
        chief = member_account(theirs, leader.inspector_id).login
        own_visit, other_visit = part_visit(ids, ours, entity_id).id, part_visit(ids, theirs, entity_id).id
    with frozen_at(DURING):
        page = f"/visits/{own_visit}"
        client = signed_in(app, declaring)
        assert 'id="own-recusal"' in _text(client.get(page))  # a joint visit's member declares as on any visit
        assert post_form(client, f"{page}/recusal", {"reason": ""}, token_from=page).status_code == 422
        assert (
            post_form(client, f"{page}/recusal", {"reason": "本人曾在该企业任职"}, token_from=page).status_code == 302
        )
        for who, visit_id in ((declaring, own_visit), (chief, other_visit)):  # every department's part waits
            shown = _text(signed_in(app, who).get(f"/visits/{visit_id}"))
            waiting = shown.split('id="visit-recused"')[1].split("</div>")[0]
            assert re.search(RULE, waiting) and member_name in waiting, waiting
            assert 'id="result-form"' not in shown and 'id="record-arrival"' not in shown

        url = f"/joint/{campaign_id}"
        coord = signed_in(app, "scj_coord")
        joint_page = _text(coord.get(url))
        form = re.search(rf'<form method="post" action="{url}/members/{member_id}/replace"[^>]*>', joint_page).group(0)
        assert "data-confirm=" in form  # the irreversible step asks first
        assert coord.post(f"{url}/members/{member_id}/replace", data={}).status_code == 400  # no CSRF token, nothing
        planner = signed_in(app, "scj_planner")
        assert post_form(planner, f"{url}/members/{member_id}/replace", {}, token_from=url).status_code == 403
        assert post_form(coord, f"{url}/members/{member_id}/replace", {}, token_from=url).status_code == 302
        after = _text(coord.get(url))
        assert f'id="replace-{member_id}"' not in after and "member-recused" not in after
        shown = _text(signed_in(app, chief).get(f"/visits/{other_visit}"))
        assert 'id="visit-recused"' not in shown and 'id="result-form"' in shown  # the visit goes on
        assert member_cert not in shown.split('id="visit-mixed-team"')[1].split("</dd>")[0]  # the new team


def test_the_coordinator_declares_and_replaces_through_the_page_and_the_api(app):
    with app.app_context(), frozen_at(DURING):
        ids = world("handed_out")
        campaign_id, _entity_id, leader, member = _two_departments(ids)
        member_id, leader_id = member.id, leader.id
    with frozen_at(DURING):
        url = f"/joint/{campaign_id}"
        coord = signed_in(app, "scj_coord")
        assert f'id="declare-recusal-{member_id}"' in _text(coord.get(url))
        blank = post_form(coord, f"{url}/members/{member_id}/recusal", {"reason": ""}, token_from=url)
        assert blank.status_code == 422 and f'id="declare-recusal-{member_id}" open' in _text(blank)
        summary = _text(blank).split(f'id="declare-recusal-{member_id}"')[1].split("</form>")[0]
        assert 'class="error-summary"' in summary and f'href="#recusal-{member_id}"' in summary

        client, headers = app.test_client(), bearer(app, "scj_coord")
        api = f"/api/v1/joint/{campaign_id}/team-members"
        assert (
            client.post(
                f"{api}/{member_id}/recusal", json={"reason": "其亲属在该企业任职"}, headers=bearer(app, "yjj_planner")
            ).status_code
            == 403
        )
        declared = client.post(f"{api}/{member_id}/recusal", json={"reason": "其亲属在该企业任职"}, headers=headers)
        assert declared.status_code == 200 and declared.json["recused"] is True
        assert (
            client.post(f"{api}/{member_id}/recusal", json={"reason": "再次申报"}, headers=headers).status_code == 409
        )
        visits = client.get(f"/api/v1/joint/{campaign_id}/visits", headers=headers).json["items"]
        assert any(m["recused"] for visit in visits for m in visit["team"] if m["id"] == member_id)
        leading = client.post(f"{api}/{leader_id}/replace", json={"reason": "conflict"}, headers=headers)
        assert leading.status_code == 409  # the 组长 declared nothing, and is named anew before any replacement
        replaced = client.post(f"{api}/{member_id}/replace", json={"reason": "conflict"}, headers=headers)
        assert replaced.status_code == 200 and replaced.json["id"] != member_id and not replaced.json["recused"]
        assert (
            client.post(f"{api}/{replaced.json['id']}/submitter", headers=bearer(app, "swj_planner")).status_code == 403
        )
        assert client.post(f"{api}/{replaced.json['id']}/submitter", headers=headers).status_code == 200
