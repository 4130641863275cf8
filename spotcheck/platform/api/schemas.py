"""Marshmallow schemas every domain's API shares: a job, and a page of rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict, TypeVar

from marshmallow import Schema, fields, validate

from spotcheck.core.job_models import JobStatus
from spotcheck.platform.api.types import Int
from spotcheck.tenants.common.queries import NumberedPage


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


class NumberedRows(TypedDict):
    """A page of one object's rows, as :class:`NumberedPageSchema` dumps it."""

    items: Sequence[object]
    page: int
    pages: int
    total: int


def only_column(row: Sequence[T]) -> T:
    """The object of a row of one column (``make`` of :func:`~spotcheck.tenants.common.queries.paginate`)."""
    return row[0]


def numbered_page(found: NumberedPage) -> NumberedRows:
    """A page of rows of one object (:func:`~spotcheck.tenants.common.queries.paginate` with
    ``make=only_column``) as ``{items, page, pages, total}``."""
    return {"items": found.rows, "page": found.number, "pages": found.pages, "total": found.total}
