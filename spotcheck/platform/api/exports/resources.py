"""The credit-system export (信用信息共享): the department's batches with their manifest and state,
their files, delivery again (重新投递) and the delivery log — for the department's administrator.

Exporting now and delivering again answer 202 with the job at once; its progress and result come
from ``GET /api/v1/jobs/<id>``.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask.views import MethodView
from flask_babel import get_locale
from flask_login import current_user
from marshmallow import Schema, fields, validate

from spotcheck.core.job_models import Job
from spotcheck.platform import downloads
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.schemas import (
    JobSchema,
    NumberedPageSchema,
    NumberedRows,
    PageQuerySchema,
    numbered_page,
    only_column,
)
from spotcheck.platform.api.types import Bool, Int
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.accounts.queries import User
from spotcheck.tenants.common.queries import paginate
from spotcheck.tenants.exports import commands as export_commands, queries as export_queries
from spotcheck.tenants.exports.queries import ExportBatch
from spotcheck.tenants.exports.vocabulary import BatchStatus

PREFIX = "/exports"
blp = Blueprint(
    "Exports",
    __name__,
    description="Export of published results to the credit system "
    "(信用信息共享 / 国家企业信用信息公示系统): batches, manifests, deliveries.",
)

_FILES = {
    200: {
        "description": "The file as delivered (UTF-8)",
        "content": {
            "application/x-ndjson": {"schema": {"type": "string", "format": "binary"}},
            "text/csv": {"schema": {"type": "string", "format": "binary"}},
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "The manifest (清单): the batch, its files with their sizes and SHA-256",
                }
            },
        },
    }
}


def _actor() -> User:
    return current_user._get_current_object()


class BatchSchema(Schema):
    id = fields.Int()
    number = fields.Int(metadata={"description": "批次号: 1, 2, 3… per department"})
    name = fields.Function(
        lambda batch: export_queries.batch_name(batch),
        metadata={"description": "The files' common name, e.g. YJJ-000003"},
    )
    status = fields.Enum(
        BatchStatus,
        by_value=True,
        metadata={"description": "pending (not yet delivered), delivered, failed (tried again)"},
    )
    format_version = fields.Str()
    records = fields.Int()
    corrections = fields.Int()
    published_from = fields.DateTime(allow_none=True)
    published_to = fields.DateTime(allow_none=True)
    jsonl_size = fields.Int()
    jsonl_sha256 = fields.Str()
    csv_size = fields.Int()
    csv_sha256 = fields.Str()
    manifest_sha256 = fields.Str()
    created_at = fields.DateTime()
    created_by_name = fields.Str()
    attempts = fields.Int()
    last_error = fields.Str()
    delivered_at = fields.DateTime(allow_none=True)
    delivered_to = fields.Str()


class BatchDetailSchema(BatchSchema):
    manifest = fields.Function(
        lambda batch: export_queries.manifest_of(batch),
        metadata={"description": "The manifest as delivered (docs/credit-export.md)"},
    )


class BatchPageSchema(NumberedPageSchema):
    items = fields.List(fields.Nested(BatchSchema))
    pending = fields.Int(metadata={"description": "Published results waiting for their batch"})


class DeliverySchema(Schema):
    id = fields.Int()
    batch_id = fields.Int()
    target = fields.Str(metadata={"description": "The folder or address (never a password)"})
    ok = Bool()
    status_code = fields.Int(allow_none=True, metadata={"description": "The endpoint's HTTP answer"})
    error = fields.Str()
    again = Bool(metadata={"description": "Delivered again on request (重新投递)"})
    actor_name = fields.Str()
    attempted_at = fields.DateTime()
    seconds = fields.Float()


class DeliveryPageSchema(NumberedPageSchema):
    items = fields.List(fields.Nested(DeliverySchema))


class DeliveryQuerySchema(PageQuerySchema):
    batch_id = Int(
        load_default=None, validate=validate.Range(min=1), metadata={"description": "Only the deliveries of this batch"}
    )


@blp.route("/batches")
class Batches(MethodView):
    @requires(Permission.EXPORTS_MANAGE)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, BatchPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, object]:
        """My department's export batches, newest first (50 a page), with how many results wait"""
        return {
            **numbered_page(
                paginate(export_queries.batches_query(), page=query["page"], per_page=50, make=only_column)
            ),
            "pending": export_queries.pending_count(),
        }

    @requires(Permission.EXPORTS_MANAGE)
    @blp.response(202, JobSchema)
    def post(self) -> Job:
        """Export the published results waiting now (a batch, then its delivery) in the background"""
        return export_commands.request_export(actor=_actor(), locale=str(get_locale()))


@blp.route("/batches/<int:batch_id>")
class BatchById(MethodView):
    @requires(Permission.EXPORTS_MANAGE)
    @blp.response(200, BatchDetailSchema)
    def get(self, batch_id: int) -> ExportBatch:
        """One batch: its state, files and manifest"""
        return export_queries.get_batch(batch_id)


@blp.route("/batches/<int:batch_id>/files/<any(jsonl, csv, manifest):kind>")
class BatchFile(MethodView):
    @requires(Permission.EXPORTS_MANAGE)
    @blp.doc(responses=_FILES)
    def get(self, batch_id: int, kind: str) -> Response:
        """One of the batch's files as delivered: JSON Lines, CSV or the manifest"""
        path, name, media_type = export_queries.file_of(export_queries.get_batch(batch_id), kind)
        return downloads.private_file(path, media_type, name)


@blp.route("/batches/<int:batch_id>/deliveries")
class BatchDeliveries(MethodView):
    @requires(Permission.EXPORTS_MANAGE)
    @blp.response(202, JobSchema)
    def post(self, batch_id: int) -> Job:
        """Deliver the batch again (重新投递) in the background: the same files under the same number"""
        return export_commands.request_delivery(batch_id, actor=_actor(), locale=str(get_locale()))


@blp.route("/deliveries")
class Deliveries(MethodView):
    @requires(Permission.EXPORTS_MANAGE)
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliveryPageSchema)
    def get(self, query: dict[str, Any]) -> NumberedRows:
        """The delivery log (投递记录): every attempt, newest first (50 a page)"""
        return numbered_page(
            paginate(
                export_queries.deliveries_query(query["batch_id"]), page=query["page"], per_page=50, make=only_column
            )
        )
