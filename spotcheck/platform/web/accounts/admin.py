"""Administration pages: users of my department and its 负责人/联络员; departments of the platform and,
for the platform administrator, each department's administrators (添加、重置密码、停用、启用)."""

from collections.abc import Mapping

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core.policy import ROLES_BY_TENANT_KIND
from spotcheck.platform import identity_platform
from spotcheck.platform.identity_platform import STAFF
from spotcheck.platform.permissions import Permission, acting_user as _me, requires
from spotcheck.platform.web.forms import (
    BAD_INPUT,
    REFUSED,
    WITH_FORBIDDEN,
    EmptyForm,
    LinkCodeForm,
    TenantForm,
    UserEditForm,
    UserForm,
    attempt,
    perform,
    role_choices,
)
from spotcheck.tenants.accounts import commands as accounts, queries as account_queries
from spotcheck.tenants.accounts.policy import USER_ACTIONS
from spotcheck.tenants.accounts.queries import User
from spotcheck.tenants.contacts import commands as contact_commands, queries as contacts, vocabulary as contact_words
from spotcheck.tenants.regions import queries as region_queries

bp = Blueprint("admin", __name__)


def _my_role_choices() -> list[tuple[str, str]]:
    return role_choices(ROLES_BY_TENANT_KIND[current_user.tenant.kind.value])


@bp.route("/admin/users")
@requires(Permission.USERS_MANAGE)
def users() -> ResponseReturnValue:
    return render_template("accounts/users.html", users=account_queries.list_users())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@requires(Permission.USERS_MANAGE)
def new_user() -> ResponseReturnValue:
    form = UserForm()
    form.roles.choices = _my_role_choices()
    if form.validate_on_submit():
        created = attempt(
            accounts.create_user,
            {
                "login": form.login.data,
                "display_name": form.display_name.data,
                "password": form.password.data,
                "roles": form.roles.data,
            },
            actor=_me(),
            refusals=BAD_INPUT,
        )
        if created.ok:
            flash(_("User %(login)s created.", login=created.result.login), "success")
            return redirect(url_for("admin.users"))
        created.show_on(form)
    return render_template("accounts/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.USERS_MANAGE)
def edit_user(user_id: int) -> ResponseReturnValue:
    user = account_queries.get_user(user_id)
    form = UserEditForm(obj=user)
    form.roles.choices = _my_role_choices()
    if form.validate_on_submit():
        saved = attempt(
            accounts.update_user,
            user_id,
            {"display_name": form.display_name.data, "roles": form.roles.data, "active": form.active.data},
            actor=_me(),
            refusals=BAD_INPUT,
        )
        if saved.ok:
            flash(_("Changes to %(login)s saved.", login=user.login), "success")
            return redirect(url_for("admin.users"))
        user = account_queries.get_user(user_id)
        saved.show_on(form)
    return _user_page(user, form)


def _user_page(
    user: User, form: UserEditForm, link_form: LinkCodeForm | None = None, status: int = 200
) -> ResponseReturnValue:
    return (
        render_template(
            "accounts/user_form.html",
            form=form,
            user=user,
            unlock_form=EmptyForm(),
            link_form=link_form or LinkCodeForm(formdata=None),
            identity_links=account_queries.identity_links(user),
            identity_platform=identity_platform.provider(STAFF) is not None,
            actions=USER_ACTIONS.allowed(user, _me()),
        ),
        status,
    )


@bp.route("/admin/users/<int:user_id>/identity", methods=["POST"])
@requires(Permission.USERS_MANAGE)
def link_identity(user_id: int) -> ResponseReturnValue:
    """Link the account of the identity platform whose link code the person handed over (关联统一身份认证账号)."""
    user = account_queries.get_user(user_id)
    link_form = LinkCodeForm()
    if link_form.validate_on_submit():
        linked = attempt(
            accounts.link_identity, user_id, {"code": link_form.code.data}, actor=_me(), refusals=WITH_FORBIDDEN
        )
        if linked.ok:
            flash(_("The account of the identity platform is linked to %(login)s.", login=user.login), "success")
            return redirect(url_for("admin.edit_user", user_id=user_id))
        linked.show_on(link_form)
        if not linked.invalid:
            linked.flash_refusal()
    form = UserEditForm(obj=user, formdata=None)
    form.roles.choices = _my_role_choices()
    return _user_page(user, form, link_form, 422)


@bp.route("/admin/users/<int:user_id>/account-code", methods=["POST"])
@requires(Permission.USERS_MANAGE)
def issue_account_code(user_id: int) -> ResponseReturnValue:
    """Give a user not yet linked a new account link code (账号关联码): the person signs in through the identity
    platform and enters it. Shown once, on the page this answers (any earlier unused code of the user spent)."""
    user = account_queries.get_user(user_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.edit_user", user_id=user_id))
    issued = attempt(accounts.issue_account_code, user_id, actor=_me(), refusals=WITH_FORBIDDEN)
    if not issued.ok:
        issued.flash_refusal()
        return redirect(url_for("admin.edit_user", user_id=user_id))
    page = render_template("accounts/account_code.html", user=user, issued=issued.result)
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/admin/users/<int:user_id>/unlock", methods=["POST"])
@requires(Permission.USERS_MANAGE)
def unlock_user(user_id: int) -> ResponseReturnValue:
    user = account_queries.get_user(user_id)
    if EmptyForm().validate_on_submit():
        perform(accounts.unlock_user, user_id, actor=_me(), done=_("%(login)s can sign in again.", login=user.login))
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/admin/users/<int:user_id>/second-factor", methods=["POST"])
@requires(Permission.USERS_MANAGE)
def reset_second_factor(user_id: int) -> ResponseReturnValue:
    """Take a user's second factor away (重置两步验证): a lost phone and lost recovery codes."""
    user = account_queries.get_user(user_id)
    if EmptyForm().validate_on_submit():
        perform(
            accounts.reset_user_second_factor,
            user_id,
            actor=_me(),
            done=_("The second factor of %(login)s is reset: their sessions and API tokens ended.", login=user.login),
        )
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/admin/contacts", methods=["GET", "POST"])
@requires(Permission.CONTACTS_MANAGE)
def contacts_form() -> ResponseReturnValue:
    """The department's 负责人 and 联络员 of 双随机、一公开 (seed 003 附件5), kept by its administrator."""
    errors: Mapping[str, list[str]] = {}
    values: Mapping[str, str] = {}
    status = 200
    if request.method == "POST" and EmptyForm().validate_on_submit():
        data = {
            role: {key: request.form.get(f"{role}.{key}", "") for key in contact_words.FIELDS}
            for role in contact_words.ROLES
        }
        saved = attempt(contact_commands.save, data, actor=_me(), refusals=BAD_INPUT)
        if saved.invalid:
            errors, values, status = saved.errors, request.form, 422
        else:
            flash(_("The responsible person and the liaison are saved."), "success")
            return redirect(url_for("admin.contacts_form"))
    body = render_template(
        "supervision/contacts_form.html",
        contacts=contacts.own(),
        roles=contact_words.ROLES,
        errors=errors,
        values=values,
        form=EmptyForm(),
    )
    return body, status, {"Cache-Control": "private, no-store"}


@bp.route("/platform/tenants")
@requires(Permission.TENANTS_MANAGE)
def tenants() -> ResponseReturnValue:
    return render_template("accounts/tenants.html", tenants=account_queries.list_tenants())


@bp.route("/platform/tenants/new", methods=["GET", "POST"])
@requires(Permission.TENANTS_MANAGE)
def new_tenant() -> ResponseReturnValue:
    form = TenantForm()
    if form.validate_on_submit():
        created = attempt(
            accounts.create_department,
            {
                "code": form.code.data,
                "name": form.name.data,
                "kind": form.kind.data,
                "region": form.region.data,
                "short_name": form.short_name.data,
                "admin": {
                    "login": form.admin_login.data,
                    "display_name": form.admin_name.data,
                    "password": form.admin_password.data,
                },
            },
            actor=_me(),
            refusals=BAD_INPUT,
        )
        if created.ok:
            tenant = created.result
            flash(_("Department %(name)s created.", name=tenant.name), "success")
            return redirect(url_for("admin.tenant", tenant_id=tenant.id))
        created.show_on(form)
    return render_template("accounts/tenant_form.html", form=form, regions=region_queries.tree())


def _admin_form() -> UserForm:
    form = UserForm()
    form.roles.choices = []  # always 部门管理员: the command sets the role
    return form


def _department_page(
    tenant_id: int, form: UserForm | None = None, status: int = 200
) -> tuple[str, int, dict[str, str]]:
    people = account_queries.department_people(tenant_id, reader=_me())
    body = render_template(
        "accounts/tenant_detail.html",
        people=people,
        tenant=people.tenant,
        form=form or _admin_form(),
        button=EmptyForm(),
    )
    return body, status, {"Cache-Control": "private, no-store"}


@bp.route("/platform/tenants/<int:tenant_id>")
@requires(Permission.TENANTS_MANAGE)
def tenant(tenant_id: int) -> ResponseReturnValue:
    """A department: its administrators, with what the platform administrator may do to each, and
    its other users (read only)."""
    return _department_page(tenant_id)


@bp.post("/platform/tenants/<int:tenant_id>/admins")
@requires(Permission.TENANTS_MANAGE)
def new_department_admin(tenant_id: int) -> ResponseReturnValue:
    form = _admin_form()
    if form.validate_on_submit():
        added = attempt(
            accounts.create_department_admin,
            tenant_id,
            {"login": form.login.data, "display_name": form.display_name.data, "password": form.password.data},
            actor=_me(),
            refusals=BAD_INPUT,
        )
        if added.invalid:
            added.show_on(form)
            return _department_page(tenant_id, form, 422)
        flash(_("Administrator %(login)s added.", login=added.result.login), "success")
    return redirect(url_for("admin.tenant", tenant_id=tenant_id))


@bp.post("/platform/tenants/<int:tenant_id>/admins/<int:user_id>/password")
@requires(Permission.TENANTS_MANAGE)
def reset_department_admin_password(tenant_id: int, user_id: int) -> ResponseReturnValue:
    """A temporary password, shown on this page once (never flashed into the session cookie, never
    stored in clear)."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("admin.tenant", tenant_id=tenant_id))
    result = perform(accounts.reset_admin_password, tenant_id, user_id, actor=_me(), done=None)
    if result is REFUSED:
        return redirect(url_for("admin.tenant", tenant_id=tenant_id))
    user, password = result
    body = render_template(
        "accounts/tenant_password.html", tenant=account_queries.get_tenant(tenant_id), user=user, password=password
    )
    return body, 200, {"Cache-Control": "no-store", "Pragma": "no-cache"}


@bp.post("/platform/tenants/<int:tenant_id>/admins/<int:user_id>/second-factor")
@requires(Permission.TENANTS_MANAGE)
def reset_department_admin_second_factor(tenant_id: int, user_id: int) -> ResponseReturnValue:
    """Take a department administrator's second factor away (a lost phone): their sessions end."""
    if EmptyForm().validate_on_submit():
        perform(accounts.reset_admin_second_factor, tenant_id, user_id, actor=_me(), done=_second_factor_reset)
    return redirect(url_for("admin.tenant", tenant_id=tenant_id))


def _second_factor_reset(user: User) -> str:
    return _("The second factor of %(login)s is reset: their sessions have ended.", login=user.login)


@bp.post("/platform/tenants/<int:tenant_id>/admins/<int:user_id>/<any(disable, enable):change>")
@requires(Permission.TENANTS_MANAGE)
def set_department_admin_active(tenant_id: int, user_id: int, change: str) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        active = change == "enable"
        perform(
            accounts.set_admin_active,
            tenant_id,
            user_id,
            {"active": active},
            actor=_me(),
            done=_admin_enabled if active else _admin_disabled,
        )
    return redirect(url_for("admin.tenant", tenant_id=tenant_id))


def _admin_enabled(user: User) -> str:
    return _("%(login)s can sign in again.", login=user.login)


def _admin_disabled(user: User) -> str:
    return _("%(login)s is disabled: their sessions and API tokens have ended.", login=user.login)
