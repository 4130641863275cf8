"""Reading the versions of the rules (规则版本): their history and state, what each sets and where
from, a version as a rules file, and the differences of two. Public data (the portal shows them):
plain reads, the same for whoever asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.database import db, is_row_id
from spotcheck.core.errors import InvalidInputError, NotFoundError
from spotcheck.tenants.rules import documents, policy, presets, rulebook, rulefile
from spotcheck.tenants.rules.models import RuleVersion
from spotcheck.tenants.rules.parameters import GROUPS, PARAMETERS
from spotcheck.tenants.rules.rulebook import Rules


def _scope(tenant_id: int | None, region_id: int | None) -> sa.ColumnElement[bool]:
    if tenant_id is not None:
        return RuleVersion.of_scope(tenant_id)
    chain = rulebook.levels(region_id)
    return RuleVersion.of_region(chain[-1], root=len(chain) == 1)


def history(tenant_id: int | None, region_id: int | None = None) -> list[RuleVersion]:
    """Every version loaded for a department (``tenant_id``), else for region ``region_id``'s rulebook (None: the
    root's), newest first, withdrawn ones included."""
    return list(
        db.session.scalars(
            sa.select(RuleVersion)
            .where(_scope(tenant_id, region_id))
            .order_by(RuleVersion.effective_from.desc(), RuleVersion.id.desc())
        )
    )


def origin(version: RuleVersion, document: documents.Document | None = None) -> str:
    """Where a version's text comes from, in plain words for the public (the portal never names the platform's presets
    nor its loading): another document's articles a department's rules start from (``based_on``); the issuer's
    original text as the platform keeps it (a preset loaded as it is); else the issuer's document entered here."""
    document = document or rulebook.document_of(version.id)
    if document.based_on:
        return str(
            _l(
                "Taken from “%(title)s”: its articles are that document's words until the department confirms its own",
                title=document.based_on,
            )
        )
    preset = presets.find(version.preset) if version.preset else None
    if preset is not None and preset.document.issuer == document.issuer:
        return str(_l("The original text issued by %(issuer)s, as the platform keeps it", issuer=document.issuer))
    return str(_l("The document issued by %(issuer)s, entered on this platform", issuer=document.issuer))


@dataclass(frozen=True)
class Loaded:
    """How a version came to the platform, as ``reader`` reads it (载入情况): who loaded it and from which preset
    for the rules' owners (:func:`~spotcheck.tenants.rules.policy.names_who_loaded`), empty for anyone else; and,
    for everyone, where its text comes from in the public page's words (:func:`origin`)."""

    names: bool
    by_name: str
    preset: str
    origin: str


def loaded(version: RuleVersion, reader: Actor | None) -> Loaded:
    names = policy.names_who_loaded(version, reader)
    return Loaded(
        names=names,
        by_name=version.loaded_by_name if names else "",
        preset=version.preset if names else "",
        origin=origin(version),
    )


def get_version(version_id: object) -> RuleVersion:
    """One version (NotFoundError for anything else)."""
    found = db.session.get(RuleVersion, version_id) if is_row_id(version_id) else None
    if found is None:
        raise NotFoundError(_l("No such version of the rules."))
    return found


def scope_version_id(tenant_id: int | None, on: date | None = None, region_id: int | None = None) -> int | None:
    """The version in force on ``on`` (today) of one scope: the department's own rules (``tenant_id``), else region
    ``region_id``'s own rulebook (None: the root's) — None: it has none."""
    if tenant_id is not None:
        return rulebook.version_ids(tenant_id, on)[1]
    return rulebook.own_rulebook_id(region_id, on)


def in_force_version(tenant_id: int | None, region_id: int | None = None) -> RuleVersion | None:
    """The version of the scope in force today (None: none is)."""
    version_id = scope_version_id(tenant_id, None, region_id)
    return get_version(version_id) if version_id is not None else None


def region_version(region_id: int | None) -> RuleVersion | None:
    """The rulebook (实施方案) of region ``region_id`` itself (None: the root) in force today — None where the level
    runs on the rules above it (at the root: on the national floor alone)."""
    return in_force_version(None, region_id)


def nearest_rulebook(tenant_id: int | None) -> RuleVersion | None:
    """The rulebook in force today nearest above department ``tenant_id`` (its region's own, else the nearest
    level's above that has one; None: its levels run on the national floor alone)."""
    version_id = rulebook.version_ids(tenant_id)[0]
    return get_version(version_id) if version_id is not None else None


def rulebook_loaded() -> bool:
    """Whether any level has a rulebook (实施方案) loaded: until one is, the platform administrator's to-do says
    that only the national rules apply anywhere."""
    loaded = sa.select(RuleVersion.id).where(RuleVersion.tenant_id.is_(None), RuleVersion.withdrawn.is_(False))
    return db.session.scalar(loaded.limit(1)) is not None


def state(version: RuleVersion, on: date | None = None) -> str:
    """``in_force``, ``coming`` (its day not come yet), ``past`` (a later version replaced it) or
    ``withdrawn`` (replaced before its day)."""
    if version.withdrawn:
        return "withdrawn"
    on = on or today()
    if version.effective_from > on:
        return "coming"
    if version.tenant_id is not None:
        in_force = rulebook.version_ids(version.tenant_id, on)[1]
    else:
        in_force = rulebook.own_rulebook_id(rulebook.region_of_version(version.id), on)
    return "in_force" if version.id == in_force else "past"


@dataclass(frozen=True)
class ParameterRow:
    """One parameter as a page shows it: its value in force, where it comes from, what it drives."""

    key: str
    group: str
    label: str
    value: str
    source: str  # national / rulebook / department / platform / open
    cited: str  # the citation, or what a default or an open parameter says
    drives: str


def parameter_rows(rules: Rules, *, only_set_by: str | None = None) -> list[ParameterRow]:
    """Every parameter of ``rules`` (``only_set_by``: those one source sets)."""
    rows = []
    for parameter in PARAMETERS:
        cited = rules.cited[parameter.key]
        if only_set_by and cited.source != only_set_by:
            continue
        rows.append(
            ParameterRow(
                parameter.key,
                GROUPS[parameter.group],
                parameter.label,
                rules.say(parameter.key),
                cited.source,
                cited.words,
                parameter.drives,
            )
        )
    return rows


def document_rows(document: documents.Document) -> list[ParameterRow]:
    """What one document says of each parameter: its value and article, or open with its note."""
    rows = []
    for parameter in PARAMETERS:
        entry = document.entries.get(parameter.key)
        if entry is None:
            rows.append(
                ParameterRow(
                    parameter.key,
                    GROUPS[parameter.group],
                    parameter.label,
                    "—",
                    "absent",
                    "本文件未写此参数",
                    parameter.drives,
                )
            )
        elif entry.is_set:
            rows.append(
                ParameterRow(
                    parameter.key,
                    GROUPS[parameter.group],
                    parameter.label,
                    parameter.say(entry.value),
                    "set",
                    entry.article,
                    parameter.drives,
                )
            )
        else:
            rows.append(
                ParameterRow(
                    parameter.key,
                    GROUPS[parameter.group],
                    parameter.label,
                    "未规定",
                    "open",
                    entry.open_note,
                    parameter.drives,
                )
            )
    return rows


def show_text(tenant_id: int | None, on: date | None = None, region_id: int | None = None) -> str | None:
    """The version in force as a rules file (``spotcheck rules show``; loading it back changes nothing),
    each key the document leaves to others said in a comment. ``None``: no version loaded."""
    version_id = scope_version_id(tenant_id, on, region_id)
    if version_id is None:
        return None
    document = rulebook.document_of(version_id)
    rules = rulebook.rules_for(tenant_id, on) if tenant_id is not None else rulebook.rules_for_region(region_id, on)
    described = {}
    for parameter in PARAMETERS:
        entry = document.entries.get(parameter.key)
        cited = rules.cited[parameter.key]
        if entry is None or not entry.is_set:
            described[parameter.key] = (
                "现行：" + cited.words
                if cited.source == "open"
                else f"现行：{rules.say(parameter.key)}（{cited.words}）"
            )
    return rulefile.write(document, described=described)


@dataclass(frozen=True)
class Difference:
    key: str
    label: str
    before: str
    after: str


def differences(first: RuleVersion, second: RuleVersion) -> list[Difference]:
    """What changed from one version to another: the document's identity, the articles, each parameter
    (its value and article, or open)."""
    a, b = rulefile.from_json(first.content), rulefile.from_json(second.content)
    found = []
    for name, (label, _required, _limit) in rulefile.DOCUMENT_FIELDS.items():
        if getattr(a, name) != getattr(b, name):
            found.append(Difference(f"document.{name}", label, getattr(a, name) or "—", getattr(b, name) or "—"))
    for name, (label, _required) in rulefile.DATE_FIELDS.items():
        if getattr(a, name) != getattr(b, name):
            found.append(
                Difference(f"document.{name}", label, str(getattr(a, name) or "—"), str(getattr(b, name) or "—"))
            )
    articles_a, articles_b = {x.number: x.text for x in a.articles}, {x.number: x.text for x in b.articles}
    for number in sorted(set(articles_a) | set(articles_b)):
        if articles_a.get(number) != articles_b.get(number):
            found.append(
                Difference(
                    f"articles.{number}", number, articles_a.get(number, "（无）"), articles_b.get(number, "（无）")
                )
            )
    for parameter in PARAMETERS:
        said = []
        for document in (a, b):
            entry = document.entries.get(parameter.key)
            if entry is None or not entry.is_set:
                said.append("未规定" + (f"（{entry.open_note}）" if entry is not None and entry.open_note else ""))
            else:
                said.append(parameter.say(entry.value) + (f"（{entry.article}）" if entry.article else ""))
        if said[0] != said[1]:
            found.append(Difference(parameter.key, parameter.label, *said))
    return found


def same_as_in_force(text: str, tenant_id: int | None, region_id: int | None = None) -> bool:
    """Whether ``text`` says what the version in force says (a round trip of ``show``: nothing to load).
    A file that cannot be read is not the same (its load names what is wrong)."""
    version_id = scope_version_id(tenant_id, None, region_id)
    if version_id is None:
        return False
    try:
        return rulefile.read(text) == rulebook.document_of(version_id)
    except InvalidInputError:
        return False
