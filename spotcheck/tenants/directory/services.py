"""The registry of entities (kept by the lead department) and each department's target directory."""
from __future__ import annotations

from dataclasses import dataclass, field
import sqlalchemy as sa
from sqlalchemy.orm import contains_eager
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.commands import command
from spotcheck.core.policy import Permission
from spotcheck.core.clock import now
from spotcheck.core.errors import Forbidden, NotFound, ValidationFailed
from spotcheck.core.database import db, is_row_id
from spotcheck.tenants.common import validators
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.accounts.models import TenantKind

PAGE_SIZE = 50


# --- validation, one place for registry rows and directory rows --------------------------


def clean_entity(data: dict) -> tuple[dict, dict[str, list]]:
    """Check and normalise a registry row; the code is a 统一社会信用代码 for organisations."""
    clean, errors = {}, {}
    entity_type = reference.code_for(reference.ENTITY_TYPES, data.get("entity_type") or "enterprise")
    if entity_type is None:
        errors["entity_type"] = [_l("Unknown target type.")]
    clean["entity_type"] = entity_type
    try:
        if entity_type in reference.USCC_ENTITY_TYPES:
            clean["code"] = validators.credit_code(data.get("code"))
        else:
            clean["code"] = validators.other_target_code(data.get("code"))
    except validators.Invalid as invalid:
        errors["code"] = [invalid.message]
    name = (data.get("name") or "").strip()
    if not name or len(name) > 200:
        errors["name"] = [_l("Enter the name (at most 200 characters).")]
    clean["name"] = name
    for key, check in (("industry_code", validators.industry_code), ("region_code", validators.region_code)):
        try:
            clean[key] = check(data.get(key))
        except validators.Invalid as invalid:
            errors[key] = [invalid.message]
    clean["address"] = (data.get("address") or "").strip()[:200]
    status = reference.code_for(reference.ENTITY_STATUSES, data.get("status") or "active")
    if status is None:
        errors["status"] = [_l("Unknown registration status.")]
    clean["status"] = status
    clean["abnormal"] = validators.parse_flag(data.get("abnormal"))
    clean["blacklisted"] = validators.parse_flag(data.get("blacklisted"))
    clean["penalized_on"] = validators.parse_date(data.get("penalized_on"), "penalized_on", errors)
    try:
        clean["complaints"] = int(data.get("complaints") or 0)
        if clean["complaints"] < 0:
            raise ValueError
    except (TypeError, ValueError):
        errors["complaints"] = [_l("Enter a whole number of 0 or more.")]
    rating = data.get("credit_rating") or None
    if rating is not None:
        rating = str(rating).strip().upper()[:1] or None
        if rating and rating not in reference.CREDIT_RATINGS:
            errors["credit_rating"] = [_l("The credit rating is A, B, C or D.")]
    clean["credit_rating"] = rating
    return clean, errors


def risk_code(value) -> str | None:
    """The risk class code (A–D) for ``value`` given as a letter or as a word (高/较高/一般/低)."""
    risk = str(value or "").strip()
    if risk.upper() in reference.RISK_CLASSES:
        return risk.upper()
    return next((c for style in reference.RISK_LABEL_STYLES.values() for c, label in style.items() if label == risk), None)


def clean_entry(data: dict) -> tuple[dict, dict[str, list]]:
    """Check and normalise a department's directory fields."""
    clean, errors = {}, {}
    clean["category"] = (data.get("category") or "").strip()[:64]
    code = risk_code(data.get("risk") or "C")
    if code is None:
        errors["risk"] = [_l("The risk class is A, B, C or D (or 高, 较高, 一般, 低).")]
    clean["risk"] = code
    tags = data.get("tags") or []
    if isinstance(tags, str):
        tags = tags.replace("，", ",").replace("、", ",").split(",")
    tags = sorted({t.strip() for t in tags if t and t.strip()})
    clean["tags"] = ("," + ",".join(tags) + ",") if tags else ""
    if len(clean["tags"]) > 400:
        errors["tags"] = [_l("Too many tags.")]
    clean["last_inspected_on"] = validators.parse_date(data.get("last_inspected_on"), "last_inspected_on", errors)
    return clean, errors


# --- the registry --------------------------------------------------------------------------


def require_registry_keeper(actor) -> None:
    """The registry is kept by the lead department (market regulation)."""
    if actor.tenant is None or actor.tenant.kind != TenantKind.lead:
        raise Forbidden(_l("Only the market-regulation bureau keeps the entity registry."))


def get_entity(entity_id: int) -> Entity:
    entity = db.session.get(Entity, entity_id)
    if entity is None:
        raise NotFound(_l("No such entity."))
    return entity


def entity_by_code(code: str) -> Entity | None:
    return db.session.scalar(sa.select(Entity).where(Entity.code == code.strip().upper()))


@command(Permission.REGISTRY_MANAGE)
def save_entity(data: dict, *, actor, entity: Entity | None = None) -> Entity:
    """Create or change a registry entity (lead department only)."""
    require_registry_keeper(actor)
    clean, errors = clean_entity({**(_entity_dict(entity) if entity else {}), **data})
    existing = entity_by_code(clean["code"]) if "code" in clean else None
    if existing is not None and existing is not entity:
        errors["code"] = [_l("An entity with this code is already in the registry.")]
    if errors:
        raise ValidationFailed(errors)
    if entity is None:
        entity = Entity(**clean)
        db.session.add(entity)
    else:
        for key, value in clean.items():
            setattr(entity, key, value)
        entity.updated_at = now()
    db.session.flush()
    audit.record("entity.saved", "entity", entity.id, actor=actor, details={"code": entity.code})
    return entity


def _entity_dict(entity: Entity) -> dict:
    return {c.key: getattr(entity, c.key) for c in Entity.__table__.columns if c.key not in ("id", "updated_at")}


# --- directory entries -----------------------------------------------------------------------


def get_entry(entry_id: int) -> DirectoryEntry:
    entry = db.session.scalar(sa.select(DirectoryEntry).where(DirectoryEntry.id == entry_id))
    if entry is None:
        raise NotFound(_l("No such directory entry."))
    return entry


def resolve_entity(*, entity_id: int | None = None, entity_code: str | None = None) -> Entity:
    """The registry entity named by id or by code, for a new directory entry (bad input → 422)."""
    entity = None
    if entity_id:
        entity = db.session.get(Entity, entity_id) if is_row_id(entity_id) else None
        if entity is None:
            raise ValidationFailed({"entity_id": [_l("No entity with this id in the registry.")]})
    elif entity_code and entity_code.strip():
        entity = entity_by_code(entity_code)
        if entity is None:
            raise ValidationFailed({"entity_code": [_l("No entity with this code in the registry.")]})
    else:
        raise ValidationFailed({"entity_code": [_l("Give the code (or the id) of a registry entity.")]})
    return entity


def entry_ids_by_entity(entity_ids) -> dict[int, int]:
    """For the given registry entities, the ids of the current department's entries pointing to them."""
    ids = list(entity_ids)
    if not ids:
        return {}
    rows = db.session.execute(sa.select(DirectoryEntry.entity_id, DirectoryEntry.id).where(DirectoryEntry.entity_id.in_(ids)))
    return dict(rows.all())


@command(Permission.CATALOG_MANAGE)
def set_risk_labels(style: str, *, actor) -> None:
    """How the actor's department shows risk classes: ``letters`` (A–D) or ``words`` (高/较高/一般/低)."""
    tenant = actor.tenant
    if style not in reference.RISK_LABEL_STYLES:
        raise ValidationFailed({"risk_labels": [_l("Choose letters or words.")]})
    if tenant.risk_labels == style:
        return
    old, tenant.risk_labels = tenant.risk_labels, style
    audit.record("tenant.risk_labels_changed", "tenant", tenant.id, actor=actor, details={"risk_labels": [old, style]})


@command(Permission.CATALOG_MANAGE)
def add_entry(entity: Entity, data: dict, *, actor) -> DirectoryEntry:
    """Add a registry entity to the department's directory (纳入检查对象名录库)."""
    clean, errors = clean_entry(data)
    if db.session.scalar(sa.select(DirectoryEntry.id).where(DirectoryEntry.entity_id == entity.id)):
        errors["entity"] = [_l("This entity is already in the directory.")]
    if errors:
        raise ValidationFailed(errors)
    entry = DirectoryEntry(entity_id=entity.id, **clean)
    db.session.add(entry)
    db.session.flush()
    audit.record("directory.added", "directory_entry", entry.id, actor=actor, details={"code": entity.code})
    return entry


@command(Permission.CATALOG_MANAGE)
def update_entry(entry: DirectoryEntry, data: dict, *, actor) -> DirectoryEntry:
    """Change the department's fields of a directory entry (category, risk, tags, last inspection)."""
    clean, errors = clean_entry({"category": entry.category, "risk": entry.risk, "tags": entry.tag_list,
                                 "last_inspected_on": entry.last_inspected_on, **data})
    if errors:
        raise ValidationFailed(errors)
    changed = {k: [str(getattr(entry, k)), str(v)] for k, v in clean.items() if getattr(entry, k) != v}
    for key, value in clean.items():
        setattr(entry, key, value)
    if changed:
        audit.record("directory.changed", "directory_entry", entry.id, actor=actor, details=changed)
    return entry


@command(Permission.CATALOG_MANAGE)
def remove_entry(entry: DirectoryEntry, *, actor) -> None:
    """Remove an entry from the department's directory (the registry entity stays)."""
    audit.record("directory.removed", "directory_entry", entry.id, actor=actor, details={"code": entry.entity.code})
    db.session.delete(entry)


# --- search with keyset pagination ------------------------------------------------------------


@dataclass
class Filters:
    """Search filters shared by the registry and the directory; every one is optional."""

    q: str = ""  # name contains, or code prefix
    industry: str = ""  # GB/T 4754 code prefix
    region: str = ""  # GB/T 2260 code prefix (e.g. 3301 for the whole city)
    entity_type: str = ""
    status: str = ""
    flags: list[str] = field(default_factory=list)  # abnormal, blacklisted, penalized, complaints
    category: str = ""  # directory only
    risk: str = ""  # directory only
    tag: str = ""  # directory only


def _entity_conditions(filters: Filters) -> list:
    conditions = []
    q = filters.q.strip()
    if q:
        if q.isascii() and q.replace("-", "").isalnum() and len(q) >= 4:
            conditions.append(sa.or_(Entity.code.startswith(q.upper(), autoescape=True),
                                     Entity.name.contains(q, autoescape=True)))
        else:
            conditions.append(Entity.name.contains(q, autoescape=True))
    if filters.industry:
        conditions.append(Entity.industry_code.startswith(filters.industry.strip().upper(), autoescape=True))
    if filters.region:
        conditions.append(Entity.region_code.startswith(filters.region.strip(), autoescape=True))
    if filters.entity_type:
        conditions.append(Entity.entity_type == filters.entity_type)
    if filters.status:
        conditions.append(Entity.status == filters.status)
    for flag in filters.flags:
        if flag == "abnormal":
            conditions.append(Entity.abnormal.is_(True))
        elif flag == "blacklisted":
            conditions.append(Entity.blacklisted.is_(True))
        elif flag == "penalized":
            conditions.append(Entity.penalized_on.is_not(None))
        elif flag == "complaints":
            conditions.append(Entity.complaints > 0)
    return conditions


@dataclass
class Page:
    rows: list
    next_after: int | None  # pass as ``after`` for the next page; None on the last page


def search_registry(filters: Filters, *, after: int = 0, limit: int = PAGE_SIZE) -> Page:
    """Registry entities matching ``filters``, by id, ``limit`` at a time after id ``after`` (keyset)."""
    query = sa.select(Entity).where(Entity.id > after, *_entity_conditions(filters)).order_by(Entity.id).limit(limit + 1)
    rows = list(db.session.scalars(query))
    return Page(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


def search_directory(filters: Filters, *, after: int = 0, limit: int = PAGE_SIZE) -> Page:
    """The current department's directory entries matching ``filters`` (keyset by entry id)."""
    query = (sa.select(DirectoryEntry).join(DirectoryEntry.entity).options(contains_eager(DirectoryEntry.entity))
             .where(DirectoryEntry.id > after, *_entity_conditions(filters)))
    if filters.category:
        query = query.where(DirectoryEntry.category == filters.category)
    if filters.risk:
        query = query.where(DirectoryEntry.risk == (risk_code(filters.risk) or filters.risk))
    if filters.tag:
        query = query.where(DirectoryEntry.tags.contains(f",{filters.tag.strip()},", autoescape=True))
    rows = list(db.session.scalars(query.order_by(DirectoryEntry.id).limit(limit + 1)))
    return Page(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


def directory_categories() -> list[str]:
    return [c for c in db.session.scalars(sa.select(DirectoryEntry.category).distinct().order_by(DirectoryEntry.category)) if c]
