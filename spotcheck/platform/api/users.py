"""Users of my department (本部门用户): the tenant administrator's API."""
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from spotcheck.platform.api.schemas import UserCreateSchema, UserSchema, UserUpdateSchema
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants import services

PREFIX = "/users"
blp = Blueprint("Users", __name__, description="Users of my department (tenant administrator)")


@blp.route("")
class Users(MethodView):
    @requires(Permission.USERS_MANAGE)
    @blp.response(200, UserSchema(many=True))
    def get(self):
        """List the users of my department"""
        return services.list_users()

    @requires(Permission.USERS_MANAGE)
    @blp.arguments(UserCreateSchema)
    @blp.response(201, UserSchema)
    def post(self, data):
        """Create a user in my department"""
        return services.create_user(actor=current_user._get_current_object(), **data)


@blp.route("/<int:user_id>")
class UserById(MethodView):
    @requires(Permission.USERS_MANAGE)
    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One user of my department"""
        return services.get_user(user_id)

    @requires(Permission.USERS_MANAGE)
    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, data, user_id):
        """Change a user's name, roles or active flag, or clear a lockout"""
        user, actor = services.get_user(user_id), current_user._get_current_object()
        return services.update_user(user, actor=actor, **data)
