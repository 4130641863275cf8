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
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

import sqlalchemy as sa

from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.tenants.rules import documents, rulefile
from spotcheck.tenants.rules.models import RuleVersion
from spotcheck.tenants.rules.ruleset import Rules  # the typed rules, read from here too

# --- the versions, read once per process ------------------------------------------------------------


@dataclass(frozen=True)
class _Versions:
    stamp: tuple
    rulebooks: tuple[tuple[date, int], ...]  # (effective_from, id), in order
    departments: dict[int, tuple[tuple[date, int], ...]]
    documents: dict[int, documents.Document]


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
                sa.select(RuleVersion.id, RuleVersion.sha256, RuleVersion.withdrawn).order_by(RuleVersion.id)
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
    rulebooks: list[Any] = []
    departments: dict[Any, Any] = {}
    documents: dict[Any, Any] = {}
    for row in db.session.execute(
        sa.select(
            RuleVersion.id,
            RuleVersion.tenant_id,
            RuleVersion.effective_from,
            RuleVersion.content,
            RuleVersion.withdrawn,
        ).order_by(RuleVersion.effective_from, RuleVersion.id)
    ):
        documents[row.id] = rulefile.from_json(row.content)
        if not row.withdrawn:
            (rulebooks if row.tenant_id is None else departments.setdefault(row.tenant_id, [])).append(
                (row.effective_from, row.id)
            )
    found = _Versions(stamp, tuple(rulebooks), {t: tuple(v) for t, v in departments.items()}, documents)
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


def version_ids(tenant_id: int | None, on: date | None = None) -> tuple[int | None, int | None]:
    """The rulebook version and the department's version in force on ``on`` (today by default)."""
    versions = _versions()
    on = on or today()
    department = _in_force(versions.departments.get(tenant_id, ()), on) if tenant_id is not None else None
    return _in_force(versions.rulebooks, on), department


def rules_of(rulebook_id: int | None, department_id: int | None, on: date | None = None) -> Rules:
    """The rules of the given versions under the national floor as it stood on ``on`` (today by default;
    a campaign keeps the versions and the floor in force at its approval)."""
    documents = _versions().documents  # first: a changed table empties the rules built from it
    on = on or today()
    key = (str(db.engine.url), rulebook_id, department_id, epoch(on))
    with _lock:
        found = _rules.get(key)
    if found is None:
        found = Rules(
            national_on(on),
            (rulebook_id, documents[rulebook_id]) if rulebook_id else None,
            (department_id, documents[department_id]) if department_id else None,
        )
        with _lock:
            _rules[key] = found
    return found


def rules_for(tenant_id: int | None, on: date | None = None) -> Rules:
    """The rules that apply to department ``tenant_id`` (None: the deployment's own) on ``on``
    (today, Beijing, by default)."""
    on = on or today()
    return rules_of(*version_ids(tenant_id, on), on)


def rules_for_region(region_id: int | None, on: date | None = None) -> Rules:
    """The rules of a level (一级区划的规则) on ``on``: the national floor and each region's rulebook (实施方案)
    from the root down to region ``region_id`` (None: the root), no department's 细则 — what supervision, the
    burden figures, the tables and the portal ask for a region."""
    return rules_for(None, on)


def document_of(version_id: int) -> documents.Document:
    """A stored version's document (withdrawn ones too)."""
    return _versions().documents[version_id]
