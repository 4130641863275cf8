"""The rules document (一细则): text, file, publication; and the rules in force and their versions
(现行规则 · 规则版本): the deployment's rulebook and a department's rules in force, each parameter with
its value and citation, the history of the versions, one version with its text, the differences of
two, and loading a version (the platform administrator the rulebook, a department's administrator its
own rules).

The file is uploaded as multipart/form-data (field ``file``), checked by extension and content,
stored under the instance folder with a name the server chooses, and downloaded only through
``GET /rules/file``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from flask import Response, send_file
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core.actor import Actor
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.core.scoping import current_tenant_id
from spotcheck.platform.api.blueprint import Blueprint
from spotcheck.platform.api.rules.schemas import RulesDocumentSchema, RulesFileUploadSchema
from spotcheck.platform.api.rules.versions import (
    DepartmentQuerySchema,
    DifferencesQuerySchema,
    DifferencesSchema,
    RegionQuerySchema,
    RuleLoadSchema,
    RulesInForceSchema,
    RuleVersionDetailSchema,
    RuleVersionSchema,
)
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.accounts import queries as accounts
from spotcheck.tenants.accounts.queries import Tenant, User
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.queries import Region
from spotcheck.tenants.regions.vocabulary import RegionLevel, level_label
from spotcheck.tenants.rules import commands, queries, vocabulary as rules_vocabulary
from spotcheck.tenants.rules.queries.document import RulesDocument
from spotcheck.tenants.rules.queries.versions import RuleVersion

PREFIX = "/rules"
blp = Blueprint(
    "Rules",
    __name__,
    description="The rules document (一细则); the rules in force and their versions (现行规则 · 规则版本).",
)


class _CitedDocument(Protocol):
    """A document the rules in force come from, as they cite it (the rulebook or the department's rules)."""

    @property
    def version_id(self) -> int | None: ...
    @property
    def title(self) -> str: ...
    @property
    def short_title(self) -> str: ...
    @property
    def number(self) -> str: ...
    @property
    def effective_from(self) -> date | None: ...
    @property
    def name(self) -> str: ...


class _Loader(Protocol):
    """A command loading a version (the rulebook's or a department's) from ``{"text", "preset"}``."""

    def __call__(self, data: dict[str, str], *, actor: Actor) -> RuleVersion: ...


def _actor() -> User:
    return current_user._get_current_object()


def _document() -> RulesDocument:
    document = queries.current_document()
    if document is None:
        raise NotFoundError(_("There is no rules document yet."))
    return document


@blp.route("")
class Rules(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(200, RulesDocumentSchema)
    def get(self) -> RulesDocument:
        """My department's rules document (404 while there is none)"""
        return _document()

    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(RulesDocumentSchema)
    @blp.response(200, RulesDocumentSchema)
    def put(self, data: dict[str, Any]) -> RulesDocument:
        """Write the title and text (creates the document the first time)"""
        document = commands.save_text({"title": data.get("title", ""), "body": data.get("body", "")}, actor=_actor())
        return document


@blp.route("/file")
class RulesFile(MethodView):
    @requires(Permission.CATALOG_VIEW)
    @blp.response(
        200, content_type="application/octet-stream", description="The file, as an attachment with its original name"
    )
    def get(self) -> Response:
        """Download the attached file"""
        document = _document()
        return send_file(
            queries.file_path(document),
            mimetype=document.media_type,
            as_attachment=True,
            download_name=document.file_name,
            max_age=0,
        )

    @requires(Permission.CATALOG_MANAGE)
    @blp.arguments(RulesFileUploadSchema, location="files")
    @blp.response(200, RulesDocumentSchema)
    def post(self, files: dict[str, Any]) -> RulesDocument:
        """Attach (or replace) the file: multipart/form-data with the field ``file``"""
        upload = files.get("file")
        document = commands.attach_file(
            {"file_name": getattr(upload, "filename", "") or "", "stream": getattr(upload, "stream", None)},
            actor=_actor(),
        )
        return document


@blp.route("/publish")
class RulesPublish(MethodView):
    @requires(Permission.CATALOG_MANAGE)
    @blp.response(200, RulesDocumentSchema)
    def post(self) -> RulesDocument:
        """Publish the document (text and file) on the public portal"""
        document = commands.publish(actor=_actor())
        return document


# --- the rules in force and their versions (现行规则 · 规则版本) ------------------------------------------


def _department(args: dict[str, Any]) -> Tenant:
    """The department ``?department=CODE`` names, else the caller's own (a 422 naming the parameter
    for a caller of no department), or a 404 for a code no department has."""
    code = (args.get("department") or "").strip().upper()
    if not code:
        own = getattr(current_user, "tenant_id", None)
        if own is None:
            raise InvalidInputError({"department": [_("Name the department: its code (SCJ, YJJ …).")]})
        return accounts.get_tenant(own)
    found = next((tenant for tenant in accounts.list_tenants() if tenant.code == code), None)
    if found is None:
        raise NotFoundError(_("No such department."))
    return found


def _ref(document: _CitedDocument | None) -> dict[str, object] | None:
    if document is None:
        return None
    return {
        "version_id": document.version_id,
        "title": document.title,
        "short_title": document.short_title,
        "number": document.number,
        "effective_from": document.effective_from,
        "name": document.name,
    }


def _region_ref(region: Region) -> dict[str, object]:
    return {
        "code": region.code,
        "name": region.name,
        "level": RegionLevel(region.level).value,
        "level_name": level_label(region.level),
    }


def _version_ref(version: RuleVersion | None) -> dict[str, object] | None:
    """A stored version referred to as the rules cite a document (:func:`_ref`)."""
    if version is None:
        return None
    return _ref(version.cited)


def _levels(region: Region | None) -> list[dict[str, object]]:
    """The levels from the root down to ``region``, each with its own rulebook in force, or what applies without."""
    return [
        {**_region_ref(level.region), "rulebook": _version_ref(level.version), "rulebook_note": level.note}
        for level in queries.levels(region)
    ]


def _in_force(tenant: Tenant | None, region: Region | None = None) -> dict[str, object]:
    """The rules in force of a department, or of a level (``region``; None: the root)."""
    if tenant is not None:
        region = tenant.region
        rules = queries.in_force(tenant.id)
    else:
        rules = queries.in_force_region(queries.region_scope(region))
    parameters = [
        {
            "key": row.key,
            "label": row.label,
            "group": group.label,
            "value": row.value,
            "raw": queries.raw_value(rules, row.key),
            "source": row.source,
            "source_name": row.source_name,
            "cited": row.cited,
            "stricter_than": row.replaces,
        }
        for group in queries.grouped_rows(rules)
        for row in group.rows
    ]
    return {
        "department": {"code": tenant.code, "name": tenant.full_name} if tenant is not None else None,
        "region": _region_ref(region) if region is not None else None,
        "levels": _levels(region),
        "place": rules.place,
        "rulebook": _ref(rules.rulebook),
        "department_rules": _ref(rules.department),
        "parameters": parameters,
    }


def _version(version: RuleVersion, detail: bool = False) -> dict[str, object]:
    """A version as the caller reads it: who loaded it and its preset for the rules' owners alone
    (:func:`queries.loaded`), where its text comes from for everyone."""
    state = queries.state(version)
    loaded = queries.loaded(version, _actor())
    tenant = accounts.get_tenant(version.tenant_id) if version.tenant_id is not None else None
    found: dict[str, object] = {
        "id": version.id,
        "scope": "rulebook" if version.tenant_id is None else "department",
        "department": {"code": tenant.code, "name": tenant.full_name} if tenant is not None else None,
        "title": version.title,
        "short_title": version.short_title,
        "issuer": version.issuer,
        "number": version.number,
        "effective_from": version.effective_from,
        "state": state,
        "state_name": str(rules_vocabulary.STATE_NAMES[state]),
        "withdrawn": version.withdrawn,
        "preset": loaded.preset,
        "origin": loaded.origin,
        "sha256": version.sha256,
        "loaded_at": version.loaded_at,
        "loaded_by_name": loaded.by_name,
    }
    if detail:
        document = queries.document_of(version)
        found.update(
            issued_on=document.issued_on,
            place=document.place,
            note=document.note,
            text=version.source_text,
            articles=[{"number": a.number, "text": a.text} for a in document.articles],
            entries=[
                {"key": row.key, "label": row.label, "says": row.source, "value": row.value, "article": row.cited}
                for group in queries.document_groups(document)
                for row in group.rows
                if row.source != "absent"
            ],
        )
    return found


def _load(command: _Loader, kind: str, tenant_id: int | None, data: Mapping[str, Any]) -> dict[str, object]:
    """A version loaded from the body's text or preset; a refusal names each key, in Chinese."""
    preset = (data.get("preset") or "").strip()
    given: dict[str, Any] = {"text": data.get("text") or "", "preset": ""}
    if preset:
        given = queries.chosen_preset(preset, kind)
    region = None
    if kind == "rulebook" and data.get("region"):
        found = regions.by_code(data["region"])
        if found is None:
            raise InvalidInputError(
                {"region": [_("The region tree has no region “%(region)s”.", region=data["region"])]}
            )
        given["region"], region = found.id, found.id
    if not preset and given["text"] and queries.same_as_in_force(given["text"], tenant_id, region):
        raise InvalidInputError({"text": [_("This file says what the version in force says: nothing was loaded.")]})
    try:
        version = command(given, actor=_actor())
    except InvalidInputError as failed:
        raise InvalidInputError(
            {
                "text" if key == "file" else key: [f"{queries.error_prefix(key)}{m}" for m in messages]
                for key, messages in failed.errors.items()
            }
        ) from None
    return _version(version, detail=True)


@blp.route("/rulebook")
class RulebookInForce(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.arguments(RegionQuerySchema, location="query")
    @blp.response(200, RulesInForceSchema)
    def get(self, args: dict[str, Any]) -> dict[str, object]:
        """The rules in force at a level (``?region=CODE``, by default the root): the levels from the root down,
        each with its own rulebook (实施方案) or none, and each parameter with its value and citation"""
        return _in_force(None, regions.named(args.get("region")))


@blp.route("/rulebook/versions")
class RulebookVersions(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.arguments(RegionQuerySchema, location="query")
    @blp.response(200, RuleVersionSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[dict[str, object]]:
        """Every version of a level's rulebook loaded (``?region=CODE``, by default the root), newest first, with
        its state"""
        region = regions.named(args.get("region"))
        return [_version(version) for version in queries.history(None, region.id if region is not None else None)]

    @requires(Permission.RULEBOOK_MANAGE)
    @blp.arguments(RuleLoadSchema)
    @blp.response(201, RuleVersionDetailSchema)
    def post(self, data: dict[str, Any]) -> dict[str, object]:
        """Load a version of a level's rulebook (``region``: its code, the root by default) from a rules file
        (``text``) or a preset (``preset``): loaded whole or refused whole, each bad key named"""
        return _load(commands.load_rulebook, "rulebook", None, data)


@blp.route("/department")
class DepartmentInForce(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.arguments(DepartmentQuerySchema, location="query")
    @blp.response(200, RulesInForceSchema)
    def get(self, args: dict[str, Any]) -> dict[str, object]:
        """A department's rules in force (``?department=CODE``, by default the caller's own): each
        parameter with its value and where it comes from (细则, 实施方案, 国家规定, 平台默认, 未规定)"""
        return _in_force(_department(args))


@blp.route("/department/versions")
class DepartmentVersions(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.arguments(DepartmentQuerySchema, location="query")
    @blp.response(200, RuleVersionSchema(many=True))
    def get(self, args: dict[str, Any]) -> list[dict[str, object]]:
        """Every version of a department's rules (``?department=CODE``, by default the caller's own)"""
        return [_version(version) for version in queries.history(_department(args).id)]

    @requires(Permission.DEPARTMENT_RULES_MANAGE)
    @blp.arguments(RuleLoadSchema)
    @blp.response(201, RuleVersionDetailSchema)
    def post(self, data: dict[str, Any]) -> dict[str, object]:
        """Load a version of my department's rules (细则) from a rules file (``text``) or a preset
        (``preset``): each rule at least as strict as the rulebook's, loaded whole or refused whole"""
        return _load(commands.load_department_rules, "department", current_tenant_id(), data)


@blp.route("/versions/<int:version_id>")
class Version(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.response(200, RuleVersionDetailSchema)
    def get(self, version_id: int) -> dict[str, object]:
        """One version: its document, what it says of each parameter, and its file as loaded"""
        return _version(queries.get_version(version_id), detail=True)


@blp.route("/differences")
class Differences(MethodView):
    @requires(Permission.SIGNED_IN)
    @blp.arguments(DifferencesQuerySchema, location="query")
    @blp.response(200, DifferencesSchema)
    def get(self, args: dict[str, Any]) -> dict[str, object]:
        """What changed from one version to another (``?from=ID&to=ID``, of the same rulebook or department)"""
        first, second = queries.get_version(args["first"]), queries.get_version(args["second"])
        if first.tenant_id != second.tenant_id:
            raise InvalidInputError(
                {
                    "to": [
                        _(
                            "Compare two versions of the same rules: both of the rulebook, or both "
                            "of one department's rules."
                        )
                    ]
                }
            )
        return {
            "first": _version(first),
            "second": _version(second),
            "differences": [
                {"key": d.key, "label": d.label, "before": d.before, "after": d.after}
                for d in queries.differences(first, second)
            ],
        }
