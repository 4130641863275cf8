"""Reading the inspector directory (两库 · 执法检查人员名录库) and its recusals (回避); the public
inspector list (执法检查人员名录 made public).

The public list is the enforcement staff who may be drawn today: active, holding an enforcement
certificate valid today, and not experts — experts (专家, from testing bodies, research institutes
and academia) only advise a check in addition to the required inspectors (seed 001), hold no
enforcement certificate and are never drawn, so they are not on a list of enforcement
inspectors. Of a person the public reads only the name, agency, certificate number (执法证号) and
enforcement categories: never the ID number, sex, birth date, post or region.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.database import db, get_row
from spotcheck.tenants.common.queries import NumberedPage, paginate
from spotcheck.tenants.inspectors import certificates, eligibility, public_lists
from spotcheck.tenants.inspectors.models import Inspector, Recusal
from spotcheck.tenants.inspectors.policy import PUBLIC_COLUMNS, publicly_listed

#: Inspectors a page of the public portal lists.
PER_PAGE = 50


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


def inspector_page(
    *, active_only: bool = False, experts: bool | None = None, search: str = "", page: int = 1, per_page: int = PER_PAGE
) -> NumberedPage:
    """One page of :func:`inspectors_query` (the directory's list page)."""
    return paginate(
        inspectors_query(active_only=active_only, experts=experts, search=search),
        page=page,
        per_page=per_page,
        make=lambda row: row[0],
    )


#: How many inspectors a selection of the directory carries from page to page (批量开通账号).
MAX_SELECTED = 500


def selected(ids: list[int]) -> list[Inspector]:
    """The department's inspectors of a selection carried across the directory's pages and searches (``ids``, at most
    :data:`MAX_SELECTED`), by name: another department's are not found."""
    wanted = sorted(set(ids))[:MAX_SELECTED]
    if not wanted:
        return []
    return list(db.session.scalars(sa.select(Inspector).where(Inspector.id.in_(wanted)).order_by(Inspector.name)))


def matching(search: str) -> sa.ColumnElement[bool]:
    """Inspectors whose name contains ``search`` or whose certificate number starts with it."""
    return sa.or_(
        Inspector.name.contains(search, autoescape=True), Inspector.cert_no.startswith(search.upper(), autoescape=True)
    )


def list_inspectors(*, active_only: bool = False, experts: bool | None = None) -> list[Inspector]:
    return list(db.session.scalars(inspectors_query(active_only=active_only, experts=experts)))


def get_inspector(inspector_id: int) -> Inspector:
    return get_row(Inspector, inspector_id, _l("No such inspector."))


def entry_warnings(inspector: Inspector) -> list[str]:
    """What an inspector's entry is warned of, kept as it is (:func:`certificates.warnings`): an issuing body whose
    certificate format is not known, a certificate expired (kept, marked, never drawn)."""
    return certificates.warnings(
        inspector.agency,
        inspector.cert_no,
        inspector.cert_expires_on,
        certificates.department_region_code(inspector.tenant_id),
    )


def certificate_state(inspector: Inspector, day: date) -> str:
    """``expired``, ``expiring``, ``valid`` or ``open`` (no end date): what the staff pages flag."""
    return eligibility.certificate_state(inspector, day)


def list_recusals(inspector: Inspector | None = None) -> list[Recusal]:
    query = sa.select(Recusal).order_by(Recusal.id.desc())
    if inspector is not None:
        query = query.where(Recusal.inspector_id == inspector.id)
    return list(db.session.scalars(query))


# --- the public inspector list (执法检查人员名录), in the department's scope ----------------------


@dataclass(frozen=True)
class PublicInspector:
    """What the public may know of an inspector: name, agency, certificate number, categories."""

    name: str
    agency: str
    cert_no: str
    categories: tuple[str, ...]


def _listed(day: date, search: str = "") -> list:
    conditions = [publicly_listed(day)]
    if search:
        conditions.append(matching(search))
    return conditions


def public_inspector_count(day: date) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Inspector).where(*_listed(day))).scalar_one()


def first_public_pages(tenant_ids: Iterable[int], day: date, *, per_page: int = PER_PAGE) -> dict[int, NumberedPage]:
    """The first page of the public list of each of departments ``tenant_ids`` (a region's), by department: as
    :func:`public_inspectors` gives it in the department's scope, read for every department at once in two
    statements, whatever their number (:mod:`spotcheck.tenants.inspectors.public_lists`)."""
    wanted = list(tenant_ids)
    totals, rows = public_lists.first_pages(wanted, day, per_page)
    return {
        tenant_id: NumberedPage(
            [_public(row) for row in rows.get(tenant_id, [])],
            1,
            max(1, -(-totals.get(tenant_id, 0) // per_page)),
            totals.get(tenant_id, 0),
            per_page,
        )
        for tenant_id in wanted
    }


def _public(row: sa.Row) -> PublicInspector:
    return PublicInspector(
        name=row.name, agency=row.agency, cert_no=row.cert_no, categories=tuple(row.categories or ())
    )


def public_inspectors(day: date, *, search: str = "", page: int = 1, per_page: int = PER_PAGE) -> NumberedPage:
    """The inspectors listed on ``day``, by name; ``search``: part of the name or the start of the
    certificate number."""
    query = sa.select(*PUBLIC_COLUMNS).where(*_listed(day, search)).order_by(Inspector.name, Inspector.cert_no)
    return paginate(
        query,
        page=page,
        per_page=per_page,
        make=_public,
    )
