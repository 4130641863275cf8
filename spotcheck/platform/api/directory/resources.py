"""The entity registry and the target directory (检查对象名录库).

``/registry``: the market-entity registry shared by the deployment; every department may search
it, only the lead department (市场监管局) changes it. ``/directory``: my department's target
directory, entries pointing into the registry. Lists are keyset-paged: pass the ``next_after``
of one page as ``after`` to get the next one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask.views import MethodView
from flask_login import current_user

from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.directory.schemas import (
    DirectoryPageSchema,
    DirectoryQuerySchema,
    EntityInputSchema,
    EntitySchema,
    EntityUpdateSchema,
    EntryCreateSchema,
    EntrySchema,
    EntryUpdateSchema,
    RegistryPageSchema,
    RegistryQuerySchema,
)
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.directory import commands, queries
from spotcheck.tenants.directory.policy import require_registry_keeper

PREFIX = ""
blp = Blueprint("Directory", __name__, description="The entity registry and the target directory (检查对象名录库).")

_PAGING = ("after", "limit")


def _filters(args: Mapping[str, Any]) -> queries.Filters:
    return queries.Filters(**{key: value for key, value in args.items() if key not in _PAGING})


@blp.route("/registry")
class Registry(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.arguments(RegistryQuerySchema, location="query")
    @blp.response(200, RegistryPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, object]:
        """Search the entity registry (keyset-paged by id)"""
        page = queries.search_registry(_filters(args), after=args["after"], limit=args["limit"])
        return {"items": page.rows, "next_after": page.next_after}

    @requires(Permission.REGISTRY_MANAGE)
    @blp.arguments(EntityInputSchema)
    @blp.response(201, EntitySchema)
    def post(self, data: dict[str, Any]) -> queries.Entity:
        """Add an entity to the registry (market-regulation bureau only)"""
        entity = commands.create_entity(data, actor=current_user)
        return entity


@blp.route("/registry/<int:entity_id>")
class RegistryEntity(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(200, EntitySchema)
    def get(self, entity_id: int) -> queries.Entity:
        """One registry entity"""
        return queries.get_entity(entity_id)

    @requires(Permission.REGISTRY_MANAGE)
    @blp.arguments(EntityUpdateSchema(partial=True), changes=True)
    @blp.response(200, EntitySchema)
    def patch(self, data: dict[str, Any], entity_id: int) -> queries.Entity:
        """Change a registry entity (market-regulation bureau only); only the fields sent change"""
        require_registry_keeper(current_user)
        entity = commands.update_entity(queries.get_entity(entity_id).id, data, actor=current_user)
        return entity


@blp.route("/directory")
class Directory(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.arguments(DirectoryQuerySchema, location="query")
    @blp.response(200, DirectoryPageSchema)
    def get(self, args: dict[str, Any]) -> dict[str, object]:
        """Search my department's target directory (keyset-paged by entry id)"""
        page = queries.search_directory(_filters(args), after=args["after"], limit=args["limit"])
        return {"items": page.rows, "next_after": page.next_after}

    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(EntryCreateSchema)
    @blp.response(201, EntrySchema)
    def post(self, data: dict[str, Any]) -> queries.DirectoryEntry:
        """Add a registry entity to my department's directory, with my category, risk class and tags"""
        entry = commands.add_entry(data, actor=current_user)
        return entry


@blp.route("/directory/<int:entry_id>")
class DirectoryEntry(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(200, EntrySchema)
    def get(self, entry_id: int) -> queries.DirectoryEntry:
        """One entry of my department's directory"""
        return queries.get_entry(entry_id)

    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(EntryUpdateSchema(partial=True), changes=True)
    @blp.response(200, EntrySchema)
    def patch(self, data: dict[str, Any], entry_id: int) -> queries.DirectoryEntry:
        """Change my category, risk class, tags or last-inspected date of an entry"""
        entry = commands.update_entry(queries.get_entry(entry_id).id, data, actor=current_user)
        return entry

    @requires(Permission.CATALOG_MANAGE)
    @blp.response(204)
    def delete(self, entry_id: int) -> None:
        """Remove an entry from my department's directory (the registry entity stays)"""
        commands.remove_entry(queries.get_entry(entry_id).id, actor=current_user)
