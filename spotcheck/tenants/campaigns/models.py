"""Campaigns (抽查任务), their draws (抽取) and what the draws chose: targets and teams."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from spotcheck.core.clock import now
from spotcheck.core.database import Model, db
from spotcheck.core.scoping import AreaReadable, JointShared, SharedWithReceiver, TenantOwned
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import capped_store

# The enums live in the vocabulary; importable from here as before.
from spotcheck.tenants.campaigns.vocabulary import (  # noqa: F401 — re-exported: importable from here as before
    NOT_CARRIED_OUT,
    CampaignKind,
    CampaignStatus,
    DrawKind,
    ExpertKind,
    TargetStatus,
)
from spotcheck.tenants.directory.models import Entity, located_in
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.items.models import Item

# --- an area's read (:class:`~spotcheck.core.scoping.AreaReadable`) -----------------------------------------------
#
# A region's justice bureau counts every department's checks of the businesses located in its region (涉企检查频次):
# their visits (results.models.Visit), the campaigns of those visits, and — for the repeated draws' chances and the
# frames frozen together — the random campaigns of each department that drew one of them, with their target draws
# and drawn targets as published (一公开), never a named check's target or a reserve. The tables are named as the
# database has them (row-level security states the same conditions, policy ``area_read``, migration 0068).

_VISITS = sa.table("visit", sa.column("campaign_id"), sa.column("entity_id")).alias("area_visit")
_TARGETS = sa.table(
    "campaign_target", sa.column("tenant_id"), sa.column("entity_id"), sa.column("status"), sa.column("cause")
).alias("area_target")
_CAMPAIGNS = sa.table(
    "campaign",
    sa.column("id"),
    sa.column("tenant_id"),
    sa.column("kind"),
    sa.column("status"),
    sa.column("approved_at"),
    sa.column("joint_id"),
).alias("area_campaign")
#: A target drawn (not a reserve) and not a named check's.
_DRAWN = ("selected", "replaced")


def _drew_in(area: sa.ColumnElement[str]) -> sa.Select:
    """The departments that drew one of the area's businesses (a target drawn, not named)."""
    return sa.select(_TARGETS.c.tenant_id).where(
        _TARGETS.c.entity_id.in_(located_in(area)), _TARGETS.c.status.in_(_DRAWN), _TARGETS.c.cause == ""
    )


def _drawing(columns: Any, area: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """On campaign ``columns``: a public random campaign (approved; a joint campaign's own row, not a part) of a
    department that drew one of the area's businesses."""
    return sa.and_(
        columns.kind == "random",
        columns.status != "draft",
        columns.approved_at.is_not(None),
        columns.joint_id.is_(None),
        columns.tenant_id.in_(_drew_in(area)),
    )


campaign_item = sa.Table(
    "campaign_item",
    db.metadata,
    sa.Column("campaign_id", sa.ForeignKey("campaign.id"), primary_key=True),
    sa.Column("item_id", sa.ForeignKey("item.id"), primary_key=True),
)


class Campaign(AreaReadable, JointShared, Model):
    """A department's campaign (抽查任务); or a joint campaign (联合抽查, ``joint``) owned by the lead
    department, whose participants each have their own part: a campaign of their own with
    ``joint_id`` naming the joint one (its items, strata rules, filter and results)."""

    __tablename__ = "campaign"
    __table_args__ = (sa.UniqueConstraint("region_id", "code", name="uq_campaign_region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The public code (文号), e.g. 应急抽〔2026〕3号: issued when the campaign is approved (a draft
    #: has none, 未编号), from its short name's counter in the department's region
    #: (:func:`spotcheck.tenants.campaigns.checking.issue_code`). Unique in that region, not in the deployment: two
    #: 应急管理局 of two counties each have their 应急抽〔2026〕1号.
    code: Mapped[str | None] = mapped_column(sa.String(64))
    #: The region the code was issued in (its department's region then): with the code, one campaign.
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    #: Random (随机抽查) or named (特定对象检查): a named campaign's targets are registered at its approval
    #: from ``named_targets``, each with its cause; only its inspectors are drawn.
    kind: Mapped[CampaignKind] = mapped_column(
        sa.Enum(CampaignKind, name="campaign_kind", native_enum=False, length=16),
        default=CampaignKind.random,
        server_default="random",
    )
    #: A named campaign's targets as drafted: ``[{"entity_code", "cause", "reference"}]`` (``NAMED_CAUSES``).
    named_targets: Mapped[list | None] = mapped_column(sa.JSON, default=list)
    #: A named campaign's teams and targets published (after 离企 of every visit, so the check is not
    #: announced ahead): until then the public sees its inspector draw's commitment only.
    disclosed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: 紧急检查事后登记: a named check made before it could be registered — why; its team went, was not drawn
    #: (:mod:`.commands.emergency`). Empty for every other campaign.
    late_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    year: Mapped[int] = mapped_column()
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan.id"))
    exempt_kind: Mapped[str | None] = mapped_column(
        sa.String(32)
    )  # outside the plan: why (the rulebook's exempt kinds)
    exempt_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: Which directory entries are candidates: {"categories", "industries", "regions", "entity_types", "flags"}.
    target_filter: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Sampling per stratum (A–D risk classes, "flagged"): {"A": {"ratio_bp": 3000, "min": 1}, "D": {"count": 5}}.
    strata: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    exclude_checked: Mapped[bool] = mapped_column(default=True)  # leave out entities checked this year for these items
    reserve_size: Mapped[int] = mapped_column(default=3)
    team_size: Mapped[int] = mapped_column(default=2)
    capacity: Mapped[int | None] = mapped_column()  # most visits per inspector
    window_start: Mapped[date] = mapped_column(sa.Date)
    window_end: Mapped[date] = mapped_column(sa.Date)
    method: Mapped[str] = mapped_column(sa.String(16), default="onsite")
    status: Mapped[CampaignStatus] = mapped_column(
        sa.Enum(CampaignStatus, name="campaign_status", native_enum=False, length=24), default=CampaignStatus.draft
    )
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    approved_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    #: The rules in force at its approval (现行规则), kept for the campaign's life: the rulebook version of each
    #: level from the root down (``[12, 31]``) and the department's (:func:`spotcheck.tenants.rules.rulebook.rules_of`).
    rulebook_version_ids: Mapped[list | None] = mapped_column(sa.JSON)
    department_rules_version_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rule_version.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    #: Cancelled (撤销) by a leader, with the reason: the commitment stays published, no draw follows.
    withdrawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    withdrawn_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    withdrawal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: A draft returned (退回) by a leader to its planner, with the reason (the last return).
    returned_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    returned_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    return_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: How its team leaders (组长) were last named in one step (:data:`~.vocabulary.LEADER_RULES`): the rule that
    #: names a visit's new 组长 when the platform replaces a recused one (NULL: named by hand, the first drawn member
    #: with an account).
    leader_rule: Mapped[str | None] = mapped_column(sa.String(24))
    #: A joint campaign (联合抽查) of several departments, coordinated by this (the lead) department.
    joint: Mapped[bool] = mapped_column(default=False)
    #: A department's part of a joint campaign: the joint campaign.
    joint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    #: A joint campaign's departments and their items as approved, shared with every participant:
    #: ``{"YJJ": {"name": "应急管理局", "items": ["…"], "categories": ["…"]}}``.
    joint_parts: Mapped[dict | None] = mapped_column(sa.JSON)
    #: A joint campaign's enforcement field (执法领域, reference.ENFORCEMENT_FIELDS): its lead coordinates it.
    joint_field: Mapped[str | None] = mapped_column(sa.String(16))

    joint_key = "id"  # a joint campaign's own row is shared (JointShared)
    items: Mapped[list[Item]] = relationship(secondary=campaign_item, order_by=Item.code)
    tenant: Mapped[Tenant] = relationship(lazy="joined", innerjoin=True)

    @classmethod
    def area_rows(cls, area: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
        """An area's read: the campaigns of its businesses' visits (asked of the campaign: a statement reading a few
        campaigns reads their visits, not the area's), and the public random campaigns (a joint one's own row among
        them) of the departments that drew one of its businesses."""
        visited = sa.exists().where(_VISITS.c.campaign_id == cls.id, _VISITS.c.entity_id.in_(located_in(area)))
        return sa.or_(visited, _drawing(cls, area))

    @property
    def named(self) -> bool:
        """A named check (特定对象检查): its targets registered with their causes, only its inspectors drawn."""
        return self.kind in (CampaignKind.named, CampaignKind.named.value)

    @property
    def registered_late(self) -> bool:
        """紧急检查事后登记: made before it was registered, by the team that went (not drawn)."""
        return bool(self.late_reason)

    @property
    def tenant_code(self) -> str:
        """The group code of this department in the draw frames."""
        return self.tenant.code


class Draw(AreaReadable, JointShared, Model):
    """One draw of a campaign: committed, frozen, drawn. At most one per campaign and kind (a
    database constraint): there is no re-draw, only recorded replacements."""

    __tablename__ = "draw"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "kind", name="uq_draw_campaign_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    kind: Mapped[DrawKind] = mapped_column(sa.Enum(DrawKind, name="draw_kind", native_enum=False, length=16))
    nonce_encrypted: Mapped[str] = mapped_column(sa.Text)  # revealed only in the proof
    commitment: Mapped[str] = mapped_column(sa.String(64))
    #: The blinding key of a version 3 draw (盲化密钥, DRAW-SPEC "Blinded draws"), encrypted as the nonce is and never
    #: published; ``blind_commitment`` (its hash) is. None for a draw frozen before blinding (version 1 or 2).
    blind_key_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    blind_commitment: Mapped[str | None] = mapped_column(sa.String(64))
    #: The clear frame of a version 3 draw with the exclusions by reason (明文抽取范围), encrypted: read by the
    #: department's own pages and its bureau's check, each reading audited.
    clear_encrypted: Mapped[str | None] = deferred(mapped_column(sa.Text))
    #: The same, as a draw frozen since kept it (:mod:`.clear_store`): raw bytes sealed with AES-256-GCM under a key
    #: derived from the data key, the cells in token order. A draw has one or the other.
    clear_sealed: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    committed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    frame_digest: Mapped[str | None] = mapped_column(sa.String(64))
    counts: Mapped[dict | None] = mapped_column(sa.JSON)  # rows per group and stratum (or visits, pool)
    excluded: Mapped[dict | None] = mapped_column(sa.JSON)  # excluded rows per reason
    #: The businesses left out at their yearly cap as stored (:mod:`.capped_store`; read and set :attr:`capped`).
    capped_stored: Mapped[dict | list | None] = mapped_column("capped", sa.JSON)
    frozen_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The frozen frame file: the sorted lines its digest is taken over (the proof's frame, stored once); a version 3
    #: target frame frozen since is kept as its raw tokens (:mod:`spotcheck.draw.token_frames`; read through
    #: :func:`.draws.frame_of`, which gives the same lines).
    frame_file: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    public_inputs: Mapped[list | None] = mapped_column(sa.JSON)
    #: A draw made with no observer's input (无外部监督人输入): why, as the planner typed it — recorded
    #: with the draw and in its audit entry, and published; empty when observers gave inputs.
    no_input_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    seed: Mapped[str | None] = mapped_column(sa.String(64))
    drawn_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The published proof without its frame (the frame file is), kept up to date with replacements.
    proof: Mapped[dict | None] = deferred(mapped_column(sa.JSON))
    proof_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: A version 1 or 2 proof withdrawn from public view (隐去明细, :mod:`.redaction`): when. The public reads the
    #: redacted proof of DRAW-SPEC (with the SHA-256 of this one, ``proof_sha256``); the department and its bureau
    #: the full proof. None: served whole (a version 3 proof, or one whose strata are public facts).
    redacted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    @property
    def blinded(self) -> bool:
        """A version 3 draw (盲化抽取): its proof names businesses by tokens only."""
        return self.blind_commitment is not None

    @property
    def capped(self) -> list | None:
        """The businesses left out at their yearly cap, each with the cap reached and the rule (``why``) and the
        campaigns whose draws count for it with their departments (``[{"code", "name", "campaigns": [codes],
        "counted": [{"campaign", "departments"}], "why"}]``, :func:`~.capped_lists.capped_list`), published
        beside the frame's counts; read from its stored form once an instance."""
        stored = self.capped_stored
        cached = self.__dict__.get("_capped_read")
        if cached is None or cached[0] is not stored:
            cached = (stored, capped_store.unpacked(stored))
            self.__dict__["_capped_read"] = cached
        return cached[1]

    @capped.setter
    def capped(self, rows: list | None) -> None:
        self.capped_stored = capped_store.packed(rows)

    @classmethod
    def area_rows(cls, area: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
        """An area's read: the target draws, once drawn (their proofs are published), of the campaigns of the
        departments that drew one of its businesses (``Campaign.area_rows``)."""
        drawing = sa.select(_CAMPAIGNS.c.id).where(_drawing(_CAMPAIGNS.c, area))
        return sa.and_(cls.kind == DrawKind.targets, cls.drawn_at.is_not(None), cls.campaign_id.in_(drawing))


class DrawCheck(SharedWithReceiver, Model):
    """A justice bureau's check of a blinded draw (抽取核验结论, DRAW-SPEC "The bureau's check"): the bureau's row
    (``tenant_id``), shared with the department that keeps the draw (``receiver_tenant_id``: the campaign's, a joint
    campaign's lead), whose public draw page states it. ``groups`` empty: the whole draw, with the key and the clear
    file; else the joint draw's groups whose clear rows (each id with its salt, never the key) a bureau other than the
    lead's checked. A new check is a new row: none is ever changed."""

    __tablename__ = "draw_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(sa.ForeignKey("draw.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    kind: Mapped[DrawKind] = mapped_column(sa.Enum(DrawKind, name="draw_kind", native_enum=False, length=16))
    groups: Mapped[list] = mapped_column(sa.JSON, default=list)
    passed: Mapped[bool] = mapped_column()
    #: Each check as it was run: ``{"name", "ok", "detail"}`` (the verifier's own English name; the pages label it).
    checks: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: The proof checked (a replacement after the check publishes another).
    proof_sha256: Mapped[str] = mapped_column(sa.String(64))
    #: Copies for the department that reads the row: the bureau's name, and the departments of ``groups``.
    bureau_name: Mapped[str] = mapped_column(sa.String(100))
    group_names: Mapped[list] = mapped_column(sa.JSON, default=list)
    checked_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    checked_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)


class CampaignTarget(AreaReadable, JointShared, Model):
    """An entity the target draw chose (or kept in reserve) for one department of the campaign."""

    __tablename__ = "campaign_target"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "group_code", "entity_id", name="uq_campaign_target_entity"),
        sa.Index("ix_campaign_target_cell_rank", "campaign_id", "stratum", "rank"),
    )  # pages in rank order

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))  # indexed first by both above
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), index=True)
    group_code: Mapped[str] = mapped_column(sa.String(16))
    stratum: Mapped[str] = mapped_column(sa.String(16))
    rank: Mapped[int] = mapped_column()  # position in the cell's ranking, from 1
    status: Mapped[TargetStatus] = mapped_column(
        sa.Enum(TargetStatus, name="target_status", native_enum=False, length=16)
    )
    replacement_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    #: A named check's target (特定对象): why it is checked (``NAMED_CAUSES``) and the cause's reference
    #: (the complaint's number, the order's 文号…); empty for a drawn target.
    cause: Mapped[str] = mapped_column(sa.String(16), default="", server_default="")
    cause_reference: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")

    entity: Mapped[Entity] = relationship(lazy="joined")

    @classmethod
    def area_rows(cls, area: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
        """An area's read: its businesses' targets drawn (not a reserve, not a named check's). A version 1 draw
        published each one's stratum and rank; a blinded draw (``spotcheck-draw/3``) does not, and this read is then
        the region's supervising bureaus' — those the bureau's check lets read every row — never the public's."""
        return sa.and_(
            cls.entity_id.in_(located_in(area)),
            cls.status.in_([TargetStatus.selected, TargetStatus.replaced]),
            cls.cause == "",
        )

    @property
    def named(self) -> bool:
        return bool(self.cause)


class TeamMember(JointShared, Model):
    """An inspector on the team for one visit (one entity) of a campaign."""

    __tablename__ = "team_member"
    __table_args__ = (sa.UniqueConstraint("campaign_id", "entity_id", "inspector_id", name="uq_team_member_visit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"))  # indexed first by the constraint above
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), index=True)
    inspector_id: Mapped[int] = mapped_column(sa.ForeignKey("inspector.id"), index=True)
    position: Mapped[int] = mapped_column()  # pick order
    is_leader: Mapped[bool] = mapped_column(default=False)  # 组长, designated after the draw
    active: Mapped[bool] = mapped_column(default=True)  # False once replaced
    replacement_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    #: A joint campaign's mixed team: the member's department (group) and, for the departments
    #: that cannot read each other's inspector lists, the name as drawn.
    group_code: Mapped[str] = mapped_column(sa.String(16), default="")
    inspector_name: Mapped[str] = mapped_column(sa.String(100), default="")
    cert_no: Mapped[str] = mapped_column(sa.String(64), default="")
    #: A conflict (回避) declared against this member after the draw: the visit waits until the
    #: member is replaced (the recusal stays in the inspector directory for later draws).
    recusal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("recusal.id"))

    inspector: Mapped[Inspector] = relationship(lazy="joined")
    entity: Mapped[Entity] = relationship(lazy="joined")

    @property
    def recused(self) -> bool:
        """Still on the team with a conflict declared: to be replaced before the visit goes on."""
        return self.active and self.recusal_id is not None

    @property
    def shown_name(self) -> str:
        """The member's name: from the inspector list, or as drawn for a joint team's member of a
        department whose list the reader cannot read."""
        inspector = cast(Inspector | None, self.inspector)  # None where row-level security hides its list
        return inspector.name if inspector is not None else self.inspector_name

    @property
    def shown_cert_no(self) -> str:
        """The member's certificate number (执法证号), read as :attr:`shown_name` is."""
        inspector = cast(Inspector | None, self.inspector)  # None where row-level security hides its list
        return inspector.cert_no if inspector is not None else self.cert_no


class TeamExpert(TenantOwned, Model):
    """An expert (专家) who joins one visit's team in addition to the drawn inspectors: never
    counted toward the team size, never its 组长, never recording or submitting its result. Kept
    when removed (``removed_at``), so the record shows who took part and when."""

    __tablename__ = "team_expert"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), index=True)
    kind: Mapped[ExpertKind] = mapped_column(sa.Enum(ExpertKind, name="expert_kind", native_enum=False, length=24))
    #: An expert of the inspector directory; ``None`` for a testing body, institute or scholar named here.
    inspector_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inspector.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(50))  # the person
    organisation: Mapped[str] = mapped_column(sa.String(200))  # 检测机构、科研院所 or the expert's agency
    expertise: Mapped[str] = mapped_column(sa.String(200), default="")  # 专业领域
    added_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    added_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    removed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    removed_by_name: Mapped[str] = mapped_column(sa.String(100), default="")

    entity: Mapped[Entity] = relationship(lazy="joined")

    @property
    def active(self) -> bool:
        return self.removed_at is None


class HolderRow(TenantOwned, Model):
    """A business's own row of a drawn target draw (抽取对象本户记录), worked out once, when the business first asks,
    from the draw's key and frame (the reading audited): the id the proof holds for it (its token; its code before
    version 3), its salt (version 3, encrypted), each cell of the frame holding it with its rank and the cell's size,
    or why it was left out before the freeze. Kept by the draw's department; where it stands after the replacements
    is read from the proof each time."""

    __tablename__ = "holder_row"
    __table_args__ = (sa.UniqueConstraint("draw_id", "entity_id", name="uq_holder_row_draw_entity"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(sa.ForeignKey("draw.id"), index=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), index=True)
    public_id: Mapped[str] = mapped_column(sa.String(64))
    salt_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    #: ``[[group, stratum, rank, size], …]``: empty when the frame does not hold the business.
    cells: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Why the business was left out before the freeze (the frame's exclusion reason), if it was.
    excluded: Mapped[str | None] = mapped_column(sa.String(32))
    read_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)


#: The register's rows a frame reads (a named check not disclosed yet is not), worded as its statements ask
#: (``InspectionCount.withheld.is_(False)``): the condition of its index.
COUNTING = "withheld IS false"


class InspectionCount(Model):
    """每户企业年度检查次数登记: one row per business, year, campaign that drew it (a joint campaign once,
    ``counted_as``) and department; owned by no department, like the public register by entity, so that
    every department's frame counts every department's draws (what it holds is what the published
    target proofs show). Written by the target draw and by a replacement; ``counts``: toward the department's own
    cap (an on-site check not of a kind the drawing department's rules exempt); ``kind``: what kind of check, for
    the business's yearly cap, which its own region's rules set with the kinds they exempt (NULL: an off-site check,
    never counted; ``""``: an on-site check on no cause; else its cause, 事故、投诉举报…). Its business and
    department are references checked on PostgreSQL once a statement, not by foreign keys once a row (migration
    0051: a draw counts its targets at once)."""

    __tablename__ = "inspection_count"
    __table_args__ = (
        sa.UniqueConstraint("counted_as", "entity_id", "department_id", name="uq_inspection_count"),
        sa.Index("ix_inspection_count_year_entity", "year", "entity_id"),
        # what a frame counts (migration 0067): the rows it reads, by business, with what its caps ask of each — a
        # province's register read for its businesses at their cap without a visit to the table (PostgreSQL)
        sa.Index(
            "ix_inspection_count_counting",
            "year",
            "entity_id",
            "counted_as",
            postgresql_include=["kind", "department_id", "counts", "campaign_code"],
            postgresql_where=sa.text(COUNTING),
            sqlite_where=sa.text(COUNTING),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column()  # entity.id, checked by the register's triggers
    year: Mapped[int] = mapped_column()
    counted_as: Mapped[str] = mapped_column(sa.String(32))  # "campaign:<id>" or "joint:<id>"
    campaign_code: Mapped[str] = mapped_column(sa.String(64))
    department_id: Mapped[int] = mapped_column()  # tenant.id, checked by the register's triggers
    counts: Mapped[bool] = mapped_column(default=True)
    kind: Mapped[str | None] = mapped_column(sa.String(32), nullable=True, default="")
    #: A check of named businesses not disclosed yet (特定对象检查, before 离企): no frame reads it — a published
    #: frame, its exclusions and its capped list would otherwise tell whom it will check. Cleared at disclosure.
    withheld: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
