"""Marshmallow schemas of the plan API (年度检查计划)."""
from marshmallow import Schema, fields

from spotcheck.platform.api.types import Bool, Int, codes_text
from spotcheck.tenants.common.vocabulary import reference, sampling
from spotcheck.tenants.plans import queries as plan_queries
from spotcheck.tenants.plans.vocabulary import PlanStatus


class PlanLineSchema(Schema):
    id = Int(dump_only=True)
    item_id = Int(dump_only=True)
    item_code = fields.Function(lambda line: line.item.code, dump_only=True)
    item_name = fields.Function(lambda line: line.item.name, dump_only=True)
    ratio_bp = Int(metadata={"description": "Planned sampling ratio in basis points (500 = 5 %)"})
    frequency_times = Int(allow_none=True, metadata={"description": "抽查频次: times per period (null: the item's)"})
    frequency_period = fields.Str(metadata={"description": "抽查频次's period: " + codes_text(sampling.PERIODS)
                                                           + " (empty: the item's)"})
    frequency = fields.Str(attribute="frequency_text", dump_only=True,
                           metadata={"description": "抽查频次 as the plan says it, e.g. 每年1次 (empty: the item's)"})
    months = fields.List(Int(), metadata={"description": "Months of the checks, 1–12"})
    methods = fields.List(fields.Str(), metadata={"description": "检查方式 codes: " + codes_text(reference.CHECK_METHODS)})


class PlanLineUpdateSchema(Schema):
    ratio_bp = Int(required=True, metadata={"description": "Planned ratio in basis points, above 0 and at most 10000",
                                            "minimum": 1, "maximum": sampling.FULL})
    frequency_times = Int(load_default=None, allow_none=True, metadata={
        "description": "抽查频次: times per period, with frequency_period (both null or empty: the item's)",
        "minimum": 1, "maximum": sampling.MAX_TIMES})
    frequency_period = fields.Str(load_default="", allow_none=True, metadata={
        "description": "抽查频次's period: " + codes_text(sampling.PERIODS), "enum": [*sampling.PERIODS, "", None]})
    months = fields.List(Int(metadata={"minimum": 1, "maximum": 12}), load_default=list)
    methods = fields.List(fields.Str(), load_default=list,
                          metadata={"description": "检查方式 codes (or Chinese names): " + codes_text(reference.CHECK_METHODS)})


class PlanCreateSchema(Schema):
    year = Int(required=True, metadata={"minimum": 2000, "maximum": 2100})
    half = Int(load_default=None, allow_none=True,
               metadata={"description": "None for the whole year, 1 or 2 for a half-year plan", "enum": [1, 2, None]})
    title = fields.Str(required=True, metadata={"minLength": 1, "maxLength": 200})
    kind = fields.Str(load_default="annual", metadata={
        "description": "annual (the year's or a half-year's inspection plan) or joint (年度联合抽查工作计划 of a field "
                       "the department leads)", "enum": ["annual", "joint"]})
    field = fields.Str(load_default="", metadata={
        "description": "A joint plan's enforcement field (执法领域): " + codes_text(reference.ENFORCEMENT_FIELDS)})
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
