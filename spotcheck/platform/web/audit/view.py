"""How the audit page shows an entry (审计日志的呈现): in words, never as stored.

An entry keeps codes and ids (``item.published``, ``user`` 4, ``{"roles": ["planner"]}``); the reader sees the
action's name, the person's name, the object's name and the details as labelled fields, each value written out:
lists joined with 、, yes/no, codes by their names (roles, replacement reasons, exempt kinds, job and draw kinds,
strata, frame exclusions…), an ``[old, new]`` change as "old → new". An unknown key is shown under its own name,
its value still in words. All names come from the one table of each kind (the domains' vocabularies); the lookups
of a page — people, objects, departments, the codes details hold — happen in the audit trail's queries
(:mod:`spotcheck.tenants.audit.queries`), in bulk; this module only renders. Details never hold ID numbers
(身份证号码): the services write certificate numbers and codes, and this module shows nothing that is not in the
entry or in the department's own tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeGuard, TypeVar

from flask_babel import gettext as _

from spotcheck.core import jobs
from spotcheck.core.audit import AuditEntry
from spotcheck.core.policy import SYSTEM_ACTORS
from spotcheck.platform.web.templating import department_stratum_label
from spotcheck.tenants.accounts.vocabulary import TENANT_KIND_LABELS, role_label
from spotcheck.tenants.audit import queries as audit_trail
from spotcheck.tenants.audit.queries import Name, Person
from spotcheck.tenants.audit.vocabulary import (
    ACTION_LABELS,
    CAMPAIGN_FIELDS,
    DETAIL_LABELS,
    INSPECTOR_FRAME_COUNTS,
    MOVE_DETAILS,
    READS,
    SIGN_IN_FAILURES,
    SIGN_IN_WAYS,
)
from spotcheck.tenants.campaigns import vocabulary as campaign_words
from spotcheck.tenants.common import vocabulary as domain
from spotcheck.tenants.common.vocabulary import JOB_KIND_LABELS, OBJECT_LABELS, percent, reference
from spotcheck.tenants.directory.vocabulary import RISK_LABEL_STYLE_NAMES
from spotcheck.tenants.rules.vocabulary import TABLE_NAMES
from spotcheck.tenants.supervision.vocabulary import FORMER_TABLE_CODES, parse_period

#: A move of a campaign's status (:mod:`spotcheck.tenants.campaigns.transitions`): its details named as a move's.
MOVED = campaign_words.MOVED

SEP = "、"

#: Actions whose details are ``{field: [old, new]}``.
CHANGE_ACTIONS = {"user.updated", "directory.changed", "tenant.risk_labels_changed"}

#: Keys whose value is a digest or a seed: shown whole, in a fixed-width font.
DIGESTS = {"sha256", "seed", "commitment", "frame_digest", "original_sha256"}

#: Details that name something the department keeps: key → the kind of name to look up
#: (:data:`spotcheck.tenants.audit.queries.NAMERS`); ``(action, key)`` where it depends on the action.
REFERENCES = {
    "item": "item_code",
    "items": "item_code",
    "item_id": "item",
    "plan_id": "plan",
    "entity": "entity_code",
    "visit": "entity_code",
    "cert_no": "cert_no",
    "leader": "cert_no",
    "group": "tenant_code",
    ("draw.target_replaced", "out"): "entity_code",
    ("draw.target_replaced", "in"): "entity_code",
    ("draw.inspector_replaced", "out"): "cert_no",
    ("draw.inspector_replaced", "in"): "cert_no",
    ("entity.saved", "code"): "entity_code",
    ("directory.added", "code"): "entity_code",
    ("directory.removed", "code"): "entity_code",
}


@dataclass(frozen=True)
class Detail:
    label: str
    value: str
    mono: bool = False  # a digest or a seed


@dataclass(frozen=True)
class Row:
    """One entry as the page shows it."""

    entry: AuditEntry
    who: str
    who_hint: str  # the login beside the name, or why there is no name
    actor_id: int | None
    action: str
    object_type: str
    object_name: str
    object_code: str
    details: list[Detail]


#: The names a page found, by kind of reference and then by code (or id).
Found = Mapping[str, Mapping[str, Name]]
#: A detail's value in words: ``formatter(action, value)``.
Formatter = Callable[[str, object], str]

K = TypeVar("K")
V = TypeVar("V")

#: Reference kinds named by id rather than by code.
ID_KINDS = {"item", "plan"}


def reference_kind(action: str, key: str) -> str | None:
    return REFERENCES.get((action, key)) or REFERENCES.get(key)


def _references(kind: str | None, value: object) -> list[object]:
    """The codes (or ids) a detail value names, or none when it is a count or a flag."""
    if kind is None:
        return []
    keys = _listed(value)
    if not keys:
        return []
    allowed = (str, int) if kind in ID_KINDS else (str,)
    return keys if all(isinstance(k, allowed) and not isinstance(k, bool) for k in keys) else []


def job_names(keys: set[str]) -> dict[str, Name]:
    """Jobs by their kind (the job namer of the audit trail; jobs live in the kernel, run by the tasks layer)."""
    ids = {number: k for k in keys if (number := audit_trail.valid_id(k)) is not None}
    if not ids:
        return {}
    return {
        ids[job_id]: Name(str(JOB_KIND_LABELS.get(kind, kind)), f"#{job_id}")
        for job_id, kind in jobs.kinds_of(ids).items()
    }


def present(entries: Sequence[AuditEntry]) -> list[Row]:
    """The rows of a page: every name the page needs is looked up once, for all its entries."""
    wanted = audit_trail.Wanted()
    for entry in entries:
        wanted.add(entry.object_type, entry.object_id)
        for key, value in (entry.details or {}).items():
            if (kind := reference_kind(entry.action, key)) is not None:
                for code in _references(kind, value):
                    wanted.add(kind, code)
    people = audit_trail.people({e.actor_id for e in entries if e.actor_id})
    found = audit_trail.names(wanted.keys, extra={"job": job_names})
    return [_row(entry, people, found) for entry in entries]


def _row(entry: AuditEntry, people: Mapping[int, Person], found: Found) -> Row:
    person = people.get(entry.actor_id) if entry.actor_id else None
    system = SYSTEM_ACTORS.get(entry.actor_login or "") if person is None else None
    if person is not None:
        who, hint = person.display_name, person.login
    elif system is not None:  # the platform itself, or a business with its code: named, never "not of this department"
        who, hint = system.display_name, ""
    elif entry.actor_login:
        who, hint = entry.actor_login, _("not of this department")
    else:
        who, hint = _("System"), ""
    name = found.get(entry.object_type, {}).get(entry.object_id or "")
    if name is not None:
        object_name, object_code = name.name, name.code
    else:
        object_name, object_code = (f"#{entry.object_id}" if entry.object_id else ""), ""
    return Row(
        entry=entry,
        who=who,
        who_hint=hint,
        actor_id=entry.actor_id if person or entry.actor_login else None,
        action=str(ACTION_LABELS.get(entry.action, entry.action)),
        object_type=str(OBJECT_LABELS.get(entry.object_type, entry.object_type)),
        object_name=object_name,
        object_code=object_code,
        details=details(entry.action, entry.details or {}, found),
    )


# --- the details ---------------------------------------------------------------------------------


def details(action: str, values: dict[str, object], found: Found | None = None) -> list[Detail]:
    """The labelled fields of an entry's details, in the order they were written (as the department may read them)."""
    found = found or {}
    fields = []
    for key, value in audit_trail.shown_details(action, values).items():
        label = str(MOVE_DETAILS[key] if action == MOVED and key in MOVE_DETAILS else DETAIL_LABELS.get(key, key))
        if action in CHANGE_ACTIONS and _is_pair(value):
            old, new = (_value(action, key, v, found) for v in value)
            text = f"{old} → {new}"
        else:
            text = _value(action, key, value, found)
        fields.append(Detail(label, text, mono=key in DIGESTS))
    return fields


def _label(table: Mapping[str, object], value: object) -> object:
    """``value``'s name in ``table`` (whose codes are strings), or ``value`` itself when it names none."""
    return table.get(value, value) if isinstance(value, str) else value


def _observer_words(value: object) -> str:
    return campaign_words.observer_words(value) if isinstance(value, str) else plain(value)


def _is_pair(value: object) -> TypeGuard[list[object] | tuple[object, ...]]:
    return isinstance(value, (list, tuple)) and len(value) == 2


def _value(action: str, key: str, value: object, found: Found) -> str:
    """One value in words."""
    if value is None or value == "None":  # "None": a change of a field that was empty, as text
        if key == "half":
            return domain.name(domain.PLAN_HALF, None)
        return "—"
    kind = reference_kind(action, key)
    if kind is not None and (codes := _references(kind, value)):
        return _join(_named(found.get(kind, {}), code, by_id=kind in ID_KINDS) for code in codes)
    formatter = _FORMATTERS.get(key)
    if formatter is not None:
        return formatter(action, value)
    return plain(value)


def _listed(value: object) -> list[object]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _join(parts: Iterable[object]) -> str:
    return SEP.join(str(p) for p in parts)


def _named(table: Mapping[str, Name], code: object, *, by_id: bool = False) -> str:
    """``name (code)``; by id, the object's own code if it has one; not found: the code (``#id``)."""
    name = table.get(str(code))
    if name is None:
        return f"#{code}" if by_id else str(code)
    shown = name.code if by_id or name.code else code
    return _("%(name)s (%(code)s)", name=name.name, code=shown) if shown else name.name


def plain(value: object) -> str:
    """Any value in words: no JSON, no escapes."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, tuple)):
        return _join(plain(v) for v in value) if value else _("None")
    if isinstance(value, dict):
        if not value:
            return _("None")
        return "；".join(f"{DETAIL_LABELS.get(k, k)}：{plain(v)}" for k, v in value.items())
    return str(value)


def _coded(table: dict[K, V]) -> Formatter:
    return lambda action, value: _join(domain.name(table, v) for v in _listed(value))


def _kind(action: str, value: object) -> str:
    if action.startswith("job."):
        return str(_label(JOB_KIND_LABELS, value))
    if action.startswith("draw."):
        return domain.name(domain.DRAW_KIND, value)
    if action.startswith("tenant."):
        return str(_label(TENANT_KIND_LABELS, value))
    if action.startswith("follow_up."):
        return str(_label(reference.FOLLOW_UP_KINDS, value))
    if action.startswith("campaign."):
        return campaign_words.CAMPAIGN_KIND_NAMES.get(str(value), plain(value))
    named = audit_trail.import_kind_name(value) if action == "sheet.imported" else None
    return named if named is not None else plain(value)


def _reason(action: str, value: object) -> str:
    if action.startswith("read."):
        return read_name(value)
    return domain.name(audit_trail.replacement_reasons(action), value)


def read_name(value: object) -> str:
    """What a read beyond the reader's department was, by :data:`READS`: ``supervision 2026H1`` with
    its period, ``supervision: table 001-2 for submission`` with the table's name."""
    text = str(value)
    if text in READS:
        return str(READS[text])
    if match := _TABLE_READ.fullmatch(text):
        return f"{READS['table']} {_table_name(match.group(1))}"
    head, _, period = text.partition(" ")
    if head in READS and (found := parse_period(period)) is not None:
        return f"{READS[head]}（{found.label}）"
    return plain(value)


_TABLE_READ = re.compile(r"supervision: table (\S+) for submission")


def _field_names(action: str, value: object) -> str:
    def name(key: object) -> str:
        if not isinstance(key, str):  # a field is named by a string; anything else is shown as it is
            return str(key)
        if (header := audit_trail.column_header(action, key)) is not None:
            return header
        if action.startswith("campaign."):
            return str(CAMPAIGN_FIELDS.get(key, key))
        return str(DETAIL_LABELS.get(key, key))

    return _join(dict.fromkeys(name(k) for k in _listed(value)))  # two keys of one column named once


def _roles(action: str, value: object) -> str:
    return _join(str(role_label(r) if isinstance(r, str) else r) for r in _listed(value))


def _exempt(action: str, value: object) -> str:
    return domain.name(audit_trail.EXEMPT_KIND_NAMES, value)


def _risk_style(action: str, value: object) -> str:
    return str(_label(RISK_LABEL_STYLE_NAMES, value))


def _risk(action: str, value: object) -> str:
    return department_stratum_label(str(value), short=True)


def _tags(action: str, value: object) -> str:
    tags = [t for t in str(value).split(",") if t] if isinstance(value, str) else _listed(value)
    return _join(tags) if tags else _("None")


def _size(action: str, value: object) -> str:
    if not isinstance(value, int) or isinstance(value, bool):
        return plain(value)
    if value < 1024:
        return f"{value} B"
    if value < 1024 * 1024:
        return f"{value / 1024:.1f} KB"
    return f"{value / 1024 / 1024:.1f} MB"


def _percent(action: str, value: object) -> str:
    return percent(value) if isinstance(value, int) else plain(value)


def _counts(action: str, value: object) -> str:
    """A frozen frame's counts: candidates per stratum (targets; per department in a joint
    campaign), or visits, pool, recusals and draw date (inspectors)."""
    if not isinstance(value, dict):
        return plain(value)
    if value and all(isinstance(v, dict) for v in value.values()):
        parts = [
            (group, _join(f"{department_stratum_label(s, short=True)}：{n}" for s, n in strata.items()))
            for group, strata in value.items()
        ]
        return parts[0][1] if len(parts) == 1 else "；".join(f"{group}：{text}" for group, text in parts)
    return _join(f"{INSPECTOR_FRAME_COUNTS.get(k, DETAIL_LABELS.get(k, k))}：{plain(v)}" for k, v in value.items())


def _excluded(action: str, value: object) -> str:
    if not isinstance(value, dict):
        return plain(value)
    if not value:
        return _("None")
    return _join(f"{domain.name(domain.FRAME_EXCLUSION, k)}：{plain(v)}" for k, v in value.items())


def _stratum(action: str, value: object) -> str:
    return department_stratum_label(str(value), short=True)


def _per_department(name: Callable[[str], str]) -> Formatter:
    """Codes per department (``{"SCJ": ["A", "B"]}``, an old proof's revealing strata or flags), each by ``name``."""

    def shown(action: str, value: object) -> str:
        if not isinstance(value, dict):
            return plain(value)
        return "；".join(
            f"{group}：{_join(name(str(code)) for code in _listed(codes))}" for group, codes in value.items()
        )

    return shown


def _range(action: str, value: object) -> str:
    if _is_pair(value) and all(isinstance(v, int) for v in value):
        return f"{value[0]}–{value[1]}"
    return plain(value)


def _department(action: str, value: object) -> str:
    """A department named by its id (a transfer's sender or receiver); a campaign's status, of a move of it."""
    if action == MOVED:
        return domain.campaign_status(value)
    return audit_trail.department_name(value) or plain(value)


def _departments(action: str, value: object) -> str:
    """Departments named by their ids (those left out of a criticism)."""
    return _join(_department(action, v) for v in _listed(value)) if value else _("None")


def _moved_by(value: object) -> str:
    """The step that moved a campaign's status, by its name (批准抽查任务…)."""
    return campaign_words.MOVED_BY.get(str(value), plain(value))


def _by_whom(value: object) -> str:
    return _("Platform administrator") if value == "platform" else plain(value)


def _status(action: str, value: object) -> str:
    """A state an entry names: a plan's by its name."""
    return domain.name(domain.PLAN_STATUS, value) if action.startswith("plan.") else plain(value)


def _parameters(action: str, value: object) -> str:
    """The rules a document sets, by their names (参数名称)."""
    return (
        _join(getattr(_label(campaign_words.RULE_PARAMETERS, k), "label", k) for k in _listed(value))
        if value
        else _("None")
    )


_FORMATTERS: dict[str, Formatter] = {
    "to": _department,
    "from": _department,
    "kind": _kind,
    "reason": _reason,
    "query": lambda action, value: read_name(value),
    "why": _coded(SIGN_IN_FAILURES),
    "via": _coded(SIGN_IN_WAYS),
    "fields": _field_names,
    "roles": _roles,
    "exempt_kind": _exempt,
    "causes": lambda action, value: _join(_label(campaign_words.NAMED_CAUSES, v) for v in _listed(value)),
    "half": _coded(domain.PLAN_HALF),
    "risk_labels": _risk_style,
    "risk": _risk,
    "tags": _tags,
    "size": _size,
    "ratio_bp": _percent,
    "counts": _counts,
    "excluded": _excluded,
    "stratum": _stratum,
    "revealing_strata": _per_department(lambda code: department_stratum_label(code, short=True)),
    "limited_to": _per_department(lambda code: domain.name(domain.ENTITY_FLAG, code)),
    "entities": _range,
    "months": lambda action, value: _join(_listed(value)) if value else _("None"),
    "public_inputs": lambda action, value: _join(_observer_words(v) for v in _listed(value)) if value else _("None"),
    "table": lambda action, value: _table_name(value),
    "rule": lambda action, value: _join(_label(campaign_words.LEADER_RULES, v) for v in _listed(value)),
    "methods": _coded(reference.CHECK_METHODS),
    "authority": _coded(domain.PLAN_AUTHORITY),
    "status": _status,
    "left_out": _departments,
    "set": _parameters,
    "by": lambda action, value: _moved_by(value) if action == MOVED else _by_whom(value),
    "period": lambda action, value: getattr(parse_period(str(value)) if value else None, "label", None) or plain(value),
}


def _table_name(code: object) -> str:
    """A statistical table by its name (《随机抽查工作进展情况统计表》), former codes named the same way."""
    name = TABLE_NAMES.get(FORMER_TABLE_CODES.get(str(code), str(code)))
    return f"《{name}》" if name else plain(code)
