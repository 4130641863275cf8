"""Keeping the inspector directory (两库 · 执法检查人员名录库) and its recusals (回避).

ID numbers are personal data: stored encrypted, shown masked everywhere, unmasked only to the
department administrator (:func:`id_number_of`, every reading audited).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, events, personal_data
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, get_row, is_row_id
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.inspectors.checks import clean_inspector
from spotcheck.tenants.inspectors.models import Inspector, InspectorTenure, Recusal
from spotcheck.tenants.inspectors.policy import INSPECTOR_ACTIONS

#: The shared registry of entities (市场主体名录), read by name: the directory of people stands
#: beside the registry's domain, not on it (a recusal names an entity by its id or its code).
_ENTITY = sa.table("entity", sa.column("id"), sa.column("code"))

_REASON = _l("State the reason for the recusal (e.g. a relative works there).")


def _apply(inspector: Inspector, clean: dict) -> None:
    id_number = clean.pop("id_number", None)
    if id_number:
        inspector.id_encrypted = personal_data.encrypt(id_number)
        inspector.id_digest = personal_data.digest(id_number)
        inspector.id_masked = personal_data.mask_id_number(id_number)
    for key, value in clean.items():
        setattr(inspector, key, value)


def _duplicates(clean: dict, exclude_id: int | None) -> dict[str, list]:
    errors = {}
    query = sa.select(Inspector.id).where(Inspector.cert_no == clean.get("cert_no"))
    if exclude_id:
        query = query.where(Inspector.id != exclude_id)
    if clean.get("cert_no") and db.session.scalar(query):
        errors["cert_no"] = [_l("Another inspector has this certificate number.")]
    if clean.get("id_number"):
        query = sa.select(Inspector.id).where(Inspector.id_digest == personal_data.digest(clean["id_number"]))
        if exclude_id:
            query = query.where(Inspector.id != exclude_id)
        if db.session.scalar(query):
            errors["id_number"] = [_l("Another inspector has this ID number.")]
    return errors


def _record_tenure(inspector: Inspector, was_active: bool) -> None:
    """Keep when the inspector is in the directory as active (在库期间): a tenure opens as they are added
    or reactivated, and closes as they are deactivated."""
    if inspector.active and not was_active:
        db.session.add(InspectorTenure(inspector_id=inspector.id, since=now()))
    elif was_active and not inspector.active:
        db.session.execute(
            sa.update(InspectorTenure)
            .where(InspectorTenure.inspector_id == inspector.id, InspectorTenure.until.is_(None))
            .values(until=now())
        )


def _inspector(inspector_id: int, *, for_update: bool = False) -> Inspector:
    return get_row(Inspector, inspector_id, _l("No such inspector."), for_update=for_update)


@command(Permission.CATALOG_MANAGE)
def create_inspector(data: dict, *, actor: Actor) -> Inspector:
    """Add a person to the inspector directory (执法检查人员名录库)."""
    clean, errors = clean_inspector(data, require_id=True)
    errors = {**_duplicates(clean, None), **errors}
    if errors:
        raise InvalidInputError(errors)
    inspector = Inspector()
    _apply(inspector, clean)
    db.session.add(inspector)
    db.session.flush()
    _record_tenure(inspector, was_active=False)
    audit.record("inspector.created", "inspector", inspector.id, actor=actor, details={"cert_no": inspector.cert_no})
    return inspector


@command(Permission.CATALOG_MANAGE)
def update_inspector(inspector_id: int, data: dict, *, actor: Actor) -> Inspector:
    """Change an inspector's entry (a blank ID number keeps the stored one)."""
    inspector = _inspector(inspector_id, for_update=True)
    INSPECTOR_ACTIONS.require(inspector, actor, "edit")
    current = {
        k: getattr(inspector, k)
        for k in (
            "name",
            "sex",
            "agency",
            "post",
            "cert_no",
            "cert_expires_on",
            "categories",
            "region",
            "expertise",
            "is_expert",
            "active",
        )
    }
    clean, errors = clean_inspector({**current, **data}, require_id=False)
    errors = {**_duplicates(clean, inspector.id), **errors}
    if errors:
        raise InvalidInputError(errors)
    changed = sorted(k for k, v in clean.items() if k == "id_number" or getattr(inspector, k) != v)
    was_active = inspector.active
    _apply(inspector, clean)
    _record_tenure(inspector, was_active)
    if changed:
        audit.record("inspector.changed", "inspector", inspector.id, actor=actor, details={"fields": changed})
    return inspector


@command(Permission.INSPECTORS_PERSONAL_DATA)
def id_number_of(inspector_id: int, data: dict | None = None, *, actor: Actor) -> str:
    """The full ID number, for the department administrator only; every reading is audited."""
    inspector = _inspector(inspector_id)
    INSPECTOR_ACTIONS.require(inspector, actor, "reveal_id_number")
    audit.record("inspector.id_viewed", "inspector", inspector.id, actor=actor)
    return personal_data.decrypt(inspector.id_encrypted)


# --- recusals (回避) -----------------------------------------------------------------------


@command(Permission.CATALOG_MANAGE)
def declare_recusal(inspector_id: int, data: object, *, actor: Actor) -> Recusal:
    """Declare that the inspector may not inspect an entity (回避), with the reason: ``data`` gives
    ``reason`` and the entity, by ``entity_id`` or by ``entity_code`` (统一社会信用代码 or target
    code; errors then reported under ``entity_code`` and ``reason`` together)."""
    inspector = _inspector(inspector_id)
    INSPECTOR_ACTIONS.require(inspector, actor, "declare_recusal")
    data = data if isinstance(data, dict) else {}
    by_code = "entity_id" not in data
    field = "entity_code" if by_code else "entity"
    errors: dict[str, list] = {}
    if by_code:
        code = str(data.get("entity_code") or "").strip()
        entity = (
            db.session.execute(sa.select(_ENTITY.c.id, _ENTITY.c.code).where(_ENTITY.c.code == code.upper())).first()
            if code
            else None
        )
        if not code:
            errors[field] = [_l("Enter the unified social credit code (or target code) of the entity.")]
        elif entity is None:
            errors[field] = [_l("No entity with the code %(code)s is in the registry.", code=code.upper())]
    else:
        entity_id = data.get("entity_id")
        entity = (
            db.session.execute(sa.select(_ENTITY.c.id, _ENTITY.c.code).where(_ENTITY.c.id == entity_id)).first()
            if is_row_id(entity_id)
            else None
        )
        if entity is None:
            errors[field] = [_l("No entity with this id in the registry.")]
    reason = str(data.get("reason") or "").strip()
    if not reason or len(reason) > 200:
        errors["reason"] = [_REASON]
    if not by_code and "reason" in errors:
        raise InvalidInputError({"reason": errors["reason"]})
    if errors:
        raise InvalidInputError(errors)
    assert entity is not None  # found: a missing one is refused above
    if db.session.scalar(
        sa.select(Recusal.id).where(Recusal.inspector_id == inspector.id, Recusal.entity_id == entity.id)
    ):
        raise InvalidInputError({field: [_l("This recusal is already declared.")]})
    recusal = Recusal(
        inspector_id=inspector.id, entity_id=entity.id, reason=reason, declared_by_id=getattr(actor, "id", None)
    )
    db.session.add(recusal)
    db.session.flush()
    audit.record(
        "recusal.declared",
        "recusal",
        recusal.id,
        actor=actor,
        details={"cert_no": inspector.cert_no, "entity": entity.code, "reason": reason},
    )
    return recusal


@command(Permission.CATALOG_MANAGE)
def withdraw_recusal(recusal_id: int, data: dict | None = None, *, actor: Actor) -> None:
    """Withdraw a declared recusal. One declared against a team member after a draw (抽取后申报回避)
    is withdrawn only while the member is not replaced yet (the member then stays on the team); once
    replaced, the draw's proof cites it, and it stays: the teams' domain answers the event
    ``recusal.withdrawing`` (refusing, or releasing its members)."""
    recusal = get_row(Recusal, recusal_id, _l("No such recusal."), for_update=True)
    INSPECTOR_ACTIONS.require(recusal.inspector, actor, "withdraw_recusal")
    events.emit("recusal.withdrawing", actor=actor, recusal_id=recusal.id)
    audit.record(
        "recusal.withdrawn",
        "recusal",
        recusal.id,
        actor=actor,
        details={"cert_no": recusal.inspector.cert_no, "entity": recusal.entity.code},
    )
    db.session.delete(recusal)
