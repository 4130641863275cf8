"""What the pages of the rules' versions share (规则版本页面): a version loaded from an uploaded file,
pasted text or a preset; a refusal said key by key under the names of the parameters; a version, the
differences of two and a version's file. The platform administrator's rulebook pages
(:mod:`.rulebook_pages`), a department's rules pages (:mod:`.rules_pages`) and the public portal
(:mod:`.public_rules`) call these with their own scope."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from enum import Enum
from typing import Any, Literal, Protocol

from flask import flash, redirect, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _, lazy_gettext as _l
from werkzeug.wrappers import Response

from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.platform.permissions import acting_user
from spotcheck.platform.web.forms import BAD_INPUT, attempt
from spotcheck.tenants.rules import queries, vocabulary as rules_vocabulary
from spotcheck.tenants.rules.queries import RuleVersion
from spotcheck.tenants.rules.vocabulary import SOURCES

#: The largest rules file read from an upload (the command counts its characters: 400,000 at most).
MAX_FILE_BYTES = 1_600_000


class _Scope(Enum):
    ANY = "any"


#: Any scope (a version of the rulebook or of any department).
ANY = _Scope.ANY


class ScopePage(Protocol):
    """A scope's page of its rules in force, with a refusal's ``errors`` and the ``text`` to correct."""

    def __call__(self, errors: Mapping[str, Sequence[object]] | None = None, text: str | None = None) -> str: ...


def template_names() -> dict[str, object]:
    """The names the rules' templates use (a blueprint's context processor)."""
    return {
        "rule_state_names": rules_vocabulary.STATE_NAMES,
        "rule_source_names": SOURCES,
        "coming_versions": queries.coming,
        "rule_origin": queries.origin,
        "rule_loaded": lambda version: queries.loaded(version, acting_user()),
    }


def named_errors(errors: Mapping[str, Sequence[object]]) -> list[tuple[str, str, list[str]]]:
    """A refusal's errors as (key, name in words, messages), in the order the file gives them."""
    return [(key, queries.error_label(key), [str(m) for m in messages]) for key, messages in errors.items()]


def submitted(kind: str) -> dict[str, str]:
    """The command's data from the load form: the preset chosen (``how=preset``), else the uploaded
    file, else the pasted text. A preset or a file that cannot be read is refused naming it."""
    if request.form.get("how") == "preset":
        return queries.chosen_preset(request.form.get("preset", ""), kind)
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.stream.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise InvalidInputError({"file": [_("The file is too large for a rules file.")]})
        try:
            return {"text": data.decode("utf-8-sig"), "preset": ""}
        except UnicodeDecodeError:
            raise InvalidInputError(
                {"file": [_("The file is not UTF-8 text: save it as UTF-8 and choose it again.")]}
            ) from None
    return {"text": request.form.get("text", ""), "preset": ""}


def load(
    kind: str,
    tenant_id: int | None,
    command: Callable[..., RuleVersion],
    *,
    version_endpoint: str,
    page: ScopePage,
    region_id: int | None = None,
) -> ResponseReturnValue:
    """Load a version from the form: on success, the new version's page (its differences from the one
    before); when the text says what the version in force says, nothing; on a refusal, ``page(errors=,
    text=)`` again with 422, the file's text in the paste box to correct (nothing changed)."""
    read = attempt(submitted, kind, refusals=BAD_INPUT)
    if read.invalid:
        return page(errors=read.errors, text=request.form.get("text", "")), 422
    data: dict[str, Any] = read.result if tenant_id is not None else {**read.result, "region": region_id}
    text: str = data["text"]
    if queries.same_as_in_force(text, tenant_id, region_id):
        flash(_("This file says what the version in force says: nothing was loaded."), "info")
        return redirect(request.path)
    loaded = attempt(command, data, actor=acting_user(), refusals=BAD_INPUT)
    if loaded.invalid:
        return page(errors=loaded.errors, text="" if data["preset"] else text), 422
    version = loaded.result
    flash(
        _(
            "Loaded %(name)s, in force from %(day)s.",
            name=f"《{version.title}》",
            day=version.effective_from.isoformat(),
        ),
        "success",
    )
    return redirect(url_for(version_endpoint, version_id=version.id))


def version_of(version_id: int, scope: int | Literal[_Scope.ANY] | None = ANY) -> RuleVersion:
    """The version ``version_id`` (of the scope ``scope``: None for the rulebook, a department's id),
    or NotFoundError."""
    version = queries.get_version(version_id)
    if scope is not ANY and version.tenant_id != scope:
        raise NotFoundError(_l("No such version of the rules."))
    return version


def version_context(version: RuleVersion) -> dict[str, object]:
    """What a version's page shows: its document, what it says of each parameter, its state, and what
    it changed from the version before."""
    before = queries.previous(version)
    document = queries.document_of(version)
    replaced_by = next(
        (
            v
            for v, _state in queries.scope_history(version.tenant_id, queries.region_of(version))
            if version.withdrawn and not v.withdrawn and v.effective_from == version.effective_from
        ),
        None,
    )
    return {
        "version": version,
        "document": document,
        "state": queries.state(version),
        "replaced_by": replaced_by,
        "groups": queries.document_groups(document),
        "before": before,
        "changes": queries.differences(before, version) if before is not None else None,
    }


def differences_context(tenant_id: int | None, region_id: int | None = None) -> dict[str, object]:
    """The differences of two versions of the scope chosen by ``?from=`` and ``?to=`` (by default the
    version in force and the one before it)."""
    history = queries.scope_history(tenant_id, region_id)
    versions = {version.id: version for version, _state in history}
    first, second = request.args.get("from", type=int), request.args.get("to", type=int)
    if first is None and second is None and len(history) >= 2:
        in_force = next((v for v, state in history if state == "in_force"), history[0][0])
        before = queries.previous(in_force)
        first, second = (before.id if before else None), in_force.id
    chosen = (versions.get(first) if first is not None else None, versions.get(second) if second is not None else None)
    if (first is not None and chosen[0] is None) or (second is not None and chosen[1] is None):
        raise NotFoundError(_l("No such version of the rules."))
    changes = queries.differences(chosen[0], chosen[1]) if chosen[0] is not None and chosen[1] is not None else None
    return {"history": history, "first": chosen[0], "second": chosen[1], "changes": changes}


def version_file(version: RuleVersion) -> Response:
    """A version's file as it was loaded (UTF-8 text, its SHA-256 the one the history shows)."""
    name = f"{version.short_title}-{version.effective_from.isoformat()}.toml"
    return send_file(
        io.BytesIO(version.source_text.encode("utf-8")),
        mimetype="application/toml",
        as_attachment=True,
        download_name=name,
        max_age=0,
    )


def in_force_file(tenant_id: int | None, region_id: int | None = None) -> Response:
    """The version in force as a rules file to edit and load again (what it leaves to others said in
    comments), or NotFoundError when the scope has none."""
    text = queries.show_text(tenant_id, None, region_id)
    version = queries.in_force_version(tenant_id, region_id)
    if text is None or version is None:
        raise NotFoundError(_l("No version of these rules is in force."))
    return send_file(
        io.BytesIO(text.encode("utf-8")),
        mimetype="application/toml",
        as_attachment=True,
        download_name=f"{version.short_title}-现行.toml",
        max_age=0,
    )


def prefill(kind: str, tenant_id: int | None, region_id: int | None = None) -> str:
    """The text the paste box starts with: the version in force as a file (``?start=in_force``) or a
    preset's (``?start=preset:NAME``), to edit; empty otherwise."""
    start = request.args.get("start", "")
    if start == "in_force":
        return queries.show_text(tenant_id, None, region_id) or ""
    if start.startswith("preset:"):
        return queries.preset_text(start.removeprefix("preset:"), kind) or ""
    return ""
