"""Reading the department's 负责人 and 联络员 of “双随机、一公开” (seed 003 附件5): its own, those of a
set of departments as the current scope shows them (:func:`rows_of`), and the 联系电话 an
export's 填报人 line gives (:func:`footer_phone`).

The phones are personal data: they are shown only to whoever may read the list (see
:mod:`spotcheck.tenants.supervision.contacts`), never on a public page or in a log.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.contacts.models import DepartmentContact
from spotcheck.tenants.contacts.vocabulary import ROLES


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


def rows_of(tenants: list[Tenant]) -> list[Listed]:
    """The contacts of ``tenants`` as the current scope shows them."""
    ids = [t.id for t in tenants]
    found: dict[int, dict[str, DepartmentContact]] = {i: {} for i in ids}
    for row in db.session.scalars(sa.select(DepartmentContact).where(DepartmentContact.tenant_id.in_(ids))):
        found[row.tenant_id][row.role] = row
    return [Listed(t.id, t.name, {role: found[t.id].get(role) for role in ROLES}) for t in tenants]


def footer_phone(user: Actor) -> str:
    """The 联系电话 of an export's 填报人 line: the department's liaison's office phone (a work
    number, the seed's 联系方式 for such filings), else the user's own mobile (a person's: the platform has
    none), else blank."""
    liaison = db.session.scalar(sa.select(DepartmentContact).where(DepartmentContact.role == "liaison"))
    if liaison is not None and liaison.office_phone:
        return liaison.office_phone
    return getattr(user, "mobile", "") or ""
