"""The two counties at work (:mod:`tests.support.two_counties`): the town's campaign handed out and complained about
(to its county's bureau), and a campaign of the second county's 应急管理局 drawn — what a bureau's figures by level
count; the same world as ``_world`` of tests/commands/test_supervision_levels.py (which may read it from here).
Referred to through the world's dict only."""

from __future__ import annotations

from datetime import date

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.supervision import commands as supervision
from tests.support.campaign_world import build
from tests.support.helpers import user_named
from tests.support.results_world import codes_of, teams_drawn
from tests.support.two_counties import world as two_counties

DURING = date(2026, 4, 1)
CONTACT = {"contact_name": "王经理", "contact_phone": "13912345678"}
COMPLAINT = {"text": "检查人员要求我单位提供与检查事项无关的材料。", **CONTACT}


def world() -> dict:
    """The two counties, with the town's campaign handed out and complained about (to its county's bureau) and a
    campaign of the second county's 应急管理局 drawn; the world's ids."""
    ids = two_counties()
    login = ids["logins"]
    with frozen_at(DURING):
        town = build(login["QBJD"]["admin"].removesuffix("_admin"))
        campaign_id = teams_drawn(town, department=login["QBJD"]["planner"].removesuffix("_planner"))
        with tenant_scope(town["tenant"]):
            visits = results.hand_out(campaign_id, actor=user_named(login["QBJD"]["planner"]))
            db.session.commit()
        token, _, business, _ = codes_of({"tenant": town["tenant"], "visit": min(v.id for v in visits)})
        supervision.complain(token, {**COMPLAINT, "business_code": business})
        db.session.commit()
        other = build(login["XHYJJ"]["admin"].removesuffix("_admin"))
        teams_drawn(other, department=login["XHYJJ"]["planner"].removesuffix("_planner"))
    return ids


def bureau(ids: dict, code: str):
    """The supervisor of the bureau ``code`` (SFJ, SCSFJ, XHSFJ) of the world."""
    return user_named(ids["logins"][code]["supervisor"])
