"""What the public sees of a department's plans and draws (一公开): read-only.

A campaign's page and its proofs work in the current tenant scope: the public portal finds the campaign's department
(:func:`department_of`, one look-up), enters its scope (:func:`spotcheck.core.scoping.tenant_scope`) and calls
these. A region's list of plans and draws reads its departments' public rows all at once
(:func:`region_years`, :func:`region_publication`: :mod:`spotcheck.tenants.campaigns.published`). They return only what
is public — published plans; campaigns once approved (a draft is internal); each draw's
commitment, frame digest and counts, inputs, seed and proof once they exist (the nonce only
inside the proof, after the draw); targets by entity code and name; team members by name and
enforcement certificate number, nothing else of the inspector.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import defer, selectinload, undefer

from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.draw import proof_file
from spotcheck.draw.verify import Check, verify_bytes
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import draw_stages, inspection_counts, named, policy, published, redaction
from spotcheck.tenants.campaigns.drawn_list import DrawnList, drawn_list
from spotcheck.tenants.campaigns.draws import full_proof, published_bytes
from spotcheck.tenants.campaigns.in_force import rules_of
from spotcheck.tenants.campaigns.models import Campaign, Draw, DrawCheck, TeamMember
from spotcheck.tenants.campaigns.queries import targets as listing
from spotcheck.tenants.campaigns.vocabulary import PUBLIC_TARGET_STATUSES, CampaignStatus, DrawKind
from spotcheck.tenants.common.queries import NumberedPage
from spotcheck.tenants.common.vocabulary import campaign_status
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.plans.models import Plan, PlanStatus


def department_of(campaign_id: int) -> Tenant:
    """The department whose public campaign ``campaign_id`` is: one look-up across departments, of public campaigns
    only (:func:`spotcheck.tenants.campaigns.published.department_of`); NotFoundError for a draft, a department's
    part of a joint campaign, or no campaign."""
    found = published.department_of(campaign_id)
    if found is None:
        raise NotFoundError(_l("No such campaign."))
    return found


def region_years(tenant_ids: Iterable[int]) -> set[int]:
    """The years of the published plans and public campaigns of departments ``tenant_ids`` (a region's): one
    statement, whatever their number."""
    return published.years(tenant_ids)


@dataclass(frozen=True)
class Publication:
    """What one department made public of a year: its published plans (the year's, the halves, then the joint plans;
    the page shows each one's lines as last published, ``published_lines``, never the draft of a returned plan being
    revised: :func:`being_revised`) and its public campaigns, most recently approved first."""

    tenant: Tenant
    plans: list[Plan]
    campaigns: list[Campaign]


def region_publication(departments: Iterable[Tenant], year: int) -> list[Publication]:
    """What each of ``departments`` (a region's) made public of ``year``, in their order: their published plans and
    public campaigns read in a few statements, whatever the number of departments."""
    departments = list(departments)
    ids = [tenant.id for tenant in departments]
    plans, campaigns = published.plans(ids, year), published.campaigns(ids, year)
    return [Publication(tenant, plans.get(tenant.id, []), campaigns.get(tenant.id, [])) for tenant in departments]


def being_revised(plan: Plan) -> bool:
    """A published plan returned by a filing authority, being changed (修改中): the public page says so."""
    return plan.status == PlanStatus.returned


def public_campaigns(year: int) -> list[Campaign]:
    """The department's campaigns of ``year`` that are approved or later, most recently approved first."""
    return list(
        db.session.scalars(
            sa.select(Campaign)
            .where(policy.public_campaign_rows(), Campaign.year == year)
            .options(selectinload(Campaign.items))
            .order_by(Campaign.approved_at.desc(), Campaign.id.desc())
        )
    )


def public_campaign(campaign_id: int) -> Campaign:
    """One campaign of the department if it is public (approved or later), else NotFoundError."""
    campaign = db.session.scalar(sa.select(Campaign).where(Campaign.id == campaign_id, policy.public_campaign_rows()))
    if campaign is None:
        raise NotFoundError(_l("No such campaign."))
    return campaign


def withheld(campaign: Campaign) -> bool:
    """A named check (特定对象检查) not yet disclosed: the public sees its inspector draw's commitment, and neither
    its businesses nor its teams nor its proof, until every team has left the business (离企) — a check made on
    a complaint is not announced ahead."""
    return campaign.named and campaign.disclosed_at is None


#: Why the public cannot see a named check's businesses, teams and inspector proof yet.
WITHHELD = _l(
    "A check of named businesses publishes its businesses, its teams and its inspector proof once every "
    "team has left the business (离企), so that the check is not announced ahead; its commitment is "
    "published at once."
)


#: The states in which a check registered after it was made (事后登记) is shown as registered: until its results are
#: approved, its team only records what it did (no check is still to come, nor under way).
_LATE_SHOWN_REGISTERED = (
    CampaignStatus.approved,
    CampaignStatus.targets_drawn,
    CampaignStatus.inspectors_drawn,
    CampaignStatus.notified,
    CampaignStatus.in_progress,
)


def public_status(campaign: Campaign) -> str:
    """The campaign's status as the public reads it, in the list of draws and on its own page alike: a named
    check not disclosed yet shows no more than its approval (its inspector draw committed), whatever its teams
    have done since (:func:`withheld`); a check registered after it was made, its registration until its results
    are approved; any other, its status in its kind's words."""
    if campaign.status != CampaignStatus.withdrawn and withheld(campaign):
        return campaign_status(CampaignStatus.approved, campaign)
    if campaign.registered_late and campaign.status in _LATE_SHOWN_REGISTERED:
        return campaign_status(CampaignStatus.approved, campaign)
    return campaign_status(campaign.status, campaign)


def named_grounds(campaign: Campaign) -> named.PublicGrounds | None:
    """A check of named businesses as the public reads its grounds: a check for a cause (有因检查) and its legal basis,
    never a business's cause (:func:`spotcheck.tenants.campaigns.named.public_grounds`); None for a random one."""
    return named.public_grounds(campaign) if campaign.named else None


def require_disclosed(campaign: Campaign) -> None:
    """NotFoundError (saying when it will be published) for a named check not yet disclosed."""
    if withheld(campaign):
        raise NotFoundError(WITHHELD)


def targets_public(campaign: Campaign, draws: dict) -> bool:
    """Whether the public may see the campaign's targets: drawn, or a named check's once disclosed."""
    if campaign.named:
        return not withheld(campaign)
    return "targets" in draws and draws["targets"].drawn_at is not None


@dataclass(frozen=True)
class PublicDraw:
    """The public state of one draw. ``stage``: committed → frozen → drawn."""

    kind: str
    commitment: str
    committed_at: object
    frame_digest: str | None
    counts: dict | None
    excluded: dict | None
    frozen_at: object
    #: The businesses left out at their yearly cap, with the campaigns whose draws count for each.
    capped: list | None
    public_inputs: list | None
    #: Drawn with no observer's input: why (empty for a draw made before the reason was asked).
    no_input_reason: str | None
    seed: str | None
    drawn_at: object
    proof_sha256: str | None
    #: A blinded draw (盲化抽取, ``spotcheck-draw/3``): its key's commitment; None before blinding.
    blind_commitment: str | None = None
    #: A proof drawn before blinding withdrawn from public view (隐去明细): the public downloads the redacted proof,
    #: which holds ``proof_sha256``, the SHA-256 of the full one (:mod:`spotcheck.tenants.campaigns.redaction`).
    redacted: bool = False

    @property
    def blinded(self) -> bool:
        """The public reads this draw's counts per stratum and its proof, never a business beside its stratum, its
        team or a recusal."""
        return self.blind_commitment is not None

    @property
    def names_only(self) -> bool:
        """Its businesses are published by name only, never beside a stratum or a team: a blinded draw's, and a proof
        drawn before blinding withdrawn from public view (its strata are what the redaction hides)."""
        return self.blinded or self.redacted

    @property
    def stage(self) -> str | None:
        return draw_stages.stage(self)


def public_draws(campaign: Campaign, *, staff: bool = False) -> dict[str, PublicDraw]:
    """The campaign's draws by kind; what a stage has not reached yet is left out (the frame and
    the proof are never loaded here; the nonce is never read). A named check not yet disclosed shows
    the public its commitment only (:func:`withheld`); ``staff``: its own department sees every stage."""
    records = db.session.scalars(
        sa.select(Draw)
        .where(Draw.campaign_id == campaign.id)
        .options(defer(Draw.nonce_encrypted), defer(Draw.frame_file), defer(Draw.proof))
    )
    hidden = withheld(campaign) and not staff
    out = {}
    for record in records:
        frozen, drawn = record.frozen_at is not None and not hidden, record.drawn_at is not None and not hidden
        out[record.kind.value] = PublicDraw(
            kind=record.kind.value,
            commitment=record.commitment,
            committed_at=record.committed_at,
            frame_digest=record.frame_digest if frozen else None,
            counts=record.counts if frozen else None,
            excluded=record.excluded if frozen else None,
            frozen_at=record.frozen_at if frozen else None,
            capped=(record.capped or []) if frozen else None,
            public_inputs=record.public_inputs if drawn else None,
            no_input_reason=(record.no_input_reason or "") if drawn else None,
            seed=record.seed if drawn else None,
            drawn_at=record.drawn_at if drawn else None,
            proof_sha256=record.proof_sha256 if drawn else None,
            blind_commitment=record.blind_commitment,
            redacted=drawn and record.redacted_at is not None,
        )
    return out


def bureau_verdicts(campaign: Campaign) -> dict[str, list[DrawCheck]]:
    """What the justice bureaus found checking the campaign's blinded draws (核验结论), by draw kind: each bureau's
    latest verdict on each draw — the whole draw's (the key disclosed to it), then each joint part's (its departments'
    rows and salts) — read in the department's scope, which the bureaus share their verdicts with."""
    latest: dict[tuple[str, int, tuple[str, ...]], DrawCheck] = {}
    for verdict in db.session.scalars(
        sa.select(DrawCheck)
        .where(DrawCheck.campaign_id == campaign.id)
        .order_by(DrawCheck.checked_at.desc(), DrawCheck.id.desc())
    ):
        latest.setdefault((verdict.kind.value, verdict.tenant_id, tuple(verdict.groups or ())), verdict)
    found: dict[str, list[DrawCheck]] = {}
    for (kind, _bureau, _groups), verdict in sorted(latest.items(), key=lambda item: (bool(item[0][2]), item[0])):
        found.setdefault(kind, []).append(verdict)
    return found


def counting_campaigns(draws: dict[str, PublicDraw]) -> dict[str, dict[str, int]]:
    """The campaigns that count for the businesses the draws' frames left out at their cap: by the business's code,
    each code's campaign on the public portal (a joint campaign's part: its joint campaign)."""
    return inspection_counts.campaign_ids(row for draw in draws.values() for row in draw.capped or [])


def caps(campaign: Campaign) -> list[str]:
    """The yearly caps on the inspections of a business that the campaign's frames apply, each with its value and
    the document and article that set it (the campaign's rules: those kept at its approval)."""
    return inspection_counts.cap_lines(rules_of(campaign))


def revealed_nonce(campaign: Campaign, kind: str) -> str | None:
    """The draw's secret number: kept secret until the draw is made, then public (it is in the proof)."""
    record = draw_stages.draw_of(campaign, kind)
    if record is None or record.drawn_at is None:
        return None
    return cast(dict[str, str], record.proof)["nonce"]  # drawn: its proof


def public_targets(
    campaign: Campaign, *, page: int = 1, search: str = "", stratum: str = "", per_page: int = listing.PER_PAGE
) -> NumberedPage:
    """The drawn targets (selected, and those replaced with the reason), by stratum and rank, a
    page at a time (NotFoundError past the last); entity code and name only. ``search``: a code prefix
    or part of the name; ``stratum``: that stratum only."""
    return listing.targets(
        campaign, statuses=PUBLIC_TARGET_STATUSES, page=page, search=search, stratum=stratum, per_page=per_page
    )


def list_rule(campaign: Campaign, draws: dict[str, PublicDraw] | None = None) -> DrawnList | None:
    """A random campaign's rule for its list of drawn businesses (抽查对象名单, :mod:`..drawn_list`): when it is
    published, where the rule comes from, and whether the list is public now — ``None`` for a check of named
    businesses, whose list is published once its teams have left (:func:`withheld`), for a department's part of a
    joint campaign (the joint campaign's list is the one published), and for a draw frozen before blinding whose proof
    stays whole (version 1, its targets listed with their strata as they always were). ``draws``: the public draws
    already read (the inspector freeze is read from them), else read here."""
    if campaign.named or campaign.joint_id is not None:
        return None
    if draws is None:
        draws = public_draws(campaign)
    targets, inspectors = draws.get("targets"), draws.get("inspectors")
    if targets is not None and targets.frozen_at is not None and not targets.names_only:
        return None
    return drawn_list(campaign, inspectors_frozen=inspectors is not None and inspectors.frozen_at is not None)


#: Why the public cannot read a random campaign's list of drawn businesses now.
NOT_LISTED = _l("The list of the businesses this campaign drew is not published now: its rules say when.")


def public_names(
    campaign: Campaign, *, page: int = 1, search: str = "", per_page: int = listing.PER_PAGE
) -> NumberedPage:
    """A blinded draw's public list: the businesses checked, by code, names only (:func:`listing.drawn_names`) —
    a named check's once disclosed, a random campaign's once its rules publish it (:func:`list_rule`); before,
    NotFoundError saying so."""
    if campaign.named:
        require_disclosed(campaign)
    elif (listed := list_rule(campaign)) is not None and not listed.public:
        raise NotFoundError(NOT_LISTED)
    return listing.drawn_names(campaign, page=page, search=search, per_page=per_page)


def public_departments_at(campaign: Campaign, entity_ids: Iterable[int]) -> dict[int, list[str]]:
    """The departments checking each drawn entity of a joint campaign, by group code."""
    return listing.departments_at(campaign, entity_ids)


def drawn_target_counts(campaign: Campaign) -> dict[str, dict[str, int]]:
    """Per stratum, how many targets are on the list: ``{"A": {"selected": 12, "replaced": 1}}``."""
    return listing.counts(campaign, PUBLIC_TARGET_STATUSES)


@dataclass(frozen=True)
class PublicMember:
    name: str
    cert_no: str
    is_leader: bool
    active: bool
    replacement_reason: str


def public_teams(campaign: Campaign, entity_ids: Iterable[int]) -> dict[int, list[PublicMember]]:
    """Team members of the given visits (entity ids, e.g. one page of targets), in pick order: the
    inspector's name and enforcement certificate number only (no ID number, sex, post or anything
    else). A joint campaign's mixed team is shown whole: a member of another department is named
    as the team row recorded it (the lead's department does not read the others' inspectors)."""
    wanted = list(entity_ids)
    if not wanted:
        return {}
    rows = db.session.execute(
        sa.select(
            TeamMember.entity_id,
            sa.func.coalesce(Inspector.name, TeamMember.inspector_name),
            sa.func.coalesce(Inspector.cert_no, TeamMember.cert_no),
            TeamMember.is_leader,
            TeamMember.active,
            TeamMember.replacement_reason,
        )
        .outerjoin(Inspector, Inspector.id == TeamMember.inspector_id)
        .where(TeamMember.campaign_id == campaign.id, TeamMember.entity_id.in_(wanted))
        .order_by(TeamMember.entity_id, TeamMember.position, TeamMember.id)
    )
    teams: dict[int, list[PublicMember]] = {}
    for entity_id, name, cert_no, is_leader, active, reason in rows:
        teams.setdefault(entity_id, []).append(PublicMember(name, cert_no, is_leader, active, reason))
    return teams


def _drawn_record(campaign: Campaign, kind: str) -> Draw:
    try:
        draw_kind = DrawKind(kind)
    except ValueError:
        raise NotFoundError(_l("No such draw.")) from None
    record = db.session.scalar(
        sa.select(Draw)
        .where(Draw.campaign_id == campaign.id, Draw.kind == draw_kind, Draw.drawn_at.is_not(None))
        .options(defer(Draw.nonce_encrypted), undefer(Draw.proof))
    )  # the frame: draws.frame_of
    if record is None or record.proof is None:
        raise NotFoundError(_l("This draw has not been made yet; its proof is published after the draw."))
    return record


def drawn_proof(campaign: Campaign, kind: str) -> dict:
    """The published proof of a drawn draw, frame included; NotFoundError before the draw (or for an unknown kind)."""
    return full_proof(_drawn_record(campaign, kind))


def published_proof(campaign: Campaign, kind: str) -> bytes:
    """The proof file the public downloads (UTF-8 JSON, :mod:`spotcheck.draw.proof_file`): the redacted proof of a
    proof withdrawn from public view (:func:`redaction.public_file`), else the proof itself."""
    return redaction.public_file(_drawn_record(campaign, kind))


def full_proof_file(campaign: Campaign, kind: str) -> bytes:
    """The full proof file of a drawn draw, redacted or not on the public side: for the department's own pages (in its
    scope, the route's permission) and its supervising bureau (:mod:`spotcheck.tenants.supervision.queries.proofs`)."""
    return published_bytes(_drawn_record(campaign, kind))


@dataclass(frozen=True)
class Verification:
    checks: list[Check]
    proof_sha256: str
    published_sha256: str | None
    nonce: str | None
    #: The file checked is the redacted proof (隐去明细): ``original_sha256`` is what it says of the full proof's
    #: SHA-256, to compare with ``published_sha256``.
    redacted: bool = False
    original_sha256: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(check.ok for check in self.checks)


def verify_proof(campaign: Campaign, kind: str, *, full: bool = False) -> Verification:
    """Recompute the proof file as the public downloads it (``full``: the full proof, for the department's own pages)
    with the verifier (:func:`spotcheck.draw.verify.verify_bytes`): the same checks ``spotcheck draw verify`` prints.
    Changes nothing.

    The outcome depends only on the file's bytes, so it is kept per SHA-256 of those bytes (in
    this process, for the last :data:`VERIFIED_KEPT` files): checking a proof of a million rows
    takes seconds, and a popular draw is checked by many."""
    record = _drawn_record(campaign, kind)
    if full or record.redacted_at is None:
        return verification(published_bytes(record), record)
    return verification(redaction.public_file(record), record, redacted=True)


def verification(data: bytes, record: Draw, *, redacted: bool = False) -> Verification:
    """The checks of the proof file ``data`` of ``record``: its full proof, or (``redacted``) its redacted one."""
    digest = hashlib.sha256(data).hexdigest()
    with _verified_lock:
        known = _verified.get(digest)
    if known is None:
        nonce = record.proof.get("nonce") if isinstance(record.proof, dict) else None
        known = (verify_bytes(data), nonce if isinstance(nonce, str) else None)
        with _verified_lock:
            _verified[digest] = known
            while len(_verified) > VERIFIED_KEPT:
                _verified.popitem(last=False)
    checks, nonce = known
    original = proof_file.loads(data).get("original_sha256") if redacted else None
    return Verification(
        checks=list(checks),
        proof_sha256=digest,
        published_sha256=record.proof_sha256,
        nonce=nonce,
        redacted=redacted,
        original_sha256=original if isinstance(original, str) else None,
    )


VERIFIED_KEPT = 64
_verified: OrderedDict[str, tuple[list[Check], str | None]] = OrderedDict()
_verified_lock = threading.Lock()
