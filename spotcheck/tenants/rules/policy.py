"""Who keeps the rules (规则): the department's rules document (一细则 · 实施细则) and the versions of the
rules the commands apply, and what each allows.

* The rules document is written, given its file and published by the department's administrator
  (:data:`DOCUMENT_ACTIONS`); its file is attached to a document whose title and text are saved,
  and there is a document to publish. Published, the public reads the version last published.
* A version of the deployment's rulebook (实施方案) is loaded by the platform administrator or the
  operator, a version of a department's rules (细则) by its administrator (:data:`LOADS`); the
  rules in force are public: the same for whoever asks.
* A new version applies from today or a later day, a version in force is never replaced, and one
  for a day to come is replaced only by a different one (:func:`replaced_by`).
"""

from __future__ import annotations

from typing import cast

from flask_babel import lazy_gettext as _l

from spotcheck.core.actions import Action, Actions
from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.core.policy import Permission, has_permission, require
from spotcheck.tenants.rules import documents, rulefile
from spotcheck.tenants.rules.models import RulesDocument, RuleVersion

_NO_DOCUMENT = _l("There is no rules document yet.")
_SAVE_FIRST = _l("Save the title and text first, then attach the file.")

#: What the department's rules document allows (``None``: none written yet; saving the text creates it).
DOCUMENT_ACTIONS = Actions(
    Action("write", Permission.CATALOG_MANAGE, lambda document: True, ""),
    Action("attach_file", Permission.CATALOG_MANAGE, lambda document: document is not None, _SAVE_FIRST),
    Action("publish", Permission.CATALOG_MANAGE, lambda document: document is not None, _NO_DOCUMENT),
)

#: How a command is refused an action on a document not written yet (what a page or the API answers).
_NOT_YET = {
    "attach_file": lambda: InvalidInputError({"file": [_SAVE_FIRST]}),
    "publish": lambda: NotFoundError(_NO_DOCUMENT),
}


def require_document(document: RulesDocument | None, actor: Actor, name: str) -> RulesDocument:
    """Refuse ``name`` on ``document`` unless ``actor`` may take it now: Forbidden without the
    permission; for a document not written yet, 422 (attach the file) or 404 (publish)."""
    action = DOCUMENT_ACTIONS.by_name[name]
    require(actor, action.permission)
    if not action.possible(document):
        raise _NOT_YET[name]()
    return cast(RulesDocument, document)  # possible: there is one


#: Who loads a version of the rules: of the deployment's rulebook, of a department's rules.
LOADS = {"rulebook": Permission.RULEBOOK_MANAGE, "department": Permission.DEPARTMENT_RULES_MANAGE}


def may_load(kind: str, actor: Actor) -> bool:
    """Whether ``actor`` loads versions of ``kind`` (``rulebook`` or ``department``)."""
    return has_permission(actor, LOADS[kind])


def names_who_loaded(version: RuleVersion, reader: Actor | None) -> bool:
    """Whether ``reader`` reads who loaded a version (载入人, a staff member's name) and the platform's preset it came
    from: the rules' owners — the people of the department whose rules (细则) it is — and the platform administrator
    (who keeps the rulebooks, 实施方案). Anyone else, signed in or not, reads what the public version page shows:
    when it came to the platform and where its text comes from."""
    if reader is None or not getattr(reader, "is_authenticated", True):
        return False
    if has_permission(reader, Permission.RULEBOOK_MANAGE):
        return True
    return version.tenant_id is not None and version.tenant_id == getattr(reader, "tenant_id", None)


def replaced_by(versions: list[RuleVersion], document: documents.Document) -> RuleVersion | None:
    """The version of the same day the new one replaces (one not yet in force), or a refusal of a
    day that would change what was decided already (``versions``: the scope's, withdrawn ones left out)."""
    if not versions:
        return None
    day, start = today(), document.effective_from
    if start < day:
        raise InvalidInputError(
            {
                "document.effective_from": [
                    _l(
                        "A new version applies from today or a later day (%(day)s or later): the days past stay under "
                        "the version that was in force then.",
                        day=day.isoformat(),
                    )
                ]
            }
        )
    same = next((v for v in versions if v.effective_from == start), None)
    if same is not None and same.effective_from <= day:
        raise InvalidInputError(
            {
                "document.effective_from": [
                    _l(
                        "A version in force since %(day)s is not replaced: give the new version a later day.",
                        day=start.isoformat(),
                    )
                ]
            }
        )
    if same is not None and rulefile.from_json(same.content) == document:
        raise InvalidInputError(
            {
                "file": [
                    _l(
                        "This file says what the version loaded for %(day)s says: nothing was loaded.",
                        day=start.isoformat(),
                    )
                ]
            }
        )
    return same
