"""What the public portal lists of a department (一单、两库 made public), a page at a time.

Every function works in the current tenant scope (the portal enters each department's scope).
The item list (随机抽查事项清单) is the current version of each published item under random
checking. The inspector list (执法检查人员名录) is the enforcement staff who may be drawn today:
active, holding an enforcement certificate valid today, and not experts — experts (专家, from
testing bodies, research institutes and academia) only advise a check in addition to the required
inspectors (seed 001), hold no enforcement certificate and are never drawn, so they are not on a
list of enforcement inspectors. Of a person only the name, agency, certificate number (执法证号)
and enforcement categories are read: never the ID number, sex, birth date, post or region.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.inspectors import eligibility, services as inspector_services
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.items.models import Item, ItemStatus
from spotcheck.tenants.common.queries import NumberedPage, paginate

PER_PAGE = 50



# --- the item list (一单) -------------------------------------------------------------------------


def _published_items() -> sa.Select:
    return sa.select(Item).where(Item.status == ItemStatus.published, Item.random_check.is_(True))


def published_item_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_published_items().subquery()))


def published_items(*, page: int = 1, per_page: int = PER_PAGE) -> NumberedPage:
    """The published items under random checking, by item code."""
    return paginate(_published_items().order_by(Item.code), page=page, per_page=per_page, make=lambda row: row[0])


# --- the inspector list (执法检查人员名录) --------------------------------------------------------


@dataclass(frozen=True)
class PublicInspector:
    """What the public may know of an inspector: name, agency, certificate number, categories."""

    name: str
    agency: str
    cert_no: str
    categories: tuple[str, ...]


def _listed(day: date, search: str = "") -> list:
    conditions = [eligibility.drawable_on(day)]
    if search:
        conditions.append(inspector_services.matching(search))
    return conditions


def public_inspector_count(day: date) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Inspector).where(*_listed(day)))


def public_inspectors(day: date, *, search: str = "", page: int = 1, per_page: int = PER_PAGE) -> NumberedPage:
    """The inspectors listed on ``day``, by name; ``search``: part of the name or the start of the
    certificate number."""
    query = (sa.select(Inspector.name, Inspector.agency, Inspector.cert_no, Inspector.categories)
             .where(*_listed(day, search)).order_by(Inspector.name, Inspector.cert_no))
    return paginate(query, page=page, per_page=per_page, make=lambda row: PublicInspector(
        name=row.name, agency=row.agency, cert_no=row.cert_no, categories=tuple(row.categories or ())))
