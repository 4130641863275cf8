"""Marshmallow schemas of a business's own record (企业检查档案): its checks coming and under way, its results as
published with their rectification orders, its yearly cap ledger and its requests. A check names its code by the
characters to type (``typed``), never by a link to the code's page: opening that page counts as a scan."""

from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, pre_dump

from spotcheck.platform.api.types import Bool, Int, SortedList
from spotcheck.tenants.business_record.queries import ComplaintStatus
from spotcheck.tenants.business_record.vocabulary import Part
from spotcheck.tenants.results.vocabulary import AnswerStatus, CheckState, RecusalRequestStatus


class RecordMemberSchema(Schema):
    """An inspector of the team (执法检查人员): name and 执法证号 only."""

    name = fields.Str()
    cert_no = fields.Str(metadata={"description": "执法证号"})
    leader = Bool(metadata={"description": "组长"})


class RecordItemBasisSchema(Schema):
    """An item of the check and its legal basis (检查事项、检查依据)."""

    name = fields.Str()
    legal_basis = fields.Str()

    @pre_dump
    def _pair(self, item: Any, **kwargs: object) -> dict[str, str]:
        name, basis = item
        return {"name": name, "legal_basis": basis}


class RecordCheckSchema(Schema):
    """A check coming (检查预告) or under way (检查中)."""

    part = fields.Enum(Part, by_value=True)
    department = fields.Str(metadata={"description": "The department with its level; a joint check's joined by 、"})
    campaign_code = fields.Str()
    campaign_title = fields.Str()
    items = fields.List(fields.Nested(RecordItemBasisSchema))
    window_start = fields.Date()
    window_end = fields.Date()
    team = fields.List(fields.Nested(RecordMemberSchema))
    named = Bool(metadata={"description": "特定对象检查"})
    joint = Bool(metadata={"description": "联合检查"})
    typed = fields.Str(
        metadata={
            "description": "The inspection code to type (检查码), grouped; empty before the window opens. No link to "
            "the code's page is given: opening it counts as a scan"
        }
    )
    state = fields.Enum(CheckState, by_value=True, allow_none=True)
    arrived_at = fields.DateTime(allow_none=True, metadata={"description": "入企"})
    left_at = fields.DateTime(allow_none=True, metadata={"description": "离企"})
    steps = SortedList(
        fields.Str(), metadata={"description": "What the business may do now: confirm, evaluate, ask_recusal"}
    )
    evaluation_until = fields.Date(allow_none=True)
    notice_rule = fields.Str(metadata={"description": "The rule that shows the check before its window (检查预告期)"})
    notice_issued = fields.Date(
        allow_none=True, metadata={"description": "The day its inspection notice was issued to the business"}
    )
    check_id = Int(
        metadata={
            "description": "What the business's acts name the check by: POST /business/record/checks/<check_id>/…"
        }
    )
    acts = SortedList(
        fields.Str(),
        metadata={
            "description": "What the business may do on it now, signed in and without the 企业核验码: confirm, "
            "ask_recusal, evaluate (once), complain"
        },
    )
    evaluated = Bool(metadata={"description": "The business has evaluated it (评价: once)"})
    confirmed_at = fields.DateTime(allow_none=True, metadata={"description": "The business confirmed 入企"})


class RecordAnswerSchema(Schema):
    """The business's answer to a rectification order (整改答复) and the department's review of it."""

    text = fields.Str()
    answered_at = fields.DateTime()
    by_name = fields.Str()
    late = Bool(metadata={"description": "Given after the order's deadline (逾期答复)"})
    status = fields.Enum(AnswerStatus, by_value=True)
    reviewed_at = fields.DateTime(allow_none=True)
    review_note = fields.Str(metadata={"description": "A returned answer's reason (退回理由)"})
    files = fields.Method("_files")

    def _files(self, answer: Any) -> list[dict]:
        return [{"name": name, "size": size} for name, size in answer.files]


class RecordRectificationSchema(Schema):
    """A rectification order (责令改正) of a published check, with the business's answers; ``actions``: ``answer``
    while the business may answer it."""

    id = Int()
    details = fields.Str()
    deadline = fields.Date(allow_none=True)
    deadline_provisional = Bool()
    opened_on = fields.Date()
    closed_on = fields.Date(allow_none=True)
    outcome = fields.Str()
    answers = fields.List(fields.Nested(RecordAnswerSchema))
    actions = SortedList(fields.Str())


class RecordResultItemSchema(Schema):
    name = fields.Str()
    categories = fields.List(fields.Str())
    findings = fields.Str()


class RecordPastCheckSchema(Schema):
    """A check's result as published (检查结果公示), the current version."""

    department = fields.Str()
    campaign_code = fields.Str()
    campaign_title = fields.Str()
    checked_on = fields.Date(allow_none=True)
    checked_until = fields.Date(allow_none=True)
    published_at = fields.DateTime()
    corrected = Bool(metadata={"description": "更正"})
    method = fields.Str()
    items = fields.List(fields.Nested(RecordResultItemSchema))
    team = fields.List(fields.Nested(RecordMemberSchema))
    named = Bool()
    cause = fields.Str(
        metadata={
            "description": "A check of named businesses (特定对象检查): why the business was checked (投诉举报…; a "
            "complaint's number left out) — the business's own to read, never published"
        }
    )
    joint_code = fields.Str()
    rectifications = fields.List(fields.Nested(RecordRectificationSchema))
    evaluation_until = fields.Date(allow_none=True)
    check_id = Int(
        metadata={
            "description": "What the business's acts name the check by: POST /business/record/checks/<check_id>/…"
        }
    )
    acts = SortedList(
        fields.Str(),
        metadata={
            "description": "What the business may do on it now, signed in and without the 企业核验码: confirm, "
            "ask_recusal, evaluate (once), complain"
        },
    )
    evaluated = Bool(metadata={"description": "The business has evaluated it (评价: once)"})
    confirmed_at = fields.DateTime(allow_none=True, metadata={"description": "The business confirmed 入企"})


class RecordLedgerLineSchema(Schema):
    department = fields.Str()
    campaign_code = fields.Str()
    counted_as = fields.Str(metadata={"description": "campaign:<id>, or joint:<id> (a joint check once)"})
    cause = fields.Str(metadata={"description": "Not counted: the kind of check the rules leave out"})
    rule = fields.Str(metadata={"description": "Not counted: the document and article that leave it out"})


class RecordLedgerSchema(Schema):
    """The yearly cap ledger (本年度检查次数台账)."""

    year = Int()
    cap = Int(allow_none=True)
    rule = fields.Str()
    region = fields.Str()
    count = Int()
    line = fields.Str(metadata={"description": "本年度已计入 N 次，上限 M 次（依据…）"})
    counted = fields.List(fields.Nested(RecordLedgerLineSchema))
    exempt = fields.List(fields.Nested(RecordLedgerLineSchema))


class RecordRecusalSchema(Schema):
    """A request that an inspector withdraw (回避申请) and its outcome."""

    department = fields.Str()
    campaign_code = fields.Str()
    inspector = fields.Str()
    reason = fields.Str()
    asked_at = fields.DateTime()
    status = fields.Enum(RecusalRequestStatus, by_value=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_reason = fields.Str()
    replaced_by = fields.Str()


class RecordComplaintSchema(Schema):
    """A complaint (投诉) and the justice bureau's handling."""

    department = fields.Str()
    campaign_code = fields.Str()
    made_at = fields.DateTime()
    text = fields.Str()
    status = fields.Enum(ComplaintStatus, by_value=True)
    forwarded = Bool()
    answer = fields.Str()
    answered_at = fields.DateTime(allow_none=True)


class RecordEvaluationSchema(Schema):
    """The business's evaluation of a check (评价)."""

    department = fields.Str()
    campaign_code = fields.Str()
    satisfaction = Int()
    text = fields.Str()
    evaluated_at = fields.DateTime()


class RecordRequestsSchema(Schema):
    recusals = fields.List(fields.Nested(RecordRecusalSchema))
    complaints = fields.List(fields.Nested(RecordComplaintSchema))
    evaluations = fields.List(fields.Nested(RecordEvaluationSchema))


class RecordSchema(Schema):
    """One business's record on a day, across every department and level."""

    name = fields.Str()
    code = fields.Str(metadata={"description": "统一社会信用代码"})
    on = fields.Date(metadata={"description": "The record's day (Beijing)"})
    coming = fields.List(fields.Nested(RecordCheckSchema))
    under_way = fields.List(fields.Nested(RecordCheckSchema))
    past = fields.List(fields.Nested(RecordPastCheckSchema))
    ledger = fields.Nested(RecordLedgerSchema)
    requests = fields.Nested(RecordRequestsSchema)


class OwnCellSchema(Schema):
    """A cell of a draw's frame holding the business (its stratum: to the business alone)."""

    group = fields.Str(metadata={"description": "The department's code (the proof's group)"})
    department = fields.Str()
    stratum = fields.Str(metadata={"description": "The stratum as the proof holds it"})
    stratum_label = fields.Str(metadata={"description": "The stratum in words (分层)"})
    rank = Int(metadata={"description": "Its rank in the cell, 1 = first by the draw's order"})
    size = Int(metadata={"description": "How many businesses the cell holds"})
    status = fields.Str(metadata={"description": "Where it stands, in DRAW-SPEC's words (selected, reserve n, …)"})
    status_label = fields.Str(metadata={"description": "The same in Chinese"})


class OwnDrawSchema(Schema):
    """A business's own row of a drawn target draw (本户抽取核验), or why the draw left it out before the freeze."""

    campaign_id = Int(metadata={"description": "The campaign of the public draw page (a joint draw's: the joint one)"})
    campaign_code = fields.Str()
    campaign_title = fields.Str()
    departments = fields.Str()
    drawn_at = fields.DateTime()
    blinded = Bool(metadata={"description": "A version 3 draw (spotcheck-draw/3): its proof names it by a token"})
    credit_code = fields.Str(metadata={"description": "统一社会信用代码: the id to check with (--own ID SALT)"})
    public_id = fields.Str(metadata={"description": "The id its proof holds for the business (its token)"})
    salt = fields.Str(allow_none=True, metadata={"description": "Its salt (hex; blinded draws only): keep it private"})
    cells = fields.List(fields.Nested(OwnCellSchema))
    excluded = fields.Str(allow_none=True, metadata={"description": "Why it was left out before the freeze"})
    excluded_label = fields.Str(allow_none=True)


class AnswerTextSchema(Schema):
    text = fields.Str(load_default="", metadata={"description": "What was corrected, and how (整改情况说明)"})


class AnswerFilesSchema(Schema):
    files = fields.List(
        Upload(), load_default=list, metadata={"description": "Photos (JPEG, PNG) or PDF documents, at most 30"}
    )


class RecusalAskSchema(Schema):
    cert_no = fields.Str(load_default="", metadata={"description": "The inspector's 执法证号, as the record shows it"})
    reason = fields.Str(load_default="", metadata={"description": "Why the inspector should withdraw"})


class EvaluationGiveSchema(Schema):
    satisfaction = fields.Str(load_default="", metadata={"description": "1 to 5 (5: very satisfied)"})
    text = fields.Str(load_default="", metadata={"description": "What the business would like to say (optional)"})


class ComplaintMakeSchema(Schema):
    text = fields.Str(load_default="", metadata={"description": "The complaint"})
    contact_name = fields.Str(load_default="", metadata={"description": "Person to contact (the bureau's alone)"})
    contact_phone = fields.Str(load_default="", metadata={"description": "Their mobile number (the bureau's alone)"})
