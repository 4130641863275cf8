"""The regions (区划): the tree, for anyone signed in, and loading a tree file (the platform administrator): all or
nothing, each bad line named (``line.N``) in a 422."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.regions.schemas import LoadedSchema, RegionSchema, TreeFileSchema
from spotcheck.platform.permissions import Permission, acting_user, requires
from spotcheck.tenants.regions import commands, queries
from spotcheck.tenants.regions.commands import Loaded
from spotcheck.tenants.regions.queries import RegionRow

PREFIX = "/regions"
blp = Blueprint("Regions", __name__, description="The regions (区划): provinces, cities, counties and towns, one tree.")


@blp.route("")
class Regions(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, RegionSchema(many=True))
    def get(self) -> list[RegionRow]:
        """The tree, from the root down (each region followed by those below it)"""
        return queries.tree()

    @requires(Permission.REGIONS_MANAGE)
    @blp.arguments(TreeFileSchema)
    @blp.response(200, LoadedSchema)
    def post(self, data: dict[str, Any]) -> Loaded:
        """Load a tree file: add the regions the tree lacks, rename and move those it changes, delete none"""
        return commands.load_tree({"text": data["text"], "file_name": "api"}, actor=acting_user())
