"""The two counties at work (:mod:`tests.support.two_counties`): the town's campaign handed out and complained about
(to its county's bureau), and a campaign of the second county's 应急管理局 drawn — what a bureau's figures by level
count; the same world as ``_world`` of tests/commands/test_supervision_levels.py (which may read it from here).
:func:`checked_across_levels`: the city's and the first county's 应急管理局 checking the county's businesses (one
history across the levels, 涉企检查频次). Referred to through the world's dict only."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from spotcheck.core.clock import SHANGHAI, frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.supervision import commands as supervision
from tests.support import joint_world
from tests.support.campaign_world import build
from tests.support.helpers import user_named
from tests.support.named_world import handed_out as named_check
from tests.support.results_world import codes_of, teams_drawn
from tests.support.snapshots import snapshotted
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


def _login(ids: dict, key: str) -> str:
    """The login prefix of the world's department ``key`` (``mdjyjj`` for the city's 应急管理局)."""
    return ids["logins"][key]["admin"].removesuffix("_admin")


def _checked_on_site(world: dict, department: str, visit: dict, day: str) -> None:
    """``visit`` (a named check's ids) of the department's ``world`` checked on site on ``day`` and reported by its
    组长."""
    chief = user_named(f"{department}_inspector")
    with tenant_scope(visit["tenant"]):
        results.record_result(
            visit["visit"],
            {
                "checked_on": day,
                "method": "onsite",
                "record": "核查投诉事项。",
                "evaluation": "基本规范。",
                "opinions": "无。",
                "items": {str(world["item"]): {"categories": ["no_problem"], "findings": ""}},
            },
            actor=chief,
        )
        results.submit_result(visit["visit"], actor=chief)
        db.session.commit()


@snapshotted
def checked_across_levels() -> dict:
    """The two counties with the levels checking the first county's businesses: a joint campaign of the city's
    应急管理局 and the first county's (coordinated by the city's market-regulation lead), every visit checked on site on
    10 April 2026 — a joint visit once, whichever level's departments went —; the city's 应急管理局's own check (a
    named one) of a business that joint visit checked, on 20 April; and its check of a business located in the second
    county, on 22 April. Every business of both directories lies in the first county but that one.

    Returns the world's ids with ``joint`` (:func:`tests.support.joint_world.world`'s ids, keyed by the
    departments' login prefixes), ``city``/``county`` (those prefixes), ``business`` (the code of the business the
    city checked twice, jointly then alone) and ``sibling`` (the code of the second county's business)."""
    ids = two_counties()
    city, county, trade = _login(ids, "YJJ"), _login(ids, "SCYJJ"), _login(ids, "SWJ")
    lead = ids["logins"]["SCJ"]["coord"].removesuffix("_coord")
    with frozen_at(date(2026, 2, 27)):
        joint = joint_world.world("handed_out", departments=(city, county), coordinator=lead, first_code=1000)
        visits: dict[str, list[str]] = {}
        for department, key in ((city, "YJJ"), (county, "SCYJJ")):
            with tenant_scope(ids["tenants"][key]):
                visits[department] = db.session.scalars(
                    sa.select(Entity.code)
                    .join(Visit, Visit.entity_id == Entity.id)
                    .where(Visit.campaign_id == joint[f"{department}_part"])
                    .order_by(Visit.id)
                ).all()
        business = visits[city][0]
        elsewhere = build(trade, entities=3, first_code=2000)
        sibling = elsewhere["codes"][0]
        codes = {key: regions.get_region(ids["regions"][key]).code for key in ("county1", "county2")}
        with tenant_scope(ids["tenants"]["SCJ"]):  # the registry: the businesses' addresses
            located = sa.update(Entity).where(Entity.code.in_(joint[city]["codes"] + joint[county]["codes"]))
            db.session.execute(located.values(region_code=codes["county1"]))
            db.session.execute(sa.update(Entity).where(Entity.code == sibling).values(region_code=codes["county2"]))
            db.session.commit()
        again = named_check(joint[city], department=city, codes=[business])
        beside = named_check(elsewhere, department=trade, codes=[sibling])
    with frozen_at(datetime(2026, 4, 22, 17, tzinfo=SHANGHAI)):
        joint_world.reported(joint, "2026-04-10", published=(city,), departments=(city, county))
        _checked_on_site(joint[city], city, again, "2026-04-20")
        _checked_on_site(elsewhere, trade, beside, "2026-04-22")
    return {**ids, "joint": joint, "city": city, "county": county, "business": business, "sibling": sibling}
