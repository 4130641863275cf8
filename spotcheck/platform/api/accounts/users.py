"""Users of my department (本部门用户): the tenant administrator's API."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_login import current_user

from spotcheck.platform.api.accounts.schemas import UserCreateSchema, UserSchema, UserUpdateSchema
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.accounts import commands as accounts, queries as account_queries
from spotcheck.tenants.accounts.queries import User

PREFIX = "/users"
blp = Blueprint("Users", __name__, description="Users of my department (tenant administrator)")


@blp.route("")
class Users(MethodView):
    @requires(Permission.USERS_MANAGE)
    @blp.response(200, UserSchema(many=True))
    def get(self) -> list[User]:
        """List the users of my department"""
        return account_queries.list_users()

    @requires(Permission.USERS_MANAGE)
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, data: dict[str, Any]) -> User:
        """Create a user in my department"""
        return accounts.create_user(data, actor=current_user._get_current_object())


@blp.route("/<int:user_id>")
class UserById(MethodView):
    @requires(Permission.USERS_MANAGE)
    @blp.response(200, UserSchema)
    def get(self, user_id: int) -> User:
        """One user of my department"""
        return account_queries.get_user(user_id)

    @requires(Permission.USERS_MANAGE)
    @blp.arguments(UserUpdateSchema, changes=True)
    @blp.response(200, UserSchema)
    def patch(self, data: dict[str, Any], user_id: int) -> User:
        """Change a user's name, roles or active flag, or clear a lockout"""
        return accounts.update_user(user_id, data, actor=current_user._get_current_object())
