"""Visits (检查), their results (检查结果) per item, and the public register of published results (公示).

A visit is one drawn target of a campaign with its team; it is created when the campaign is
handed to the teams (检查任务下达). Its result is recorded per item — the result categories a
row each (never a comma string) — reviewed by a leader and then published: publication writes a
:class:`PublishedResult`, a frozen copy of what the public may read. A correction (更正) goes
through the same steps again and publishes a new version; the public sees the newest one and
that it was corrected.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from spotcheck.core.clock import now
from spotcheck.core.database import Model
from spotcheck.core.scoping import AreaReadable, SharedWithReceiver, TenantOwned
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.directory.models import Entity, code_column, located_in
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.results.vocabulary import (
    CATEGORY_NAME_LENGTH,
    AnswerStatus,
    FollowUpKind,
    RecusalRequestStatus,
    VisitStatus,
)


class Visit(AreaReadable, TenantOwned, Model):
    """One visit (检查) of a campaign: a drawn entity and its team; its result and deadlines. An area's read (a
    region's justice bureau counting the checks of the businesses located there, 涉企检查频次) reads every
    department's visits of those businesses."""

    __tablename__ = "visit"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "entity_id", name="uq_visit_campaign_entity"),
        sa.Index("ix_visit_tenant_status", "tenant_id", "status"),
        # the results not yet published, oldest due first (逾期未公示: the bureau's home lists the oldest of its branch)
        sa.Index(
            "ix_visit_unpublished",
            "publish_due",
            "id",
            postgresql_include=["tenant_id"],
            postgresql_where=sa.text("published_at IS NULL"),
            sqlite_where=sa.text("published_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), index=True)
    status: Mapped[VisitStatus] = mapped_column(
        sa.Enum(VisitStatus, name="visit_status", native_enum=False, length=16), default=VisitStatus.assigned
    )
    checked_on: Mapped[date | None] = mapped_column(sa.Date)  # 检查开始日期
    checked_until: Mapped[date | None] = mapped_column(sa.Date)  # 检查结束日期 (the start's day for a one-day check)
    method: Mapped[str] = mapped_column(sa.String(24), default="")  # 核查方式 (code)
    record: Mapped[str] = mapped_column(sa.Text, default="")  # 检查记录 / 现场笔录
    #: The report's 对被检查人的评价 and 处理意见和建议 (seed 002: 检查报告应当包括…); empty in results
    #: submitted before they were asked.
    evaluation: Mapped[str] = mapped_column(sa.Text, default="")
    opinions: Mapped[str] = mapped_column(sa.Text, default="")
    #: 方式变更理由: why the check was made by a method the campaign (and its plan) did not set.
    method_change_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: The report is due 5 working days after the check ended (seed 002); publication 20 working days
    #: after it (企业信息公示暂行条例). Both are given when the end of the check is first recorded and
    #: never become later (:mod:`spotcheck.tenants.results.deadlines`).
    report_due: Mapped[date | None] = mapped_column(sa.Date)
    publish_due: Mapped[date | None] = mapped_column(sa.Date)
    #: 暂按周一至周五计算: the due date was counted through a year without an official calendar.
    report_due_provisional: Mapped[bool] = mapped_column(default=False)
    publish_due_provisional: Mapped[bool] = mapped_column(default=False)
    #: When the result was first submitted: from then its check dates change only by a leader's correction.
    first_submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The last correction of the check dates (检查日期更正) by a leader, with the reason.
    dates_correction_reason: Mapped[str] = mapped_column(sa.Text, default="")
    dates_corrected_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    dates_corrected_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Everyone who recorded part of this result since it was last published: none may approve it.
    entered_by: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    source: Mapped[str] = mapped_column(sa.String(16), default="entered")  # entered / imported
    #: 代为录入: the result was imported by someone not leading the team (a clerk), on the team's behalf;
    #: it stays a draft until the 组长 confirms it by submitting it.
    recorded_for_team_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    recorded_for_team_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    recorded_for_team_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    submitted_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    returned_reason: Mapped[str] = mapped_column(sa.Text, default="")
    returned_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    approved_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    published_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    #: When the result was first published: a correction's version moves ``published_at``, never this; the
    #: publication's lateness (逾期N个工作日公示) is counted from it
    #: (:func:`~spotcheck.tenants.results.deadlines.published_late`).
    first_published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    version: Mapped[int] = mapped_column(default=0)  # published versions so far
    correction_reason: Mapped[str] = mapped_column(sa.Text, default="")  # 更正理由 of the version in progress
    #: A result that found a problem and needs no follow-up (无需后续处置): a leader's decision, with the reason.
    no_follow_up_reason: Mapped[str] = mapped_column(sa.Text, default="")
    no_follow_up_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    no_follow_up_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: 办结: the visit is finished (published, no follow-up open).
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)

    campaign: Mapped[Campaign] = relationship(lazy="joined", innerjoin=True)
    entity: Mapped[Entity] = relationship(lazy="joined", innerjoin=True)
    results: Mapped[list[ItemResult]] = relationship(
        back_populates="visit", order_by="ItemResult.item_id", cascade="all, delete-orphan"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(back_populates="visit", order_by="FollowUp.id")
    code: Mapped[InspectionCode | None] = relationship(back_populates="visit", uselist=False)

    @classmethod
    def area_rows(cls, area: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
        """An area's read: the visits of the businesses located in it, whichever department made them."""
        return cls.entity_id.in_(located_in(area))


class InspectionCode(TenantOwned, Model):
    """A visit's 检查码 (for anyone: the QR's URL token and the code to type) and 企业核验码 (for the
    business only, printed on its inspection notice: kept encrypted, found by its keyed digest),
    issued at hand-out; with the visit's register of 入企 and 离企 (:mod:`spotcheck.tenants.results.codes`).
    Scans are counted, never who scanned or where."""

    __tablename__ = "inspection_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), unique=True)
    token: Mapped[str] = mapped_column(sa.String(32), unique=True)  # ≥ 128 random bits, in the QR's URL
    typed: Mapped[str] = mapped_column(sa.String(12), unique=True)  # 12 characters (60 bits) to type
    business_encrypted: Mapped[str] = mapped_column(sa.Text)
    business_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    scans: Mapped[int] = mapped_column(default=0)  # 扫码核验: how many times its page was opened
    first_scanned_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    arrived_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))  # 入企
    #: When the arrival was written down: at the door, or by a 补录 or a correction (入企登记率).
    arrival_recorded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    arrived_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    left_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))  # 离企
    left_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    #: 补录: the times were recorded after the fact, by whom, when and why (an outage, an emergency).
    late_reason: Mapped[str] = mapped_column(sa.Text, default="")
    late_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    late_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The business's word, given with its 企业核验码: that the team came (确认). Its evaluation once the team
    #: has left (评价) is the justice bureau's row (:class:`spotcheck.tenants.supervision.models.Evaluation`).
    confirmed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    visit: Mapped[Visit] = relationship(back_populates="code")


class RecusalRequest(TenantOwned, Model):
    """A business's request, with its 企业核验码, that an inspector of the team withdraw (申请回避), with
    its reason; a leader accepts it (the member's conflict is then declared, and the member replaced by
    the rule of the draw) or refuses it, with the reason."""

    __tablename__ = "recusal_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("team_member.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    requested_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    status: Mapped[RecusalRequestStatus] = mapped_column(
        sa.Enum(RecusalRequestStatus, name="recusal_request_status", native_enum=False, length=16),
        default=RecusalRequestStatus.pending,
    )
    decided_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")

    visit: Mapped[Visit] = relationship()
    member: Mapped[TeamMember] = relationship(lazy="joined", innerjoin=True)


class ItemResult(TenantOwned, Model):
    """The result of one item of a visit: its categories and the findings (检查情况)."""

    __tablename__ = "item_result"
    __table_args__ = (sa.UniqueConstraint("visit_id", "item_id", name="uq_item_result_visit_item"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"), index=True)
    findings: Mapped[str] = mapped_column(sa.Text, default="")

    visit: Mapped[Visit] = relationship(back_populates="results")
    item: Mapped[Item] = relationship(lazy="joined", innerjoin=True)
    categories: Mapped[list[ResultCategory]] = relationship(
        order_by="ResultCategory.code", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def category_codes(self) -> list[str]:
        return [row.code for row in self.categories]


class ResultCategory(TenantOwned, Model):
    """One result category (检查结果类别) chosen for an item's result: a row per category."""

    __tablename__ = "result_category"
    __table_args__ = (sa.UniqueConstraint("item_result_id", "code", name="uq_result_category_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_result_id: Mapped[int] = mapped_column(sa.ForeignKey("item_result.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))


class Attachment(TenantOwned, Model):
    """A photo or PDF of a visit's result (附件), its type taken from its content, kept in the core
    storage with its SHA-256."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(120))
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("app_user.id"))
    uploaded_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)


class FollowUp(SharedWithReceiver, Model):
    """One follow-up (后续处置) of a visit, open until its own closing step: the re-check of a
    rectification, the conclusion of a case, the receiver's acknowledgement of a transfer, the
    police's acceptance. A transfer is shared with the receiving department, which reads only
    what this row copies (``transferred``), never the visit."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    kind: Mapped[FollowUpKind] = mapped_column(
        sa.Enum(FollowUpKind, name="follow_up_kind", native_enum=False, length=16)
    )
    #: What is ordered (整改要求), the case (案由), what is transferred (移送事项) or the record (移送材料).
    details: Mapped[str] = mapped_column(sa.Text, default="")
    deadline: Mapped[date | None] = mapped_column(sa.Date)  # 改正期限 (rectification)
    #: A deadline given as so many working days from the order (限N个工作日内改正): counted on the
    #: official calendar, provisional while a year counted through is not entered (then counted again).
    deadline_days: Mapped[int | None] = mapped_column()
    deadline_provisional: Mapped[bool] = mapped_column(default=False)
    case_number: Mapped[str] = mapped_column(sa.String(64), default="")  # 立案号 (case)
    police_organ: Mapped[str] = mapped_column(sa.String(100), default="")  # 接收的公安机关 (police)
    #: A transfer: what the receiving department may read (entity, findings, sender), copied when sent.
    transferred: Mapped[dict | None] = mapped_column(sa.JSON)
    opened_on: Mapped[date] = mapped_column(sa.Date)
    opened_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    opened_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    #: Closed: re-checked, concluded, acknowledged or accepted; ``outcome`` a code, ``outcome_note`` the words.
    closed_on: Mapped[date | None] = mapped_column(sa.Date)
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closed_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    outcome: Mapped[str] = mapped_column(sa.String(24), default="")
    outcome_note: Mapped[str] = mapped_column(sa.Text, default="")

    visit: Mapped[Visit] = relationship(back_populates="follow_ups")
    #: A rectification order's answers by the business (整改答复), oldest first.
    answers: Mapped[list[RectificationAnswer]] = relationship(order_by="RectificationAnswer.id", viewonly=True)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def pending_answer(self) -> RectificationAnswer | None:
        """The business's answer waiting for the department's review (待审核), if any."""
        return next((a for a in self.answers if a.status == AnswerStatus.submitted), None)


class RectificationAnswer(TenantOwned, Model):
    """A business's answer to a rectification order (整改答复), given in the platform by a person of its account:
    what it corrected, with files. On time (按期) when given on or before the order's deadline. The department
    reviews it: accepted, the order is closed as corrected (已改正); returned, with the reason, the business answers
    again. The department's row (its ``tenant_id``, the order's)."""

    __tablename__ = "rectification_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(sa.ForeignKey("follow_up.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    answered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    answered_on: Mapped[date] = mapped_column(sa.Date)  # Beijing's day, against the deadline
    late: Mapped[bool] = mapped_column(default=False)  # 逾期答复: after the order's deadline
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("business_person.id"))
    by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    status: Mapped[AnswerStatus] = mapped_column(
        sa.Enum(AnswerStatus, name="answer_status", native_enum=False, length=16), default=AnswerStatus.submitted
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reviewed_by_name: Mapped[str] = mapped_column(sa.String(100), default="")
    review_note: Mapped[str] = mapped_column(sa.Text, default="")

    files: Mapped[list[RectificationFile]] = relationship(order_by="RectificationFile.id", viewonly=True)


class RectificationFile(TenantOwned, Model):
    """A photo or PDF of a rectification answer (整改材料), checked as a result's attachments are: its type from its
    content, its size limited, its SHA-256 kept."""

    __tablename__ = "rectification_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(sa.ForeignKey("rectification_answer.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(120))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)


class PublishedResult(Model):
    """The public register (公示): one published version of a visit's result, frozen as the public
    reads it. Public by nature, so it is read outside any department's scope; it is written only
    by the publish command, and nothing in it is personal data (inspectors by name and
    certificate number only)."""

    __tablename__ = "published_result"
    __table_args__ = (
        sa.UniqueConstraint("visit_id", "version", name="uq_published_result_version"),
        sa.Index("ix_published_result_entity_current", "entity_id", "current"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("tenant.id"), index=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("visit.id"), index=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaign.id"), index=True)
    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"))
    version: Mapped[int] = mapped_column()
    current: Mapped[bool] = mapped_column(default=True)  # the newest version of the visit
    corrected: Mapped[bool] = mapped_column(default=False)  # a correction of an earlier version
    correction_reason: Mapped[str] = mapped_column(sa.Text, default="")
    checked_on: Mapped[date] = mapped_column(sa.Date)
    checked_until: Mapped[date | None] = mapped_column(sa.Date)
    published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=now)
    #: What the public reads: the department, the campaign, method, items with categories and findings, team.
    content: Mapped[dict] = mapped_column(sa.JSON)

    entity: Mapped[Entity] = relationship(lazy="joined", innerjoin=True)


class PublishedEntity(Model):
    """The public register by entity (公示主体): how many current results an entity has across
    departments and when the last was published — kept by the publish command, so that the
    portal's search filters entities and orders them by recency without aggregating every
    published result for each query. Public like the register; nothing in it is personal."""

    __tablename__ = "published_entity"
    __table_args__ = (
        sa.Index("ix_published_entity_last", "last_published_at", "entity_id"),
        sa.Index("ix_published_entity_code", "code", "entity_id"),
    )

    entity_id: Mapped[int] = mapped_column(sa.ForeignKey("entity.id"), primary_key=True)
    results: Mapped[int] = mapped_column(default=0)
    last_published_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    #: The entity's name, for the search's index of its two-character runs (migration 0039: set at
    #: publication, kept by a trigger when the registry renames the entity).
    name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    #: The entity's code, for the search by a code's beginning from the register's own index (migration 0052: set
    #: at publication, kept by the same trigger as the name), compared byte by byte as the registry's.
    code: Mapped[str] = mapped_column(code_column(32), default="", server_default="")

    entity: Mapped[Entity] = relationship(lazy="joined", innerjoin=True)


class CategoryChoice(TenantOwned, Model):
    """One result category of a department that configured its own list."""

    __tablename__ = "result_category_choice"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "code", name="uq_result_category_choice_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(CATEGORY_NAME_LENGTH))
    problem: Mapped[bool] = mapped_column(default=False)  # says a problem was found
    pending: Mapped[bool] = mapped_column(default=False)  # a sub-category of 发现问题待后续处理
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
