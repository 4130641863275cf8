"""Marshmallow schemas of the registry and target directory API (检查对象名录库).

The input schemas are derived from the commands' declared fields
(:mod:`spotcheck.tenants.directory.inputs`) and only shape the input; the commands check it
(统一社会信用代码 check digit, codes of the reference lists, dates, lengths), so the API and the
pages give the same messages.
"""

from flask_login import current_user
from marshmallow import Schema, fields, validate

from spotcheck.platform.api.types import MAX_LIMIT, Bool, Int, codes_text
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.directory import inputs
from spotcheck.tenants.directory.queries import DirectoryEntry

FLAGS = ("abnormal", "blacklisted", "penalized", "complaints")


class EntitySchema(Schema):
    """A registry entity, as the API answers it."""

    id = Int(dump_only=True)
    code = fields.Str(
        metadata={
            "description": "统一社会信用代码 (18 characters, checked by its check character), "
            "or the code of a product/project/behaviour target"
        }
    )
    name = fields.Str()
    entity_type = fields.Str(
        metadata={
            "description": "Code or Chinese name (default enterprise): "
            + ", ".join(f"{k} ({v})" for k, v in reference.ENTITY_TYPES.items())
        }
    )
    industry_code = fields.Str(metadata={"description": "GB/T 4754-2017, e.g. C1311"})
    region_code = fields.Str(metadata={"description": "GB/T 2260, 6 digits; a town's 统计用区划代码, 9 or 12 digits"})
    address = fields.Str()
    status = fields.Str(
        metadata={
            "description": "Code or Chinese name (default active): "
            + ", ".join(f"{k} ({v})" for k, v in reference.ENTITY_STATUSES.items())
        }
    )
    abnormal = Bool(metadata={"description": "On the 经营异常名录"})
    blacklisted = Bool(metadata={"description": "On the 严重违法失信名单"})
    penalized_on = fields.Date(
        allow_none=True, metadata={"description": "Date of the most recent administrative penalty"}
    )
    complaints = Int(metadata={"description": "Complaints and reports in the last 12 months"})
    credit_rating = fields.Str(allow_none=True, metadata={"description": "A, B, C or D"})
    places = fields.List(
        fields.Nested(lambda: PlaceSchema()),
        dump_only=True,
        metadata={"description": "Operating places besides the registered one (一照多址)"},
    )
    updated_at = fields.DateTime(dump_only=True)


def _input_field(field: inputs.DirectoryField) -> fields.Field:
    """A declared field (录入项) as the API takes it: typed and documented here, checked by the command alone."""
    meta: dict = {"description": f"{field.about}: {codes_text(field.choices)}" if field.choices else field.about}
    if field.longest and field.kind in (inputs.TEXT, inputs.CODE):
        meta["maxLength"] = field.longest
    if field.kind == inputs.FLAG:
        return Bool(metadata=meta)
    if field.kind in (inputs.COUNT, inputs.ROW):
        return Int(metadata=meta)
    if field.kind == inputs.DATE:
        return fields.Date(allow_none=True, metadata=meta)
    if field.kind == inputs.TAGS:
        return fields.List(fields.Str(), metadata=meta)
    return fields.Str(allow_none=field.unset is not None, metadata=meta)


def _input_schema(name: str, declared: tuple[inputs.DirectoryField, ...]) -> type[Schema]:
    return Schema.from_dict({field.name: _input_field(field) for field in declared}, name=name)


class PlaceSchema(Schema):
    """An operating place (一照多址): its region code and address."""

    region_code = fields.Str(metadata={"description": "GB/T 2260, 6 digits; a town's 统计用区划代码, 9 or 12 digits"})
    address = fields.Str()


#: A business's operating places besides its registered one (一照多址), as the API takes them: given, they replace
#: those held; a department reaches the business when any place lies in its branch (管辖).
PLACES = fields.List(
    fields.Nested(PlaceSchema),
    metadata={"description": "Operating places besides the registered one (一照多址): region_code and address each"},
)


def _entity_input(name: str) -> type[Schema]:
    return Schema.from_dict(
        {**{field.name: _input_field(field) for field in inputs.ENTITY_FIELDS}, "places": PLACES}, name=name
    )


#: A new registry entity: code, name, industry_code and region_code are required (the command names
#: each missing or bad one).
EntityInputSchema = _entity_input("EntityInputSchema")
#: A change to a registry entity, used with ``partial=True``: only the fields sent change.
EntityUpdateSchema = _entity_input("EntityUpdateSchema")


def _risk_label(entry: DirectoryEntry) -> str:
    style = getattr(getattr(current_user, "tenant", None), "risk_labels", None) or "letters"
    return reference.RISK_LABEL_STYLES.get(style, reference.RISK_LABEL_STYLES["letters"]).get(entry.risk, entry.risk)


class EntrySchema(Schema):
    id = Int(dump_only=True)
    entity_id = Int(dump_only=True)
    entity = fields.Nested(EntitySchema, dump_only=True)
    category = fields.Str(metadata={"description": "The department's own supervision category (监管类别)"})
    risk = fields.Str(metadata={"description": "Risk class: A (high) … D (low), or 高/较高/一般/低"})
    risk_label = fields.Function(
        _risk_label, dump_only=True, metadata={"description": "The risk class as this department shows it"}
    )
    tags = fields.List(fields.Str(), metadata={"description": "A list of tags, each a string"})
    last_inspected_on = fields.Date(allow_none=True)
    created_at = fields.DateTime(dump_only=True)

    def get_attribute(self, obj: object, attr: str, default: object) -> object:
        if attr == "tags" and hasattr(obj, "tag_list"):
            return obj.tag_list
        return super().get_attribute(obj, attr, default)


#: A registry entity added to my department's directory, with my fields.
EntryCreateSchema = _input_schema("EntryCreateSchema", inputs.TARGET_FIELDS + inputs.ENTRY_FIELDS)
#: A change to my fields of an entry, used with ``partial=True``: only the fields sent change.
EntryUpdateSchema = _input_schema("EntryUpdateSchema", inputs.ENTRY_FIELDS)


class RegistryQuerySchema(Schema):
    q = fields.Str(load_default="", metadata={"description": "Name contains, or code starts with"})
    industry = fields.Str(load_default="", metadata={"description": "GB/T 4754 code prefix, e.g. C13"})
    region = fields.Str(load_default="", metadata={"description": "GB/T 2260 code prefix, e.g. 3301"})
    entity_type = fields.Str(load_default="", validate=validate.OneOf(["", *reference.ENTITY_TYPES]))
    status = fields.Str(load_default="", validate=validate.OneOf(["", *reference.ENTITY_STATUSES]))
    flags = fields.List(
        fields.Str(validate=validate.OneOf(FLAGS)),
        load_default=list,
        metadata={"description": "Repeat for several; all must hold"},
    )
    after = Int(
        load_default=0,
        validate=validate.Range(min=0),
        metadata={"description": "The next_after of the previous page (keyset pagination)"},
    )
    limit = Int(load_default=50, validate=validate.Range(min=1, max=MAX_LIMIT))


class DirectoryQuerySchema(RegistryQuerySchema):
    category = fields.Str(load_default="")
    risk = fields.Str(
        load_default="",
        validate=validate.OneOf(["", *reference.RISK_CLASSES, *reference.RISK_LABEL_STYLES["words"].values()]),
    )
    tag = fields.Str(load_default="")


class RegistryPageSchema(Schema):
    items = fields.List(fields.Nested(EntitySchema))
    next_after = Int(allow_none=True, metadata={"description": "Pass as after for the next page; null on the last"})


class DirectoryPageSchema(Schema):
    items = fields.List(fields.Nested(EntrySchema))
    next_after = Int(allow_none=True, metadata={"description": "Pass as after for the next page; null on the last"})
