"""The rules document (一细则): text, file, publication.

The file is uploaded as multipart/form-data (field ``file``), checked by extension and content,
stored under the instance folder with a name the server chooses, and downloaded only through
``GET /rules/file``.
"""
from flask import send_file
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from spotcheck.platform.api.inspector_schemas import (
    RulesDocumentSchema,
    RulesFileUploadSchema,
)
from spotcheck.core.errors import NotFound
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.rules import commands, queries

PREFIX = "/rules"
blp = Blueprint("Rules", __name__, description="The rules document (一细则).")


def _actor():
    return current_user._get_current_object()


def _document():
    document = queries.current_document()
    if document is None:
        raise NotFound(_("There is no rules document yet."))
    return document


@blp.route("")
class Rules(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(200, RulesDocumentSchema)
    def get(self):
        """My department's rules document (404 while there is none)"""
        return _document()

    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(RulesDocumentSchema)
    @blp.response(200, RulesDocumentSchema)
    def put(self, data):
        """Write the title and text (creates the document the first time)"""
        document = commands.save_text({"title": data.get("title", ""), "body": data.get("body", "")}, actor=_actor())
        return document


@blp.route("/file")
class RulesFile(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(200, content_type="application/octet-stream",
                  description="The file, as an attachment with its original name")
    def get(self):
        """Download the attached file"""
        document = _document()
        return send_file(queries.file_path(document), mimetype=document.media_type, as_attachment=True,
                         download_name=document.file_name, max_age=0)

    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(RulesFileUploadSchema, location="files")
    @blp.response(200, RulesDocumentSchema)
    def post(self, files):
        """Attach (or replace) the file: multipart/form-data with the field ``file``"""
        upload = files.get("file")
        document = commands.attach_file({"file_name": getattr(upload, "filename", "") or "", "stream": getattr(upload, "stream", None)},
                                        actor=_actor())
        return document


@blp.route("/publish")
class RulesPublish(MethodView):
    @requires(Permission.CATALOG_MANAGE)
    @blp.response(200, RulesDocumentSchema)
    def post(self):
        """Publish the document (text and file) on the public portal"""
        document = commands.publish(actor=_actor())
        return document
