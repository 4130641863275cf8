"""Marshmallow schemas of departments, users and tokens (部门、用户、令牌)."""

from marshmallow import Schema, fields, validate

from spotcheck.core.policy import Role, permissions_held
from spotcheck.platform.api.types import Bool, Int
from spotcheck.tenants.accounts.vocabulary import TenantKind

#: What the user commands accept (spotcheck.tenants.accounts.commands): described here, checked there.
LOGIN = {"pattern": "^[a-z][a-z0-9_.-]{2,63}$", "description": "3–64 lowercase letters, digits, . _ -"}
PASSWORD = {"minLength": 10, "description": "At least 10 characters mixing 3 of: lowercase, uppercase, digits, symbols"}
NAME = {"minLength": 1, "maxLength": 100}
_ROLE_CODES = [r.value for r in Role]


class TenantSchema(Schema):
    id = Int(dump_only=True)
    code = fields.Str(
        required=True, metadata={"description": "Short code, e.g. SCJ", "pattern": "^[A-Za-z][A-Za-z0-9]{1,15}$"}
    )
    name = fields.Str(
        required=True,
        metadata={
            "description": "Full name, with its place, e.g. 宁安市市场监督管理局 (a name without its place gets its "
            "region's name before it)",
            "minLength": 1,
            "maxLength": 100,
        },
    )
    kind = fields.Enum(TenantKind, by_value=True, required=True)
    short_name = fields.Str(
        load_default="",
        metadata={
            "description": "The short name its document numbers begin with (机关代字), e.g. 宁应急 in "
            "宁应急抽〔2026〕3号; none given: its place's first character and its own (宁市监), distinct from every "
            "other department's",
            "maxLength": 16,
        },
    )
    region_id = Int(dump_only=True, metadata={"description": "The region (区划) the department belongs to"})
    region_code = fields.Str(
        dump_only=True, attribute="region.code", metadata={"description": "Its region's code (GB/T 2260, or a town's)"}
    )
    active = Bool(dump_only=True)


class FirstAdminSchema(Schema):
    login = fields.Str(required=True, metadata=LOGIN)
    display_name = fields.Str(required=True, metadata=NAME)
    password = fields.Str(required=True, load_only=True, metadata=PASSWORD)


class TenantCreateSchema(TenantSchema):
    region = fields.Str(
        required=True,
        load_only=True,
        metadata={
            "description": "Its region (区划): the code in the regions' tree (6, 9 or 12 digits), or the id",
            "pattern": r"^\d{1,12}$",
        },
    )
    admin = fields.Nested(
        FirstAdminSchema,
        required=False,
        load_only=True,
        metadata={"description": "The department's first administrator"},
    )


class UserSchema(Schema):
    id = Int(dump_only=True)
    tenant_id = Int(dump_only=True, allow_none=True)
    login = fields.Str(required=True, metadata=LOGIN)
    display_name = fields.Str(required=True, metadata=NAME)
    roles = fields.List(
        fields.Str(validate=validate.OneOf(_ROLE_CODES)),
        required=True,
        metadata={"minItems": 1, "description": "The roles the department may give"},
    )
    active = Bool(dump_only=True)
    locked_until = fields.DateTime(dump_only=True, allow_none=True)
    last_login_at = fields.DateTime(dump_only=True, allow_none=True)


class UserCreateSchema(UserSchema):
    password = fields.Str(required=True, load_only=True, metadata=PASSWORD)


class UserUpdateSchema(Schema):
    display_name = fields.Str(metadata=NAME)
    roles = fields.List(fields.Str(validate=validate.OneOf(_ROLE_CODES)), metadata={"minItems": 1})
    active = Bool()
    unlock = Bool(load_default=False, metadata={"description": "Clear a login lockout"})


class MeSchema(UserSchema):
    tenant = fields.Nested(TenantSchema, dump_only=True, allow_none=True)
    permissions = fields.Function(lambda user: sorted(p.value for p in permissions_held(user)))


class TokenSchema(Schema):
    id = Int(dump_only=True)
    name = fields.Str(
        required=True,
        metadata={"minLength": 1, "maxLength": 100, "description": "What the token is for, e.g. the script using it"},
    )
    prefix = fields.Str(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)


class NewTokenSchema(TokenSchema):
    token = fields.Str(dump_only=True, metadata={"description": "The secret, shown this once only"})
