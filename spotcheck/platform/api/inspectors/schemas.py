"""Marshmallow schemas of the inspector directory and the rules document.

An inspector is dumped with its masked ID number only (``id_number_masked``); the full number
is accepted on input (``load_only``) and given out only by ``GET /inspectors/<id>/id-number``.
Fields are checked by the commands, so the same messages (in the user's language) reach the
pages and the API.
"""

from marshmallow import Schema, fields

from spotcheck.platform.api.types import Bool, Int, QueryBool
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.inspectors import queries
from spotcheck.tenants.inspectors.queries import Recusal


class InspectorSchema(Schema):
    id = Int(dump_only=True)
    name = fields.Str(metadata={"description": "姓名 (required)"})
    sex = fields.Str(metadata={"description": "M / F, or 男 / 女 (required)"})
    id_number = fields.Str(
        load_only=True,
        metadata={
            "description": "身份证号码, GB 11643 with check digit (required on create; on change, omit to keep). "
            "Never returned: see id_number_masked"
        },
    )
    id_number_masked = fields.Str(
        attribute="id_masked", dump_only=True, metadata={"description": "e.g. 330102********123X"}
    )
    agency = fields.Str(metadata={"description": "执法机构全称 (required)"})
    post = fields.Str(metadata={"description": "职务"})
    cert_no = fields.Str(metadata={"description": "执法证编号, unique in the department (required)"})
    cert_expires_on = fields.Date(allow_none=True, metadata={"description": "Certificate valid until (inclusive)"})
    categories = fields.List(
        fields.Str(),
        metadata={
            "description": "执法类别: codes or Chinese names (at least one): "
            + ", ".join(f"{code} {name}" for code, name in reference.ENFORCEMENT_CATEGORIES.items())
        },
    )
    category_names = fields.Function(
        lambda i: [reference.ENFORCEMENT_CATEGORIES.get(c, c) for c in i.categories or []], dump_only=True
    )
    region = fields.Str(metadata={"description": "执法区域"})
    warnings = fields.Function(
        lambda i: queries.entry_warnings(i),
        dump_only=True,
        metadata={
            "description": "What the entry is warned of, kept as it is: a certificate expired (kept, marked, never "
            "drawn), an issuing body whose certificate format is not known (the number not checked)"
        },
    )
    expertise = fields.Str(metadata={"description": "业务专长"})
    is_expert = Bool(metadata={"description": "专家: joins a team in addition to the required inspectors"})
    active = Bool()
    created_at = fields.DateTime(dump_only=True)


class InspectorUpdateSchema(InspectorSchema):
    """A change: every field optional; a field left out keeps its value (also the ID number)."""


class InspectorQuerySchema(Schema):
    expert = QueryBool(metadata={"description": "true: experts (专家) only; false: the others only"})
    active_only = QueryBool(load_default=False)


class InspectorIdNumberSchema(Schema):
    id = Int()
    name = fields.Str()
    id_number = fields.Str(metadata={"description": "The full ID number (this reading is audited)"})


class RecusalSchema(Schema):
    id = Int(dump_only=True)
    inspector_id = Int(dump_only=True)
    entity_id = Int(dump_only=True)
    entity_code = fields.Str(metadata={"description": "统一社会信用代码 (or target code) of a registry entity"})
    entity_name = fields.Function(lambda r: r.entity.name, dump_only=True)
    reason = fields.Str(metadata={"description": "Why the inspector must not inspect this entity"})
    declared_at = fields.DateTime(dump_only=True)

    def get_attribute(self, obj: Recusal | dict[str, object], attr: str, default: object) -> object:
        if attr == "entity_code" and not isinstance(obj, dict):
            return obj.entity.code
        return super().get_attribute(obj, attr, default)
