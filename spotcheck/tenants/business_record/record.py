"""What a business's record holds (企业检查档案的内容): its checks coming and under way (:class:`Check`), its results as
published with their rectification orders (:class:`PastCheck`), its yearly cap ledger (:class:`Ledger`) and its
requests' outcomes (:class:`Requests`) — as :mod:`.queries` reads them, and as the record is kept (:mod:`.kept`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from spotcheck.tenants.business_record.vocabulary import Part, ledger_line
from spotcheck.tenants.results.vocabulary import AnswerStatus, CheckState, RecusalRequestStatus
from spotcheck.tenants.supervision.models import ComplaintStatus

# --- what the record holds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """An inspector of a team (执法检查人员), as the business reads it: name and 执法证号 (no one else of the staff)."""

    name: str
    cert_no: str
    leader: bool  # 组长


@dataclass(frozen=True)
class Check:
    """A check coming (检查预告) or under way (检查中): the department (with its level), the campaign, its items with
    their legal basis (检查依据), the window and the team; under way, the code (检查码), 入企 and 离企, and what the
    business may do now (:func:`~spotcheck.tenants.results.codes.business_steps`)."""

    part: Part
    department: str  # 牡丹江市应急管理局（牡丹江市，市级）; a joint check's departments joined with 、
    campaign_code: str
    campaign_title: str
    items: list[tuple[str, str]]  # (name, 检查依据)
    window_start: date
    window_end: date
    team: list[Member]
    named: bool  # 特定对象检查
    joint: bool  # 联合检查
    token: str = ""  # the code's page (the QR's)
    typed: str = ""  # the code to type, grouped
    state: CheckState | None = None
    arrived_at: datetime | None = None  # 入企
    left_at: datetime | None = None  # 离企
    steps: frozenset[str] = frozenset()  # confirm, evaluate, ask_recusal
    evaluation_until: date | None = None
    notice_rule: str = ""  # where a check shows before its window: the rule of the notice period (检查预告期)
    notice_issued: date | None = None  # the day its inspection notice was issued to the business (检查通知书)
    acts_on: str = ""  # the code whose commands the business's acts call (its token: the notice's QR)
    acts: frozenset[str] = frozenset()  # what the business may do from its record now (:data:`.policy.RECORD_ACTS`)
    evaluated: bool = False  # 评价: given once, never offered again
    visit_ids: tuple[int, ...] = ()
    confirmed_at: datetime | None = None  # 确认入企, by the business

    @property
    def check_id(self) -> int:
        """What the business's acts name the check by (its first visit): never its code's token, whose page counts
        the scans."""
        return self.visit_ids[0] if self.visit_ids else 0

    @property
    def visits(self) -> tuple[int, ...]:
        return self.visit_ids


@dataclass(frozen=True)
class Answer:
    """The business's answer to a rectification order (整改答复) and the department's review of it."""

    text: str
    answered_at: datetime
    by_name: str
    late: bool  # 逾期答复
    status: AnswerStatus
    reviewed_at: datetime | None
    review_note: str  # a returned answer's reason (退回理由)
    files: list[tuple[str, int]]  # (name, size)


@dataclass(frozen=True)
class Rectification:
    """A rectification order (责令改正) of a published check: what to correct, by when, whether it is closed, the
    business's answers and what the business may do now (``actions``: ``answer``)."""

    id: int
    details: str
    deadline: date | None
    deadline_provisional: bool  # counted through a year without an official calendar
    opened_on: date
    closed_on: date | None
    outcome: str
    department_id: int  # the department keeping the order: where the business's answer is written (never shown)
    answers: list[Answer] = field(default_factory=list)
    actions: frozenset[str] = frozenset()

    def flag(self, on: date) -> str | None:
        """``overdue`` while the order is open past its deadline on ``on`` (the record's day) and no answer given in
        time waits for the department's review, else None."""
        waiting = any(a.status == AnswerStatus.submitted and not a.late for a in self.answers)
        past = self.closed_on is None and self.deadline is not None and self.deadline < on
        return "overdue" if past and not waiting else None


@dataclass(frozen=True)
class ResultItem:
    name: str
    categories: list[str]
    findings: str


@dataclass(frozen=True)
class PastCheck:
    """A check's result as published (检查结果公示): the current version, nothing of a draft or a returned result."""

    department: str
    campaign_code: str
    campaign_title: str
    checked_on: date | None
    checked_until: date | None
    published_at: datetime
    corrected: bool  # 更正
    method: str
    items: list[ResultItem]
    team: list[Member]  # inspectors only, by name and 执法证号
    named: bool
    cause: str  # a named check's cause, the business's own to read (not published; a complaint's number left out)
    joint_code: str  # the joint campaign's (联合检查), else ""
    rectifications: list[Rectification] = field(default_factory=list)
    acts_on: str = ""  # the check's code (its token), where it has one: what the business's acts call
    acts: frozenset[str] = frozenset()  # what the business may do from its record now (:data:`.policy.RECORD_ACTS`)
    evaluation_until: date | None = None
    evaluated: bool = False
    visit_id: int = 0
    confirmed_at: datetime | None = None  # 确认入企, by the business

    @property
    def check_id(self) -> int:
        """What the business's acts name the check by (its visit)."""
        return self.visit_id

    @property
    def visits(self) -> tuple[int, ...]:
        return (self.visit_id,)


@dataclass(frozen=True)
class LedgerLine:
    """A check the register counts for the business (计入 or 不计入 its yearly cap)."""

    department: str  # the drawing departments, with their levels
    campaign_code: str
    counted_as: str  # campaign:<id> or joint:<id> (a joint check once)
    cause: str = ""  # 不计入: the kind of check the rules leave out (事故、投诉举报…)
    rule: str = ""  # 不计入: the document and article that leave it out


@dataclass(frozen=True)
class Ledger:
    """The yearly cap ledger (本年度检查次数台账): the checks of the year counted toward the business's cap (its own
    region's rules), those left out with their cause and rule — as the register counts them, a named check not yet
    shown (before its 离企) left out of both."""

    year: int
    cap: int | None
    rule: str  # the document and article setting the cap
    region: str  # the business's region, whose rules set it
    counted: list[LedgerLine]
    exempt: list[LedgerLine]

    @property
    def count(self) -> int:
        return len(self.counted)

    @property
    def line(self) -> str:
        """``本年度已计入 N 次，上限 M 次（依据…）``."""
        return ledger_line(self.count, self.cap, self.rule)


@dataclass(frozen=True)
class RecusalAsked:
    """A request that an inspector withdraw (回避申请) and its outcome."""

    department: str
    campaign_code: str
    inspector: str  # name（执法证号）
    reason: str
    asked_at: datetime
    status: RecusalRequestStatus
    decided_at: datetime | None
    decision_reason: str
    replaced_by: str  # name（执法证号） of the inspector in the member's place; "" while not replaced


@dataclass(frozen=True)
class ComplaintMade:
    """A complaint to the justice bureau (投诉) and the bureau's handling: never the department's answer."""

    department: str  # as the complaint names it
    campaign_code: str
    made_at: datetime
    text: str
    status: ComplaintStatus
    forwarded: bool
    answer: str
    answered_at: datetime | None
    visit_id: int = 0


@dataclass(frozen=True)
class EvaluationGiven:
    """The business's own evaluation of a check (评价), kept by the justice bureau."""

    department: str
    campaign_code: str
    satisfaction: int
    text: str
    evaluated_at: datetime
    visit_id: int = 0


@dataclass(frozen=True)
class Requests:
    recusals: list[RecusalAsked]
    complaints: list[ComplaintMade]
    evaluations: list[EvaluationGiven]


@dataclass(frozen=True)
class Record:
    """One business's record on a day, across every department and level."""

    entity_id: int
    name: str
    code: str  # 统一社会信用代码
    on: date
    coming: list[Check]
    under_way: list[Check]
    past: list[PastCheck]
    ledger: Ledger
    requests: Requests
    kept_as: bytes = b""  # the key it is kept under (:mod:`.kept`): its page's part is kept beside it
