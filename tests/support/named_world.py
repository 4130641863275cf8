"""A check of named businesses (特定对象检查) of the test department: three businesses of its directory,
each with its cause, registered at the approval; only the inspectors drawn. Its title names no cause (the title is
public, the causes are not)."""

from __future__ import annotations

import contextlib

from spotcheck.core import events
from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.results import codes, commands as results, queries as results_queries
from spotcheck.tenants.results.models import Visit
from tests.support.campaign_world import campaign_data, leader_of, planner_of
from tests.support.helpers import user_named
from tests.support.leader_accounts import open_leader_accounts
from tests.support.results_world import complete_result

#: The causes of the three businesses, in the order of the world's codes.
CAUSES = (("complaint", "TS-2026-0012"), ("order", "市应急交〔2026〕3号"), ("referral", "市监移〔2026〕7号"))


def named_data(world, targets: int = 3, codes=None, **overrides) -> dict:
    """A named check of the first ``targets`` businesses of ``world`` (or of ``codes``), with :data:`CAUSES`."""
    rows = [
        {"entity_code": code, "cause": cause, "reference": ref}
        for code, (cause, ref) in zip(codes or world["codes"], CAUSES[:targets], strict=False)
    ]
    return campaign_data(
        world,
        **{
            "title": "危化企业有因核查",
            "kind": "named",
            "named_targets": rows,
            "strata": {},
            "target_filter": {},
            **overrides,
        },
    )


def registered(world, targets: int = 3, department: str = "yjj", **overrides) -> int:
    """The named check drafted by the planner and approved by the leader: its businesses registered."""
    admin = user_named(f"{department}_admin")
    with tenant_scope(admin.tenant_id):
        campaign = campaign_commands.create_campaign(named_data(world, targets, **overrides), actor=planner_of(admin))
        campaign_commands.approve(campaign.id, actor=leader_of(admin))
        db.session.commit()
        return campaign.id


def handed_out(world, *, notices: bool = False, department: str = "yjj", codes=None, **overrides) -> dict:
    """One business named on a complaint (the first of ``codes``, else of the world), its team drawn and handed
    out; the team's first member is the 组长, linked to ``<department>_inspector``. ``overrides``: the campaign's
    fields other than the usual ones (``named_targets`` with another cause…)."""
    campaign_id = registered(world, targets=1, department=department, codes=codes, **overrides)
    admin = user_named(f"{department}_admin")
    planner = planner_of(admin)
    with tenant_scope(admin.tenant_id):
        campaign_commands.freeze_inspectors(campaign_id, actor=planner)
        campaign_commands.draw_inspectors(campaign_id, {"public_inputs": ["observer:人大代表 1234"]}, actor=planner)
        member = campaigns.list_team_members(campaigns.get_campaign(campaign_id))[0]
        campaign_commands.designate_leader(campaign_id, {"member_id": member.id}, actor=planner)
        db.session.commit()
        open_leader_accounts(campaign_id, department, first_to=f"{department}_inspector")
        with events.suspended() if not notices else contextlib.nullcontext():
            visit = results.hand_out(campaign_id, actor=planner)[0]
        team = results_queries.team_of(visit)
        results.link_inspector(
            team[0].inspector_id, {"user_id": user_named(f"{department}_inspector").id, "other_name": True}, actor=admin
        )
        db.session.commit()
        return {"campaign": campaign_id, "visit": visit.id, "tenant": admin.tenant_id}


def published_on_a_complaint(world, reason: str) -> dict:
    """A check of one business named on a complaint (投诉举报, TS-2026-0012), outside the plan for ``reason``, on
    2 March 2026 (call with the clock there): its team arrives and leaves (so it is published), records, and its
    result is approved and published. Returns :func:`handed_out`'s ids with the business's credit code, name and
    企业核验码."""
    ids = handed_out(world, exempt_kind="complaint", exempt_reason=reason)
    chief, admin = user_named("yjj_inspector"), user_named("yjj_admin")
    with tenant_scope(ids["tenant"]):
        results.record_arrival(ids["visit"], actor=chief)
        results.record_departure(ids["visit"], actor=chief)
        result = complete_result({"item": world["item"]}, checked_on="2026-03-02")
        results.record_result(ids["visit"], result, actor=chief)
        results.submit_result(ids["visit"], actor=chief)
        results.approve_result(ids["visit"], actor=user_named("yjj_leader"))
        results.publish_results([ids["visit"]], actor=planner_of(admin))
        db.session.commit()
        one = db.session.get(Visit, ids["visit"])
        return {**ids, "credit": one.entity.code, "name": one.entity.name, "code": codes.business_code(one.code)}
