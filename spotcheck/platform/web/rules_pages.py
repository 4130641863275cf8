"""The rules document pages (一细则): text, file, publication.

The file is served only through :func:`download`, which checks the permission and takes the
path from the service (a name the server chose), never from the request.
"""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core.errors import NotFound, ValidationFailed
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import EmptyForm, apply_service_errors
from spotcheck.platform.web.inspector_forms import RulesFileForm, RulesTextForm
from spotcheck.tenants.rules import commands, queries

bp = Blueprint("rules_pages", __name__, url_prefix="/catalog/rules")


def _page(*, text_form=None, file_form=None):
    document = queries.current_document()
    if text_form is None:
        text_form = RulesTextForm(obj=document) if document else RulesTextForm()
    return render_template("rules/document.html", document=document, text_form=text_form,
                           file_form=file_form or RulesFileForm(), publish_form=EmptyForm())


def _actor():
    return current_user._get_current_object()


@bp.route("")
@requires(Permission.CATALOG_VIEW)
def index():
    return _page()


@bp.route("/text", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def save_text():
    form = RulesTextForm()
    if form.validate_on_submit():
        try:
            commands.save_text({"title": form.title.data, "body": form.body.data}, actor=_actor())
        except ValidationFailed as failed:
            apply_service_errors(form, failed.errors)
        else:
            flash(_("The rules document has been saved."), "success")
            return redirect(url_for("rules_pages.index"))
    return _page(text_form=form)


@bp.route("/file", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def upload():
    form = RulesFileForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            commands.attach_file({"file_name": getattr(upload, "filename", "") or "", "stream": getattr(upload, "stream", None)},
                                        actor=_actor())
        except ValidationFailed as failed:
            apply_service_errors(form, failed.errors)
        else:
            flash(_("The file has been attached."), "success")
            return redirect(url_for("rules_pages.index"))
    return _page(file_form=form)


@bp.route("/publish", methods=["POST"])
@requires(Permission.CATALOG_MANAGE)
def publish():
    if EmptyForm().validate_on_submit():
        commands.publish(actor=_actor())
        flash(_("The rules document is published."), "success")
    return redirect(url_for("rules_pages.index"))


@bp.route("/file", methods=["GET"])
@requires(Permission.CATALOG_VIEW)
def download():
    document = queries.current_document()
    if document is None:
        raise NotFound(_("There is no rules document yet."))
    return send_file(queries.file_path(document), mimetype=document.media_type, as_attachment=True,
                     download_name=document.file_name, max_age=0)
