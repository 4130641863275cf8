"""Marshmallow schemas of the plan and campaign API (年度检查计划, 抽查任务, 抽取).

The schemas check shapes only; the plan, campaign and ceremony services check the values, so
the pages and the API give the same messages.
"""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from spotcheck.platform.api.directory_schemas import MAX_LIMIT
from spotcheck.platform.api.types import Bool, Int
from spotcheck.tenants.campaigns import vocabulary as campaign_fields
from spotcheck.tenants.campaigns.vocabulary import (
    EXEMPT_KINDS,
    INSPECTOR_REPLACEMENT_REASONS,
    LEADER_RULES,
    REASON_MAX,
    REASON_MIN,
    TARGET_REPLACEMENT_REASONS,
    CampaignStatus,
    TargetStatus,
)
from spotcheck.tenants.common.vocabulary import reference, sampling
from spotcheck.tenants.plans import queries as plan_queries
from spotcheck.tenants.plans.vocabulary import PlanStatus


def _codes(table: dict[str, str]) -> str:
    return "; ".join(f"{code} = {name}" for code, name in table.items())


# --- plans ------------------------------------------------------------------------------------


class PlanLineSchema(Schema):
    id = Int(dump_only=True)
    item_id = Int(dump_only=True)
    item_code = fields.Function(lambda line: line.item.code, dump_only=True)
    item_name = fields.Function(lambda line: line.item.name, dump_only=True)
    ratio_bp = Int(metadata={"description": "Planned sampling ratio in basis points (500 = 5 %)"})
    frequency_times = Int(allow_none=True, metadata={"description": "抽查频次: times per period (null: the item's)"})
    frequency_period = fields.Str(metadata={"description": "抽查频次's period: " + _codes(sampling.PERIODS)
                                                           + " (empty: the item's)"})
    frequency = fields.Str(attribute="frequency_text", dump_only=True,
                           metadata={"description": "抽查频次 as the plan says it, e.g. 每年1次 (empty: the item's)"})
    months = fields.List(Int(), metadata={"description": "Months of the checks, 1–12"})
    methods = fields.List(fields.Str(), metadata={"description": "检查方式 codes: " + _codes(reference.CHECK_METHODS)})


class PlanLineUpdateSchema(Schema):
    ratio_bp = Int(required=True, metadata={"description": "Planned ratio in basis points, above 0 and at most 10000",
                                            "minimum": 1, "maximum": sampling.FULL})
    frequency_times = Int(load_default=None, allow_none=True, metadata={
        "description": "抽查频次: times per period, with frequency_period (both null or empty: the item's)",
        "minimum": 1, "maximum": sampling.MAX_TIMES})
    frequency_period = fields.Str(load_default="", allow_none=True, metadata={
        "description": "抽查频次's period: " + _codes(sampling.PERIODS), "enum": [*sampling.PERIODS, "", None]})
    months = fields.List(Int(metadata={"minimum": 1, "maximum": 12}), load_default=list)
    methods = fields.List(fields.Str(), load_default=list,
                          metadata={"description": "检查方式 codes (or Chinese names): " + _codes(reference.CHECK_METHODS)})


class PlanCreateSchema(Schema):
    year = Int(required=True, metadata={"minimum": 2000, "maximum": 2100})
    half = Int(load_default=None, allow_none=True,
               metadata={"description": "None for the whole year, 1 or 2 for a half-year plan", "enum": [1, 2, None]})
    title = fields.Str(required=True, metadata={"minLength": 1, "maxLength": 200})
    kind = fields.Str(load_default="annual", metadata={
        "description": "annual (the year's or a half-year's inspection plan) or joint (年度联合抽查工作计划 of a field "
                       "the department leads)", "enum": ["annual", "joint"]})
    field = fields.Str(load_default="", metadata={
        "description": "A joint plan's enforcement field (执法领域): " + _codes(reference.ENFORCEMENT_FIELDS)})
    department_ids = fields.List(Int(), load_default=list,
                                 metadata={"description": "A joint plan's departments it intends to involve"})


class PlanFilingSchema(Schema):
    decision = fields.Str(metadata={"description": "filed (备案) or returned"})
    name = fields.Str(metadata={"description": "Who decided"})
    at = fields.Str(metadata={"description": "When (ISO 8601)"})
    comment = fields.Str()


class PublishedLineSchema(Schema):
    item_id = Int()
    code = fields.Str()
    name = fields.Str()
    sub_item = fields.Str()
    field = fields.Str()
    ratio_bp = Int()
    frequency_times = Int(allow_none=True)
    frequency_period = fields.Str()
    frequency = fields.Str(metadata={"description": "抽查频次 as the plan said it, e.g. 每年1次 (empty: the item's)"})
    months = fields.List(Int())
    methods = fields.List(fields.Str())


class PlanSchema(Schema):
    id = Int(dump_only=True)
    year = Int(dump_only=True)
    half = Int(dump_only=True, allow_none=True)
    title = fields.Str(dump_only=True)
    kind = fields.Str(dump_only=True, metadata={"description": "annual or joint (年度联合抽查工作计划)"})
    field = fields.Str(dump_only=True, metadata={"description": "A joint plan's enforcement field (执法领域)"})
    departments = fields.List(Int(), dump_only=True,
                              metadata={"description": "A joint plan's departments it intends to involve (ids)"})
    status = fields.Enum(PlanStatus, by_value=True, dump_only=True, metadata={
        "description": "draft; published (公开, before filing); submitted (报备); returned (with a filing authority's "
                       "comment; published again once changed); filed (备案, by every authority it needs)"})
    comment = fields.Str(dump_only=True, metadata={"description": "The latest filing decision's comment"})
    authorities = fields.Function(lambda plan: list(plan_queries.authorities_for(plan)), dump_only=True, metadata={
        "description": "The authorities that file the plan: justice (司法局); market (市场监督管理局) too when it "
                       "has items of the market-regulation field"})
    filings = fields.Dict(keys=fields.Str(), values=fields.Nested(PlanFilingSchema), dump_only=True, metadata={
        "description": "This submission's decision of each authority that has decided"})
    published_items = fields.List(fields.Nested(PublishedLineSchema), attribute="published_lines", dump_only=True,
                                  allow_none=True, metadata={"description": "The items as last published (public)"})
    submitted_at = fields.DateTime(dump_only=True, allow_none=True)
    filed_at = fields.DateTime(dump_only=True, allow_none=True)
    filed_by_name = fields.Str(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    lines = fields.List(fields.Nested(PlanLineSchema), dump_only=True, data_key="items")


class PlanForReviewSchema(PlanSchema):
    tenant_id = Int(dump_only=True)
    department = fields.Str(attribute="department_name", dump_only=True,
                            metadata={"description": "The department that submitted the plan"})


class PlanReviewSchema(Schema):
    accept = Bool(required=True, metadata={"description": "true: file (备案); false: return with the comment"})
    comment = fields.Str(load_default="", metadata={"description": "Required when returning the plan"})


# --- campaigns --------------------------------------------------------------------------------


class ItemRefSchema(Schema):
    id = Int()
    code = fields.Str()
    name = fields.Str()


_FIELD_TYPES = {
    campaign_fields.TEXT: fields.Str, campaign_fields.INT: fields.Int, campaign_fields.DATE: fields.Str,
    campaign_fields.MAPPING: fields.Dict, campaign_fields.CODE: fields.Str,
    campaign_fields.INT_LIST: lambda **kw: fields.List(Int(), **kw),
}

def fields_schema(name: str, names=None, **extra) -> type[Schema]:
    """A schema of a campaign's fields as the API takes them, generated from the one field list
    (``names``: only those); the campaign commands check the values."""
    return Schema.from_dict({
        **{field.name: _FIELD_TYPES[field.kind](allow_none=field.nullable,
                                                metadata={"description": field.description, **field.limits})
           for field in campaign_fields.fields() if names is None or field.name in names}, **extra}, name=name)


CampaignFieldsSchema = fields_schema("CampaignFieldsSchema")


class CampaignSchema(Schema):
    id = Int()
    code = fields.Str(allow_none=True, metadata={
        "description": "Public code (文号), e.g. 应急抽〔2026〕3号: issued when the campaign is approved; null for a draft "
                       "(未编号)"})
    title = fields.Str()
    year = Int()
    status = fields.Enum(CampaignStatus, by_value=True)
    plan_id = Int(allow_none=True)
    exempt_kind = fields.Str(allow_none=True)
    exempt_kind_name = fields.Function(lambda c: EXEMPT_KINDS.get(c.exempt_kind) if c.exempt_kind else None)
    exempt_reason = fields.Str()
    items = fields.List(fields.Nested(ItemRefSchema))
    item_ids = fields.Function(lambda c: [item.id for item in c.items])
    target_filter = fields.Dict()
    strata = fields.Dict()
    reserve_size = Int()
    team_size = Int()
    capacity = Int(allow_none=True)
    window_start = fields.Date()
    window_end = fields.Date()
    method = fields.Str()
    approved_at = fields.DateTime(allow_none=True)
    approved_by_name = fields.Str()
    created_at = fields.DateTime()
    withdrawn_at = fields.DateTime(allow_none=True, metadata={"description": "Withdrawn (撤销) by a leader"})
    withdrawn_by_name = fields.Str()
    withdrawal_reason = fields.Str(metadata={"description": "Why it was withdrawn (published)"})
    returned_at = fields.DateTime(allow_none=True, metadata={"description": "A draft last returned (退回) by a leader"})
    returned_by_name = fields.Str()
    return_reason = fields.Str()


class WithdrawalReasonSchema(Schema):
    reason = fields.Str(required=True, metadata={
        "description": "The reason (4 to 500 characters): shown to the planner, and published for a withdrawal",
        "minLength": 4, "maxLength": 500})


class DrawSchema(Schema):
    kind = fields.Str()
    commitment = fields.Str(metadata={"description": "SHA-256 of the nonce, published at approval (targets) or "
                                                     "after the target draw (inspectors)"})
    committed_at = fields.DateTime()
    frame_digest = fields.Str(allow_none=True)
    counts = fields.Dict(allow_none=True)
    excluded = fields.Dict(allow_none=True, metadata={"description": "Excluded rows per reason"})
    frozen_at = fields.DateTime(allow_none=True)
    public_inputs = fields.List(fields.Str(), allow_none=True)
    no_input_reason = fields.Str(allow_none=True, metadata={
        "description": "Drawn with no observer's input (无外部监督人输入, the department's secret number alone): why, "
                       "as recorded and published; empty when observers gave inputs (or for a draw made before the "
                       "reason was asked); null before the draw"})
    seed = fields.Str(allow_none=True)
    drawn_at = fields.DateTime(allow_none=True)
    nonce = fields.Str(allow_none=True, metadata={"description": "Revealed only after the draw"})
    proof_sha256 = fields.Str(allow_none=True)


class DrawRequestSchema(Schema):
    public_inputs = fields.List(fields.Str(metadata={"maxLength": 200}), load_default=list, metadata={
        "maxItems": 20,
        "description": "The observers' inputs, one string each (at most 20, one line of at most 200 characters), "
                       "entering the seed exactly as given (DRAW-SPEC §3). A draw without outside inputs relies on "
                       "the department's secret number alone: it then requires no_input_reason."})
    no_input_reason = fields.Str(load_default="", allow_none=True, metadata={
        "description": "无外部输入的理由: required when public_inputs is empty (%d to %d characters; a draw with no "
                       "input and no reason answers 422 naming this field), recorded with the draw and in its audit "
                       "entry, and published on the draw's public page. Not kept when inputs are given."
                       % (REASON_MIN, REASON_MAX)})


class ReplaceTargetSchema(Schema):
    reason = fields.Str(required=True, metadata={
        "description": "A reason the campaign's rules allow (a city's or a department's rules may name their own; "
                       "GET /rules/department lists them). The platform's: " + _codes(TARGET_REPLACEMENT_REASONS)
                       + " (an entity that cannot be found is a finding, not a reason)"})


class ReplaceInspectorSchema(Schema):
    reason = fields.Str(required=True, metadata={
        "description": "A reason the campaign's rules allow (conflict, 抽取后申报回避, always). The platform's: "
                       + _codes(INSPECTOR_REPLACEMENT_REASONS)})


class ReplaceManySchema(ReplaceInspectorSchema):
    """Several members replaced at once (批量替换): those of ``member_ids``, or every visit of ``inspector_id``."""
    member_ids = fields.List(Int(validate=validate.Range(min=1)), validate=validate.Length(min=1, max=5000))
    inspector_id = Int(validate=validate.Range(min=1))

    @validates_schema
    def one_of(self, data, **kwargs):
        if ("member_ids" in data) == ("inspector_id" in data):
            raise ValidationError(_l("Give either the members or the inspector to replace."), "member_ids")


class LeaderRuleSchema(Schema):
    """Every visit's team leader (组长) named at once by a rule."""
    rule = fields.Str(required=True, metadata={"description": _codes(LEADER_RULES), "enum": list(LEADER_RULES)},
                      validate=validate.OneOf(list(LEADER_RULES)))
    only_missing = Bool(load_default=True)


class LeadersNamedSchema(Schema):
    named = Int()
    kept = Int()
    rule = fields.Str()


class TeamMemberSchema(Schema):
    id = Int()
    inspector_id = Int()
    name = fields.Str(attribute="shown_name")
    cert_no = fields.Str(attribute="shown_cert_no")
    position = Int()
    is_leader = Bool()
    active = Bool()
    replacement_reason = fields.Str()
    recused = Bool(metadata={"description": "A conflict (回避) was declared after the draw: to be replaced"})


class TargetSchema(Schema):
    entity_id = Int()
    code = fields.Str()
    name = fields.Str()
    group_code = fields.Str()
    stratum = fields.Str()
    rank = Int()
    status = fields.Enum(TargetStatus, by_value=True)
    replacement_reason = fields.Str()
    team = fields.List(fields.Nested(TeamMemberSchema), attribute="team_members",
                       metadata={"description": "The team of the visit, replaced members included (active false)"})
    experts = fields.List(fields.Dict(), metadata={
        "description": "Experts (专家) on the team in addition to the drawn inspectors: name, organisation, kind"})


class TargetQuerySchema(Schema):
    q = fields.Str(load_default="", validate=validate.Length(max=50),
                   metadata={"description": "Name contains, or code starts with"})
    stratum = fields.Str(load_default="", metadata={"description": "A, B, C, D or flagged"})
    status = fields.Enum(TargetStatus, by_value=True, load_default=None)
    page = Int(load_default=1, validate=validate.Range(min=1),
                      metadata={"description": "From 1; past the last page: 404"})
    limit = Int(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))


class TargetPageSchema(Schema):
    items = fields.List(fields.Nested(TargetSchema))
    page = Int()
    pages = Int(metadata={"description": "At least 1"})
    total = Int(metadata={"description": "Targets matching, on all pages"})
    next_page = Int(allow_none=True, metadata={"description": "Pass as page for the next page; null on the last"})
