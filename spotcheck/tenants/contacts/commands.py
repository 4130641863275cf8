"""Keeping the department's 负责人 and 联络员 of “双随机、一公开” (seed 003 附件5: “双随机、一公开”工作
负责人和联络员名单 — 姓名, 职务, 联系方式): the administrator's form (:func:`save`). The audit trail
records who changed what, the numbers masked.
"""

from __future__ import annotations

from typing import Any, cast

import sqlalchemy as sa

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.personal_data import mask_contact
from spotcheck.tenants.contacts.models import DepartmentContact
from spotcheck.tenants.contacts.policy import SAVE
from spotcheck.tenants.contacts.vocabulary import FIELD_NAMES, FIELDS, LIMITS, MOBILE, OFFICE_PHONE, ROLES


def _own_locked() -> dict[str, DepartmentContact | None]:
    query = sa.select(DepartmentContact).with_for_update().execution_options(populate_existing=True)
    found = {row.role: row for row in db.session.scalars(query)}
    return {role: found.get(role) for role in ROLES}


def _clean(data: dict) -> tuple[dict[str, dict[str, str]], dict]:
    clean, errors = {}, {}
    for role, label in ROLES.items():
        raw = data.get(role)
        given: dict[str, Any] = raw if isinstance(raw, dict) else {}
        values = {key: str(given.get(key) or "").strip() for key in FIELDS}
        values["office_phone"] = values["office_phone"].replace(" ", "").replace("（", "(").replace("）", ")")
        values["mobile"] = values["mobile"].replace(" ", "").replace("-", "")
        if not values["name"]:
            errors[f"{role}.name"] = [f"请填写{label}的姓名（“双随机、一公开”工作负责人和联络员名单）。"]
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


@command(SAVE)
def save(data: dict, *, actor: Actor) -> dict[str, DepartmentContact]:
    """Record the department's 负责人 and 联络员 (name, post, office phone, mobile), both at once;
    a bad field refuses the whole form and changes nothing. Audited with the phones masked."""
    if not isinstance(data, dict):
        raise InvalidInputError({"responsible.name": ["请填写负责人和联络员。"]})
    clean, errors = _clean(data)
    if errors:
        raise InvalidInputError(errors)
    current, changed = _own_locked(), {}
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
        audit.record(
            "contacts.saved",
            "department_contact",
            None,
            actor=actor,
            details={
                role: {
                    "name": clean[role]["name"],
                    "fields": [FIELD_NAMES[key] for key in fields],
                    **{
                        key: mask_contact(clean[role][key])
                        for key in ("office_phone", "mobile")
                        if key in fields and clean[role][key]
                    },
                }
                for role, fields in changed.items()
            },
        )
    return cast(dict[str, DepartmentContact], current)  # every role has its row now
