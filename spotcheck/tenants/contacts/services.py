"""Keeping the department's 负责人 and 联络员 of 双随机、一公开 (seed 003 附件5: “双随机、一公开”工作
负责人和联络员名单 — 姓名, 职务, 联系方式): the administrator's form (:func:`save`), the rows of a set of
departments as the current scope shows them (:func:`rows_of`), and the 联系电话 an export's
填报人 line gives (:func:`footer_phone`).

The phones are personal data: they are shown only to whoever may read the list (see
:mod:`spotcheck.tenants.supervision.contacts`), never on a public page, in the audit trail (which
records who changed what, the numbers masked) or in a log.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from spotcheck.core import audit
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import ValidationFailed
from spotcheck.core.personal_data import mask_contact
from spotcheck.core.policy import Permission
from spotcheck.tenants.contacts.models import DepartmentContact
from spotcheck.tenants.accounts.models import Tenant

#: The two contacts, in the seed's order and words.
ROLES = {"responsible": "负责人", "liaison": "联络员"}
FIELDS = ("name", "post", "office_phone", "mobile")
FIELD_NAMES = {"name": "姓名", "post": "职务", "office_phone": "办公电话", "mobile": "手机"}

#: A mainland mobile number.
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
#: An office phone: digits, an area code in brackets or with a hyphen, an extension after a hyphen
#: or 转 (7622333, 0571-87654321, (023)59220329, 0571-87654321-8001, 0571-87654321转8001).
OFFICE_PHONE = re.compile(r"^(\(0\d{2,3}\)|0\d{2,3}-?)?\d{7,8}((-|转)\d{1,6})?$")
LIMITS = {"name": 50, "post": 100}


@dataclass(frozen=True)
class Listed:
    """One department's contacts on the list."""

    tenant_id: int
    department: str
    contacts: dict[str, DepartmentContact | None]


def own() -> dict[str, DepartmentContact | None]:
    """The current department's contacts by role (``None`` where none is recorded)."""
    found = {row.role: row for row in db.session.scalars(sa.select(DepartmentContact))}
    return {role: found.get(role) for role in ROLES}


def _clean(data: dict) -> tuple[dict[str, dict[str, str]], dict]:
    clean, errors = {}, {}
    for role, label in ROLES.items():
        given = data.get(role) if isinstance(data.get(role), dict) else {}
        values = {key: str(given.get(key) or "").strip() for key in FIELDS}
        values["office_phone"] = values["office_phone"].replace(" ", "").replace("（", "(").replace("）", ")")
        values["mobile"] = values["mobile"].replace(" ", "").replace("-", "")
        if not values["name"]:
            errors[f"{role}.name"] = [f"请填写{label}的姓名（文件003附件5：负责人和联络员名单）。"]
        for key, limit in LIMITS.items():
            if len(values[key]) > limit:
                errors[f"{role}.{key}"] = [f"{label}的{'姓名' if key == 'name' else '职务'}不超过{limit}个字。"]
        if values["office_phone"] and not OFFICE_PHONE.match(values["office_phone"]):
            errors[f"{role}.office_phone"] = [f"{label}的办公电话格式不对：如 0571-87654321，分机写在“-”或“转”之后。"]
        if values["mobile"] and not MOBILE.match(values["mobile"]):
            errors[f"{role}.mobile"] = [f"{label}的手机号码应为11位大陆手机号码。"]
        if not values["office_phone"] and not values["mobile"] and f"{role}.office_phone" not in errors:
            errors[f"{role}.office_phone"] = [f"请至少填写{label}的一个联系方式（办公电话或手机）。"]
        clean[role] = values
    return clean, errors


@command(Permission.CONTACTS_MANAGE)
def save(data: dict, *, actor) -> dict[str, DepartmentContact]:
    """Record the department's 负责人 and 联络员 (name, post, office phone, mobile), both at once;
    a bad field refuses the whole form and changes nothing. Audited with the phones masked."""
    if not isinstance(data, dict):
        raise ValidationFailed({"responsible.name": ["请填写负责人和联络员。"]})
    clean, errors = _clean(data)
    if errors:
        raise ValidationFailed(errors)
    current, changed = own(), {}
    for role, values in clean.items():
        row = current[role]
        if row is None:
            row = DepartmentContact(role=role, **values)
            db.session.add(row)
            changed[role] = list(FIELDS)
        else:
            fields = [key for key in FIELDS if getattr(row, key) != values[key]]
            if not fields:
                continue
            for key in fields:
                setattr(row, key, values[key])
            changed[role] = fields
        row.updated_at, row.updated_by_name = now(), actor.display_name
        current[role] = row
    db.session.flush()
    if changed:
        audit.record("contacts.saved", "department_contact", None, actor=actor, details={
            role: {"name": clean[role]["name"], "fields": [FIELD_NAMES[key] for key in fields],
                   **{key: mask_contact(clean[role][key]) for key in ("office_phone", "mobile")
                      if key in fields and clean[role][key]}}
            for role, fields in changed.items()})
    return current


def rows_of(tenants: list[Tenant]) -> list[Listed]:
    """The contacts of ``tenants`` as the current scope shows them."""
    ids = [t.id for t in tenants]
    found: dict[int, dict[str, DepartmentContact]] = {i: {} for i in ids}
    for row in db.session.scalars(sa.select(DepartmentContact).where(DepartmentContact.tenant_id.in_(ids))):
        found[row.tenant_id][row.role] = row
    return [Listed(t.id, t.name, {role: found[t.id].get(role) for role in ROLES}) for t in tenants]


def footer_phone(user) -> str:
    """The 联系电话 of an export's 填报人 line: the department's liaison's office phone (a work
    number, the seed's 联系方式 for such filings), else the user's own mobile, else blank."""
    liaison = db.session.scalar(sa.select(DepartmentContact).where(DepartmentContact.role == "liaison"))
    if liaison is not None and liaison.office_phone:
        return liaison.office_phone
    return getattr(user, "mobile", "") or ""
