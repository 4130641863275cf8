"""The joint campaign pages (联合抽查) as each person uses them: the coordinator creates and invites,
each department answers and prepares its part, leaders approve, the coordinator draws and hands
out; another department's part and results never show."""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.demo.people import account_of
from spotcheck.tenants.campaigns.models import CampaignTarget, TargetStatus
from spotcheck.tenants.joint import commands as joint, queries as joint_queries
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.results import commands as results, queries as results_queries
from spotcheck.tenants.results.models import Visit
from tests.support.campaign_world import CATEGORY, build
from tests.support.helpers import bearer, post_form, signed_in, tenant_id, user_named
from tests.support.joint_world import member_account, world


def _text(response) -> str:
    return response.get_data(as_text=True)


def _joint_form(*worlds: dict) -> dict:
    """The coordinator's form of a joint campaign inviting the departments of ``worlds``."""
    return {
        "title": "联合检查试点",
        "year": "2026",
        "window_start": "2026-03-01",
        "window_end": "2026-04-30",
        "team_size": "2",
        "reserve_size": "1",
        "method": "onsite",
        "department_ids": [str(w["tenant"]) for w in worlds],
    }


def test_invitation_to_approval_through_the_pages(app):
    with app.app_context():
        yjj, swj = build("yjj"), build("swj", entities=20)
    if True:  # the pages are used outside the test's application context, as a browser would
        coord = signed_in(app, "scj_coord")
        assert "联合抽查" in _text(coord.get("/")) or "Joint" in _text(coord.get("/"))
        page = _text(coord.get("/joint/new"))
        assert "应急管理局" in page and "商务局" in page
        bad = post_form(
            coord,
            "/joint/new",
            {"title": "", "year": "2026", "department_ids": [str(yjj["tenant"])]},
            token_from="/joint/new",
        )
        assert bad.status_code == 422
        made = post_form(
            coord,
            "/joint/new",
            _joint_form(yjj, swj),
            token_from="/joint/new",
        )
        assert made.status_code == 302
        url = made.headers["Location"]
        assert "邀请" in _text(coord.get(url)) or "Invited" in _text(coord.get(url))
        part_visits = {}
        for dept, part_world in (("yjj", yjj), ("swj", swj)):
            planner = signed_in(app, f"{dept}_planner")
            home = _text(planner.get("/"))
            assert "联合检查试点" in home  # the invitation is on the planner's home page
            assert post_form(planner, f"{url}/accept", {}, token_from=url).status_code == 302
            unset = planner.get(url).get_data(as_text=True)  # no rule chosen yet: nothing is wrong so far
            assert 'id="sizes-no-rules"' in unset and "该层未设抽取规则" not in unset
            form = {
                "item_ids": [str(part_world["item"])],
                "categories": [CATEGORY],
                "exempt_kind": "",
                **{f"{s}_mode": "count" for s in "ABCD"},
                **{f"{s}_count": "2" for s in "ABCD"},
                "flagged_mode": "none",
            }
            wrong = post_form(planner, f"{url}/part", {**form, "A_mode": "ratio", "A_ratio": "12.34"}, token_from=url)
            assert wrong.status_code == 422 and 'class="error-summary"' in wrong.get_data(
                as_text=True
            )  # said, not silent
            assert post_form(planner, f"{url}/part", form, token_from=url).status_code == 302
            leader = signed_in(app, f"{dept}_leader")
            before = leader.get(url).get_data(as_text=True)  # what the leader approves, and its size, first
            summary = re.sub(r"<[^>]+>", " ", before.split('id="my-part-summary"')[1].split("</section>")[0])
            assert "危险化学品安全生产检查" in summary and "风险等级 A 抽取 2 个" in summary, summary
            assert 'id="sizes-table"' in before and 'id="part-approve"' in before
            part_visits[dept] = int(re.search(r'id="sizes-visits">([\d,]+)<', before).group(1).replace(",", ""))
            assert post_form(leader, f"{url}/part/approve", {}, token_from=url).status_code == 302
        lead_page = _text(coord.get(url))
        assert lead_page.count("危险化学品安全生产检查") >= 2  # each department's items, as the lead reads them
        scj_leader = signed_in(app, "scj_leader")
        assert post_form(scj_leader, f"{url}/approve", {}, token_from=url).status_code == 302
        for kind in ("targets", "inspectors"):
            assert post_form(coord, f"{url}/draws/{kind}/freeze", {}, token_from=url).status_code == 302
            assert (
                post_form(
                    coord, f"{url}/draws/{kind}/draw", {"public_inputs": "观察员 123"}, token_from=url
                ).status_code
                == 302
            )
        page = _text(coord.get(url))
        assert 'id="visits-made"' in page and 'id="visits-separate"' in page and "visit-list" in page
        checks = re.search(r'id="checks">(\d+)<', coord.get(url).get_data(as_text=True)).group(1)
        assert int(checks) == sum(part_visits.values()) > 0  # each department drew what its leader was shown
        public = app.test_client().get(f"/public/draws/campaigns/{url.rstrip('/').rsplit('/', 1)[1]}")
        parts = re.sub(
            r"<[^>]+>", " ", public.get_data(as_text=True).split('id="public-joint-parts"')[1].split("</dd>")[0]
        )  # what a citizen reads: each department, its items and rules
        assert (
            "应急管理局" in parts and "商务局" in parts and "危险化学品安全生产检查" in parts and "抽取 2 个" in parts
        )
        assert 'id="public-joint-savings"' in public.get_data(as_text=True)
        # a blinded draw: the businesses by code and name, never beside a stratum, the departments there or a team
        listed = public.get_data(as_text=True).split('id="public-targets-blinded"')[1].split("</ul>")[0]
        assert listed.count("<li>") > 0 and "风险等级" not in listed and 'class="public-checking"' not in listed
        assert "检查员" not in listed  # the team stays on the 检查码 page
        swj_page = _text(signed_in(app, "swj_planner").get(url))  # a participant sees the shared rows
        assert 'id="visit-list"' in swj_page and "应急管理局" in swj_page
        assert 'id="participants"' not in swj_page  # but not the other departments' invitations
        outsider = signed_in(app, "scj_planner")
        assert outsider.get(url).status_code == 200  # the lead department's planner (its own row)
        assert signed_in(app, "sfj_supervisor").get(url).status_code in (403, 404)


def test_a_department_cannot_read_another_departments_visits_or_results(app):
    with app.app_context():
        ids = world("handed_out")
        with tenant_scope(tenant_id("YJJ")):
            visit_ids = db.session.scalars(sa.select(Visit.id).where(Visit.campaign_id == ids["yjj_part"])).all()
    if True:
        swj = signed_in(app, "swj_planner")
        for visit_id in visit_ids[:3]:
            assert swj.get(f"/visits/{visit_id}").status_code == 404
            assert swj.get(f"/api/v1/visits/{visit_id}").status_code == 404
        assert swj.get(f"/campaigns/{ids['yjj_part']}").status_code == 404
        assert signed_in(app, "yjj_planner").get(f"/campaigns/{ids['yjj_part']}").status_code == 302  # → the joint page


def test_the_api_walks_a_joint_campaign_from_invitation_to_the_visit_list(app):
    with app.app_context():
        yjj, swj = build("yjj"), build("swj", entities=20)
    coord = app.test_client()
    headers = {
        name: bearer(app, name)
        for name in (
            "scj_coord",
            "scj_leader",
            "yjj_planner",
            "yjj_leader",
            "swj_planner",
            "swj_leader",
            "sfj_supervisor",
        )
    }
    bad = coord.post(
        "/api/v1/joint",
        json={"title": "x", "year": 2026, "department_ids": [yjj["tenant"]]},
        headers=headers["scj_coord"],
    )
    assert bad.status_code == 422 and "department_ids" in bad.get_json()["errors"]["json"]
    made = coord.post(
        "/api/v1/joint",
        headers=headers["scj_coord"],
        json={
            "title": "接口联合抽查",
            "year": 2026,
            "window_start": "2026-03-01",
            "window_end": "2026-04-30",
            "team_size": 2,
            "reserve_size": 1,
            "department_ids": [yjj["tenant"], swj["tenant"]],
        },
    )
    assert made.status_code == 201, made.get_json()
    joint_id = made.get_json()["id"]
    base = f"/api/v1/joint/{joint_id}"
    assert coord.get(base, headers=headers["sfj_supervisor"]).status_code in (403, 404)  # not invited
    for dept, part_world in (("yjj", yjj), ("swj", swj)):
        h = headers[f"{dept}_planner"]
        assert coord.get("/api/v1/joint", headers=h).get_json()["invitations"][0]["status"] == "invited"
        assert coord.post(f"{base}/accept", headers=h).status_code == 200
        part = coord.put(
            f"{base}/part",
            headers=h,
            json={
                "item_ids": [part_world["item"]],
                "target_filter": {"categories": [CATEGORY]},
                "strata": {s: {"count": 2} for s in "ABCD"},
            },
        )
        assert part.status_code == 200 and part.get_json()["part"]["items"][0]["name"]
        assert coord.post(f"{base}/part/approve", headers=headers[f"{dept}_leader"]).get_json()["status"] == "approved"
    detail = coord.post(f"{base}/approve", headers=headers["scj_leader"]).get_json()
    assert detail["status"] == "approved" and sorted(detail["departments"]) == ["SWJ", "YJJ"]
    assert len(detail["participants"]) == 2
    for kind in ("targets", "inspectors"):
        assert coord.post(f"{base}/draws/{kind}/freeze", headers=headers["scj_coord"]).status_code == 200
        job = coord.post(f"{base}/draws/{kind}", headers=headers["scj_coord"], json={"public_inputs": ["接口"]})
        assert job.status_code == 202 and job.get_json()["kind"] == f"joint.draw.{kind}"
        done = coord.get(f"/api/v1/jobs/{job.get_json()['id']}", headers=headers["scj_coord"]).get_json()
        assert done["status"] == "succeeded"  # eager in the suite
        assert (
            coord.get(f"{base}/draws/{kind}", headers=headers["scj_coord"]).get_json()["seed"] == done["result"]["seed"]
        )
    again = coord.post(
        f"{base}/draws/targets",
        headers=headers["scj_coord"],
        json={"public_inputs": ["observer:测试监督人 0001"]},
    )
    assert again.status_code == 409  # a draw happens once
    visits = coord.get(f"{base}/visits", headers=headers["swj_planner"]).get_json()
    assert visits["total"] == coord.get(base, headers=headers["swj_planner"]).get_json()["savings"]["visits"]
    assert all(row["team"] and set(row["departments"]) <= {"YJJ", "SWJ"} for row in visits["items"])
    seen = coord.get(base, headers=headers["swj_planner"]).get_json()
    assert seen["participants"] == [] and seen["my_part"]["group_code"] == "SWJ"  # its own part only


def test_the_api_lists_a_joint_campaigns_targets_with_every_members_name_for_the_lead(app):
    """The lead's own users read the joint campaign's drawn targets through the API: a member from
    a department whose inspector list they cannot read is named as drawn (it was a 500)."""
    with app.app_context():
        ids = world("inspectors")
    client = app.test_client()
    got = client.get(f"/api/v1/campaigns/{ids['campaign']}/targets", headers=bearer(app, "scj_leader"))
    assert got.status_code == 200, got.get_data(as_text=True)[:300]
    members = [member for target in got.get_json()["items"] for member in target["team"]]
    assert members and all(member["name"] and member["cert_no"] for member in members)


def test_a_joint_visit_shows_its_whole_mixed_team_with_each_members_department(app):
    """联合检查组: the page of a department's joint visit lists every department's members, each
    with its department (read in the campaign's joint scope), not only the department's own."""
    with app.app_context():
        ids = world("handed_out")
        with tenant_scope(tenant_id("YJJ")):
            own = {
                entity: visit
                for visit, entity in db.session.execute(
                    sa.select(Visit.id, Visit.entity_id).where(Visit.campaign_id == ids["yjj_part"])
                )
            }
        with tenant_scope(tenant_id("SCJ")):  # the lead reads which departments drew each entity
            shared = db.session.scalars(
                sa.select(CampaignTarget.entity_id).where(
                    CampaignTarget.campaign_id == ids["campaign"],
                    CampaignTarget.status == TargetStatus.selected,
                    CampaignTarget.group_code == "SWJ",
                    CampaignTarget.entity_id.in_(list(own)),
                )
            ).all()
    assert shared, "the world's departments share no visit"
    page = signed_in(app, "yjj_planner").get(f"/visits/{own[shared[0]]}").get_data(as_text=True)
    team = re.sub(r"<[^>]+>", " ", page.split('id="visit-mixed-team"')[1].split("</dd>")[0])
    assert "应急管理局" in team and "商务局" in team, team
    one_department = (
        signed_in(app, "yjj_planner").get(f"/visits/{own[next(e for e in own if e not in shared)]}")
        if len(shared) < len(own)
        else None
    )
    if one_department is not None:  # a visit only 应急管理局 drew: its team is of one department
        listed = re.sub(
            r"<[^>]+>", " ", one_department.get_data(as_text=True).split('id="visit-mixed-team"')[1].split("</dd>")[0]
        )
        assert "商务局" not in listed and "应急管理局" in listed


def _publish_every_result(dept: str, part_id: int, item_id: int) -> None:
    """A department's results of its part, imported (on the teams' behalf), confirmed by each 组长,
    approved and published (the import, the approval and the publication each through its bulk command)."""
    planner, admin = user_named(f"{dept}_planner"), user_named(f"{dept}_admin")
    with tenant_scope(planner.tenant_id):
        visit_ids = list(db.session.scalars(sa.select(Visit.id).where(Visit.campaign_id == part_id).order_by(Visit.id)))
        given = {
            visit_id: {
                "checked_on": "2026-04-30",
                "method": "onsite",
                "record": "联合检查组现场检查。",
                "evaluation": "未发现问题。",
                "opinions": "继续保持。",
                "items": {str(item_id): {"categories": ["no_problem"], "findings": ""}},
            }
            for visit_id in visit_ids
        }
        results.import_results(visit_ids, {"results": given}, actor=planner)
        for visit_id in visit_ids:  # 谁检查、谁录入: each 组长 confirms the result imported for the team
            chief = next(m for m in results_queries.team_of(db.session.get(Visit, visit_id)) if m.is_leader)
            results.submit_result(visit_id, actor=account_of(dept, chief.inspector, admin))
        results.approve_results(visit_ids, actor=user_named(f"{dept}_leader"))
        results.publish_results(visit_ids, actor=planner)
        db.session.commit()


def test_the_joint_campaigns_status_follows_its_departments_results_to_published(app):
    """Each department's results move its own part, never the lead's row: the joint campaign reads
    检查实施中 once one department has published, and 结果已公示 once every visit is complete, on its
    page and in the coordinator's list; the home then no longer lists it as under way."""
    with app.app_context(), frozen_at(date(2026, 5, 6)):
        ids = world("handed_out", entities=8)
        coord = signed_in(app, "scj_coord")
        page = f"/joint/{ids['campaign']}"

        def shown() -> tuple[str, str, str]:
            detail, listed = _text(coord.get(page)), _text(coord.get("/joint"))
            status = re.sub(r"<[^>]+>", "", detail.split('id="joint-status">')[1].split("</span>")[0])
            row = re.sub(r"<[^>]+>", " ", listed.split(f'data-campaign="{ids["campaign"]}"')[1].split("</tr>")[0])
            return status, row, _text(coord.get("/"))

        status, row, home = shown()
        assert status == "已下达检查任务" and "已下达检查任务" in row and 'id="home-joint-under-way"' in home
        assert 'class="inline leader-form"' in _text(coord.get(page))  # a leader may still change
        _publish_every_result("yjj", ids["yjj_part"], ids["yjj"]["item"])
        status, row, home = shown()
        assert status == "检查实施中" and "检查实施中" in row and 'id="home-joint-under-way"' in home
        _publish_every_result("swj", ids["swj_part"], ids["swj"]["item"])
        status, row, home = shown()
        complete = re.sub(r"<[^>]+>", "", _text(coord.get(page)).split('id="visits-complete">')[1].split("</td>")[0])
        done, total = (int(n.replace(",", "")) for n in complete.split(" / "))
        assert status == "结果已公示" and "结果已公示" in row and done == total > 0
        assert 'id="home-joint-under-way"' not in home
        detail = _text(coord.get(page))  # complete: its teams no longer change
        assert 'class="inline leader-form"' not in detail


def test_the_coordinator_reads_the_joint_campaigns_notices_on_its_page_without_the_campaign_pages(app):
    """联合抽查文书: the coordinator (who has no campaign pages of the department) finds the inspection notices the
    lead wrote on the joint campaign's page and downloads each; the department's campaign pages stay closed to it,
    and an invited department's planner sees no list of the lead's documents."""
    with app.app_context():
        ids = world("handed_out", notices=True, entities=6)
        with tenant_scope(tenant_id("SCJ")):
            written = db.session.scalars(sa.select(Notice.id).where(Notice.campaign_id == ids["campaign"])).all()
    assert written
    coord = signed_in(app, "scj_coord")
    page = _text(coord.get(f"/joint/{ids['campaign']}"))
    listed = page.split('id="joint-notices"')[1].split("</section>")[0]
    assert "联合抽查文书" in listed and all(f'data-notice="{n}"' in listed for n in written)
    assert "检查通知书" in listed
    pdf = coord.get(f"/notices/{written[0]}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert coord.get(f"/campaigns/{ids['campaign']}/notices").status_code == 403  # no permission widened
    planner = signed_in(app, "yjj_planner")
    assert 'id="joint-notices"' not in _text(planner.get(f"/joint/{ids['campaign']}"))
    assert planner.get(f"/notices/{written[0]}.pdf").status_code == 404


def test_a_decline_without_its_reason_says_so_at_the_top_of_its_form(app):
    """Declining the invitation needs the reason: refused, the message said once, in the form's summary."""
    with app.app_context():
        yjj, swj = build("yjj"), build("swj", entities=20)
    coord = signed_in(app, "scj_coord")
    made = post_form(
        coord,
        "/joint/new",
        _joint_form(yjj, swj),
        token_from="/joint/new",
    )
    url = made.headers["Location"]
    planner = signed_in(app, "yjj_planner")
    refused = post_form(planner, f"{url}/decline", {"reason": ""}, token_from=url)
    assert refused.status_code == 422
    html = _text(refused)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert summary and "请说明不参加的理由" in summary.group(0)
    assert html.count("请说明不参加的理由") == 1
    assert post_form(planner, f"{url}/decline", {"reason": "人手不足，无法参加"}, token_from=url).status_code == 302


def test_the_joint_hand_out_warns_by_name_and_department_about_team_leaders_with_no_account(app):
    """组长 without an account, in any invited department: the coordinator reads each with the department's name
    before handing out, and a name goes once its department links the account; a participant reads no such list."""
    with app.app_context():
        ids = world("inspectors", entities=6)
        coord = user_named("scj_coord")
        with tenant_scope(coord.tenant_id):
            campaign = joint_queries.get_joint(ids["campaign"])
            leaders = []
            for team in joint_queries.teams(campaign).values():  # leaders of every department a team holds
                chosen = next((m for m in team if m.group_code not in {g for *_, g in leaders}), team[0])
                joint.designate_leader(campaign.id, {"member_id": chosen.id}, actor=coord)
                leaders.append((chosen.inspector_name, chosen.inspector_id, chosen.group_code))
            names = {group: part["name"] for group, part in campaign.joint_parts.items()}
            codes = {tenant_id(code): code for code in ("SCJ", "YJJ", "SWJ")}
            department_of = {group: codes.get(part["tenant_id"]) for group, part in campaign.joint_parts.items()}
            db.session.commit()
    page = _text(signed_in(app, "scj_coord").get(f"/joint/{ids['campaign']}"))
    warning = re.search(r'id="leaders-without-account">(.*?)</p>', page, re.S)
    assert warning, page
    assert all(f"{name}（{names[group]}）" in warning.group(1) for name, _id, group in leaders)
    assert len({group for *_, group in leaders}) > 1  # leaders of more than one department named
    name, inspector_id, group = next(  # of another department, the one leader of its name there (names repeat)
        (n, i, g)
        for n, i, g in leaders
        if department_of[g] != "SCJ" and not any((m, h) == (n, g) and j != i for m, j, h in leaders)
    )
    with app.app_context():
        member_account(department_of[group], inspector_id)  # another department links its inspector's account
    page = _text(signed_in(app, "scj_coord").get(f"/joint/{ids['campaign']}"))
    warning = re.search(r'id="leaders-without-account">(.*?)</p>', page, re.S)
    assert warning is None or f"{name}（{names[group]}）" not in warning.group(1)
    assert 'id="leaders-without-account"' not in _text(signed_in(app, "yjj_planner").get(f"/joint/{ids['campaign']}"))
