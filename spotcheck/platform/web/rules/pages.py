"""The rules document pages (一细则): text, file, publication; and the department's rules in force
(本部门现行规则): every parameter with its value and where it comes from (the department's rules, the
rulebook, the national floor, a platform default), the versions of its rules (细则) — loaded by its
administrator from a file, pasted text or a preset —, their history, differences and files.

The file is served only through :func:`download`, which checks the permission and takes the
path from the service (a name the server chose), never from the request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core.errors import NotFoundError
from spotcheck.core.scoping import current_tenant_id
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import BAD_INPUT, EmptyForm, attempt
from spotcheck.platform.web.rules import versions as rule_versions
from spotcheck.platform.web.rules.forms import RulesFileForm, RulesTextForm
from spotcheck.tenants.accounts.queries import User
from spotcheck.tenants.rules import commands, queries
from spotcheck.tenants.rules.policy import DOCUMENT_ACTIONS

bp = Blueprint("rules_pages", __name__, url_prefix="/catalog/rules")
bp.context_processor(rule_versions.template_names)


def _page(*, text_form: RulesTextForm | None = None, file_form: RulesFileForm | None = None) -> str:
    document = queries.current_document()
    if text_form is None:
        text_form = RulesTextForm(obj=document) if document else RulesTextForm()
    return render_template(
        "rules/document.html",
        document=document,
        text_form=text_form,
        file_form=file_form or RulesFileForm(),
        publish_form=EmptyForm(),
        actions=DOCUMENT_ACTIONS.allowed(document, _actor()),
    )


def _actor() -> User:
    return current_user._get_current_object()


@bp.route("")
@requires(Permission.CATALOG_VIEW)
def index() -> ResponseReturnValue:
    return _page()


@bp.route("/text", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def save_text() -> ResponseReturnValue:
    form = RulesTextForm()
    if form.validate_on_submit():
        saved = attempt(
            commands.save_text, {"title": form.title.data, "body": form.body.data}, actor=_actor(), refusals=BAD_INPUT
        )
        if saved.ok:
            flash(_("The rules document has been saved."), "success")
            return redirect(url_for("rules_pages.index"))
        saved.show_on(form)
    return _page(text_form=form)


@bp.route("/file", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def upload() -> ResponseReturnValue:
    form = RulesFileForm()
    if form.validate_on_submit():
        upload = form.file.data
        attached = attempt(
            commands.attach_file,
            {"file_name": getattr(upload, "filename", "") or "", "stream": getattr(upload, "stream", None)},
            actor=_actor(),
            refusals=BAD_INPUT,
        )
        if attached.ok:
            flash(_("The file has been attached."), "success")
            return redirect(url_for("rules_pages.index"))
        attached.show_on(form)
    return _page(file_form=form)


@bp.route("/publish", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def publish() -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        commands.publish(actor=_actor())
        flash(_("The rules document is published."), "success")
    return redirect(url_for("rules_pages.index"))


@bp.route("/file", methods=["GET"])
@requires(Permission.CATALOG_VIEW)
def download() -> ResponseReturnValue:
    document = queries.current_document()
    if document is None:
        raise NotFoundError(_("There is no rules document yet."))
    return send_file(
        queries.file_path(document),
        mimetype=document.media_type,
        as_attachment=True,
        download_name=document.file_name,
        max_age=0,
    )


# --- the department's rules in force and their versions (本部门现行规则 · 细则版本) ----------------------

#: The pages the shared templates link to.
VIEWS = {
    "index": "rules_pages.in_force",
    "version": "rules_pages.version",
    "version_file": "rules_pages.version_file",
    "differences": "rules_pages.differences",
    "scope": "department",
}


def _in_force_page(errors: Mapping[str, Sequence[object]] | None = None, text: str | None = None) -> str:
    tenant_id = current_tenant_id()
    rules, version = queries.in_force(tenant_id), queries.in_force_version(tenant_id)
    return render_template(
        "rules/in_force.html",
        rules=rules,
        version=version,
        document=queries.document_of(version) if version is not None else None,
        rulebook=queries.nearest_rulebook(tenant_id),
        groups=queries.grouped_rows(rules),
        set_here=queries.set_by(rules, "department"),
        history=queries.scope_history(tenant_id),
        presets=queries.presets_of("department"),
        errors=rule_versions.named_errors(errors or {}),
        text=rule_versions.prefill("department", tenant_id) if text is None else text,
        form=EmptyForm(),
        views=VIEWS,
    )


@bp.get("/in-force")
@requires(Permission.CATALOG_VIEW)
def in_force() -> ResponseReturnValue:
    return _in_force_page()


@bp.post("/in-force")
@requires(Permission.DEPARTMENT_RULES_MANAGE)
def load() -> ResponseReturnValue:
    """Load a version of the department's rules (细则): refused whole, each bad key named beside the form."""
    return rule_versions.load(
        "department",
        current_tenant_id(),
        commands.load_department_rules,
        version_endpoint="rules_pages.version",
        page=_in_force_page,
    )


@bp.get("/versions/<int:version_id>")
@requires(Permission.CATALOG_VIEW)
def version(version_id: int) -> ResponseReturnValue:
    found = rule_versions.version_of(version_id, current_tenant_id())
    return render_template("rules/version.html", views=VIEWS, public=False, **rule_versions.version_context(found))


@bp.get("/versions/<int:version_id>/file")
@requires(Permission.CATALOG_VIEW)
def version_file(version_id: int) -> ResponseReturnValue:
    return rule_versions.version_file(rule_versions.version_of(version_id, current_tenant_id()))


@bp.get("/in-force/file")
@requires(Permission.CATALOG_VIEW)
def in_force_file() -> ResponseReturnValue:
    """The department's rules in force as a rules file, to edit and load as a new version."""
    return rule_versions.in_force_file(current_tenant_id())


@bp.get("/differences")
@requires(Permission.CATALOG_VIEW)
def differences() -> ResponseReturnValue:
    return render_template(
        "rules/differences.html", views=VIEWS, **rule_versions.differences_context(current_tenant_id())
    )
