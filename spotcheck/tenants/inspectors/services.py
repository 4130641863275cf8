"""The inspector directory (执法检查人员名录库) and recusals (回避).

ID numbers are personal data: stored encrypted, shown masked everywhere, unmasked only to the
department administrator (:func:`id_number_of`).
"""
from __future__ import annotations


import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, personal_data
from spotcheck.core.commands import command
from spotcheck.core.errors import Conflict, NotFound, ValidationFailed
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.tenants.common import validators
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.inspectors.models import Inspector, Recusal


def clean_inspector(data: dict, *, require_id: bool) -> tuple[dict, dict[str, list]]:
    clean, errors = {}, {}
    name = (data.get("name") or "").strip()
    if not name or len(name) > 50:
        errors["name"] = [_l("Enter the person's name.")]
    clean["name"] = name
    sex = reference.code_for(reference.SEXES, data.get("sex"))
    if sex is None:
        errors["sex"] = [_l("Sex is 男 or 女.")]
    clean["sex"] = sex
    if data.get("id_number") or require_id:
        try:
            clean["id_number"] = validators.id_number(str(data.get("id_number") or "").strip())
        except validators.Invalid as invalid:
            errors["id_number"] = [invalid.message]
    for key, label, limit in (("agency", _l("Enter the full name of the enforcement agency."), 200),
                              ("cert_no", _l("Enter the enforcement certificate number."), 32)):
        value = (str(data.get(key) or "")).strip()
        if not value or len(value) > limit:
            errors[key] = [label]
        clean[key] = value
    if clean.get("cert_no") and any(c in clean["cert_no"] for c in "\t\n|"):
        errors["cert_no"] = [_l("The certificate number may not contain tabs, line breaks or |.")]
    clean["post"] = (data.get("post") or "").strip()[:100]
    clean["region"] = (data.get("region") or "").strip()[:100]
    clean["expertise"] = (data.get("expertise") or "").strip()[:200]
    categories = data.get("categories") or []
    if isinstance(categories, str):
        categories = categories.replace("，", ",").replace("、", ",").split(",")
    codes, unknown = set(), []
    for entry in categories:
        if not str(entry).strip():
            continue
        code = reference.code_for(reference.ENFORCEMENT_CATEGORIES, entry)
        codes.add(code) if code else unknown.append(str(entry).strip())
    if unknown:
        errors["categories"] = [_l("Unknown enforcement category: %(codes)s", codes="、".join(unknown))]
    elif not codes:
        errors["categories"] = [_l("Give at least one enforcement category.")]
    clean["categories"] = sorted(codes)
    clean["cert_expires_on"] = validators.parse_date(data.get("cert_expires_on"), "cert_expires_on", errors)
    clean["is_expert"] = validators.parse_flag(data.get("is_expert"))
    clean["active"] = validators.parse_flag(data.get("active", True))
    return clean, errors


def inspectors_query(*, active_only: bool = False, experts: bool | None = None, search: str = "") -> sa.Select:
    """The department's inspectors by name; ``experts`` True/False keeps only experts (专家) / only
    the others; ``search`` a part of the name or of the certificate number."""
    query = sa.select(Inspector).order_by(Inspector.name, Inspector.id)
    if active_only:
        query = query.where(Inspector.active.is_(True))
    if experts is not None:
        query = query.where(Inspector.is_expert.is_(bool(experts)))
    if search := (search or "").strip():
        query = query.where(matching(search))
    return query


def matching(search: str):
    """Inspectors whose name contains ``search`` or whose certificate number starts with it."""
    return sa.or_(Inspector.name.contains(search, autoescape=True),
                  Inspector.cert_no.startswith(search.upper(), autoescape=True))


def list_inspectors(*, active_only: bool = False, experts: bool | None = None) -> list[Inspector]:
    return list(db.session.scalars(inspectors_query(active_only=active_only, experts=experts)))


def get_inspector(inspector_id: int) -> Inspector:
    inspector = db.session.scalar(sa.select(Inspector).where(Inspector.id == inspector_id))
    if inspector is None:
        raise NotFound(_l("No such inspector."))
    return inspector


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


@command(Permission.CATALOG_MANAGE)
def create_inspector(data: dict, *, actor) -> Inspector:
    """Add a person to the inspector directory (执法检查人员名录库)."""
    clean, errors = clean_inspector(data, require_id=True)
    errors = {**_duplicates(clean, None), **errors}
    if errors:
        raise ValidationFailed(errors)
    inspector = Inspector()
    _apply(inspector, clean)
    db.session.add(inspector)
    db.session.flush()
    audit.record("inspector.created", "inspector", inspector.id, actor=actor, details={"cert_no": inspector.cert_no})
    return inspector


@command(Permission.CATALOG_MANAGE)
def update_inspector(inspector: Inspector, data: dict, *, actor) -> Inspector:
    """Change an inspector's entry (a blank ID number keeps the stored one)."""
    current = {k: getattr(inspector, k) for k in ("name", "sex", "agency", "post", "cert_no", "cert_expires_on",
                                                   "categories", "region", "expertise", "is_expert", "active")}
    clean, errors = clean_inspector({**current, **data}, require_id=False)
    errors = {**_duplicates(clean, inspector.id), **errors}
    if errors:
        raise ValidationFailed(errors)
    changed = sorted(k for k, v in clean.items() if k == "id_number" or getattr(inspector, k) != v)
    _apply(inspector, clean)
    if changed:
        audit.record("inspector.changed", "inspector", inspector.id, actor=actor, details={"fields": changed})
    return inspector


@command(Permission.INSPECTORS_PERSONAL_DATA)
def id_number_of(inspector: Inspector, *, actor) -> str:
    """The full ID number, for the department administrator only; every reading is audited."""
    audit.record("inspector.id_viewed", "inspector", inspector.id, actor=actor)
    return personal_data.decrypt(inspector.id_encrypted)


# --- recusals (回避) -----------------------------------------------------------------------


def list_recusals(inspector: Inspector | None = None) -> list[Recusal]:
    query = sa.select(Recusal).order_by(Recusal.id.desc())
    if inspector is not None:
        query = query.where(Recusal.inspector_id == inspector.id)
    return list(db.session.scalars(query))


@command(Permission.CATALOG_MANAGE)
def declare_recusal(inspector: Inspector, entity: Entity, reason: str, *, actor) -> Recusal:
    """Declare that the inspector may not inspect the entity (回避), with the reason."""
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise ValidationFailed({"reason": [_l("State the reason for the recusal (e.g. a relative works there).")]})
    if db.session.scalar(sa.select(Recusal.id).where(Recusal.inspector_id == inspector.id,
                                                     Recusal.entity_id == entity.id)):
        raise ValidationFailed({"entity": [_l("This recusal is already declared.")]})
    recusal = Recusal(inspector_id=inspector.id, entity_id=entity.id, reason=reason,
                      declared_by_id=getattr(actor, "id", None))
    db.session.add(recusal)
    db.session.flush()
    audit.record("recusal.declared", "recusal", recusal.id, actor=actor,
                 details={"cert_no": inspector.cert_no, "entity": entity.code, "reason": reason})
    return recusal


@command(Permission.CATALOG_MANAGE)
def declare_recusal_by_code(inspector: Inspector, code: str, reason: str, *, actor) -> Recusal:
    """Declare a recusal for the entity whose code (统一社会信用代码 or target code) is given;
    errors are reported under ``entity_code`` and ``reason`` together."""
    from spotcheck.tenants.directory.services import entity_by_code

    code = (code or "").strip()
    errors: dict[str, list] = {}
    entity = entity_by_code(code) if code else None
    if not code:
        errors["entity_code"] = [_l("Enter the unified social credit code (or target code) of the entity.")]
    elif entity is None:
        errors["entity_code"] = [_l("No entity with the code %(code)s is in the registry.", code=code.upper())]
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        errors["reason"] = [_l("State the reason for the recusal (e.g. a relative works there).")]
    if errors:
        raise ValidationFailed(errors)
    try:
        return declare_recusal(inspector, entity, reason, actor=actor)
    except ValidationFailed as failed:
        raise ValidationFailed({("entity_code" if k == "entity" else k): v for k, v in failed.errors.items()}) from None


@command(Permission.CATALOG_MANAGE)
def withdraw_recusal(recusal_id: int, *, actor) -> None:
    """Withdraw a declared recusal. One declared against a team member after a draw (抽取后申报回避)
    is withdrawn only while the member is not replaced yet (the member then stays on the team); once
    replaced, the draw's proof cites it, and it stays."""
    from spotcheck.tenants.campaigns.models import TeamMember  # teams are drawn from this directory

    recusal = db.session.scalar(sa.select(Recusal).where(Recusal.id == recusal_id))
    if recusal is None:
        raise NotFound(_l("No such recusal."))
    members = list(db.session.scalars(sa.select(TeamMember).where(TeamMember.recusal_id == recusal.id)))
    if any(not member.active for member in members):
        raise Conflict(_l("A team member was replaced for this conflict after a draw: the recusal stays as the "
                          "record of that replacement."))
    for member in members:
        member.recusal_id = None
    audit.record("recusal.withdrawn", "recusal", recusal.id, actor=actor,
                 details={"cert_no": recusal.inspector.cert_no, "entity": recusal.entity.code})
    db.session.delete(recusal)
