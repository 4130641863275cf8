"""Marshmallow schemas of a business person's own access tokens (访问令牌)."""

from __future__ import annotations

from marshmallow import Schema, fields

from spotcheck.platform.api.types import Int


class BusinessTokenSchema(Schema):
    id = Int(dump_only=True)
    name = fields.Str(
        required=True,
        metadata={"minLength": 1, "maxLength": 100, "description": "What the token is for, e.g. the city's app"},
    )
    prefix = fields.Str(dump_only=True, metadata={"description": "The secret's first characters (scb_…)"})
    created_at = fields.DateTime(dump_only=True)
    last_used_at = fields.DateTime(dump_only=True, allow_none=True)
    revoked_at = fields.DateTime(dump_only=True, allow_none=True)


class NewBusinessTokenSchema(BusinessTokenSchema):
    token = fields.Str(dump_only=True, metadata={"description": "The secret, shown this once only"})
