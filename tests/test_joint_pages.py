"""The joint campaign pages (联合抽查) as each person uses them: the coordinator creates and invites,
each department answers and prepares its part, leaders approve, the coordinator draws and hands
out; another department's part and results never show."""
from __future__ import annotations

import sqlalchemy as sa

from campaign_world import CATEGORY, build
from conftest import post_form, signed_in, tenant_id, user_named
from joint_world import world
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.joint.models import JointParticipant


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_invitation_to_approval_through_the_pages(app):
    with app.app_context():
        yjj, swj = build("yjj"), build("swj", entities=20)
    if True:  # the pages are used outside the test's application context, as a browser would
        coord = signed_in(app, "scj_coord")
        assert "联合抽查" in _text(coord.get("/")) or "Joint" in _text(coord.get("/"))
        page = _text(coord.get("/joint/new"))
        assert "应急管理局" in page and "商务局" in page
        bad = post_form(coord, "/joint/new", {"title": "", "year": "2026", "department_ids": [str(yjj["tenant"])]},
                        token_from="/joint/new")
        assert bad.status_code == 422
        made = post_form(coord, "/joint/new", {
            "title": "联合检查试点", "year": "2026", "window_start": "2026-03-01", "window_end": "2026-04-30",
            "team_size": "2", "reserve_size": "1", "method": "onsite",
            "department_ids": [str(yjj["tenant"]), str(swj["tenant"])]}, token_from="/joint/new")
        assert made.status_code == 302
        url = made.headers["Location"]
        assert "邀请" in _text(coord.get(url)) or "Invited" in _text(coord.get(url))
        for dept, part_world in (("yjj", yjj), ("swj", swj)):
            planner = signed_in(app, f"{dept}_planner")
            home = _text(planner.get("/"))
            assert "联合检查试点" in home  # the invitation is on the planner's home page
            assert post_form(planner, f"{url}/accept", {}, token_from=url).status_code == 302
            form = {"item_ids": [str(part_world["item"])], "categories": [CATEGORY], "exempt_kind": "",
                    **{f"{s}_mode": "count" for s in "ABCD"}, **{f"{s}_count": "2" for s in "ABCD"},
                    "flagged_mode": "none"}
            assert post_form(planner, f"{url}/part", form, token_from=url).status_code == 302
            leader = signed_in(app, f"{dept}_leader")
            assert post_form(leader, f"{url}/part/approve", {}, token_from=url).status_code == 302
        lead_page = _text(coord.get(url))
        assert lead_page.count("危险化学品安全生产检查") >= 2  # each department's items, as the lead reads them
        scj_leader = signed_in(app, "scj_leader")
        assert post_form(scj_leader, f"{url}/approve", {}, token_from=url).status_code == 302
        for kind in ("targets", "inspectors"):
            assert post_form(coord, f"{url}/draws/{kind}/freeze", {}, token_from=url).status_code == 302
            assert post_form(coord, f"{url}/draws/{kind}/draw", {"public_inputs": "观察员 123"},
                             token_from=url).status_code == 302
        page = _text(coord.get(url))
        assert 'id="visits-made"' in page and 'id="visits-separate"' in page and "visit-list" in page
        swj_page = _text(signed_in(app, "swj_planner").get(url))  # a participant sees the shared rows
        assert 'id="visit-list"' in swj_page and "应急管理局" in swj_page
        assert 'id="participants"' not in swj_page  # but not the other departments' invitations
        outsider = signed_in(app, "scj_planner")
        assert outsider.get(url).status_code == 200  # the lead department's planner (its own row)
        assert signed_in(app, "sfj_supervisor").get(url).status_code in (403, 404)


def test_a_department_cannot_read_another_departments_visits_or_results(app):
    from spotcheck.tenants.results.models import Visit

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
