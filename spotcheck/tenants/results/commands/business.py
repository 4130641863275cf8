"""The business's word on an inspection (企业的声音), given on the public page of its inspection code
with the 企业核验码 printed on the notice delivered to it: that the team came (确认入企) and that an inspector
should withdraw (申请回避). No account: the code is the credential, checked here as a password would be
(:func:`with_business_code`, which the justice bureau's commands use too: a complaint, an evaluation); a wrong
one changes nothing and says which field.

The same commands serve the business signed in to its account (企业账户, ``/business``), acting from its record with
no code: then the acting party is the business's person (:func:`party`), the inspection must be its own entity's and
on its record (a named check after its 离企, :func:`~spotcheck.tenants.results.codes.named_shown`), and the audit
entry names the person."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, events
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now, today
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import ConflictError, InvalidInputError, NotFoundError
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.campaigns.policy import CAMPAIGN_ACTIONS
from spotcheck.tenants.campaigns.vocabulary import TEAMS_OPEN
from spotcheck.tenants.results.code_lookup import locate
from spotcheck.tenants.results.codes import (
    BUSINESS,
    RECUSAL_REQUEST_ACTIONS,
    business_matches,
    business_refusal,
    is_joint_request,
    named_shown,
)
from spotcheck.tenants.results.commands.teams import declare, declare_in_joint, replace_at_once
from spotcheck.tenants.results.models import InspectionCode, RecusalRequest
from spotcheck.tenants.results.queries.codes import joint_team
from spotcheck.tenants.results.queries.visits import team_of
from spotcheck.tenants.results.vocabulary import REASON_LENGTH, RecusalRequestStatus

WRONG_CODE = _l(
    "This is not the business code of this inspection: type the 12 characters printed on the notice "
    "your business received."
)


def _require(code: InspectionCode, step: str) -> None:
    if (why := business_refusal(code, step, today())) is not None:
        raise ConflictError(why)


#: What a signed-in business reads of an inspection not on its record (another business's, a named check before its
#: 离企): the same words whatever it is.
NOT_ON_RECORD = _l(
    "This inspection is not on your business's record. A check of named businesses shows there only after the team "
    "leaves (离企): until then, act on the inspection code's page with the notice's business code (企业核验码)."
)


def signed_in_business(actor: Actor | None) -> Any | None:
    """The business's person acting signed in to its account (a principal holding the business's own permission,
    with its account), else None: the code holder, who gives the 企业核验码."""
    if actor is None or getattr(actor, "account", None) is None:
        return None
    return actor if has_permission(actor, Permission.BUSINESS_SIGNED_IN) else None


def party(actor: Actor | None) -> tuple[Actor, dict[str, str]]:
    """Who acts for the business, as the audit entry names it, and the entry's details saying so: the business's
    person signed in (``business_person``: name and login), else the holder of the 企业核验码 (:data:`BUSINESS`)."""
    person = signed_in_business(actor)
    if person is None:
        return BUSINESS, {}
    return person.as_actor, {"business_person": f"{person.display_name}（{person.login}）"}


@contextmanager
def with_business_code(
    token: str, data: Mapping[str, object], actor: Actor | None = None
) -> Iterator[tuple[int, InspectionCode]]:
    """In the department of the code of ``token``: its row, locked, once ``data["business_code"]`` is
    right — or, for ``actor`` the business signed in (:func:`signed_in_business`), once the inspection is of its
    own entity and on its record (no code asked); what changes is written before the department's scope ends."""
    found = locate(token)
    if found is None:
        raise NotFoundError(_l("No inspection has this code."))
    tenant_id, visit_id = found
    person = signed_in_business(actor)
    with tenant_scope(tenant_id):
        code = db.session.scalar(sa.select(InspectionCode).where(InspectionCode.visit_id == visit_id).with_for_update())
        if code is None:
            raise NotFoundError(_l("No inspection has this code."))
        if person is not None:
            visit = code.visit
            if visit.entity_id != person.account.entity_id or (
                visit.campaign.named and not named_shown(code, visit.campaign.disclosed_at is not None)
            ):
                raise NotFoundError(NOT_ON_RECORD)
        elif not business_matches(code, str(data.get("business_code") or "")):
            raise InvalidInputError({"business_code": [WRONG_CODE]})
        yield tenant_id, code
        db.session.flush()
        if person is None:
            # the business's account, if it has one, shows each later use of a code that claimed it (企业账户记录)
            events.emit(
                "business_code.used",
                actor=BUSINESS,
                digest=code.business_digest,
                entity_id=code.visit.entity_id,
                tenant_id=tenant_id,
            )


@command(ANYONE)
def confirm_visit(token: str, data: object, *, actor: Actor | None = None) -> InspectionCode:
    """确认入企: the business confirms, with its code (or signed in, from its record), that the team recorded as
    arrived came."""
    by, named = party(actor)
    with with_business_code(token, data if isinstance(data, dict) else {}, actor) as (tenant_id, code):
        _require(code, "confirm")
        code.confirmed_at = now()
        audit.record(
            "visit.confirmed_by_business", "visit", code.visit_id, actor=by, tenant_id=tenant_id, details=named or None
        )
        return code


@command(ANYONE)
def request_recusal(token: str, data: object, *, actor: Actor | None = None) -> RecusalRequest:
    """申请回避: the business asks, with its code, that an inspector of the team (``data["cert_no"]``,
    the 执法证号 the page shows) withdraw, for ``data["reason"]`` (a conflict of interest). A leader
    decides (:func:`decide_recusal_request`); one open request a member. Signed in, from its record, with no code."""
    data = data if isinstance(data, dict) else {}
    by, named = party(actor)
    with with_business_code(token, data, actor) as (tenant_id, code):
        visit = code.visit
        _require(code, "ask_recusal")
        # a joint visit's request is about its mixed team and goes to the lead department's coordinator
        joint, team = joint_team(visit, tenant_id) if visit.campaign.joint_id is not None else (None, team_of(visit))
        member = next((m for m in team if m.shown_cert_no == str(data.get("cert_no") or "").strip()), None)
        errors: dict[str, list] = {}
        if member is None:
            errors["cert_no"] = [_l("Choose an inspector of this inspection's team.")]
        reason = str(data.get("reason") or "").strip()
        if not 2 <= len(reason) <= REASON_LENGTH:
            errors["reason"] = [_l("Say why the inspector should withdraw (2 to %(n)d characters).", n=REASON_LENGTH)]
        if errors:
            raise InvalidInputError(errors)
        assert member is not None
        with tenant_scope(joint.tenant_id) if joint is not None else nullcontext():
            if db.session.scalar(
                sa.select(RecusalRequest.id).where(
                    RecusalRequest.member_id == member.id, RecusalRequest.status == RecusalRequestStatus.pending
                )
            ):
                raise ConflictError(_l("A request about this inspector is already waiting for a leader's decision."))
            request = RecusalRequest(visit_id=visit.id, member_id=member.id, reason=reason)
            db.session.add(request)
            db.session.flush()
            if joint is not None:
                audit.record(
                    "joint.recusal_requested",
                    "campaign",
                    joint.id,
                    actor=by,
                    tenant_id=joint.tenant_id,
                    details={"visit": visit.entity.code, "cert_no": member.shown_cert_no, "reason": reason, **named},
                )
            else:
                audit.record(
                    "visit.recusal_requested",
                    "visit",
                    visit.id,
                    actor=by,
                    tenant_id=tenant_id,
                    details={"cert_no": member.shown_cert_no, "reason": reason, **named},
                )
        return request


@command(Permission.SIGNED_IN)  # a leader's RESULTS_REVIEW, or for a joint visit the coordinator's JOINT_MANAGE
def decide_recusal_request(request_id: int, data: object, *, actor: Actor) -> RecusalRequest:
    """A leader accepts (``data["accept"]`` "yes") or refuses ("no") a business's request that an inspector
    withdraw, with the reason. Accepted, the member's conflict is declared as the team's own declaration
    is (抽取后申报回避) and, as a step of the decision the platform takes (:func:`replace_at_once`), the member
    is replaced at once by the rule of the draw — a 组长 followed by a new one named by the campaign's rule;
    with nobody eligible left, the member waits for the planner (替换回避人员). A joint visit's request is the
    lead department's coordinator's (``data["campaign_id"]``: asked on that joint campaign's page): accepted,
    the conflict is declared on the mixed team (:func:`declare_in_joint`) and the member replaced by the joint
    draw at once (the joint domain's handler of ``joint.recusal_accepted``): the code follows a new 组长, and
    the team's notice is sent again."""
    request = get_row(RecusalRequest, request_id, _l("No such request."), for_update=True)
    data = data if isinstance(data, dict) else {}
    if data.get("visit_id") not in (None, request.visit_id) or data.get("campaign_id") not in (
        None,
        request.member.campaign_id,
    ):  # asked on another visit's or joint campaign's page
        raise NotFoundError(_l("No such request."))
    joint = is_joint_request(request)
    RECUSAL_REQUEST_ACTIONS.require(request, actor, "decide_joint" if joint else "decide")
    errors: dict[str, list] = {}
    accept = {"yes": True, "no": False}.get(str(data.get("accept") or ""))
    if accept is None:
        errors["accept"] = [_l("Accept or refuse the request.")]
    reason = str(data.get("reason") or "").strip()
    if not 2 <= len(reason) <= REASON_LENGTH:
        errors["reason"] = [_l("Give the reason of the decision (2 to %(n)d characters).", n=REASON_LENGTH)]
    if errors:
        raise InvalidInputError(errors)
    campaign = (
        get_row(Campaign, request.member.campaign_id, _l("No such campaign."), for_update=True) if accept else None
    )
    if campaign is not None and joint:
        if campaign.status not in TEAMS_OPEN:  # the joint campaign's own row: 已下达 until its teams are done
            raise ConflictError(_l("This is possible only after the inspector draw, until the results are in."))
        if request.member.active:  # a member replaced meanwhile has withdrawn already
            declare_in_joint(campaign, request.member, f"被检查单位申请回避：{request.reason}", actor)
            # the lead's coordinator's replacement by the joint draw, taken at once (joint.commands.teams)
            events.emit("joint.recusal_accepted", actor=actor, campaign=campaign, member=request.member)
    elif campaign is not None:
        CAMPAIGN_ACTIONS.check_state(campaign, "declare_recusal")
        declare(campaign, request.member, f"被检查单位申请回避：{request.reason}", actor)
        replace_at_once(campaign, request.member, actor=actor)
    request.status = RecusalRequestStatus.accepted if accept else RecusalRequestStatus.refused
    request.decided_by_name, request.decided_at, request.decision_reason = actor.display_name, now(), reason
    details = {"cert_no": request.member.shown_cert_no, "accepted": bool(accept), "reason": reason}
    if joint:
        audit.record(
            "joint.recusal_request_decided",
            "campaign",
            request.member.campaign_id,
            actor=actor,
            details={"visit": request.member.entity.code, **details},
        )
    else:
        audit.record("visit.recusal_request_decided", "visit", request.visit_id, actor=actor, details=details)
    return request


@command(ANYONE)
def count_scans(counts: dict[str, int], data: object = None, *, actor: Actor | None = None) -> int:
    """扫码核验, counted in aggregate: how many times each code's page was opened since the last count
    (``counts``: token → times), added in one transaction, with the first time it was opened. Nobody's
    address or location is kept. Returns the codes counted."""
    counted = 0
    for token, times in sorted(counts.items()):
        found = locate(token) if times > 0 else None
        if found is None:
            continue
        with tenant_scope(found[0]):
            db.session.execute(
                sa.update(InspectionCode)
                .where(InspectionCode.visit_id == found[1])
                .values(
                    scans=InspectionCode.scans + times,
                    first_scanned_at=sa.func.coalesce(InspectionCode.first_scanned_at, now()),
                )
            )
            counted += 1
    return counted
