"""The signed-in user (当前用户)."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from spotcheck.platform.api.accounts.schemas import MeSchema
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.accounts.queries import User

PREFIX = "/me"
blp = Blueprint("Me", __name__, description="The signed-in user")


@blp.route("")
class Me(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, MeSchema)
    def get(self) -> User:
        """Who I am: my department, roles and permissions"""
        return current_user._get_current_object()
