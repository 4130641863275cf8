"""Loading the rules (载入规则): a version of the deployment's rulebook (实施方案) by the platform
administrator or the operator, and a version of a department's rules (细则) by its administrator.

A file is loaded whole or not at all: every bad key is named (:mod:`..rulefile`), every value that
loosens the floor is named with the article that sets it (:mod:`..tightening`), and a rulebook is
not loaded while a department's rules in force under it would loosen it (the conflicts listed, by
department). A version applies from its 施行日期: the first version of a scope may be dated in the
past (a city adopting its document), a later one from today on, so that what was decided under a
version stays as it was. A version loaded for a day not yet come may be replaced by another of the
same day; the replaced one is kept in the history, withdrawn.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.commands import command
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.scoping import current_tenant_id
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.rules import departments, documents, presets, rulebook, rulefile, tightening
from spotcheck.tenants.rules.level_windows import LevelWindows
from spotcheck.tenants.rules.models import RuleVersion
from spotcheck.tenants.rules.policy import LOADS, replaced_by

#: The longest rules file accepted.
MAX_FILE_LENGTH = 400_000


def _versions(tenant_id: int | None, region_id: int | None = None, root: bool = False) -> list[RuleVersion]:
    """The versions of one scope — a department's, else region ``region_id``'s rulebook (the root's, ``root``, with
    those loaded before there was a tree) — oldest first, withdrawn ones left out."""
    scope = RuleVersion.of_scope(tenant_id) if tenant_id is not None else RuleVersion.of_region(region_id, root)
    return list(
        db.session.scalars(
            sa.select(RuleVersion)
            .where(scope, RuleVersion.withdrawn.is_(False))
            .order_by(RuleVersion.effective_from, RuleVersion.id)
            .with_for_update()
        )
    )


def _read(data: dict, kind: str) -> tuple[documents.Document, str]:
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError({"file": [_l("Choose the rules file, or paste its text.")]})
    if len(text) > MAX_FILE_LENGTH:
        raise InvalidInputError({"file": [_l("The file is too long (at most %(n)d characters).", n=MAX_FILE_LENGTH)]})
    return rulefile.read(text, expect=kind), text


def _until(versions: list[RuleVersion], document: documents.Document, replaced: RuleVersion | None) -> date | None:
    """The day the next version of the scope takes over from the one loaded (None: open-ended)."""
    later = [v.effective_from for v in versions if v.effective_from > document.effective_from and v is not replaced]
    return min(later, default=None)


def _store(
    document: documents.Document,
    text: str,
    tenant_id: int | None,
    preset: str,
    replaced: RuleVersion | None,
    actor: Actor,
    region_id: int | None = None,
) -> RuleVersion:
    if replaced is not None:
        replaced.withdrawn = True
    version = RuleVersion(
        tenant_id=tenant_id,
        region_id=region_id if tenant_id is None else None,
        kind=document.kind,
        effective_from=document.effective_from,
        title=document.title,
        short_title=document.short_title,
        issuer=document.issuer,
        number=document.number,
        content=rulefile.to_json(document),
        source_text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        preset=preset or "",
        loaded_by_name=getattr(actor, "display_name", ""),
    )
    db.session.add(version)
    db.session.flush()
    rulebook.forget()
    audit.record(
        "rules.version_loaded",
        "rule_version",
        version.id,
        actor=actor,
        tenant_id=tenant_id,
        details={
            "kind": document.kind,
            "region": region_id if tenant_id is None else None,
            "title": document.title,
            "number": document.number,
            "effective_from": document.effective_from.isoformat(),
            "sha256": version.sha256,
            "preset": version.preset,
            "replaced": replaced.id if replaced is not None else None,
            "set": sorted(k for k, e in document.entries.items() if e.is_set),
        },
    )
    return version


def _errors(conflicts: Iterable[tightening.ConflictError], prefix: str = "") -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for conflict in conflicts:
        errors.setdefault(conflict.key, []).append(prefix + conflict.message)
    return errors


def _region(data: dict) -> int | None:
    """The region whose rulebook is loaded (``data["region"]``: its id or code; the root when not given; None while
    the deployment has no tree), or a refusal naming the field."""
    given = data.get("region")
    if given in (None, ""):
        top = regions.root()
        return top.id if top is not None else None
    found = regions.by_code(str(given))  # a code (6, 9 or 12 digits), else an id
    if found is None and is_row_id(given):
        found = db.session.get(Region, int(str(given)))
    if found is None:
        raise InvalidInputError({"region": [_l("The region tree has no region “%(region)s”.", region=given)]})
    return found.id


def _above_conflicts(document: documents.Document, levels: LevelWindows, until: date | None) -> dict[str, list[str]]:
    """What the rulebook loosens of the national floor and of the rulebooks above its level, on every day of its
    window (the rulebooks above may change within it)."""
    national = rulebook.national()
    errors: dict[str, list[str]] = {}
    for day in levels.days(document.effective_from, until):
        above = levels.on(levels.chain[:-1], day)
        for key, messages in _errors(tightening.rulebook_conflicts(document, national, above)).items():
            errors.setdefault(key, [])
            errors[key] += [m for m in messages if m not in errors[key]]
    return errors


def _below_problems(
    levels: LevelWindows, region_id: int | None, start: date, until: date | None
) -> dict[str, list[str]]:
    """What the rulebooks of the regions below and the departments' rules in the branch would loosen, with the
    rulebook being loaded in force from ``start`` until ``until`` (already put in ``levels``): one message per
    version and conflict, naming the region or the department."""
    national = rulebook.national()
    found: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        if message not in found.setdefault(key, []):
            found[key].append(message)

    for below in levels.regions_below(region_id) if region_id is not None else []:
        chain = rulebook.levels(below.id)
        for version, day in levels.windows(levels.own(below.id), start, until):
            above = levels.on(chain[:-1], day)
            for conflict in tightening.rulebook_conflicts(levels.document(version), national, above):
                add(
                    "regions",
                    str(
                        _l(
                            "%(region)s's rulebook “%(title)s” (from %(day)s): %(message)s",
                            region=below.name,
                            title=version.title,
                            day=version.effective_from.isoformat(),
                            message=conflict.message,
                        )
                    ),
                )
    for _tenant_id, name, region, versions in levels.departments_below(region_id):
        chain = rulebook.levels(region)
        for version, day in levels.windows(versions, start, until):
            for conflict in tightening.department_conflicts(
                levels.document(version), national, levels.on(chain, day), levels.has_own(chain[-1], day)
            ):
                add(
                    "departments",
                    str(
                        _l(
                            "%(department)s's rules “%(title)s” (from %(day)s): %(message)s",
                            department=name,
                            title=version.title,
                            day=version.effective_from.isoformat(),
                            message=conflict.message,
                        )
                    ),
                )
    if found:
        found.setdefault("departments", []).append(
            str(
                _l(
                    "The rulebooks and departments named change their rules first (a new version, stricter or "
                    "leaving the parameter open); then load this rulebook again."
                )
            )
        )
    return found


@command(LOADS["rulebook"])
def load_rulebook(data: dict, *, actor: Actor) -> RuleVersion:
    """Load a version of a region's rulebook (实施方案; ``data``: ``text``, ``preset`` when it is one of the
    presets, ``region`` — the root when not given) from a rules file. Refused whole — nothing changed — when a key
    is bad, when it loosens the national floor or a rulebook above its level, or while a rulebook below it or a
    department's rules in its branch would loosen it, on any day they would be in force together."""
    region_id = _region(data)
    document, text = _read(data, "rulebook")
    chain = rulebook.levels(region_id)
    versions = _versions(None, region_id, root=len(chain) == 1)
    replaced = replaced_by(versions, document)
    until = _until(versions, document, replaced)
    levels = LevelWindows(chain)
    errors = _above_conflicts(document, levels, until)
    if not errors:
        levels.put(region_id, document, replaced)
        errors = _below_problems(levels, region_id, document.effective_from, until)
    if errors:
        raise InvalidInputError(errors)
    return _store(document, text, None, data.get("preset") or "", replaced, actor, region_id)


def _own(
    document: documents.Document, text: str, data: dict, tenant: Tenant
) -> tuple[documents.Document, str, dict[str, list]]:
    """The department's own rules: a preset of another department loaded as it is becomes a starting point
    (:func:`..departments.starting_point`, from today); any other document must be issued by the department
    (发文机关 its full name), else refused naming both (with whatever else the file gets wrong)."""
    own = tenant.full_name  # the one full name its pages and documents show (accounts.names.full_name)
    preset = presets.find(data.get("preset") or "")
    if preset is not None and preset.kind == "department" and text == preset.text and document.issuer != own:
        document = departments.starting_point(preset, own, today())
        return document, rulefile.write(document), {}
    if document.issuer != own:
        return (
            document,
            text,
            {
                "document.issuer": [
                    _l(
                        "“%(title)s” is issued by %(issuer)s, not by this department (%(own)s): a department loads "
                        "only its own rules. To start from another department's rules, choose its preset: its issuer "
                        "and title become this department's, and its articles stay marked as not yet confirmed until "
                        "you load your own.",
                        title=document.title,
                        issuer=document.issuer,
                        own=own,
                    )
                ]
            },
        )
    return document, text, {}


@command(LOADS["department"])
def load_department_rules(data: dict, *, actor: Actor) -> RuleVersion:
    """Load a version of the department's own rules (细则) from a rules file (``data``: ``text``, and
    ``preset``): the parameters it sets, each only stricter than the rulebooks of its levels in force while
    it is. Refused whole — nothing changed — naming every key that is bad or looser."""
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise InvalidInputError({"department": [_l("Choose the department whose rules these are.")]})
    document, text = _read(data, "department")
    document, text, errors = _own(document, text, data, cast(Tenant, db.session.get(Tenant, tenant_id)))
    versions = _versions(tenant_id)
    replaced = replaced_by(versions, document)
    national = rulebook.national()
    chain = rulebook.levels(rulebook.region_of_department(tenant_id))
    levels = LevelWindows(chain)
    for day in levels.days(document.effective_from, _until(versions, document, replaced)):
        for key, messages in _errors(
            tightening.department_conflicts(document, national, levels.on(chain, day), levels.has_own(chain[-1], day))
        ).items():
            errors.setdefault(key, [])
            errors[key] += [m for m in messages if m not in errors[key]]
    if errors:
        raise InvalidInputError(errors)
    return _store(document, text, tenant_id, data.get("preset") or "", replaced, actor)
