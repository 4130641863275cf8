"""Personal API tokens (个人访问令牌)."""

from __future__ import annotations

from typing import Any

from flask import g, session
from flask.views import MethodView
from flask_login import current_user

from spotcheck.platform.api.accounts.schemas import NewTokenSchema, TokenSchema
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.session import SESSION_KEY
from spotcheck.tenants.accounts import commands as accounts, queries as account_queries
from spotcheck.tenants.accounts.queries import ApiToken

PREFIX = "/tokens"
blp = Blueprint("Tokens", __name__, description="My personal API tokens")


@blp.route("")
class Tokens(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, TokenSchema(many=True))
    def get(self) -> list[ApiToken]:
        """List my tokens (secrets are never shown again)"""
        return account_queries.list_tokens(current_user)

    @requires(Permission.SIGNED_IN)
    @blp.arguments(TokenSchema)
    @blp.response(201, NewTokenSchema)
    def post(self, data: dict[str, Any]) -> dict[str, object]:
        """Create a token; the answer holds its secret, shown this once (an administrator: in a browser session where
        the second factor was given)"""
        session_key = None if g.get("authenticated_by_token") else session.get(SESSION_KEY)
        token, secret = accounts.issue_token(
            {"name": data["name"], "session_key": session_key}, actor=current_user._get_current_object()
        )
        return {"token": secret, **{name: getattr(token, name) for name in TokenSchema().fields}}


@blp.route("/<int:token_id>")
class TokenById(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(204)
    def delete(self, token_id: int) -> None:
        """Revoke one of my tokens"""
        accounts.revoke_token(token_id, actor=current_user._get_current_object())
