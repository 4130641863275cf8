"""Marshmallow schemas of the item list API (一单).

The schemas check shapes only; the item commands check the values (codes of check methods and
enforcement categories, field, kind, lengths, the required name and reason), so the pages and
the API give the same messages. Codes may be given as the code or as the Chinese name.
"""
from marshmallow import Schema, fields, validate

from spotcheck.platform.api.types import Bool, Int, codes_text
from spotcheck.tenants.common.vocabulary import reference, sampling
from spotcheck.tenants.items.vocabulary import ItemStatus

_STATUSES = [s.value for s in ItemStatus]




class ItemFieldsSchema(Schema):
    """The editable fields of an item (seed 003, 附件1)."""

    name = fields.Str(metadata={"maxLength": 200, "description": "事项名称 (required when creating)"})
    sub_item = fields.Str(metadata={"maxLength": 200, "description": "子项"})
    legal_basis = fields.Str(metadata={"description": "检查依据"})
    checking_body = fields.Str(metadata={"maxLength": 200, "description": "检查主体"})
    target_type = fields.Str(metadata={"maxLength": 200, "description": "抽查对象"})
    content = fields.Str(metadata={"description": "检查内容"})
    methods = fields.List(fields.Str(), metadata={
        "description": "检查方式, codes (or Chinese names): " + codes_text(reference.CHECK_METHODS)})
    ratio_bp = Int(allow_none=True, metadata={
        "minimum": 1, "maximum": sampling.FULL,
        "description": "抽查比例: the least share checked, in basis points (500 = 不低于5%), above 0 and at most 10000; "
                       "null: not stated (required to publish an item under random checking)"})
    frequency_times = Int(allow_none=True, metadata={
        "minimum": 1, "maximum": sampling.MAX_TIMES,
        "description": "抽查频次: how many times per period (with frequency_period; both null or empty: not stated)"})
    frequency_period = fields.Str(allow_none=True, metadata={
        "description": "抽查频次's period: " + codes_text(sampling.PERIODS), "enum": [*sampling.PERIODS, "", None]})
    inspector_categories = fields.List(fields.Str(), metadata={
        "description": "执法类别 required of the inspectors, codes (or Chinese names): "
                       + codes_text(reference.ENFORCEMENT_CATEGORIES)})
    inspector_requirements = fields.Str(metadata={"description": "检查人员要求"})
    result_use = fields.Str(metadata={"description": "检查结果的运用情形"})
    remarks = fields.Str(metadata={"description": "备注"})
    field = fields.Str(metadata={"description": "领域: " + codes_text(reference.ITEM_FIELDS),
                                 "enum": [*reference.ITEM_FIELDS, *reference.ITEM_FIELDS.values()]})
    kind = fields.Str(metadata={"description": "类别: " + codes_text(reference.ITEM_KINDS),
                                "enum": [*reference.ITEM_KINDS, *reference.ITEM_KINDS.values()]})
    random_check = Bool(metadata={"description": "纳入随机抽查"})
    non_random_reason = fields.Str(metadata={"maxLength": 2000, "description": (
        "不纳入随机抽查的理由: the written reason an item is kept out of random checking (required to publish "
        "such an item; 书面说明理由)")})


class ItemSchema(ItemFieldsSchema):
    id = Int(dump_only=True)
    ratio_text = fields.Str(dump_only=True, metadata={"description": "抽查比例 as the item list says it, e.g. 不低于5%"})
    frequency_text = fields.Str(dump_only=True, metadata={"description": "抽查频次 as the item list says it, e.g. 每年1次"})
    code = fields.Str(dump_only=True, metadata={"description": "The department's item code, e.g. SCJ-001"})
    status = fields.Enum(ItemStatus, by_value=True, dump_only=True)
    version = Int(dump_only=True, metadata={"description": "The last published version; 0 while a draft"})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class ItemCreateSchema(ItemFieldsSchema):
    """A new item: its name is required."""

    name = fields.Str(required=True, metadata={"minLength": 1, "maxLength": 200, "description": "事项名称"})


class ItemUpdateSchema(ItemFieldsSchema):
    reason = fields.Str(load_default="", metadata={
        "description": "Why a published item changes (required for a published item; the change makes a new version)"})


class ItemRetireSchema(Schema):
    reason = fields.Str(required=True, metadata={"description": "Why the item is retired", "minLength": 1})


class ItemListArgsSchema(Schema):
    status = fields.Str(validate=validate.OneOf(_STATUSES), metadata={"description": "draft, published or retired"})


class ItemVersionSchema(Schema):
    version = Int()
    status = fields.Enum(ItemStatus, by_value=True)
    recorded = fields.Dict(attribute="fields", data_key="fields",
                           metadata={"description": "The item's fields as recorded in this version"})
    reason = fields.Str()
    changed_by_id = Int(allow_none=True)
    changed_by_name = fields.Str()
    changed_at = fields.DateTime()


class ItemCoverageSchema(Schema):
    field = fields.Str(metadata={"description": "market or other"})
    field_name = fields.Function(lambda c: reference.ITEM_FIELDS.get(c.field, c.field))
    items = Int(metadata={"description": "Published items in the field"})
    random = Int(metadata={"description": "Of those, under random checking"})
    share_percent = fields.Float(metadata={"description": "random / items in per cent, one decimal"})
    goal_percent = Int(allow_none=True, metadata={"description": "The goal in per cent of the rules in force "
                                                                 "(null: the rules set no goal)"})
    cited = fields.String(metadata={"description": "The document and article that set the goal (empty: none)"})
    met = Bool()
