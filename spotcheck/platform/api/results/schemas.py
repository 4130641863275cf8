"""Schemas of visits and their results (检查与检查结果)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import Schema, fields, pre_dump, validate

from spotcheck.platform.api.types import Bool, Int, QueryBool, codes_text
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.results import inputs, vocabulary
from spotcheck.tenants.results.policy import FOLLOW_UP_ACTIONS
from spotcheck.tenants.results.queries.follow_ups import FollowUp
from spotcheck.tenants.results.queries.visit_page import Visit, VisitSummary, summary_of
from spotcheck.tenants.results.vocabulary import REASON_LENGTH, VisitStatus


class TeamMemberRefSchema(Schema):
    name = fields.Str(attribute="shown_name")
    cert_no = fields.Str(attribute="shown_cert_no")
    is_leader = Bool()
    recused = Bool(metadata={"description": "Declared a conflict (回避): the result waits for the replacement"})


class ExpertRefSchema(Schema):
    """An expert (专家) on the team in addition to the drawn inspectors."""

    name = fields.Str()
    organisation = fields.Str()
    kind = fields.Function(lambda e: e.kind.value)


class ItemResultSchema(Schema):
    item_id = Int()
    item_name = fields.Function(lambda r: r.item.name)
    categories = fields.Function(
        lambda r: r.category_codes,
        metadata={"description": "检查结果类别 codes: " + codes_text(reference.RESULT_CATEGORIES)},
    )
    findings = fields.Str()


class VisitSchema(Schema):
    id = Int(attribute="visit.id")
    campaign_id = Int(attribute="visit.campaign_id")
    campaign_code = fields.Function(lambda page: page.visit.campaign.code)
    window_start = fields.Function(lambda page: page.visit.campaign.window_start.isoformat())
    window_end = fields.Function(lambda page: page.visit.campaign.window_end.isoformat())
    entity_code = fields.Function(lambda page: page.visit.entity.code)
    entity_name = fields.Function(lambda page: page.visit.entity.name)
    entity_address = fields.Function(lambda page: page.visit.entity.address)
    status = fields.Enum(VisitStatus, by_value=True, attribute="visit.status")
    checked_on = fields.Date(allow_none=True, metadata={"description": "检查开始日期"}, attribute="visit.checked_on")
    checked_until = fields.Date(
        allow_none=True,
        metadata={"description": "检查结束日期 (the deadlines run from it)"},
        attribute="visit.checked_until",
    )
    method = fields.Str(attribute="visit.method")
    record = fields.Str(attribute="visit.record")
    evaluation = fields.Str(
        attribute="visit.evaluation",
        metadata={"description": "对被检查人的评价 (empty in results submitted before it was asked)"},
    )
    opinions = fields.Str(
        metadata={"description": "处理意见和建议 (empty in results submitted before it was asked)"},
        attribute="visit.opinions",
    )
    method_change_reason = fields.Str(
        attribute="visit.method_change_reason",
        metadata={"description": "方式变更理由: why the method is not one the campaign (and its plan) set"},
    )
    method_changed = Bool(
        metadata={"description": "The method is not one the campaign (and its plan) set: the reason says why"}
    )
    recorded_for_team_by_name = fields.Str(
        attribute="visit.recorded_for_team_by_name",
        metadata={
            "description": "代为录入: who imported the result on the team's behalf (empty: the team recorded it)"
        },
    )
    recorded_for_team_at = fields.DateTime(allow_none=True, attribute="visit.recorded_for_team_at")
    awaits_confirmation = Bool(
        metadata={"description": "A draft imported on the team's behalf, waiting for the 组长 to confirm (submit) it"}
    )
    report_late_days = fields.Function(
        lambda page: page.late.days if page.late else None,
        allow_none=True,
        metadata={
            "description": "逾期提交: how late the report was first submitted (null: on time or not yet submitted)"
        },
    )
    report_late_in_working_days = fields.Function(
        lambda page: page.late.working if page.late else None,
        allow_none=True,
        metadata={
            "description": "Whether report_late_days counts working days past the rules' report deadline (else days "
            "past the campaign's last day)"
        },
    )
    report_due = fields.Date(
        attribute="visit.report_due",
        allow_none=True,
        metadata={
            "description": "结果报送期限: the rules' report_days working days after the check ended (null: the rules "
            "in force set none, and the campaign's last day bounds the report)"
        },
    )
    report_due_provisional = Bool(
        attribute="visit.report_due_provisional",
        metadata={
            "description": "暂按周一至周五计算: counted through a year without an official calendar; counted again "
            "when that year is entered"
        },
    )
    publish_due = fields.Date(
        attribute="visit.publish_due",
        allow_none=True,
        metadata={
            "description": "公示期限: the rules' publish_days working days after the check ended, the review included "
            "(企业信息公示暂行条例: 20 at most)"
        },
    )
    publish_due_provisional = Bool(
        metadata={"description": "As report_due_provisional, for publish_due"},
        attribute="visit.publish_due_provisional",
    )
    publish_overdue_working_days = Int(
        allow_none=True,
        metadata={
            "description": "逾期未公示: how many working days of the official calendar today is past publish_due, the "
            "result not published yet, whatever step it waits at (null: not past it, or published); "
            "a rest day after the due day counts as 1"
        },
    )
    published_late_working_days = Int(
        allow_none=True,
        metadata={
            "description": "逾期公示: how many working days past publish_due the result was first published (Beijing "
            "day); 0: published by publish_due; null: not published yet. A correction published "
            "later does not change it"
        },
    )
    publication_lateness_provisional = Bool(
        metadata={
            "description": "Whether publish_overdue_working_days or published_late_working_days counts through a year "
            "without an official calendar (its make-up days not known yet)"
        }
    )
    due = fields.Function(
        lambda page: page.due.isoformat() if page.due else None,
        allow_none=True,
        metadata={"description": "The deadline that matters now"},
    )
    due_provisional = Bool(metadata={"description": "Whether the deadline that matters now is provisional"})
    due_overdue_working_days = Int(
        allow_none=True,
        metadata={
            "description": "How many working days today is past the deadline that matters now (null: not past it, or "
            "a report the rules give no deadline, bounded by the campaign's last day)"
        },
    )
    first_submitted_at = fields.DateTime(
        attribute="visit.first_submitted_at",
        allow_none=True,
        metadata={"description": "From then the check dates change only by a leader's correction"},
    )
    dates_correction_reason = fields.Str(attribute="visit.dates_correction_reason")
    dates_corrected_by_name = fields.Str(attribute="visit.dates_corrected_by_name")
    dates_corrected_at = fields.DateTime(allow_none=True, attribute="visit.dates_corrected_at")
    due_flag = fields.Str(attribute="flag", allow_none=True, metadata={"description": "overdue / due_soon / null"})
    submitted_at = fields.DateTime(allow_none=True, attribute="visit.submitted_at")
    submitted_by_name = fields.Str(attribute="visit.submitted_by_name")
    returned_reason = fields.Str(attribute="visit.returned_reason")
    approved_at = fields.DateTime(allow_none=True, attribute="visit.approved_at")
    approved_by_name = fields.Str(attribute="visit.approved_by_name")
    published_at = fields.DateTime(
        allow_none=True, metadata={"description": "The latest version's publication"}, attribute="visit.published_at"
    )
    first_published_at = fields.DateTime(
        attribute="visit.first_published_at",
        allow_none=True,
        metadata={
            "description": "首次公示: when the first version was published (a correction does not move it); "
            "published_late_working_days is counted to its Beijing day"
        },
    )
    version = Int(attribute="visit.version")
    correction_reason = fields.Str(attribute="visit.correction_reason")
    closed_at = fields.DateTime(allow_none=True, metadata={"description": "办结"}, attribute="visit.closed_at")
    no_follow_up_reason = fields.Str(
        metadata={"description": "无需后续处置: a leader's reason (empty: not decided)"},
        attribute="visit.no_follow_up_reason",
    )
    no_follow_up_by_name = fields.Str(attribute="visit.no_follow_up_by_name")
    no_follow_up_at = fields.DateTime(allow_none=True, attribute="visit.no_follow_up_at")
    team = fields.Method("_team")
    experts = fields.Method("_experts", metadata={"description": "Experts (专家) in addition to the drawn team"})
    results = fields.List(fields.Nested(ItemResultSchema), attribute="visit.results")
    follow_ups = fields.List(fields.Nested(lambda: FollowUpSchema()), attribute="visit.follow_ups")
    actions = fields.Method("_actions", metadata={"description": "What the caller may do with this visit now"})

    @pre_dump
    def _summary(self, visit: Visit | VisitSummary, **kwargs: object) -> VisitSummary:
        """The visit as its page's head shows it (one picture for the page and the API); its columns are read
        as ``visit.…``."""
        return visit if isinstance(visit, VisitSummary) else summary_of(visit, current_user._get_current_object())

    def _team(self, page: VisitSummary) -> list[dict[str, Any]]:
        return TeamMemberRefSchema(many=True).dump(page.team)

    def _experts(self, page: VisitSummary) -> list[dict[str, Any]]:
        return ExpertRefSchema(many=True).dump(page.experts)

    def _actions(self, page: VisitSummary) -> list[str]:
        return sorted(page.actions)


class VisitPageSchema(Schema):
    rows = fields.List(fields.Nested(VisitSchema))
    number = Int()
    pages = Int()
    total = Int()


class VisitQuerySchema(Schema):
    mine = QueryBool(load_default=False, metadata={"description": "Only the visits I am on"})
    status = fields.Enum(VisitStatus, by_value=True, load_default=None)
    campaign_id = Int(load_default=None, validate=validate.Range(min=1))
    page = Int(load_default=1, validate=validate.Range(min=1))


def _input_field(field: inputs.ResultField) -> fields.Field:
    """A result field (录入项) as the API takes it: typed and documented here, checked by the command alone."""
    about = f"{field.about}: {codes_text(field.choices)}" if field.choices else field.about
    meta: dict[str, object] = {"description": about}
    if field.longest:
        meta["maxLength"] = field.longest
    if field.kind == inputs.DATE:
        return fields.Date(allow_none=True, metadata=meta)
    if field.kind == inputs.CHOICE:
        return fields.Str(metadata={**meta, "enum": ["", *(field.choices or ())]})
    if field.kind == inputs.CATEGORIES:
        return fields.List(fields.Str(), load_default=list, metadata=meta)
    return fields.Str(load_default="", metadata=meta) if field.per_item else fields.Str(metadata=meta)


#: An item's result, as :mod:`spotcheck.tenants.results.inputs` declares it.
ItemResultInputSchema = Schema.from_dict(
    {field.name: _input_field(field) for field in inputs.ITEM_FIELDS}, name="ItemResultInputSchema"
)
#: A visit's result (检查结果), as :mod:`spotcheck.tenants.results.inputs` declares it.
ResultInputSchema = Schema.from_dict(
    {
        **{field.name: _input_field(field) for field in inputs.VISIT_FIELDS},
        "items": fields.Dict(
            keys=fields.Str(),
            values=fields.Nested(ItemResultInputSchema),
            metadata={"description": "Per item id (as a string): its categories and findings"},
        ),
    },
    name="ResultInputSchema",
)


class ReasonSchema(Schema):
    reason = fields.Str(required=True, validate=validate.Length(min=2, max=REASON_LENGTH))


class CheckDatesCorrectionSchema(Schema):
    checked_on = fields.Date(required=True, metadata={"description": "检查开始日期"})
    checked_until = fields.Date(required=True, metadata={"description": "检查结束日期"})
    reason = fields.Str(required=True, validate=validate.Length(min=2, max=REASON_LENGTH))


class PublishSchema(Schema):
    """A selection of results (批量): at most 5,000 at once."""

    visit_ids = fields.List(
        Int(validate=validate.Range(min=1)), required=True, validate=validate.Length(min=1, max=5000)
    )


class AcknowledgeManySchema(Schema):
    """Transfers received, acknowledged at once with one note (批量签收)."""

    ids = fields.List(Int(validate=validate.Range(min=1)), required=True, validate=validate.Length(min=1, max=5000))
    note = fields.Str(load_default="", validate=validate.Length(max=vocabulary.NOTE_LENGTH))


class FollowUpSchema(Schema):
    """A follow-up (后续处置) as its department sees it; a transfer's receiver reads ``transferred``."""

    id = Int()
    visit_id = Int()
    kind = fields.Function(lambda f: f.kind.value, metadata={"description": codes_text(reference.FOLLOW_UP_KINDS)})
    details = fields.Str()
    deadline = fields.Date(allow_none=True)
    deadline_days = Int(allow_none=True, metadata={"description": "The deadline given in working days from the order"})
    deadline_provisional = Bool(metadata={"description": "暂按周一至周五计算 (a year without an official calendar)"})
    case_number = fields.Str()
    police_organ = fields.Str()
    receiver_tenant_id = Int(allow_none=True)
    opened_on = fields.Date()
    opened_by_name = fields.Str()
    is_open = Bool()
    closed_on = fields.Date(allow_none=True)
    closed_by_name = fields.Str()
    outcome = fields.Str(metadata={"description": codes_text(reference.FOLLOW_UP_OUTCOMES)})
    outcome_note = fields.Str()
    actions = fields.Method("_actions", metadata={"description": "What the caller may do with it now"})

    def _actions(self, follow_up: FollowUp) -> list[str]:
        return sorted(FOLLOW_UP_ACTIONS.allowed(follow_up, current_user._get_current_object()))


class TransferSchema(Schema):
    """A transfer received (移送接收): only what the sender copied into it."""

    id = Int()
    transferred = fields.Dict(metadata={"description": "The entity, the problems found and the sender, as sent"})
    opened_at = fields.DateTime()
    opened_by_name = fields.Str()
    is_open = Bool()
    closed_on = fields.Date(allow_none=True)
    closed_by_name = fields.Str()
    outcome_note = fields.Str()
    actions = fields.Method("_actions")

    _actions = FollowUpSchema._actions


class FollowUpInputSchema(Schema):
    kind = fields.Str(
        required=True,
        validate=validate.OneOf(list(reference.FOLLOW_UP_KINDS)),
        metadata={"description": codes_text(reference.FOLLOW_UP_KINDS)},
    )
    details = fields.Str(required=True, validate=validate.Length(min=2, max=vocabulary.DETAILS_LENGTH))
    deadline = fields.Date(metadata={"description": "改正期限 (rectification): a date, or"})
    deadline_days = Int(
        validate=validate.Range(min=1, max=vocabulary.MAX_DEADLINE_DAYS),
        metadata={"description": "the rectification period in working days from today (限N个工作日内改正)"},
    )
    case_number = fields.Str(
        validate=validate.Length(max=vocabulary.CASE_NUMBER_LENGTH), metadata={"description": "立案号 (case)"}
    )
    receiver_tenant_id = Int(
        validate=validate.Range(min=1), metadata={"description": "The receiving department (transfer)"}
    )
    police_organ = fields.Str(
        validate=validate.Length(max=vocabulary.ORGAN_LENGTH),
        metadata={"description": "The public security organ (police)"},
    )


class FollowUpCloseSchema(Schema):
    closed_on = fields.Date(required=True, metadata={"description": "The re-check, conclusion or acceptance date"})
    outcome = fields.Str(
        validate=validate.OneOf(list(reference.RECHECK_OUTCOMES)),
        metadata={"description": "A rectification's re-check: " + codes_text(reference.RECHECK_OUTCOMES)},
    )
    outcome_note = fields.Str(load_default="", validate=validate.Length(max=vocabulary.NOTE_LENGTH))


class AcknowledgeSchema(Schema):
    note = fields.Str(load_default="", validate=validate.Length(max=vocabulary.NOTE_LENGTH))
