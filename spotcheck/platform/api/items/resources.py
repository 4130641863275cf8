"""The item list (一单)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user

from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.items.schemas import (
    ItemCoverageSchema,
    ItemCreateSchema,
    ItemListArgsSchema,
    ItemRetireSchema,
    ItemSchema,
    ItemUpdateSchema,
    ItemVersionSchema,
)
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.items import commands, queries

PREFIX = "/items"
blp = Blueprint("Items", __name__, description="The item list (一单).")


@blp.route("")
class Items(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.arguments(ItemListArgsSchema, location="query")
    @blp.response(200, ItemSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[queries.Item]:
        """List my department's items, optionally by status"""
        return queries.list_items(args.get("status"))

    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(ItemCreateSchema)
    @blp.response(201, ItemSchema)
    def post(self, data: dict[str, Any]) -> queries.Item:
        """Create an item as a draft (not public until published)"""
        item = commands.create_item(data, actor=current_user)
        return item


@blp.route("/coverage")
class Coverage(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(200, ItemCoverageSchema(many=True))
    def get(self) -> list[queries.Coverage]:
        """Share of published items under random checking per field, against the 70 % / 50 % goals"""
        return queries.coverage()


@blp.route("/<int:item_id>")
class ItemById(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(200, ItemSchema)
    def get(self, item_id: int) -> queries.Item:
        """One item of my department"""
        return queries.get_item(item_id)

    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(ItemUpdateSchema, changes=True)
    @blp.response(200, ItemSchema)
    def patch(self, data: dict[str, Any], item_id: int) -> queries.Item:
        """Change an item: a draft in place; a published item needs a `reason` and gets a new version"""
        item = queries.get_item(item_id)
        reason = data.pop("reason", "")
        commands.update_item(item.id, {**data, "reason": reason}, actor=current_user)
        return item


@blp.route("/<int:item_id>/publish")
class ItemPublish(MethodView):
    @requires(Permission.CATALOG_MANAGE)
    @blp.response(200, ItemSchema)
    def post(self, item_id: int) -> queries.Item:
        """Publish a draft (records version 1)"""
        item = commands.publish_item(queries.get_item(item_id).id, actor=current_user)
        return item


@blp.route("/<int:item_id>/retire")
class ItemRetire(MethodView):
    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(ItemRetireSchema)
    @blp.response(200, ItemSchema)
    def post(self, data: dict[str, Any], item_id: int) -> queries.Item:
        """Retire a published item, with the reason (records a new version)"""
        item = commands.retire_item(queries.get_item(item_id).id, {"reason": data["reason"]}, actor=current_user)
        return item


@blp.route("/<int:item_id>/versions")
class ItemVersions(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(200, ItemVersionSchema(many=True))
    def get(self, item_id: int) -> list[queries.ItemVersion]:
        """The recorded versions of an item, newest first"""
        return queries.versions(queries.get_item(item_id))


@blp.route("/<int:item_id>/versions/<int:number>")
class ItemVersion(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(200, ItemVersionSchema)
    def get(self, item_id: int, number: int) -> queries.ItemVersion:
        """One recorded version of an item (old versions stay readable)"""
        return queries.get_version(queries.get_item(item_id), number)
