"""A business person's own access tokens (访问令牌), for a city's app: listed, issued (the secret answered once)
and revoked — with the business's session or one of its tokens. A staff user is refused."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.businesses.schemas import BusinessTokenSchema, NewBusinessTokenSchema
from spotcheck.platform.permissions import Permission, acting_user, requires
from spotcheck.tenants.businesses import commands as businesses, queries as business_queries

PREFIX = "/business/tokens"
blp = Blueprint("Business tokens", __name__, description="A business person's own access tokens (访问令牌)")


@blp.route("")
class Tokens(MethodView):
    @requires(Permission.BUSINESS_SIGNED_IN)
    @blp.response(200, BusinessTokenSchema(many=True))
    def get(self) -> list[Any]:
        """List my tokens, revoked ones too (secrets are never shown again)"""
        return business_queries.own_tokens(reader=acting_user())

    @requires(Permission.BUSINESS_SIGNED_IN)
    @blp.arguments(BusinessTokenSchema)
    @blp.response(201, NewBusinessTokenSchema)
    def post(self, data: dict[str, Any]) -> dict[str, object]:
        """Create a token; the answer holds its secret, shown this once"""
        token, secret = businesses.issue_token({"name": data["name"]}, actor=acting_user())
        return {"token": secret, **{name: getattr(token, name) for name in BusinessTokenSchema().fields}}


@blp.route("/<int:token_id>")
class TokenById(MethodView):
    @requires(Permission.BUSINESS_SIGNED_IN)
    @blp.response(204)
    def delete(self, token_id: int) -> None:
        """Revoke one of my tokens, for good (another person's token: 404)"""
        businesses.revoke_token(token_id, actor=acting_user())
