"""Marshmallow schemas every domain's API shares: a job, and a page of rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypedDict, TypeVar

import sqlalchemy as sa
from marshmallow import Schema, fields, validate

from spotcheck.core.job_models import JobStatus
from spotcheck.platform.api.types import Int
from spotcheck.tenants.common.queries import paginate


class JobSchema(Schema):
    id = Int()
    kind = fields.Str()
    status = fields.Enum(JobStatus, by_value=True)
    progress = Int()
    items_done = Int(
        allow_none=True, metadata={"description": "Items (documents, rows…) done so far, when the job counts them"}
    )
    items_total = Int(allow_none=True, metadata={"description": "Items the job has to do, when it counts them"})
    result = fields.Dict(allow_none=True)
    error = fields.Str(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


class PageQuerySchema(Schema):
    """``?page=N`` of a numbered list."""

    page = Int(load_default=1, validate=validate.Range(min=1, max=100000))


class NumberedPageSchema(Schema):
    """What :func:`numbered_page` answers; a subclass names its ``items``."""

    page = fields.Int()
    pages = fields.Int()
    total = fields.Int()


T = TypeVar("T")


class NumberedRows(TypedDict, Generic[T]):
    """A page of one object's rows, as :class:`NumberedPageSchema` dumps it."""

    items: Sequence[T]
    page: int
    pages: int
    total: int


def numbered_page(query: sa.Select[T], page: int, per_page: int) -> NumberedRows[T]:
    """Page ``page`` of ``query`` (rows of one object) as ``{items, page, pages, total}``."""
    found = paginate(query, page=page, per_page=per_page, make=lambda row: row[0])
    return {"items": found.rows, "page": found.number, "pages": found.pages, "total": found.total}
