"""A joint campaign's visit list (联合检查对象名单), a page at a time, for the pages and the API."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.database import db
from spotcheck.core.errors import NotFound
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.paging import NumberedPage

PER_PAGE = 50


def visit_page(groups: dict[int, list[str]], page: int, per_page: int = PER_PAGE) -> NumberedPage | None:
    """Page ``page`` of the visits (entities in code order; ``groups``: entity id → departments, as
    :func:`spotcheck.tenants.joint.draws.visit_groups` gives them); ``None`` before the target draw,
    NotFound past the last page."""
    if not groups:
        return None
    total = len(groups)
    pages = max(1, -(-total // per_page))
    if not 1 <= page <= pages:
        raise NotFound(_l("No such page."))
    rows = db.session.scalars(sa.select(Entity).where(Entity.id.in_(list(groups))).order_by(Entity.code)
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return NumberedPage(rows=rows, number=page, pages=pages, total=total, per_page=per_page)
