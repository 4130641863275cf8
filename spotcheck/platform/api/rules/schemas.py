"""Marshmallow schemas of the rules document (一细则)."""

from flask import url_for
from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from spotcheck.platform.api.types import Bool, Int


class RulesDocumentSchema(Schema):
    id = Int(dump_only=True)
    title = fields.Str(metadata={"description": "Title (required, at most 200 characters)"})
    body = fields.Str(metadata={"description": "The text"})
    file_name = fields.Str(dump_only=True, allow_none=True)
    media_type = fields.Str(dump_only=True, allow_none=True)
    size = Int(dump_only=True, allow_none=True)
    sha256 = fields.Str(dump_only=True, allow_none=True)
    file_url = fields.Function(
        lambda d: url_for("Rules.RulesFile", _external=False) if d.stored_name else None, dump_only=True
    )
    published = Bool(dump_only=True, metadata={"description": "Published at least once"})
    published_at = fields.DateTime(dump_only=True, allow_none=True)
    published_title = fields.Str(
        dump_only=True,
        allow_none=True,
        metadata={"description": "The title the public sees (the version last published)"},
    )
    published_sha256 = fields.Str(
        dump_only=True, allow_none=True, metadata={"description": "SHA-256 of the file the public sees"}
    )
    unpublished_changes = Bool(
        attribute="has_unpublished_changes",
        dump_only=True,
        metadata={"description": "The text or file changed since the last publication: a draft until published again"},
    )
    updated_at = fields.DateTime(dump_only=True)


class RulesFileUploadSchema(Schema):
    file = Upload(metadata={"description": "PDF, .docx, .doc, .wps or .ofd; type checked by content"})
