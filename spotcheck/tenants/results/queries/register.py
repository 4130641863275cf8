"""Reading the public register of results (检查结果公示) for the portal: the newest results (of a region: see
:class:`Where`), an entity's results across departments, a campaign's results, and the search by name or
统一社会信用代码. Only published versions are ever read here (never a visit or a draft); and
:func:`public_content`, what publishing a visit's result keeps of it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import InstrumentedAttribute

from spotcheck.core.database import db, dialect, searching
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.core.scoping import joint_scope
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.campaigns import named
from spotcheck.tenants.campaigns.inspection_counts import code_prefix
from spotcheck.tenants.campaigns.models import Campaign, Draw, TeamMember
from spotcheck.tenants.campaigns.vocabulary import DrawKind
from spotcheck.tenants.common.queries import NumberedPage, paginate, paginate_on
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.directory.names import name_holds
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.results import categories
from spotcheck.tenants.results.models import PublishedEntity, PublishedResult, Visit
from spotcheck.tenants.results.present_teams import teams_of
from spotcheck.tenants.results.queries.teams import experts_of, public_expert

PER_PAGE = 20
#: The longest search text taken (a credit code is 18 characters).
SEARCH_LENGTH = 50
#: Up to this many matches, a search orders its matches; beyond, it walks the register by recency.
FEW_MATCHES = 3000


def _current() -> sa.Select:
    return sa.select(PublishedResult).where(PublishedResult.current.is_(True))


def _newest_first(query: sa.Select) -> sa.Select:
    return query.order_by(PublishedResult.published_at.desc(), PublishedResult.id.desc())


#: The two ways a region's results are asked for (``?region=``, ``?department_region=``): the query parameter's name.
LOCATED, CHECKED_BY = "region", "department_region"


@dataclass(frozen=True)
class Where:
    """Which of the register's results a region's list holds (地区筛选) — two filters, either or both:

    - ``located`` (``?region=CODE``): the results about businesses located in the region or a region below it
      (their registry code lies in it), whichever department of whichever level checked them — a citizen of
      宁安市 looking for a caterer there finds 牡丹江市's check of it too;
    - ``checked_by`` (``?department_region=CODE``): the results published by the departments of the region and
      of the regions below it (its branch), wherever the business lies.

    The root for either is every result (a business outside the tree is the root's: :func:`~spotcheck.tenants.
    campaigns.inspection_counts.region_of`); None: not asked."""

    located: Region | None = None
    checked_by: Region | None = None

    @property
    def any(self) -> bool:
        return self.located is not None or self.checked_by is not None

    def apply(self, query: sa.Select) -> sa.Select:
        if self.located is not None and self.located.parent_id is not None:
            prefix = code_prefix(self.located.code)
            query = query.join(Entity, Entity.id == PublishedResult.entity_id).where(
                Entity.region_code >= prefix, Entity.region_code < prefix + "~"
            )
        if self.checked_by is not None and self.checked_by.parent_id is not None:
            branch = sa.select(Tenant.id).join(Region, Region.id == Tenant.region_id)
            query = query.where(PublishedResult.tenant_id.in_(branch.where(regions.in_branch(self.checked_by.id))))
        return query


def asked_region(code: object, field: str) -> Region | None:
    """The region a public list is asked for by its code (``field``: the query parameter, ``region=231084``); None
    when none is. A code of the wrong form, or one the tree lacks, is refused naming ``field`` (never the whole
    register read instead)."""
    if code is None or not str(code).strip():
        return None
    code = str(code).strip()
    try:
        found = regions.named(code, field)
    except NotFoundError:
        found = None
    except InvalidInputError:
        raise InvalidInputError(
            {field: [_l("%(field)s: a region's code is 6, 9 or 12 digits (231084, 231084100).", field=field)]}
        ) from None
    if found is None:
        raise InvalidInputError({field: [_l("%(field)s: no region has the code %(code)s.", field=field, code=code)]})
    return found


def region_filters(located: object = None, checked_by: object = None) -> Where:
    """The filters of ``?region=`` and ``?department_region=`` as a request gives them (:class:`Where`)."""
    return Where(asked_region(located, LOCATED), asked_region(checked_by, CHECKED_BY))


def region_filters_asked(located: object = None, checked_by: object = None) -> tuple[Where, dict[str, list[str]]]:
    """:func:`region_filters` for the portal's page, which shows a bad code on the page itself: the filters, and what
    is wrong with the parameters by name (none: the filters apply; else no filter)."""
    try:
        return region_filters(located, checked_by), {}
    except InvalidInputError as bad:
        return Where(), bad.errors


def latest(page: int = 1, where: Where | None = None) -> NumberedPage:
    """Every department's published results, newest first; ``where``: a region's (:class:`Where`)."""
    query = (where or Where()).apply(_current())
    return paginate(_newest_first(query), page=page, per_page=PER_PAGE, make=lambda row: row[0])


def of_campaign(campaign_id: int, page: int = 1) -> NumberedPage:
    return paginate(
        _newest_first(_current().where(PublishedResult.campaign_id == campaign_id)),
        page=page,
        per_page=PER_PAGE,
        make=lambda row: row[0],
    )


def of_entity(entity: Entity) -> list[PublishedResult]:
    """Every published result of the entity across departments, newest first (corrections marked)."""
    return list(db.session.scalars(_newest_first(_current().where(PublishedResult.entity_id == entity.id))))


def of_entity_by_visit(entity: Entity) -> list[list[PublishedResult]]:
    """The entity's published results, newest first, a joint visit (联合检查) once: the results of
    the departments of one joint campaign together, each under its own department's name."""
    visits: list[list[PublishedResult]] = []
    joint: dict[int, list[PublishedResult]] = {}
    for result in of_entity(entity):
        joint_id = (result.content or {}).get("joint_id")
        if joint_id is None:
            visits.append([result])
        elif joint_id in joint:
            joint[joint_id].append(result)
        else:
            joint[joint_id] = [result]
            visits.append(joint[joint_id])
    return visits


def places_of(results: Iterable[PublishedResult]) -> dict[int, Region]:
    """The region of each department that published one of ``results`` (department id → region): one query, so
    that each result names the level that checked (a city's department, a county's, a town's)."""
    tenant_ids = {result.tenant_id for result in results}
    if not tenant_ids:
        return {}
    return {
        tenant_id: region
        for tenant_id, region in db.session.execute(
            sa.select(Tenant.id, Region).join(Region, Region.id == Tenant.region_id).where(Tenant.id.in_(tenant_ids))
        )
    }


def entity_by_code(code: str) -> Entity | None:
    """The entity with published results, by its code (统一社会信用代码 or own code)."""
    if not code or len(code) > 32:
        return None
    return db.session.scalar(
        sa.select(Entity)
        .join(PublishedEntity, PublishedEntity.entity_id == Entity.id)
        .where(Entity.code == code.upper())
    )


def search(text: str, page: int = 1) -> NumberedPage:
    """Entities with published results whose 统一社会信用代码 starts with, or whose name contains,
    ``text``, the most recently published first; each row is (entity, results, last published).

    Read from the register by entity (:class:`PublishedEntity`). The matches are found first, through
    the register's indexes of the codes and of the names' characters, up to :data:`FEW_MATCHES`: a search that
    matches more says "more than 3,000" (``page.more``) and walks the register from the newest until the page is
    full — counting every business whose name holds 有限公司 would cost more than the page itself; one that matches
    few reads just those by their ids in the register, which the planner walks from the newest for thousands (a
    hashed look-up a row; 临安's 2,973 businesses joined to the registry first and sorted took 29–38 ms, walked
    0.9 ms) and looks up for a few, the registry joined for the page's rows only. The database cannot tell
    the two cases apart by itself, and either plan is slow for the other case."""
    text = (text or "").strip()[:SEARCH_LENGTH]
    with searching():  # each statement planned for the text searched
        return _search(text, page)


def _search(text: str, page: int) -> NumberedPage:
    matched = _matched(text)
    query = (
        sa.select(Entity, PublishedEntity.results, PublishedEntity.last_published_at)
        .join(PublishedEntity, PublishedEntity.entity_id == Entity.id)
        .order_by(PublishedEntity.last_published_at.desc(), PublishedEntity.entity_id.desc())
    )
    if matched is not None:  # few: just those, by their ids, the register read from the newest
        return paginate(
            query.where(_among(PublishedEntity.entity_id, matched)),
            page=page,
            per_page=PER_PAGE,
            make=tuple,
            total=len(matched),
        )
    # many: the matching ones, from the newest
    return paginate_on(
        query.where(sa.or_(*_matching(text))), page=page, per_page=PER_PAGE, at_least=FEW_MATCHES, make=tuple
    )


def _among(column: sa.ColumnElement[int] | InstrumentedAttribute[int], ids: Sequence[int]) -> sa.ColumnElement[bool]:
    """``column`` is one of ``ids``: on PostgreSQL one array parameter (a list of thousands planned as fast as
    one id), elsewhere a list of parameters."""
    if dialect() == "postgresql":
        return column == sa.any_(sa.bindparam("ids", list(ids), type_=postgresql.ARRAY(sa.Integer)))
    return column.in_(ids)


def _matched(text: str) -> list[int] | None:
    """The ids of the published entities matching ``text`` (:func:`_matching_ids`) when there are at most
    :data:`FEW_MATCHES`, else None. The two ways of matching are read one after the other (``UNION ALL``) and
    stop at twice :data:`FEW_MATCHES` and one rows, an entity found both ways counted once: each is found at most
    twice, so those rows hold more than :data:`FEW_MATCHES` entities whenever the matches do. ``UNION`` had to
    read every match before it could stop: 有限公司, in nearly every name, read the whole register and worked out
    each name's runs (0.43 s of a 0.49 s search, the slowest page of the city's year). On PostgreSQL the rows are
    counted where they are read, and only a few matches' ids come back: a common text's 6,002 ids sent and kept
    one by one were a quarter of its search's time (a slow machine: 50 clients searching at once)."""
    rows = _matching_ids(text).limit(2 * FEW_MATCHES + 1).subquery()
    if dialect() != "postgresql":
        found = list(dict.fromkeys(db.session.scalars(sa.select(rows.c.id))))
        return found if len(found) <= FEW_MATCHES else None
    entities = sa.select(rows.c.id).distinct().subquery()
    ids = sa.func.array_agg(entities.c.id, type_=postgresql.ARRAY(sa.Integer))
    none = sa.literal([], postgresql.ARRAY(sa.Integer))
    few = sa.case((sa.func.count() <= FEW_MATCHES, sa.func.coalesce(ids, none)))
    found = db.session.execute(sa.select(few).select_from(entities)).scalar_one()
    return None if found is None else list(found)


def _matching_ids(text: str) -> sa.Select:
    """The ids of the published entities whose code starts with ``text`` or whose name contains it (an entity
    matching both ways twice), from the register alone on PostgreSQL: its copy of the code in its own B-tree
    (migration 0052), its copy of the name looked up in the index of the names' characters (migration 0046) and each
    candidate's name read then — joining the registry read a registry row for every code matched (18–30 ms for a
    code's beginning held by thousands), reading every published name took 40 ms a search."""
    code, name = _matching(text)
    if dialect() == "postgresql":
        published = sa.select(PublishedEntity.entity_id.label("id"))
        return (
            sa.union_all(
                published.where(code), published.where(name_holds(PublishedEntity.name, text) if text else name)
            )
            .subquery()
            .select()
        )
    published = sa.select(Entity.id).join(PublishedEntity, PublishedEntity.entity_id == Entity.id)
    return sa.union_all(published.where(code), published.where(name)).subquery().select()


def _matching(text: str) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    """The code starts with ``text``, the name contains it: the register's copies on PostgreSQL (kept by a trigger
    when the registry changes them), the registry's own elsewhere."""
    code, name = (
        (PublishedEntity.code, PublishedEntity.name) if dialect() == "postgresql" else (Entity.code, Entity.name)
    )
    return code.startswith(text.upper(), autoescape=True), name.contains(text, autoescape=True)


def public_content(visit: Visit, parts: PublicParts | None = None) -> dict:
    """What the public register keeps of a result: no draft, no personal data (inspectors by name
    and certificate number only; experts 专家 by name and organisation, marked ``expert``).
    ``parts``: the teams, experts and joint campaigns of many visits read at once (a publication
    of thousands), else read for this visit alone."""
    parts = parts or PublicParts([visit])
    return {
        **parts.joint_of(visit),
        **_named(visit),
        "department": visit.campaign.tenant.full_name,
        "department_code": visit.campaign.tenant.code,
        "campaign_code": visit.campaign.code,
        "campaign_title": visit.campaign.title,
        "method": reference.CHECK_METHODS.get(visit.method, visit.method),
        "items": [
            {
                "name": result.item.name,
                "categories": [categories.published_name(code) for code in result.category_codes],
                "findings": result.findings,
            }
            for result in visit.results
        ],
        "team": (
            []
            if parts.blinded(visit)
            else [
                {"name": member.shown_name, "cert_no": member.shown_cert_no, "leader": member.is_leader}
                for member in parts.team(visit)
            ]
        )
        + [public_expert(expert) for expert in parts.experts(visit)],  # 专家, in addition
        **({"team_withheld": True} if parts.blinded(visit) else {}),
    }


def _named(visit: Visit) -> dict:
    """A check of named businesses (特定对象检查) says so — a check for a cause (有因检查), with the legal basis of its
    items — and never which cause: that is the business's and its supervising bureau's to read, not the public's
    (:func:`spotcheck.tenants.campaigns.named.public_grounds`). It never passes for a random check. Nothing for a
    random one."""
    if not visit.campaign.named:
        return {}
    return {"named": True, "legal_bases": [list(pair) for pair in named.public_grounds(visit.campaign).legal_bases]}


class PublicParts:
    """The present teams (:func:`~spotcheck.tenants.results.policy.teams_of`), experts and joint
    campaigns of ``visits``, each read in one query per campaign rather than one per visit."""

    def __init__(self, visits: list[Visit]):
        by_campaign: dict[int, list[Visit]] = {}
        for visit in visits:
            by_campaign.setdefault(visit.campaign_id, []).append(visit)
        self._teams = teams_of(visits)
        self._experts: dict[tuple[int, int], list] = {}
        self._joint: dict[int, dict] = {}
        self._blinded: dict[int, bool] = {}
        for campaign_id, theirs in by_campaign.items():
            campaign = theirs[0].campaign
            for entity_id, experts in experts_of(campaign, sorted({visit.entity_id for visit in theirs})).items():
                self._experts[(campaign_id, entity_id)] = experts
            self._joint[campaign_id] = _joint_of(theirs[0])

    def blinded(self, visit: Visit) -> bool:
        """The visit's team was drawn by a blinded draw (盲化抽取, ``spotcheck-draw/3``): its members' certificate
        numbers beside the business would let anyone match the team to the proof's and read that visit's recusals,
        so the register leaves the team out (it stays on the 检查码 page, for the holder of the code)."""
        campaign_id = visit.campaign.joint_id or visit.campaign_id
        if campaign_id not in self._blinded:
            with joint_scope(visit.tenant_id, visit.campaign.joint_id) if visit.campaign.joint_id else nullcontext():
                self._blinded[campaign_id] = bool(
                    db.session.scalar(
                        sa.select(Draw.blind_commitment).where(
                            Draw.campaign_id == campaign_id, Draw.kind == DrawKind.inspectors
                        )
                    )
                )
        return self._blinded[campaign_id]

    def team(self, visit: Visit) -> list[TeamMember]:
        return self._teams.get((visit.campaign_id, visit.entity_id), [])

    def experts(self, visit: Visit) -> list:
        return self._experts.get((visit.campaign_id, visit.entity_id), [])

    def joint_of(self, visit: Visit) -> dict:
        return self._joint[visit.campaign_id]


def _joint_of(visit: Visit) -> dict:
    """A department's part of a joint campaign (联合抽查): the joint campaign the public reads the
    result under (its id, code and title), read through the participant's joint scope."""
    joint_id = visit.campaign.joint_id
    if joint_id is None:
        return {}
    with joint_scope(visit.tenant_id, joint_id):
        code, title = db.session.execute(sa.select(Campaign.code, Campaign.title).where(Campaign.id == joint_id)).one()
    return {"joint_id": joint_id, "joint_code": code, "joint_title": title}
