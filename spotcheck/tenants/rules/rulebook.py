"""The rules in force (现行规则): which rules apply to a department on a day — the one function every
command, query and job asks (:func:`rules_for`), answering a typed :class:`Rules`.

The rules are three documents put together, parameter by parameter (:mod:`.parameters`):

1. the **national floor** (国家规定, ``presets/national.toml``, shipped with the platform);
2. the deployment's **rulebook** (实施方案) in force that day, which may set what the floor leaves
   open and tighten what it sets, never loosen it;
3. the department's **rules** (细则) in force that day, which may set what both leave open and tighten
   what they set (list duties and kept flags: only add).

Where none sets a parameter, a platform default applies if the parameter has one (平台默认), else
the parameter is open (未规定): no rule, no to-do, no late flag. Every value keeps where it comes from
(:class:`Cited`), so a refusal, a due date or a table names the document and the article.

Versions are read once per process and kept until a version is loaded (any process: each session
checks a stamp of the table once, :func:`_versions`).
"""

from __future__ import annotations

import threading
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from spotcheck.core.clock import today
from spotcheck.core.database import db, one_of
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.rules import documents, rulefile
from spotcheck.tenants.rules.models import RuleVersion
from spotcheck.tenants.rules.ruleset import Rules  # the typed rules, read from here too

# --- the versions, read once per process ------------------------------------------------------------


@dataclass(frozen=True)
class _Versions:
    stamp: tuple
    #: Each region's rulebook versions, (effective_from, id) in order — the key ``None`` for versions loaded before
    #: the deployment had a tree (the root's, whichever region the root is).
    rulebooks: dict[int | None, tuple[tuple[date, int], ...]]
    departments: dict[int, tuple[tuple[date, int], ...]]
    documents: dict[int, documents.Document]
    region_of: dict[int, int | None]  # a rulebook version's region


_lock = threading.Lock()
_cache: dict[str, _Versions] = {}
_rules: dict[tuple, Rules] = {}
_national: list[documents.Document] = []
_STAMP_KEY = "spotcheck_rules_stamp"


def national() -> documents.Document:
    """The national floor shipped with the platform, every article of it (each with the day it is in force from)."""
    if not _national:
        text = resources.files("spotcheck.tenants.rules").joinpath("presets/national.toml").read_text("utf-8")
        _national.append(rulefile.read(text))
    return _national[0]


def epoch(on: date) -> date | None:
    """The last day on or before ``on`` the national floor changed (an article came into force): the floor
    is the same on every day of one epoch (None: before its first article)."""
    epochs = national().epochs
    index = bisect_right(epochs, on)
    return epochs[index - 1] if index else None


_floors: dict[date | None, documents.Document] = {}


def national_on(on: date | None = None) -> documents.Document:
    """The national floor as it stood on ``on`` (today by default): only its articles in force that day, so
    that an article added later changes no earlier period's figures, duties or citations."""
    key = epoch(on or today())
    found = _floors.get(key)
    if found is None:
        found = _floors[key] = national().as_of(key) if key is not None else national().as_of(date.min)
    return found


def _stamp() -> tuple:
    """What changes whenever a version is loaded or withdrawn: every version's id, content digest and
    state (a few rows; read once per session)."""
    stamp = db.session.info.get(_STAMP_KEY)
    if stamp is None:
        stamp = db.session.info[_STAMP_KEY] = tuple(
            db.session.execute(
                sa.select(RuleVersion.id, RuleVersion.sha256, RuleVersion.withdrawn, RuleVersion.region_id).order_by(
                    RuleVersion.id
                )
            ).all()
        )
    return stamp


def _versions() -> _Versions:
    key = str(db.engine.url)
    stamp = _stamp()
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached.stamp == stamp:
        return cached
    rulebooks: dict[int | None, list[tuple[date, int]]] = {}
    departments: dict[int, list[tuple[date, int]]] = {}
    found_documents: dict[int, documents.Document] = {}
    region_of: dict[int, int | None] = {}
    for row in db.session.execute(
        sa.select(
            RuleVersion.id,
            RuleVersion.tenant_id,
            RuleVersion.region_id,
            RuleVersion.effective_from,
            RuleVersion.content,
            RuleVersion.withdrawn,
        ).order_by(RuleVersion.effective_from, RuleVersion.id)
    ):
        found_documents[row.id] = rulefile.from_json(row.content)
        if row.tenant_id is None:
            region_of[row.id] = row.region_id
        if not row.withdrawn:
            scope = (
                rulebooks.setdefault(row.region_id, [])
                if row.tenant_id is None
                else departments.setdefault(row.tenant_id, [])
            )
            scope.append((row.effective_from, row.id))
    found = _Versions(
        stamp,
        {r: tuple(v) for r, v in rulebooks.items()},
        {t: tuple(v) for t, v in departments.items()},
        found_documents,
        region_of,
    )
    with _lock:
        _cache[key] = found
        for cached_key in [k for k in _rules if k[0] == key]:
            del _rules[cached_key]
    return found


def forget() -> None:
    """A version was loaded: this session reads the stamp again (other sessions see it at their next one)."""
    db.session.info.pop(_STAMP_KEY, None)


def _in_force(versions: tuple[tuple[date, int], ...], on: date) -> int | None:
    index = bisect_right([v[0] for v in versions], on)
    return versions[index - 1][1] if index else None


# --- the levels: the regions from the root down ------------------------------------------------------

_CHAINS_KEY = "spotcheck_rules_chains"


def _session_cache(name: str) -> dict:
    return db.session.info.setdefault(_CHAINS_KEY, {}).setdefault(name, {})


@event.listens_for(Session, "after_transaction_end")
def _forget_levels(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the next transaction may see the tree loaded again or a department moved
        session.info.pop(_CHAINS_KEY, None)


def levels(region_id: int | None) -> tuple[int | None, ...]:
    """The regions whose rulebooks apply at region ``region_id`` (None: the root), from the root down — ``(None,)``
    while the deployment has no tree. Read once per session."""
    chains = _session_cache("chains")
    found = chains.get(region_id)
    if found is None:
        if region_id is None:
            top = regions.root()
            found = (top.id,) if top is not None else (None,)
        else:
            found = tuple(reversed(regions.chain_ids(region_id)))
        chains[region_id] = found
    return found


def know_departments(regions_of: Mapping[int, int | None]) -> None:
    """Departments whose regions a page has read already (department id → region id): :func:`rules_for` asks for
    none of them again, and the levels of their regions are read at once (:func:`know_levels`)."""
    _session_cache("tenants").update(regions_of)
    know_levels(regions_of.values())


def region_of_department(tenant_id: int) -> int | None:
    """The region of department ``tenant_id`` (None: the deployment has no tree yet). Read once per session."""
    known = _session_cache("tenants")
    if tenant_id not in known:
        known[tenant_id] = db.session.scalar(sa.select(Tenant.region_id).where(Tenant.id == tenant_id))
    return known[tenant_id]


def know_levels(region_ids: Iterable[int | None]) -> None:
    """Read the levels (:func:`levels`) of many regions at once — the regions' paths, then the regions on them: two
    queries, not two a region (a province's figures ask every region's rules)."""
    chains = _session_cache("chains")
    wanted = sorted({r for r in region_ids if r is not None and r not in chains})
    if not wanted:
        return
    paths = dict(db.session.execute(sa.select(Region.id, Region.path).where(one_of(Region.id, wanted))).all())
    codes = {code for path in paths.values() for code in path.split("/") if code}
    ids = dict(db.session.execute(sa.select(Region.code, Region.id).where(one_of(Region.code, codes))).all())
    for region_id, path in paths.items():  # as regions.chain_ids reads them: the codes of the path the tree has
        chains[region_id] = tuple(ids[code] for code in path.split("/") if code in ids)


def _of_region(versions: _Versions, region_id: int | None, root: bool) -> tuple[tuple[date, int], ...]:
    """The rulebook versions of one region, in order; the root's include those loaded before there was a tree."""
    own = versions.rulebooks.get(region_id, ())
    if root and region_id is not None and None in versions.rulebooks:
        own = tuple(sorted(own + versions.rulebooks[None]))
    return own


def rulebook_ids(region_id: int | None, on: date | None = None) -> tuple[int, ...]:
    """The rulebook versions in force on ``on`` (today) at region ``region_id`` (None: the root): one per level that
    has one, from the root down."""
    versions, on = _versions(), on or today()
    chain = levels(region_id)
    found = (_in_force(_of_region(versions, level, index == 0), on) for index, level in enumerate(chain))
    return tuple(version_id for version_id in found if version_id is not None)


def own_rulebook_id(region_id: int | None, on: date | None = None) -> int | None:
    """The version in force on ``on`` of region ``region_id``'s own rulebook (None: the root's; None when the level
    has none of its own)."""
    chain = levels(region_id)
    return _in_force(_of_region(_versions(), chain[-1], len(chain) == 1), on or today())


def version_ids(tenant_id: int | None, on: date | None = None) -> tuple[int | None, int | None]:
    """The nearest rulebook version and the department's version in force on ``on`` (today by default) —
    ``tenant_id`` None: the root's rulebook."""
    on = on or today()
    region = region_of_department(tenant_id) if tenant_id is not None else None
    chain = rulebook_ids(region, on)
    department = _in_force(_versions().departments.get(tenant_id, ()), on) if tenant_id is not None else None
    return (chain[-1] if chain else None), department


def chain_ids(tenant_id: int, on: date | None = None) -> tuple[tuple[int, ...], int | None]:
    """The rulebook versions from the root down and the department's version, in force on ``on`` (today) for
    department ``tenant_id`` — what a campaign keeps at its approval."""
    on = on or today()
    department = _in_force(_versions().departments.get(tenant_id, ()), on)
    return rulebook_ids(region_of_department(tenant_id), on), department


def _place(region_id: int | None) -> str:
    """A level's name where no rulebook names its place: the region's (the root's when None)."""
    found = regions.get_region(region_id) if region_id is not None else regions.root()
    return found.name if found is not None else ""


def _own_level(chain: tuple[int, ...], region_id: int | None) -> bool:
    """Whether the nearest of the rulebook versions ``chain`` is region ``region_id``'s own (None: the root's) — else
    the level applies it from below, having none of its own (适用上级)."""
    if not chain:
        return True
    root = levels(None)[0]
    nearest = region_of_version(chain[-1])
    return (nearest if nearest is not None else root) == (region_id if region_id is not None else root)


def rules_of(
    rulebook_ids: tuple[int, ...] | int | None,
    department_id: int | None,
    on: date | None = None,
    region_id: int | None = None,
) -> Rules:
    """The rules of the given versions (the rulebooks from the root down, then the department's) under the national
    floor as it stood on ``on`` (today by default; a campaign keeps the versions and the floor in force at its
    approval); ``region_id`` is the level asked — it names the place where no rulebook does, and a level below the
    nearest rulebook's takes of its duties and tables only those binding the levels below (:class:`Rules`)."""
    documents = _versions().documents  # first: a changed table empties the rules built from it
    on = on or today()
    chain = (rulebook_ids,) if isinstance(rulebook_ids, int) else tuple(rulebook_ids or ())
    key = (str(db.engine.url), chain, department_id, epoch(on), region_id)
    with _lock:
        found = _rules.get(key)
    if found is None:
        found = Rules(
            national_on(on),
            [(version_id, documents[version_id]) for version_id in chain],
            (department_id, documents[department_id]) if department_id else None,
            place=_place(region_id),
            own_level=_own_level(chain, region_id),
        )
        with _lock:
            _rules[key] = found
    return found


def rules_for(tenant_id: int | None, on: date | None = None) -> Rules:
    """The rules that apply to department ``tenant_id`` on ``on`` (today, Beijing, by default): the national
    floor, each level's rulebook from the root down to its region, its own 细则. A level without a department asks
    :func:`rules_for_region` — never the rules of "no department"."""
    if tenant_id is None:
        raise TypeError("rules_for asks a department's rules: a level's are rules_for_region(region_id)")
    on = on or today()
    region = region_of_department(tenant_id)
    chain, department = chain_ids(tenant_id, on)
    return rules_of(chain, department, on, region)


def rules_of_departments(on: date | None = None) -> dict[int, Rules]:
    """:func:`rules_for` of every department on ``on``, by department: their regions read in one query and the levels
    of those in two (:func:`know_departments`), not one or two a department — a province's figures ask its 3,000
    departments' own caps."""
    on = on or today()
    found = dict(db.session.execute(sa.select(Tenant.id, Tenant.region_id)).all())
    know_departments(found)
    return {tenant_id: rules_for(tenant_id, on) for tenant_id in sorted(found)}


def rules_for_region(region_id: int | None, on: date | None = None) -> Rules:
    """The rules of a level (一级区划的规则) on ``on``: the national floor and each region's rulebook (实施方案)
    from the root down to region ``region_id`` (None: the root), no department's 细则 — what supervision, the
    burden figures, the tables and the portal ask for a region."""
    on = on or today()
    return rules_of(rulebook_ids(region_id, on), None, on, levels(region_id)[-1])


def document_of(version_id: int) -> documents.Document:
    """A stored version's document (withdrawn ones too)."""
    return _versions().documents[version_id]


def region_of_version(version_id: int) -> int | None:
    """The region a rulebook version was loaded for (None: before the deployment had a tree — the root's)."""
    return _versions().region_of.get(version_id)
