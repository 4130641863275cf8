"""Administration pages: users of my department and its 负责人/联络员; departments of the platform."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core.errors import ValidationFailed
from spotcheck.core.policy import ROLES_BY_TENANT_KIND
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import (
    EmptyForm, TenantForm, UserEditForm, UserForm, apply_service_errors, perform, role_choices,
)
from spotcheck.tenants import services
from spotcheck.tenants.contacts import commands as contact_commands, queries as contacts, vocabulary as contact_words

bp = Blueprint("admin", __name__)


def _me():
    return current_user._get_current_object()


def _my_role_choices():
    return role_choices(ROLES_BY_TENANT_KIND[current_user.tenant.kind.value])


@bp.route("/admin/users")
@requires(Permission.USERS_MANAGE)
def users():
    return render_template("users.html", users=services.list_users())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@requires(Permission.USERS_MANAGE)
def new_user():
    form = UserForm()
    form.roles.choices = _my_role_choices()
    if form.validate_on_submit():
        try:
            user = services.create_user(login=form.login.data, display_name=form.display_name.data,
                                        password=form.password.data, roles=form.roles.data, actor=_me())
        except ValidationFailed as failed:
            apply_service_errors(form, failed.errors)
        else:
            flash(_("User %(login)s created.", login=user.login), "success")
            return redirect(url_for("admin.users"))
    return render_template("user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.USERS_MANAGE)
def edit_user(user_id):
    user = services.get_user(user_id)
    form = UserEditForm(obj=user)
    form.roles.choices = _my_role_choices()
    if form.validate_on_submit():
        try:
            services.update_user(user, display_name=form.display_name.data, roles=form.roles.data,
                                 active=form.active.data, actor=_me())
        except ValidationFailed as failed:
            user = services.get_user(user_id)
            apply_service_errors(form, failed.errors)
        else:
            flash(_("Changes to %(login)s saved.", login=user.login), "success")
            return redirect(url_for("admin.users"))
    return render_template("user_form.html", form=form, user=user, unlock_form=EmptyForm(),
                           actions=services.USER_ACTIONS.allowed(user, _me()))


@bp.route("/admin/users/<int:user_id>/unlock", methods=["POST"])
@requires(Permission.USERS_MANAGE)
def unlock_user(user_id):
    user = services.get_user(user_id)
    if EmptyForm().validate_on_submit():
        perform(lambda: services.unlock_user(user, actor=_me()), _("%(login)s can sign in again.", login=user.login))
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/admin/contacts", methods=["GET", "POST"])
@requires(Permission.CONTACTS_MANAGE)
def contacts_form():
    """The department's 负责人 and 联络员 of 双随机、一公开 (seed 003 附件5), kept by its administrator."""
    errors, values, status = {}, {}, 200
    if request.method == "POST" and EmptyForm().validate_on_submit():
        data = {role: {key: request.form.get(f"{role}.{key}", "") for key in contact_words.FIELDS} for role in contact_words.ROLES}
        try:
            contact_commands.save(data, actor=_me())
        except ValidationFailed as failed:
            errors, values, status = failed.errors, request.form, 422
        else:
            flash(_("The responsible person and the liaison are saved."), "success")
            return redirect(url_for("admin.contacts_form"))
    body = render_template("supervision/contacts_form.html", contacts=contacts.own(), roles=contact_words.ROLES,
                           errors=errors, values=values, form=EmptyForm())
    return body, status, {"Cache-Control": "private, no-store"}


@bp.route("/platform/tenants")
@requires(Permission.TENANTS_MANAGE)
def tenants():
    return render_template("tenants.html", tenants=services.list_tenants())


@bp.route("/platform/tenants/new", methods=["GET", "POST"])
@requires(Permission.TENANTS_MANAGE)
def new_tenant():
    form = TenantForm()
    if form.validate_on_submit():
        try:
            tenant = services.create_department(
                code=form.code.data, name=form.name.data, kind=form.kind.data, region_code=form.region_code.data,
                admin={"login": form.admin_login.data, "display_name": form.admin_name.data,
                       "password": form.admin_password.data}, actor=_me())
        except ValidationFailed as failed:
            apply_service_errors(form, failed.errors)
        else:
            flash(_("Department %(name)s created.", name=tenant.name), "success")
            return redirect(url_for("admin.tenants"))
    return render_template("tenant_form.html", form=form)
