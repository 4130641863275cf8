"""The rules in force as pages and the API show them (现行规则的展示): every parameter with its value and
where it comes from, grouped; what a department's rules replace; the presets by kind; the state of a
scope's versions; and a refusal's key in words. Public data: the same for whoever asks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from flask_babel import lazy_gettext as _l

from spotcheck.core.errors import InvalidInputError
from spotcheck.tenants.rules import documents, presets as _presets, rulebook
from spotcheck.tenants.rules.models import RuleVersion
from spotcheck.tenants.rules.parameters import BY_KEY
from spotcheck.tenants.rules.queries.versions import ParameterRow, document_rows, history, parameter_rows, state
from spotcheck.tenants.rules.rulebook import Rules
from spotcheck.tenants.rules.rulefile import DATE_FIELDS, DOCUMENT_FIELDS
from spotcheck.tenants.rules.vocabulary import FILE_PARTS, SOURCES

_ITEM = re.compile(r"^(\w+)\[(\d+)\]")


def in_force(tenant_id: int | None, on: date | None = None) -> Rules:
    """The rules in force for department ``tenant_id`` (None: the deployment's) on ``on`` (today)."""
    return rulebook.rules_for(tenant_id, on) if tenant_id is not None else rulebook.rules_for_region(None, on)


def region_of(version: RuleVersion) -> int | None:
    """The region whose rulebook ``version`` is (None: a department's, or the root's loaded before the tree)."""
    return rulebook.region_of_version(version.id) if version.tenant_id is None else None


def document_of(version: RuleVersion) -> documents.Document:
    """A stored version's document (its articles, dates, place)."""
    return rulebook.document_of(version.id)


def in_force_region(region_id: int | None, on: date | None = None) -> Rules:
    """The rules in force for a level (region ``region_id``; None: the root) on ``on`` (today): the national floor
    and each region's rulebook from the root down to it."""
    return rulebook.rules_for_region(region_id, on)


@dataclass(frozen=True)
class AskedByFloor:
    """A parameter the national floor asks each place to set, left open by the rules in force (a to-do)."""

    key: str
    label: str
    citation: (
        str  # the floor's article that asks it: 《国务院办公厅关于严格规范涉企行政检查的意见》（国办发〔2024〕54号）…
    )
    note: str
    #: Whose rules leave it open: the nearest rulebook by its title, or the place with none of its own.
    whose: str = ""


def open_against_floor(on: date | None = None, department: int | None = None) -> list[AskedByFloor]:
    """What the rules in force at a level (the region of ``department``; None: the root) leave open although the
    national floor asks each place to set it (the yearly cap on inspections of one business: 国办发〔2024〕54号) —
    the platform administrator's and the level's justice bureau's to-do until a rulebook sets it."""
    region_id = rulebook.region_of_department(department) if department is not None else None
    rules = rulebook.rules_for_region(region_id, on)
    whose = (
        f"《{rules.rulebook.title}》"
        if rules.rulebook is not None
        else f"{rules.place or '本地'}（尚无本级实施方案，适用国家规定）"
    )
    found = []
    for key in rules.asked_by_floor:
        if (cited := rules.left_open_against_floor(key)) is not None:
            found.append(AskedByFloor(key, BY_KEY[key].label, cited.citation, cited.note, whose))
    return found


def national_sources() -> tuple[documents.Source, ...]:
    """The documents of the national floor (国家规定) every rulebook includes."""
    return rulebook.national().sources


@dataclass(frozen=True)
class PresetChoice:
    name: str
    title: str
    number: str
    effective_from: date


def presets_of(kind: str) -> list[PresetChoice]:
    """The presets of one kind (rulebook / department), by name with their documents' titles."""
    found = []
    for preset in _presets.PRESETS:
        if preset.kind == kind:
            document = preset.document
            found.append(PresetChoice(preset.name, document.title, document.number, document.effective_from))
    return found


def preset_text(name: str, kind: str) -> str | None:
    """The text of the preset ``name`` of that kind (None: no such preset)."""
    preset = _presets.find(name) if name else None
    return preset.text if preset is not None and preset.kind == kind else None


def chosen_preset(name: str, kind: str) -> dict:
    """What a load is given for the preset ``name`` of that kind (its text and name), or a refusal naming
    the presets of that kind (宁安市、城口县)."""
    text = preset_text(name, kind)
    if text is None:
        names = "、".join(preset.name for preset in _presets.PRESETS if preset.kind == kind)
        raise InvalidInputError({"preset": [_l("Choose one of the presets: %(names)s.", names=names)]})
    return {"text": text, "preset": name}


@dataclass(frozen=True)
class Row:
    """One parameter in force as a page shows it."""

    key: str
    label: str
    value: str
    source: str  # national / rulebook / department / platform / open
    source_name: str  # 国家规定 / 实施方案 / 部门细则 / 平台默认 / 未规定
    cited: str  # the citation (《…》第9条), or the note of a platform default or of an open parameter
    drives: str
    replaces: str = ""  # a department's value: what the documents above it set (empty: they leave it open)
    short: str = ""  # the citation by the document's short title (《宁安市实施方案》第3条), for a table


RowT = TypeVar("RowT", Row, ParameterRow)


@dataclass
class Group(Generic[RowT]):
    label: str
    rows: list[RowT] = field(default_factory=list)  # in force, or as one document says


def grouped_rows(rules: Rules) -> list[Group[Row]]:
    """Every parameter in force, in the catalogue's groups and order, each with where it comes from."""
    groups: list[Group[Row]] = []
    for row in parameter_rows(rules):
        if not groups or groups[-1].label != row.group:
            groups.append(Group(row.group))
        replaces = ""
        if row.source == "department":
            value, cited = rules.floor.get(row.key, (None, None))
            if cited is not None and value is not None:
                replaces = f"{BY_KEY[row.key].say(value)}（{SOURCES[cited.source]}{cited.short}）"
        cited = rules.cited[row.key]
        groups[-1].rows.append(
            Row(
                row.key,
                row.label,
                row.value,
                row.source,
                SOURCES.get(row.source, ""),
                cited.citation if cited.document is not None else cited.note,
                row.drives,
                replaces,
                cited.short,
            )
        )
    return groups


def set_by(rules: Rules, source: str) -> int:
    """How many parameters one source sets (the department's rules: how many it tightens or fills)."""
    return sum(1 for cited in rules.cited.values() if cited.source == source)


def scope_history(tenant_id: int | None, region_id: int | None = None) -> list[tuple[RuleVersion, str]]:
    """Every version of the scope (a department's; else region ``region_id``'s rulebook, the root's by default),
    newest first, each with its state (in_force, coming, past, withdrawn)."""
    return [(version, state(version)) for version in history(tenant_id, region_id)]


def coming(tenant_id: int | None, region_id: int | None = None) -> list[RuleVersion]:
    """The versions of a scope loaded for a day not come yet, soonest first (announced on the pages)."""
    return sorted(
        (version for version, at in scope_history(tenant_id, region_id) if at == "coming"),
        key=lambda version: version.effective_from,
    )


def previous(version: RuleVersion) -> RuleVersion | None:
    """The version of the same scope loaded before ``version`` (what it changed), withdrawn ones left out."""
    earlier = [
        v
        for v in history(version.tenant_id, rulebook.region_of_version(version.id))
        if not v.withdrawn and (v.effective_from, v.id) < (version.effective_from, version.id)
    ]
    return earlier[0] if earlier else None


def error_label(key: str) -> str:
    """A refusal's key in words (检查结果报送期限（取值）, 施行日期, 条款第3项) — never the key as code; a
    key the file wrote that is no parameter is quoted as written."""
    head, _dot, rest = key.partition(".")
    if head == "document" and rest:
        named = DOCUMENT_FIELDS.get(rest) or DATE_FIELDS.get(rest)
        if named:
            return named[0]
    if head in BY_KEY:
        label = BY_KEY[head].label
        said = {
            "value": _l("%(parameter)s (its value)", parameter=label),
            "article": _l("%(parameter)s (the article cited)", parameter=label),
            "source": _l("%(parameter)s (the source document)", parameter=label),
        }.get(rest)
        return str(said) if said else label
    item = _ITEM.match(key)
    if item and item.group(1) in FILE_PARTS:
        return str(_l("%(part)s, item %(n)s", part=FILE_PARTS[item.group(1)], n=item.group(2)))
    if head in FILE_PARTS:
        return str(FILE_PARTS[head])
    return str(_l("“%(key)s” in the file", key=key))


def error_prefix(key: str) -> str:
    """What a refusal's message opens with in the API (检查结果报送期限（取值）：): the key in words, unless
    the message names its part itself (the file, the heading, the departments)."""
    return "" if key in FILE_PARTS else error_label(key) + "："


def document_groups(document: documents.Document) -> list[Group[ParameterRow]]:
    """What one document says of each parameter (its value and article, open with its note, or not
    written), in the catalogue's groups."""
    groups: list[Group[ParameterRow]] = []
    for row in document_rows(document):
        if not groups or groups[-1].label != row.group:
            groups.append(Group(row.group))
        groups[-1].rows.append(row)
    return groups


def raw_value(rules: Rules, key: str) -> object:
    """The value in force of ``key`` as a rules file writes it (None: open)."""
    value = rules.values[key]
    return None if value is None else BY_KEY[key].kind.write(value)
