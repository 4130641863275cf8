"""A business's own record (企业检查档案), for a city's app that embeds it: with the business's session or its own
access token (``Authorization: Bearer scb_…``). A staff user, who holds no business permission, is refused."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from spotcheck.platform.api.business_record.schemas import RecordSchema
from spotcheck.platform.permissions import Permission, acting_user, requires
from spotcheck.tenants.business_record import queries as record_queries
from spotcheck.tenants.business_record.queries import Record

PREFIX = "/business/record"
blp = Blueprint("Business record", __name__, description="A business's own record of checks (企业检查档案)")


@blp.route("")
class OwnRecord(MethodView):
    @requires(Permission.BUSINESS_SIGNED_IN)
    @blp.response(200, RecordSchema)
    def get(self) -> Record:
        """The signed-in business's record today: checks coming, under way and published, its cap ledger and its
        requests, of every department at every level"""
        return record_queries.own_record(reader=acting_user())
