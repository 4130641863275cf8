"""Reading the public register of results (检查结果公示) for the portal: the newest results, an
entity's results across departments, a campaign's results, and the search by name or
统一社会信用代码. Only published versions are ever read here (never a visit or a draft)."""
from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.paging import NumberedPage, paginate
from spotcheck.tenants.results.models import PublishedResult

PER_PAGE = 20
#: The longest search text taken (a credit code is 18 characters).
SEARCH_LENGTH = 50


def _current() -> sa.Select:
    return sa.select(PublishedResult).where(PublishedResult.current.is_(True))


def _newest_first(query: sa.Select) -> sa.Select:
    return query.order_by(PublishedResult.published_at.desc(), PublishedResult.id.desc())


def latest(page: int = 1) -> NumberedPage:
    """Every department's published results, newest first."""
    return paginate(_newest_first(_current()), page=page, per_page=PER_PAGE, make=lambda row: row[0])


def of_campaign(campaign_id: int, page: int = 1) -> NumberedPage:
    return paginate(_newest_first(_current().where(PublishedResult.campaign_id == campaign_id)), page=page,
                    per_page=PER_PAGE, make=lambda row: row[0])


def of_entity(entity: Entity) -> list[PublishedResult]:
    """Every published result of the entity across departments, newest first (corrections marked)."""
    return list(db.session.scalars(_newest_first(_current().where(PublishedResult.entity_id == entity.id))))


def entity_by_code(code: str) -> Entity | None:
    """The entity with published results, by its code (统一社会信用代码 or own code)."""
    if not code or len(code) > 32:
        return None
    entity = db.session.scalar(sa.select(Entity).where(Entity.code == code.upper()))
    if entity is None or not db.session.scalar(sa.select(sa.exists(_current().where(
            PublishedResult.entity_id == entity.id)))):
        return None
    return entity


def search(text: str, page: int = 1) -> NumberedPage:
    """Entities with published results whose 统一社会信用代码 starts with, or whose name contains,
    ``text``; each row is (entity, results, last published)."""
    text = (text or "").strip()[:SEARCH_LENGTH]
    stats = (sa.select(PublishedResult.entity_id, sa.func.count().label("results"),
                       sa.func.max(PublishedResult.published_at).label("last"))
             .where(PublishedResult.current.is_(True)).group_by(PublishedResult.entity_id).subquery())
    query = (sa.select(Entity, stats.c.results, stats.c.last).join(stats, stats.c.entity_id == Entity.id)
             .where(sa.or_(Entity.code.startswith(text.upper(), autoescape=True),
                           Entity.name.contains(text, autoescape=True)))
             .order_by(stats.c.last.desc(), Entity.id))
    return paginate(query, page=page, per_page=PER_PAGE, make=lambda row: (row[0], row[1], row[2]))
