"""The inspector directory pages (执法检查人员名录库) and recusals (回避).

ID numbers are shown masked to everyone; the department administrator may reveal one number on
the detail page (a POST, audited by the service, never cached).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, flash, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core.clock import today
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import has_permission
from spotcheck.core.scoping import current_tenant_id
from spotcheck.core.text import whole_number, whole_numbers
from spotcheck.platform import identity_platform
from spotcheck.platform.identity_platform import STAFF
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import BAD_INPUT, REFUSED, EmptyForm, attempt, perform, search_text
from spotcheck.platform.web.inspectors.forms import InspectorForm, RecusalForm
from spotcheck.tenants.common.queries import NumberedPage
from spotcheck.tenants.inspectors import commands, queries
from spotcheck.tenants.inspectors.policy import INSPECTOR_ACTIONS
from spotcheck.tenants.inspectors.queries import Inspector
from spotcheck.tenants.results import commands as results
from spotcheck.tenants.results.queries import inspectors as inspector_links
from spotcheck.tenants.rules import queries as rules_queries

#: Inspectors per page of the directory.
PER_PAGE = 50

bp = Blueprint("inspector_pages", __name__, url_prefix="/catalog/inspectors")


@bp.context_processor
def _helpers() -> dict[str, Callable[[Inspector], str]]:
    day = today()
    return {
        "cert_state": lambda inspector: queries.certificate_state(inspector, day),
    }


_SHOW = ("all", "inspectors", "experts")


@bp.route("")
@requires(Permission.CATALOG_VIEW)
def index() -> ResponseReturnValue:
    """名录库: inspectors and experts, paged, searchable by name or certificate number. With
    ``show=all`` the experts' first page follows the inspectors' page."""
    show = request.args.get("show", "all")
    show = show if show in _SHOW else "all"
    active_only = request.args.get("active") == "1"
    search = search_text()
    number = whole_number(request.args.get("page", "1"), digits=6) or 0

    def page_of(experts: bool, page: int) -> NumberedPage:
        return queries.inspector_page(
            active_only=active_only, experts=experts, search=search, page=page, per_page=PER_PAGE
        )

    inspectors = page_of(False, number) if show in ("all", "inspectors") else None
    experts = page_of(True, number if show == "experts" else 1) if show in ("all", "experts") else None
    # the ticked inspectors (批量开通账号), carried across the pages and searches: ``sel=1,2,3``
    chosen = [
        inspector
        for inspector in queries.selected(whole_numbers(request.args.get("sel", "").split(",")))
        if inspector.active and not inspector.user_id
    ]
    selection = ",".join(str(inspector.id) for inspector in chosen)
    args = {"show": show, "active": "1" if active_only else None, "q": search or None, "sel": selection or None}
    return render_template(
        "inspectors/list.html",
        inspectors=inspectors,
        experts=experts,
        show=show,
        active_only=active_only,
        search=search,
        args=args,
        chosen=chosen,
        selection=selection,
        accounts_form=EmptyForm() if has_permission(current_user, Permission.USERS_MANAGE) else None,
        accounts_by_code=identity_platform.provider(STAFF) is not None,
    )


@bp.route("/accounts", methods=["POST"])
@requires(Permission.USERS_MANAGE)
def create_accounts() -> ResponseReturnValue:
    """批量开通账号: the accounts of the inspectors ticked on the list, all or nothing; the answer is the
    hand-out sheet (账号交接单) with each one-time password (or, where the identity platform signs the staff in,
    each account link code), shown this once, never cached nor kept."""
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("inspector_pages.index"))
    issued = perform(
        results.create_inspector_accounts,
        whole_numbers(request.form.getlist("ids")),
        actor=current_user._get_current_object(),
        done=None,
    )
    if issued is REFUSED:
        return redirect(url_for("inspector_pages.index"))
    response = make_response(
        render_template("inspectors/accounts.html", issued=issued, department=current_user.tenant.full_name)
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _detail(
    inspector: Inspector, *, recusal_form: RecusalForm | None = None, full_id_number: str | None = None
) -> Response:
    response = make_response(
        render_template(
            "inspectors/detail.html",
            inspector=inspector,
            recusals=queries.list_recusals(inspector),
            recusal_form=recusal_form or RecusalForm(),
            button_form=EmptyForm(),
            full_id_number=full_id_number,
            warnings=queries.entry_warnings(inspector),
            actions=INSPECTOR_ACTIONS.allowed(inspector, current_user._get_current_object()),
            linked_user=inspector_links.linked_user(inspector),
            link_choices=inspector_links.linkable_users(inspector)
            if has_permission(current_user, Permission.USERS_MANAGE)
            else [],
        )
    )
    if full_id_number is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:inspector_id>")
@requires(Permission.CATALOG_VIEW)
def detail(inspector_id: int) -> ResponseReturnValue:
    return _detail(queries.get_inspector(inspector_id))


@bp.route("/<int:inspector_id>/id-number", methods=["POST"])
@requires(Permission.INSPECTORS_PERSONAL_DATA)
def reveal_id_number(inspector_id: int) -> ResponseReturnValue:
    """Show the full ID number on this one answer (the service records the viewing)."""
    inspector = queries.get_inspector(inspector_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("inspector_pages.detail", inspector_id=inspector_id))
    full = commands.id_number_of(inspector.id, actor=current_user._get_current_object())
    return _detail(inspector, full_id_number=full)


def _post_rule() -> str | None:
    """Where the department's rules in force require every inspector's post (岗位职务), the document that
    does (the form marks the field before anyone is refused); ``None`` where they leave it open."""
    rules = rules_queries.in_force(current_tenant_id())
    return (rules.cite("inspector_post_required") or "") if rules.inspector_post_required else None


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.CATALOG_MANAGE)
def new() -> ResponseReturnValue:
    form = InspectorForm()
    if form.validate_on_submit():
        created = attempt(
            commands.create_inspector, form.service_data(), actor=current_user._get_current_object(), refusals=BAD_INPUT
        )
        if created.ok:
            inspector = created.result
            flash(_("Inspector %(name)s added.", name=inspector.name), "success")
            return redirect(url_for("inspector_pages.detail", inspector_id=inspector.id))
        created.show_on(form)
    return render_template("inspectors/form.html", form=form, inspector=None, post_rule=_post_rule())


@bp.route("/<int:inspector_id>/edit", methods=["GET", "POST"])
@requires(Permission.CATALOG_MANAGE)
def edit(inspector_id: int) -> ResponseReturnValue:
    inspector = queries.get_inspector(inspector_id)
    form = InspectorForm(obj=inspector)
    if request.method == "GET":
        form.id_number.data = ""  # never put the stored number into the page
    if form.validate_on_submit():
        saved = attempt(
            commands.update_inspector,
            inspector.id,
            form.service_data(),
            actor=current_user._get_current_object(),
            refusals=BAD_INPUT,
        )
        if saved.ok:
            flash(_("Changes to %(name)s saved.", name=inspector.name), "success")
            return redirect(url_for("inspector_pages.detail", inspector_id=inspector.id))
        inspector = queries.get_inspector(inspector_id)
        saved.show_on(form)
    return render_template(
        "inspectors/form.html",
        form=form,
        inspector=inspector,
        post_rule=_post_rule(),
        warnings=queries.entry_warnings(inspector),
    )


@bp.route("/<int:inspector_id>/recusals", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def declare_recusal(inspector_id: int) -> ResponseReturnValue:
    inspector = queries.get_inspector(inspector_id)
    form = RecusalForm()
    if form.validate_on_submit():
        declared = attempt(
            commands.declare_recusal,
            inspector.id,
            {"entity_code": form.entity_code.data, "reason": form.reason.data},
            actor=current_user._get_current_object(),
            refusals=BAD_INPUT,
        )
        if declared.ok:
            flash(_("Recusal from %(entity)s recorded.", entity=declared.result.entity.name), "success")
            return redirect(url_for("inspector_pages.detail", inspector_id=inspector_id) + "#recusals")
        inspector = queries.get_inspector(inspector_id)
        declared.show_on(form)
    return _detail(inspector, recusal_form=form)


@bp.route("/<int:inspector_id>/recusals/<int:recusal_id>/withdraw", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def withdraw_recusal(inspector_id: int, recusal_id: int) -> ResponseReturnValue:
    inspector = queries.get_inspector(inspector_id)
    if EmptyForm().validate_on_submit():
        if not any(r.id == recusal_id for r in queries.list_recusals(inspector)):
            raise NotFoundError(_("No such recusal."))
        perform(
            commands.withdraw_recusal,
            recusal_id,
            actor=current_user._get_current_object(),
            done=_("Recusal withdrawn."),
        )
    return redirect(url_for("inspector_pages.detail", inspector_id=inspector_id) + "#recusals")


@bp.route("/<int:inspector_id>/account", methods=["POST"])
@requires(Permission.USERS_MANAGE)
def link_account(inspector_id: int) -> ResponseReturnValue:
    """Link the inspector to their user account (or unlink it), so they see their visits."""
    inspector = queries.get_inspector(inspector_id)
    if EmptyForm().validate_on_submit():
        value = request.form.get("user_id", "")
        user_id = whole_number(value)
        if value and user_id is None:
            flash(_("No such user in this department."), "error")
        else:
            perform(
                results.link_inspector,
                inspector.id,
                {"user_id": user_id, "other_name": request.form.get("other_name") == "1"},
                actor=current_user._get_current_object(),
                done=_("The inspector's account is linked.") if user_id else _("The inspector's account is unlinked."),
            )
    return redirect(url_for("inspector_pages.detail", inspector_id=inspector_id) + "#account")
