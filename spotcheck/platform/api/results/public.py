"""The public register of results (检查结果公示) as the portal's ``/public/results`` reads it, for anyone: the newest
published results, of a region where one is asked — ``?region=CODE``, the results about the businesses located in it
(and below it) whoever checked them, and/or ``?department_region=CODE``, those its departments (and those below it)
published (:class:`~spotcheck.tenants.results.queries.register.Where`). A code that names no region: 422 naming the
parameter."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.schemas import NumberedPageSchema, NumberedRows, PageQuerySchema, numbered_page
from spotcheck.platform.api.types import Bool, Int
from spotcheck.platform.permissions import public
from spotcheck.tenants.results.queries import register

PREFIX = "/public/results"
blp = Blueprint(
    "Public results",
    __name__,
    description="The published inspection results (检查结果公示), open to anyone, filtered by region.",
)


class PublicResultsQuerySchema(PageQuerySchema):
    region = fields.Str(
        load_default=None,
        metadata={
            "description": "A region's code (区划代码: 6, 9 or 12 digits; any other, or one the tree lacks, is a 422 "
            "naming the parameter): only the results about businesses located "
            "in it or in a region below it, whichever department of whichever level checked them"
        },
    )
    department_region = fields.Str(
        load_default=None,
        metadata={
            "description": "A region's code: only the results published by the departments of the region and of "
            "the regions below it, wherever the business is located"
        },
    )


class PublicItemSchema(Schema):
    name = fields.Str()
    categories = fields.List(fields.Str())
    findings = fields.Str()


class PublicResultSchema(Schema):
    id = Int()
    entity_code = fields.Str(attribute="entity.code", metadata={"description": "统一社会信用代码"})
    entity_name = fields.Str(attribute="entity.name")
    entity_region_code = fields.Str(
        attribute="entity.region_code", metadata={"description": "Where the business is located (区划代码)"}
    )
    department = fields.Function(lambda r: (r.content or {}).get("department", ""))
    department_code = fields.Function(lambda r: (r.content or {}).get("department_code", ""))
    campaign_code = fields.Function(lambda r: (r.content or {}).get("campaign_code") or "")
    campaign_title = fields.Function(lambda r: (r.content or {}).get("campaign_title") or "")
    checked_on = fields.Date()
    checked_until = fields.Date(allow_none=True)
    published_at = fields.DateTime()
    version = Int()
    corrected = Bool()
    items = fields.Function(
        lambda r: (r.content or {}).get("items", []),
        metadata={"type": "array", "items": {"type": "object"}},
    )


class PublicResultPageSchema(NumberedPageSchema):
    items = fields.List(fields.Nested(PublicResultSchema))


@blp.route("")
class PublicResults(MethodView):
    @public
    @blp.arguments(PublicResultsQuerySchema, location="query")
    @blp.response(200, PublicResultPageSchema)
    def get(self, args: dict[str, Any]) -> NumberedRows:
        """The published results, newest first (20 a page), of a region where one is asked: ``region`` (about the
        businesses located in it) and/or ``department_region`` (published by its departments)"""
        where = register.region_filters(args.get("region"), args.get("department_region"))
        return numbered_page(register.latest(args["page"], where))
