"""Notices (文书), the inbox (站内消息) and deliveries (送达记录)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response
from flask.views import MethodView
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from spotcheck.core import storage
from spotcheck.core.job_models import Job
from spotcheck.core.personal_data import mask_contact
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
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.common.queries import paginate
from spotcheck.tenants.notices import commands as notice_commands, queries as notice_queries
from spotcheck.tenants.notices.queries import Notice
from spotcheck.tenants.notices.vocabulary import Channel, DeliveryStatus, NoticeKind

PREFIX = ""
blp = Blueprint("Notices", __name__, description="Notices as PDF (文书), the inbox (站内消息) and the delivery log")


def _actor() -> User:
    return current_user._get_current_object()


class InboxMessageSchema(Schema):
    id = fields.Int()
    title = fields.Str()
    body = fields.Str()
    link = fields.Str(metadata={"description": "A page of the platform (a path)"})
    notice_id = fields.Int(allow_none=True, metadata={"description": "The document: GET /api/v1/notices/{id}/pdf"})
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)


class InboxSchema(NumberedPageSchema):
    items = fields.List(fields.Nested(InboxMessageSchema))
    unread = fields.Int()


class ReadSchema(Schema):
    """Which messages to mark read: ``ids``, or ``all`` — one of the two, never an empty request."""

    ids = fields.List(
        Int(), validate=validate.Length(min=1, max=500), metadata={"description": "The messages to mark read"}
    )
    all = Bool(metadata={"description": "true: every message of mine"})

    @validates_schema
    def _one_of_the_two(self, data: Mapping[str, object], **kwargs: object) -> None:
        if bool(data.get("ids")) == bool(data.get("all")):
            raise ValidationError(_l("Give the messages to mark read, or all: true for every one."), "ids")


class ReadOutcomeSchema(Schema):
    marked = fields.Int()
    unread = fields.Int()


class NoticeSchema(Schema):
    id = fields.Int()
    kind = fields.Enum(NoticeKind, by_value=True)
    number = fields.Str(metadata={"description": "文号"})
    title = fields.Str()
    campaign_id = fields.Int(allow_none=True)
    visit_id = fields.Int(allow_none=True)
    size = fields.Int()
    sha256 = fields.Str()
    created_at = fields.DateTime()


class NoticeDeliverySchema(Schema):
    id = fields.Int()
    recipient_name = fields.Str()
    channel = fields.Enum(Channel, by_value=True)
    address = fields.Function(
        lambda d: mask_contact(d.address) if d.address else "", metadata={"description": "Masked"}
    )
    subject = fields.Str()
    status = fields.Enum(DeliveryStatus, by_value=True)
    attempts = fields.Int()
    last_error = fields.Str()
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


class NoticeDeliveryPageSchema(NumberedPageSchema):
    items = fields.List(fields.Nested(NoticeDeliverySchema))


@blp.route("/inbox")
class Inbox(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, InboxSchema)
    def get(self, query: dict[str, Any]) -> dict[str, object]:
        """My inbox, newest first (30 a page), with the number unread"""
        return {
            **numbered_page(
                paginate(notice_queries.inbox_query(_actor()), page=query["page"], per_page=30, make=only_column)
            ),
            "unread": notice_queries.unread_count(_actor()),
        }


@blp.route("/inbox/read")
class InboxRead(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.arguments(ReadSchema)
    @blp.response(200, ReadOutcomeSchema)
    def post(self, data: dict[str, Any]) -> dict[str, int]:
        """Mark messages of mine read: those of ``ids``, or every one with ``all: true``"""
        marked = notice_commands.mark_read(None if data.get("all") else data["ids"], actor=_actor())
        return {"marked": marked, "unread": notice_queries.unread_count(_actor())}


@blp.route("/campaigns/<int:campaign_id>/notices")
class CampaignNotices(MethodView):
    @requires(Permission.CAMPAIGNS_VIEW)
    @blp.response(200, NoticeSchema(many=True))
    def get(self, campaign_id: int) -> list[Notice]:
        """A campaign's documents: inspection notices, assignment notices, result announcements"""
        return notice_queries.notices_of_campaign(campaigns.get_campaign(campaign_id), _actor())


@blp.route("/campaigns/<int:campaign_id>/announcement")
class CampaignAnnouncement(MethodView):
    @requires(Permission.RESULTS_PUBLISH)
    @blp.response(202, JobSchema)
    def post(self, campaign_id: int) -> Job:
        """Write the campaign's result announcement (检查结果公告) of the results published now"""
        return notice_commands.request_announcement(campaigns.get_campaign(campaign_id), actor=_actor())


@blp.route("/notices/<int:notice_id>/pdf")
class NoticePdf(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, content_type="application/pdf", description="The document, as an attachment")
    def get(self, notice_id: int) -> Response:
        """A document I may read, as PDF"""
        notice = notice_queries.notice_for(notice_id, _actor())
        return downloads.pdf(storage.path(notice.storage_key), f"{notice.number}.pdf")


@blp.route("/deliveries")
class Deliveries(MethodView):
    @requires(Permission.USERS_MANAGE)
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, NoticeDeliveryPageSchema)
    def get(self, query: dict[str, Any]) -> NumberedRows:
        """The department's delivery log (送达记录), newest first, 50 a page; addresses masked"""
        return numbered_page(
            paginate(notice_queries.deliveries_query(), page=query["page"], per_page=50, make=only_column)
        )
