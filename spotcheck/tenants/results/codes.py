"""The inspection code (检查码) and the business's code (企业核验码) of a visit: 国办发〔2024〕54号's
扫码入企, as the register of every on-site inspection.

At hand-out (检查任务下达) each visit gets its codes, but only when the inspection may lawfully take
place: its items published, its campaign approved under a filed plan or with its recorded exemption
(没有列入检查计划，就没有检查码), and a team of inspectors whose certificates are valid. The 检查码 is
for anyone: a QR carrying a URL with 128 random bits, and 12 characters (60 bits) to type. The
企业核验码 is for the business only, printed on the notice delivered to it.

The public page of a code says what state the inspection is in, from the data:
- **valid** (有效): handed out, the team not yet departed, the window open or the team arrived;
- **finished** (已结束): the 组长 recorded the departure (离企);
- **expired** (已过期): the window ended with no arrival (入企) recorded.
A code that was never issued is **unknown**: its page says so and nothing else.

:data:`CODE_ACTIONS` holds who records the arrival and the departure (the visit's 组长), for the
commands and the visit page alike; :func:`business_refusal` what the business may do with its own code
(confirm, evaluate, ask a withdrawal), for its commands and the code's page alike.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import cast

import segno
import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext as _l

from spotcheck.core import personal_data, settings
from spotcheck.core.actions import Action, Actions
from spotcheck.core.actor import Actor
from spotcheck.core.clock import local, today
from spotcheck.core.database import db
from spotcheck.core.policy import Permission, SystemActor
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.inspectors.eligibility import certificate_valid_on
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.items.vocabulary import ItemStatus
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.plans.queries import filed_plans_for
from spotcheck.tenants.plans.vocabulary import PlanStatus
from spotcheck.tenants.results import recusals
from spotcheck.tenants.results.models import InspectionCode, RecusalRequest, Visit
from spotcheck.tenants.results.present_teams import leads_team, recused_members
from spotcheck.tenants.results.vocabulary import (
    ALPHABET,
    TYPED_LENGTH,
    CheckState,
    RecusalRequestStatus,
    grouped,
    normalise_typed,
)
from spotcheck.tenants.rules.rulebook import rules_for

#: Where the public page of a code lives, under the public base URL.
PUBLIC_PATH = "/public/checks/"


def new_token() -> str:
    """128 random bits, URL-safe (22 characters)."""
    return secrets.token_urlsafe(16)


def new_typed() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(TYPED_LENGTH))


def public_base() -> str:
    """The portal's public address every code's QR carries (``SPOTCHECK_PUBLIC_BASE_URL``: a worker writing notices
    has no request to read the host from); a process without it refuses to make a code's address at all."""
    base = str(settings.get("SPOTCHECK_PUBLIC_BASE_URL") or "").rstrip("/")
    if not base:
        raise RuntimeError("SPOTCHECK_PUBLIC_BASE_URL is not set: no inspection code's address can be made")
    return base


def public_url(token: str) -> str:
    """The code's public page, under :func:`public_base`."""
    return public_base() + PUBLIC_PATH + token


def qr(url: str) -> segno.QRCode:
    """The QR of a URL (error correction M: a printed notice may be creased)."""
    return segno.make_qr(url, error="m")


def qr_svg(url: str) -> str:
    """The QR as an inline ``<svg>`` for a page (the leader's visit page on a phone)."""
    return qr(url).svg_inline(scale=5, border=2, dark="#000", light="#fff")


def teams_of(campaign_id: int) -> dict[int, list[Inspector]]:
    """Each visit's present team by entity (replaced members left out)."""
    teams: dict[int, list[Inspector]] = {}
    for entity_id, inspector in db.session.execute(
        sa.select(TeamMember.entity_id, Inspector)
        .join(Inspector, Inspector.id == TeamMember.inspector_id)
        .where(TeamMember.campaign_id == campaign_id, TeamMember.active.is_(True))
    ):
        teams.setdefault(entity_id, []).append(inspector)
    return teams


def why_no_code(campaign: Campaign, team: list[Inspector], day: date) -> str | None:
    """Why an inspection may not take place, so gets no code (国办发〔2024〕54号: 行政检查事项未经公布的，
    不得实施; 没有列入检查计划，就没有检查码; 严禁未取得执法证件的人员实施行政检查), or ``None``."""
    return campaign_refusal(campaign) or team_refusal(team, day)


def campaign_refusal(campaign: Campaign) -> str | None:
    """Why no inspection of ``campaign`` may take place (approval, published items, filed plan), or ``None``."""
    if campaign.approved_at is None:
        return str(_l("The campaign is not approved."))
    if not campaign.items or any(item.status != ItemStatus.published for item in campaign.items):
        return str(_l("Not every item of the campaign is published."))
    rules = rules_of(campaign)
    if not campaign.exempt_kind and rules.plans_required:  # where the rules ask no plan, none is needed
        plan = db.session.get(Plan, campaign.plan_id) if campaign.plan_id else None
        if (plan is None or plan.status != PlanStatus.filed) and not filed_plans_for(
            campaign.year, {item.id for item in campaign.items}
        ):
            return str(
                _l(
                    "%(rule)sthe campaign is under no filed plan and has no recorded exemption from it.",
                    rule=rules.under("plans_required"),
                )
            )
    return None


def team_refusal(team: list[Inspector], day: date) -> str | None:
    """Why ``team`` may not inspect on ``day`` (a member without a valid certificate), or ``None``."""
    if not team or not all(certificate_valid_on(inspector, day) for inspector in team):
        return str(_l("Not every member of the team holds a valid enforcement certificate."))
    return None


def issue(visits: list[Visit], day: date) -> int:
    """Give each visit of one campaign that may take place its codes (none to a visit that has them);
    how many were given. A campaign's teams and codes are read once, whatever its size."""
    if not visits:
        return 0
    campaign = visits[0].campaign
    if campaign_refusal(campaign) is not None:
        return 0
    teams = teams_of(campaign.id)
    coded = set(
        db.session.scalars(
            sa.select(InspectionCode.visit_id)
            .join(Visit, Visit.id == InspectionCode.visit_id)
            .where(Visit.campaign_id == campaign.id)
        )
    )
    given = []
    for visit in visits:
        if visit.id in coded or team_refusal(teams.get(visit.entity_id, []), day) is not None:
            continue
        business = new_typed()
        given.append(
            InspectionCode(
                visit_id=visit.id,
                tenant_id=visit.tenant_id,
                token=new_token(),
                typed=new_typed(),
                business_encrypted=personal_data.encrypt(business),
                business_digest=personal_data.digest(business),
            )
        )
    db.session.add_all(given)
    db.session.flush()
    return len(given)


def printed(code: InspectionCode) -> dict:
    """A code as the inspection notice delivered to the business prints it: the QR's URL, the code to
    type and the business's own code (that notice goes to the business alone)."""
    return {"url": public_url(code.token), "typed": grouped(code.typed), "business": grouped(business_code(code))}


#: The business acting with its 企业核验码 (no account: the code is its credential), as audit entries name it.
BUSINESS = SystemActor("business", "被检查单位（凭企业核验码）")


def business_matches(code: InspectionCode, typed: str) -> bool:
    """Whether ``typed`` is the code's 企业核验码 (compared by keyed digest, in constant time)."""
    return hmac.compare_digest(personal_data.digest(normalise_typed(typed)), code.business_digest)


def evaluation_until(code: InspectionCode, days: int) -> date | None:
    """The last day the business may evaluate the inspection: ``days`` after 离企 (None before it)."""
    return None if code.left_at is None else local(code.left_at).date() + timedelta(days=days)


#: What a business does with its code (企业核验码) on the code's page — or, signed in, from its record
#: (``/business``) with no code (:func:`spotcheck.tenants.results.commands.business.with_business_code`).
BUSINESS_STEPS = ("confirm", "evaluate", "ask_recusal")


def named_shown(code: InspectionCode | None, disclosed: bool) -> bool:
    """Whether a named check's (特定对象检查) visit shows on the business's record, and so may be acted on from it:
    its own team has left (离企), or the whole check is public (``disclosed``). Before that, the business acts on
    it from the code's page alone, with its 企业核验码."""
    return disclosed or (code is not None and code.left_at is not None)


def business_refusal(code: InspectionCode, step: str, day: date) -> LazyString | None:
    """Why the business may not take ``step`` (:data:`BUSINESS_STEPS`) now, or ``None``: confirm once
    the team has recorded its arrival, once; evaluate after 离企, within the rules' days; ask that an
    inspector withdraw until the team leaves. The page offers, and the commands require, the same. Whether
    the inspection was evaluated already is not the department's to read: the justice bureau keeps the
    evaluation, and its command refuses a second one once the 企业核验码 is checked
    (:func:`spotcheck.tenants.supervision.commands.evaluate_visit`), so the page offers the form for the whole
    window whoever opens it."""
    if step == "confirm":
        if code.arrived_at is None:
            return _l("The team has not recorded its arrival: there is nothing to confirm yet.")
        return _l("The business has already confirmed this inspection.") if code.confirmed_at is not None else None
    if step == "ask_recusal":
        return (
            _l("The team has left: a withdrawal is asked before or during the inspection.")
            if code.left_at is not None
            else None
        )
    days = rules_for(code.tenant_id).business_evaluation_days
    until = evaluation_until(code, days)
    if until is None:
        return _l("The inspection is evaluated once the team has recorded its departure.")
    if day > until:
        return _l(
            "An inspection is evaluated within %(days)d days of the team's departure: that time has passed.", days=days
        )
    return None


def business_steps(code: InspectionCode, day: date) -> frozenset[str]:
    """The steps the business may take now (its page shows their forms)."""
    return frozenset(step for step in BUSINESS_STEPS if business_refusal(code, step, day) is None)


def late_entry_until(visit: Visit) -> date:
    """The last day the 组长 may record 入企 and 离企 late (补录): the rules' days after the check ended
    (the campaign's window, while no end is recorded); after it, only a leader corrects them."""
    ended = visit.checked_until or visit.campaign.window_end
    return ended + timedelta(days=rules_for(visit.tenant_id, ended).late_entry_days)


def _late(visit: Visit) -> bool:
    return today() > late_entry_until(visit)


def business_code(code: InspectionCode) -> str:
    """The 企业核验码 in clear, for the notice delivered to the business (and nobody else)."""
    return personal_data.decrypt(code.business_encrypted)


def state_of(code: InspectionCode, campaign: Campaign, day: date) -> CheckState:
    if code.left_at is not None:
        return CheckState.finished
    if code.arrived_at is None and campaign.window_end < day:  # the window's days are never NULL
        return CheckState.expired
    if code.arrived_at is None and day < campaign.window_start:  # 检查期未到: not to be taken as may-happen-now
        return CheckState.not_yet
    return CheckState.valid


def _outside_window(visit: Visit) -> LazyString | None:
    """Why the team may not arrive today: before the campaign's window or after it (the code has
    expired), or ``None``."""
    start, end, day = visit.campaign.window_start, visit.campaign.window_end, today()
    if day < start:  # the window's days are never NULL
        return _l("The inspection window starts on %(day)s: the team may not arrive before.", day=start.isoformat())
    if day > end:
        return _l("The inspection window ended on %(day)s: the code has expired.", day=end.isoformat())
    return None


def _at_the_door(name: str, possible: Callable[[Visit], bool], refusal: Callable[[Visit], LazyString | None]) -> Action:
    """A step of the 组长 at the door (入企, 离企, 补录), which also waits while a member of the team (of any
    department's part, for a joint visit) who declared a conflict is not replaced: refused then citing the
    rule (:mod:`.recusals`)."""

    def why(visit: Visit) -> LazyString | None:
        if recused := recused_members(visit):
            return recusals.refusal(visit, recused)
        return refusal(visit)

    return Action(
        name,
        Permission.RESULTS_ENTER,
        lambda visit: possible(visit) and not recused_members(visit),
        why,
        who=leads_team,
        who_refusal=_l("Only the team leader records the arrival and the departure."),
    )


CODE_ACTIONS = Actions(
    # 入企: the 组长 records the team's arrival, once, for a visit that has its code, within the window.
    _at_the_door(
        "arrive",
        lambda v: v.code is not None and v.code.arrived_at is None and _outside_window(v) is None,
        lambda v: (
            _l("This visit has no inspection code: it may not take place.")
            if v.code is None
            else _l("The arrival is already recorded.")
            if v.code.arrived_at is not None
            else _outside_window(v)
        ),
    ),
    # 离企: after the arrival, once.
    _at_the_door(
        "leave",
        lambda v: v.code is not None and v.code.arrived_at is not None and v.code.left_at is None,
        lambda v: (
            _l("Record the arrival first.")
            if v.code is None or v.code.arrived_at is None
            else _l("The departure is already recorded.")
        ),
    ),
    # 补录: the 组长 records both times afterwards, with the reason, within the rules' days after the check.
    _at_the_door(
        "record_late",
        lambda v: v.code is not None and not _late(v) and v.code.left_at is None,
        lambda v: (
            _l("This visit has no inspection code: it may not take place.")
            if v.code is None
            else _l("The arrival and departure are recorded: a leader corrects them, with the reason.")
            if v.code.left_at is not None
            else _l("The time for recording the arrival late has passed: a leader corrects it, with the reason.")
        ),
    ),
    # 更正: after those days, a leader corrects the register, with the reason.
    Action(
        "correct_entry",
        Permission.RESULTS_REVIEW,
        lambda v: v.code is not None and _late(v),
        lambda v: (
            _l("This visit has no inspection code: it may not take place.")
            if v.code is None
            else _l("The team leader can still record the arrival late: a leader corrects it only afterwards.")
        ),
    ),
)


#: A business's request that an inspector withdraw (回避申请): a leader decides it, once.
def is_joint_request(request: RecusalRequest) -> bool:
    """A request about a member of a joint campaign's mixed team: the lead department's, for its
    coordinator to decide."""
    campaign = db.session.get(Campaign, request.member.campaign_id)
    return campaign is not None and campaign.joint


def _not_about_oneself(request: RecusalRequest, actor: Actor) -> bool:
    inspector = cast(Inspector | None, request.member.inspector)  # None where row-level security hides its list
    return inspector is None or inspector.user_id != getattr(actor, "id", None)


RECUSAL_REQUEST_ACTIONS = Actions(
    Action(
        "decide",
        Permission.RESULTS_REVIEW,
        lambda r: r.status == RecusalRequestStatus.pending and not is_joint_request(r),
        lambda r: (
            _l("This request is already decided.")
            if r.status != RecusalRequestStatus.pending
            else _l("A joint inspection's request is decided by the lead department's coordinator.")
        ),
        who=_not_about_oneself,
        who_refusal=_l("The request is about you: another leader decides it."),
    ),
    # 联合检查: the mixed team is the lead department's; its coordinator decides.
    Action(
        "decide_joint",
        Permission.JOINT_MANAGE,
        lambda r: r.status == RecusalRequestStatus.pending and is_joint_request(r),
        lambda r: (
            _l("This request is already decided.")
            if r.status != RecusalRequestStatus.pending
            else _l("This request is about a department's own team: its leader decides it.")
        ),
        who=_not_about_oneself,
        who_refusal=_l("The request is about you: another leader decides it."),
    ),
)
