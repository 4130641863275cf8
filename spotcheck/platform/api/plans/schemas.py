"""Marshmallow schemas of the plan API (年度检查计划)."""

from dataclasses import dataclass

from marshmallow import Schema, fields, post_dump, pre_dump

from spotcheck.platform.api.types import Bool, Int, codes_text
from spotcheck.tenants.common.vocabulary import reference, sampling
from spotcheck.tenants.plans import inputs, queries as plan_queries
from spotcheck.tenants.plans.queries import Plan
from spotcheck.tenants.plans.vocabulary import PlanStatus


class PlanLineSchema(Schema):
    id = Int(dump_only=True)
    item_id = Int(dump_only=True)
    item_code = fields.Function(lambda line: line.item.code, dump_only=True)
    item_name = fields.Function(lambda line: line.item.name, dump_only=True)
    ratio_bp = Int(metadata={"description": "Planned sampling ratio in basis points (500 = 5 %)"})
    frequency_times = Int(allow_none=True, metadata={"description": "抽查频次: times per period (null: the item's)"})
    frequency_period = fields.Str(
        metadata={"description": "抽查频次's period: " + codes_text(sampling.PERIODS) + " (empty: the item's)"}
    )
    frequency = fields.Str(
        attribute="frequency_text",
        dump_only=True,
        metadata={"description": "抽查频次 as the plan says it, e.g. 每年1次 (empty: the item's)"},
    )
    months = fields.List(Int(), metadata={"description": "Months of the checks, 1–12"})
    methods = fields.List(
        fields.Str(), metadata={"description": "检查方式 codes: " + codes_text(reference.CHECK_METHODS)}
    )


def _input_field(field: inputs.PlanField) -> fields.Field:
    """A plan field as the API takes it: typed and documented here, checked by the plan command alone
    (a whole number stays within the database's range: :class:`Int`)."""
    choices = field.choices or {}
    named = bool(choices) and all(isinstance(name, str) for name in choices.values())  # a table of codes and names
    meta: dict[str, object] = {"description": f"{field.about}: {codes_text(choices)}" if named else field.about}
    if field.kind in (inputs.WHOLE, inputs.RATIO):
        meta.update(minimum=field.least, maximum=field.most)
    elif field.kind == inputs.TEXT:
        meta.update({"minLength": 1} if field.required else {}, maxLength=field.longest)
    elif field.kind == inputs.CHOICE:
        meta["enum"] = [*choices, *([""] if field.default == "" else []), *([None] if field.nullable else [])]
    shape: dict = (
        {"required": True} if field.required else {"load_default": field.default, "allow_none": field.nullable}
    )
    numbered = bool(choices) and all(isinstance(code, int) for code in choices)  # half: 1 or 2
    if field.kind in (inputs.WHOLE, inputs.RATIO) or (field.kind == inputs.CHOICE and numbered):
        return Int(**shape, metadata=meta)
    if field.kind == inputs.YES_NO:
        return Bool(**shape, metadata=meta)
    if field.kind == inputs.NUMBERS:
        return fields.List(Int(metadata={"minimum": field.least, "maximum": field.most}), **shape, metadata=meta)
    if field.kind == inputs.IDS:
        return fields.List(Int(), **shape, metadata=meta)
    if field.kind == inputs.CHOICES:
        return fields.List(fields.Str(), **shape, metadata=meta)
    return fields.Str(**shape, metadata=meta)


def _input_schema(declared: tuple[inputs.PlanField, ...], name: str) -> type[Schema]:
    """The API's input of a plan command, as :mod:`spotcheck.tenants.plans.inputs` declares it (a line's
    item is the URL's)."""
    return Schema.from_dict(
        {field.name: _input_field(field) for field in declared if field.kind != inputs.ID}, name=name
    )


#: A plan line (an item's ratio, frequency, months and methods).
PlanLineUpdateSchema = _input_schema(inputs.LINE_FIELDS, "PlanLineUpdateSchema")
#: A new plan (年度检查计划, or a field's 年度联合抽查工作计划).
PlanCreateSchema = _input_schema(inputs.PLAN_FIELDS, "PlanCreateSchema")


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
    departments = fields.List(
        Int(), dump_only=True, metadata={"description": "A joint plan's departments it intends to involve (ids)"}
    )
    status = fields.Enum(
        PlanStatus,
        by_value=True,
        dump_only=True,
        metadata={
            "description": "draft; published (公开, before filing); submitted (报备); returned (with a filing "
            "authority's comment; published again once changed); filed (备案, by every authority it needs)"
        },
    )
    comment = fields.Str(dump_only=True, metadata={"description": "The latest filing decision's comment"})
    authorities = fields.Function(
        lambda plan: list(plan_queries.authorities_for(plan)),
        dump_only=True,
        metadata={
            "description": "The authorities that file the plan: justice (司法局); market (市场监督管理局) too when it "
            "has items of the market-regulation field"
        },
    )
    filings = fields.Dict(
        keys=fields.Str(),
        values=fields.Nested(PlanFilingSchema),
        dump_only=True,
        metadata={"description": "This submission's decision of each authority that has decided"},
    )
    published_items = fields.List(
        fields.Nested(PublishedLineSchema),
        attribute="published_lines",
        dump_only=True,
        allow_none=True,
        metadata={"description": "The items as last published (public)"},
    )
    submitted_at = fields.DateTime(dump_only=True, allow_none=True)
    filed_at = fields.DateTime(dump_only=True, allow_none=True)
    filed_by_name = fields.Str(dump_only=True)
    published_at = fields.DateTime(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    lines = fields.List(fields.Nested(PlanLineSchema), dump_only=True, data_key="items")


@dataclass(frozen=True)
class PlanForReview:
    """A submitted plan waiting for filing (待备案的计划) and the name of the department that submitted it."""

    plan: Plan
    department_name: str


class PlanForReviewSchema(PlanSchema):
    """A plan waiting for filing (:class:`PlanForReview`): the plan as :class:`PlanSchema` dumps it, with its
    department's id and name."""

    tenant_id = Int(dump_only=True)
    department = fields.Str(dump_only=True, metadata={"description": "The department that submitted the plan"})

    @pre_dump
    def _the_plan(self, waiting: PlanForReview, **kwargs: object) -> Plan:
        return waiting.plan

    @post_dump(pass_original=True)
    def _with_department(self, dumped: dict, waiting: PlanForReview, **kwargs: object) -> dict:
        return {**dumped, "department": waiting.department_name}


#: A filing authority's decision: file (备案) or return with a comment.
PlanReviewSchema = _input_schema(inputs.REVIEW_FIELDS, "PlanReviewSchema")
