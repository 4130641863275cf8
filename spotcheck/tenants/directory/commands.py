"""Keeping the entity registry (市场主体名录, by the lead department) and the department's target
directory (两库 · 检查对象名录库)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.accounts.models import tenant_of
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.directory import jurisdiction
from spotcheck.tenants.directory.checks import clean_entity, clean_entry, clean_places
from spotcheck.tenants.directory.models import DirectoryEntry, Entity, OperatingPlace, RemovedEntry
from spotcheck.tenants.directory.policy import require_registry_keeper
from spotcheck.tenants.directory.queries import entity_by_code, resolve_entity


def _entity_dict(entity: Entity) -> dict:
    return {c.key: getattr(entity, c.key) for c in Entity.__table__.columns if c.key not in ("id", "updated_at")}


def _within_reach(entity: Entity | None, clean: dict, actor: Actor, errors: dict) -> None:
    """管辖: the editor's department reaches the business as it stands (any of its places in its branch), and a
    new business, or a business moved, is registered in its branch; moving it takes a department whose branch holds
    both places (otherwise their lowest common level's market-regulation lead). Refusals under ``region_code``."""
    if "region_code" in errors or actor.tenant_id is None:
        return
    name = clean.get("name") or (entity.name if entity is not None else "")
    if entity is not None and (refusal := jurisdiction.refused(actor.tenant_id, entity)) is not None:
        errors["region_code"] = [refusal]
    elif entity is not None and entity.region_code != clean["region_code"]:
        moved = jurisdiction.move_refusal(actor.tenant_id, name, entity.region_code, clean["region_code"])
        if moved is not None:
            errors["region_code"] = [moved]
    elif entity is None:
        branch = jurisdiction.of_department(actor.tenant_id)
        if not branch.holds(clean["region_code"]):
            errors["region_code"] = [branch.refusal(name, clean["region_code"])]


def _set_places(entity: Entity, places: list[tuple[str, str]]) -> dict:
    """The business's operating places made ``places``; what changed, for the audit entry."""
    held = {
        (p.region_code, p.address): p
        for p in db.session.scalars(sa.select(OperatingPlace).where(OperatingPlace.entity_id == entity.id))
    }
    for key in set(held) - set(places):
        db.session.delete(held[key])
    for code, address in places:
        if (code, address) not in held:
            db.session.add(OperatingPlace(entity_id=entity.id, region_code=code, address=address))
    db.session.flush()
    if set(held) == set(places):
        return {}
    return {"places": [" ".join(filter(None, place)) for place in places]}


def _save(entity: Entity | None, data: dict, actor: Actor) -> Entity:
    clean, errors = clean_entity({**(_entity_dict(entity) if entity else {}), **data})
    places, problems = clean_places(data.get("places")) if "places" in data else ([], [])
    if problems:
        errors["places"] = problems
    existing = entity_by_code(clean["code"]) if "code" in clean else None
    if existing is not None and existing is not entity:
        errors["code"] = [_l("An entity with this code is already in the registry.")]
    _within_reach(entity, clean, actor, errors)
    if errors:
        raise InvalidInputError(errors)
    if entity is None:
        entity = Entity(**clean)
        db.session.add(entity)
    else:
        for key, value in clean.items():
            setattr(entity, key, value)
        entity.updated_at = now()
    db.session.flush()
    changed = _set_places(entity, places) if "places" in data else {}
    audit.record("entity.saved", "entity", entity.id, actor=actor, details={"code": entity.code, **changed})
    return entity


@command(Permission.REGISTRY_MANAGE)
def create_entity(data: dict, *, actor: Actor) -> Entity:
    """Add an entity to the registry (lead department only), registered in its branch (管辖); ``data["places"]``:
    its operating places (一照多址, :func:`clean_places`)."""
    require_registry_keeper(actor)
    return _save(None, data, actor)


@command(Permission.REGISTRY_MANAGE)
def update_entity(entity_id: int, data: dict, *, actor: Actor) -> Entity:
    """Change a registry entity (lead department only, a business it reaches: 管辖); fields left out stay as they
    are, ``data["places"]`` given replaces its operating places (一照多址); moving it (another ``region_code``) takes
    a department whose branch holds both places."""
    require_registry_keeper(actor)
    return _save(get_row(Entity, entity_id, _l("No such entity."), for_update=True), data, actor)


@command(Permission.CATALOG_MANAGE)
def set_risk_labels(data: dict, *, actor: Actor) -> None:
    """How the actor's department shows risk classes (``data["risk_labels"]``): ``letters`` (A–D)
    or ``words`` (高/较高/一般/低)."""
    tenant, style = tenant_of(actor), (data or {}).get("risk_labels")
    if style not in reference.RISK_LABEL_STYLES:
        raise InvalidInputError({"risk_labels": [_l("Choose letters or words.")]})
    if tenant.risk_labels == style:
        return
    old, tenant.risk_labels = tenant.risk_labels, style
    audit.record("tenant.risk_labels_changed", "tenant", tenant.id, actor=actor, details={"risk_labels": [old, style]})


@command(Permission.CATALOG_MANAGE)
def add_entry(data: dict, *, actor: Actor) -> DirectoryEntry:
    """Add a registry entity (``data``: ``entity_id`` or ``entity_code``, and the department's
    fields) to the department's directory (纳入检查对象名录库)."""
    entity = resolve_entity(entity_id=data.get("entity_id"), entity_code=data.get("entity_code"))
    clean, errors = clean_entry(data)
    if db.session.scalar(sa.select(DirectoryEntry.id).where(DirectoryEntry.entity_id == entity.id)):
        errors["entity"] = [_l("This entity is already in the directory.")]
    elif (refusal := jurisdiction.refused(tenant_of(actor).id, entity)) is not None:
        errors["entity"] = [refusal]  # 管辖: only a business located in the department's branch
    if errors:
        raise InvalidInputError(errors)
    entry = DirectoryEntry(entity_id=entity.id, **clean)
    db.session.add(entry)
    db.session.flush()
    audit.record("directory.added", "directory_entry", entry.id, actor=actor, details={"code": entity.code})
    return entry


def _entry(entry_id: int) -> DirectoryEntry:
    return get_row(DirectoryEntry, entry_id, _l("No such directory entry."), for_update=True)


@command(Permission.CATALOG_MANAGE)
def update_entry(entry_id: int, data: dict, *, actor: Actor) -> DirectoryEntry:
    """Change the department's fields of a directory entry (category, risk, tags, last inspection)."""
    entry = _entry(entry_id)
    clean, errors = clean_entry(
        {
            "category": entry.category,
            "risk": entry.risk,
            "tags": entry.tag_list,
            "last_inspected_on": entry.last_inspected_on,
            **data,
        }
    )
    if errors:
        raise InvalidInputError(errors)
    changed = {k: [str(getattr(entry, k)), str(v)] for k, v in clean.items() if getattr(entry, k) != v}
    for key, value in clean.items():
        setattr(entry, key, value)
    if changed:
        audit.record("directory.changed", "directory_entry", entry.id, actor=actor, details=changed)
    return entry


@command(Permission.CATALOG_MANAGE)
def remove_entry(entry_id: int, data: dict | None = None, *, actor: Actor) -> None:
    """Remove an entry from the department's directory (the registry entity stays); when it was in the
    directory is kept (:class:`RemovedEntry`), for the figures of the periods it was in."""
    entry = _entry(entry_id)
    audit.record("directory.removed", "directory_entry", entry.id, actor=actor, details={"code": entry.entity.code})
    db.session.add(
        RemovedEntry(
            entity_id=entry.entity_id,
            entry_id=entry.id,
            category=entry.category,
            risk=entry.risk,
            joined_at=entry.created_at,
            removed_at=now(),
        )
    )
    db.session.delete(entry)
