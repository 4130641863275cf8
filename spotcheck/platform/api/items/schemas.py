"""Marshmallow schemas of the item list API (一单).

The input schemas are derived from the item's declared fields (:mod:`spotcheck.tenants.items.inputs`)
and check types only; the item commands check the values (codes of check methods and enforcement
categories, field, kind, lengths, the required name and reason), so the pages and the API give the
same messages. Codes may be given as the code or as the Chinese name.
"""

from marshmallow import Schema, fields, validate

from spotcheck.platform.api.types import Bool, Int, codes_text
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.items import inputs
from spotcheck.tenants.items.vocabulary import ItemStatus

_STATUSES = [s.value for s in ItemStatus]


def _input_field(field: inputs.ItemField, *, required: bool = False) -> fields.Field:
    """An item field (事项要素) as the API takes it: typed and documented here, checked by the command alone."""
    about = f"{field.about}: {codes_text(field.choices)}" if field.choices else field.about
    meta: dict[str, object] = {"description": about}
    if field.longest:
        meta["maxLength"] = field.longest
    if field.bounds:
        meta["minimum"], meta["maximum"] = field.bounds
    if required:
        meta["minLength"] = 1
    if field.kind == inputs.CODES:
        return fields.List(fields.Str(), metadata=meta, required=required)
    if field.kind in (inputs.RATIO, inputs.TIMES):
        return Int(allow_none=True, metadata=meta, required=required)
    if field.kind == inputs.PERIOD:
        return fields.Str(
            allow_none=True, metadata={**meta, "enum": [*(field.choices or ()), "", None]}, required=required
        )
    if field.kind == inputs.CHOICE:
        choices = field.choices or {}
        return fields.Str(metadata={**meta, "enum": [*choices, *choices.values()]}, required=required)
    if field.kind == inputs.FLAG:
        return Bool(metadata=meta, required=required)
    return fields.Str(metadata=meta, required=required)


def _inputs(creating: bool = False) -> dict[str, fields.Field]:
    """The declared fields of an item (seed 003, 附件1), as the API takes them; ``creating``: the
    required ones (its name) must be given."""
    return {
        field.name: _input_field(field, required=True) if creating and field.required else _input_field(field)
        for field in inputs.FIELDS
    }


#: An item: its declared fields (:mod:`spotcheck.tenants.items.inputs`) and what the list says of it.
ItemSchema = Schema.from_dict(
    {
        **_inputs(),
        "id": Int(dump_only=True),
        "ratio_text": fields.Str(
            dump_only=True, metadata={"description": "抽查比例 as the item list says it, e.g. 不低于5%"}
        ),
        "frequency_text": fields.Str(
            dump_only=True, metadata={"description": "抽查频次 as the item list says it, e.g. 每年1次"}
        ),
        "code": fields.Str(dump_only=True, metadata={"description": "The department's item code, e.g. SCJ-001"}),
        "status": fields.Enum(ItemStatus, by_value=True, dump_only=True),
        "version": Int(dump_only=True, metadata={"description": "The last published version; 0 while a draft"}),
        "created_at": fields.DateTime(dump_only=True),
        "updated_at": fields.DateTime(dump_only=True),
    },
    name="ItemSchema",
)


#: A new item: its required fields (its name) are required.
ItemCreateSchema = Schema.from_dict(_inputs(creating=True), name="ItemCreateSchema")
#: A change of an item, and the reason a published item changes (动态调整).
ItemUpdateSchema = Schema.from_dict(
    {
        **_inputs(),
        inputs.CHANGE_REASON.name: fields.Str(load_default="", metadata={"description": inputs.CHANGE_REASON.about}),
    },
    name="ItemUpdateSchema",
)


class ItemRetireSchema(Schema):
    reason = fields.Str(required=True, metadata={"description": "Why the item is retired", "minLength": 1})


class ItemListArgsSchema(Schema):
    status = fields.Str(validate=validate.OneOf(_STATUSES), metadata={"description": "draft, published or retired"})


class ItemVersionSchema(Schema):
    version = Int()
    status = fields.Enum(ItemStatus, by_value=True)
    recorded = fields.Dict(
        attribute="fields", data_key="fields", metadata={"description": "The item's fields as recorded in this version"}
    )
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
    goal_percent = Int(
        allow_none=True,
        metadata={"description": "The goal in per cent of the rules in force (null: the rules set no goal)"},
    )
    cited = fields.String(metadata={"description": "The document and article that set the goal (empty: none)"})
    met = Bool()
