"""审计日志查询: the audit trail as a department reads it — filters, pages by key, names in bulk.

The entries are the current department's only: :class:`~spotcheck.core.audit.AuditEntry` is
tenant-owned, so the ORM scope (and row-level security on PostgreSQL) keeps every query of this
module inside the reader's chain. Pages are cut by entry id (keyset, newest first), never by
OFFSET, so a deep page costs what the first one does on a chain of millions of entries.

The names a reader needs (who acted, which item, campaign, inspector, department; an import's
kind, a replacement's reason, a reporting table, a period…) are looked up here, for a whole page at once — one
query per kind of object, never one per row. Entries keep the ids and codes they were written with; an object
that no longer exists (a removed directory entry, a withdrawn recusal) simply has no name and the page shows its
type and id.

Plain arguments in, plain values out: no request, no login, no web layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import QueryableAttribute

from spotcheck.core.actor import Actor
from spotcheck.core.audit import AuditEntry
from spotcheck.core.clock import midnight
from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.core.policy import Permission
from spotcheck.core.queries import query
from spotcheck.core.text import whole_number
from spotcheck.tenants.accounts.models import ApiToken, Tenant, User
from spotcheck.tenants.accounts.queries import get_tenant
from spotcheck.tenants.audit import policy as audit_policy
from spotcheck.tenants.campaigns.models import Campaign
from spotcheck.tenants.campaigns.vocabulary import (
    EXEMPT_KINDS,
    INSPECTOR_REPLACEMENT_REASONS,
    TARGET_REPLACEMENT_REASONS,
)
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.inspectors.models import Inspector, Recusal
from spotcheck.tenants.items.models import Item
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.rules.models import RulesDocument, RuleVersion
from spotcheck.tenants.spreadsheets.columns import INSPECTORS, ITEMS, KINDS

PAGE_SIZE = 50
#: An entry's details as the department's trail may show them (the policy's one rule: what it withholds).
shown_details = audit_policy.shown_details
#: Ids are 32-bit integers in the schema; a larger number in a link cannot name an entry.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Filters:
    """What the reader narrows the trail to; ``None`` means "any".

    ``actor_id``: entries by this user; ``by_system``: entries with no acting user (the platform's
    own work). ``since``/``until``: Beijing-time dates, both included.
    """

    actor_id: int | None = None
    by_system: bool = False
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    since: date | None = None
    until: date | None = None

    def conditions(self) -> list[sa.ColumnElement[bool]]:
        where: list[sa.ColumnElement[bool]] = []
        if self.by_system:
            where.append(AuditEntry.actor_id.is_(None))
        elif self.actor_id is not None:
            where.append(AuditEntry.actor_id == self.actor_id)
        if self.action:
            where.append(AuditEntry.action == self.action)
        if self.object_type:
            where.append(AuditEntry.object_type == self.object_type)
        if self.object_id:
            where.append(AuditEntry.object_id == self.object_id)
        start, end = utc_bounds(self.since, self.until)
        if start is not None:
            where.append(AuditEntry.created_at >= start)
        if end is not None:
            where.append(AuditEntry.created_at < end)
        return where


def utc_bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """The UTC instants of 00:00 Beijing time on ``since`` and on the day after ``until``
    (timestamps are stored in UTC; the reader's dates are Beijing dates). A bound beyond what a
    timestamp can hold is no bound at all."""

    def bound(day: date) -> datetime | None:
        try:
            return midnight(day)
        except (OverflowError, ValueError):
            return None

    start = bound(since) if since else None
    end = None
    if until:
        try:
            end = midnight(until + timedelta(days=1))
        except OverflowError:
            end = None
    return start, end


@dataclass(frozen=True)
class Window:
    """One page of entries, newest first, with the keys of the pages around it: ``older`` for
    ``?before=`` and ``newer`` for ``?after=`` (``None``: there is none)."""

    entries: list[AuditEntry]
    older: int | None
    newer: int | None
    first: bool  # the newest page


def valid_id(value: object) -> int | None:
    """An entry id from a link, or ``None`` when it cannot be one (not a number, 0, negative, too large)."""
    number = whole_number(value, digits=len(str(MAX_ID)))
    return number if number is not None and 0 < number <= MAX_ID else None


def window(
    reader: Actor,
    filters: Filters = Filters(),
    *,
    before: int | str | None = None,
    after: int | str | None = None,
    size: int = PAGE_SIZE,
) -> Window:
    """The page of the reader's department's trail that matches ``filters``: the newest ``size``
    entries, or those just older than ``before``, or just newer than ``after``."""
    audit_policy.require_trail_reader(reader)
    where = filters.conditions()
    before, after = valid_id(before), valid_id(after)
    base = sa.select(AuditEntry).where(*where)
    if after is not None and before is None:
        rows = db.session.scalars(base.where(AuditEntry.id > after).order_by(AuditEntry.id).limit(size + 1)).all()
        if len(rows) > size:  # still newer ones beyond this page
            rows = list(reversed(rows[:size]))
            return Window(
                rows,
                older=rows[-1].id if _exists(where, AuditEntry.id < rows[-1].id) else None,
                newer=rows[0].id,
                first=False,
            )
        before = None  # the newest page: show it whole, as a reader coming back to the top expects
    query = base.order_by(AuditEntry.id.desc()).limit(size + 1)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    rows = db.session.scalars(query).all()
    older = rows[size - 1].id if len(rows) > size else None
    rows = list(rows[:size])
    newer = rows[0].id if before is not None and rows and _exists(where, AuditEntry.id > rows[0].id) else None
    return Window(rows, older=older, newer=newer, first=before is None)


def _exists(where: list[sa.ColumnElement[bool]], condition: sa.ColumnElement[bool]) -> bool:
    return db.session.scalar(sa.select(AuditEntry.id).where(*where, condition).limit(1)) is not None


# --- who acted -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    display_name: str
    login: str


def department_people() -> list[Person]:
    """Everyone of the current department, by name (the choices of the "who" filter)."""
    rows = db.session.execute(sa.select(User.id, User.display_name, User.login).order_by(User.display_name, User.id))
    return [Person(*row) for row in rows]


def people(ids: Iterable[object]) -> dict[int, Person]:
    """The department's users among ``ids``, in one query. Someone outside the department (the
    platform administrator who created its first account, the justice bureau's supervisor who
    filed a plan) is not visible here: the page names them by the login kept in the entry."""
    wanted = {i for i in ids if isinstance(i, int) and 0 < i <= MAX_ID}
    if not wanted:
        return {}
    rows = db.session.execute(sa.select(User.id, User.display_name, User.login).where(User.id.in_(wanted)))
    return {row.id: Person(*row) for row in rows}


# --- what was acted on ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """How an object is named on the page: its name, and a code beside it when it has one."""

    name: str
    code: str = ""


Namer = Callable[[set[str]], dict[str, Name]]
#: A column a namer reads (the id or code it looks up first, then what the name is made of).
Column = QueryableAttribute[object]
#: A table a namer joins, and on what.
Join = tuple[type, sa.ColumnElement[bool]]


def _int_keys(keys: set[str]) -> dict[int, str]:
    return {number: k for k in keys if (number := valid_id(k)) is not None}


def _by_id(columns: Sequence[Column], make: Callable[..., Name], *joins: Join) -> Namer:
    """A namer for ids: one ``SELECT … WHERE id IN (…)`` for every key of the page."""

    def lookup(keys: set[str]) -> dict[str, Name]:
        ids = _int_keys(keys)
        if not ids:
            return {}
        query = sa.select(*columns)
        for target, on in joins:
            query = query.join(target, on)
        rows = db.session.execute(query.where(columns[0].in_(ids)))
        return {ids[cast(int, row[0])]: make(*row[1:]) for row in rows}  # the first column: the id

    return lookup


def _by_code(code_column: Column, columns: Sequence[Column], make: Callable[..., Name]) -> Namer:
    """A namer for codes (credit codes, certificate numbers, item codes)."""

    def lookup(keys: set[str]) -> dict[str, Name]:
        codes = {str(k) for k in keys if k}
        if not codes:
            return {}
        rows = db.session.execute(sa.select(code_column, *columns).where(code_column.in_(codes)))
        return {cast(str, row[0]): make(*row[1:]) for row in rows}  # the first column: the code

    return lookup


def _inspector_name(name: str, cert_no: str) -> Name:
    return Name(name, cert_no)


#: Object types of the audit trail (``audit.record(action, object_type, …)``) and code kinds
#: named in entries' details → how to name a set of them. The job namer lives with the jobs.
NAMERS: dict[str, Namer] = {
    "tenant": _by_id((Tenant.id, Tenant.name, Tenant.code), Name),
    "user": _by_id((User.id, User.display_name, User.login), Name),
    "api_token": _by_id((ApiToken.id, ApiToken.name), Name),
    "item": _by_id((Item.id, Item.name, Item.code), Name),
    "entity": _by_id((Entity.id, Entity.name, Entity.code), Name),
    "directory_entry": _by_id(
        (DirectoryEntry.id, Entity.name, Entity.code), Name, (Entity, Entity.id == DirectoryEntry.entity_id)
    ),
    "inspector": _by_id((Inspector.id, Inspector.name, Inspector.cert_no), _inspector_name),
    "recusal": _by_id(
        (Recusal.id, Inspector.name, Entity.name),
        lambda who, what: Name(f"{who} — {what}"),
        (Inspector, Inspector.id == Recusal.inspector_id),
        (Entity, Entity.id == Recusal.entity_id),
    ),
    "rules_document": _by_id((RulesDocument.id, RulesDocument.title), Name),
    "rule_version": _by_id((RuleVersion.id, RuleVersion.title, RuleVersion.number), Name),
    "plan": _by_id((Plan.id, Plan.title), Name),
    "campaign": _by_id((Campaign.id, Campaign.title, Campaign.code), Name),
    "visit": _by_id((Visit.id, Entity.name, Entity.code), Name, (Entity, Entity.id == Visit.entity_id)),
    # codes written in details
    "entity_code": _by_code(Entity.code, (Entity.name,), Name),
    "cert_no": _by_code(Inspector.cert_no, (Inspector.name,), Name),
    "item_code": _by_code(Item.code, (Item.name,), Name),
    "tenant_code": _by_code(Tenant.code, (Tenant.name,), Name),
}


def names(wanted: dict[str, set[str]], extra: dict[str, Namer] | None = None) -> dict[str, dict[str, Name]]:
    """Name every key in ``wanted`` (kind → keys) with one query per kind; kinds nobody can name
    and keys that no longer exist are left out."""
    namers = {**NAMERS, **(extra or {})}
    found: dict[str, dict[str, Name]] = {}
    for kind, keys in wanted.items():
        namer = namers.get(kind)
        keys = {str(k) for k in keys if k not in (None, "")}
        if namer is not None and keys:
            found[kind] = namer(keys)
    return found


@dataclass(frozen=True)
class Activity:
    """One of the reader's own recent actions, with the object it was about named."""

    entry: AuditEntry
    name: Name | None
    times: int = 1  # the same action on the same object, this many times in a row (a job's batches)


#: How many of the reader's latest entries are read to find the rows of the list (repeats fold into one).
_RECENT_READ = 5


@query(Permission.SIGNED_IN)
def recent_activity(*, reader: Actor, limit: int = 8) -> list[Activity]:
    """我的近期操作: the reader's own latest entries, newest first, each with its object's name (one
    query per kind of object); the same action on the same object in a row is one row, counted."""
    folded: list[tuple[AuditEntry, int]] = []
    for entry in db.session.scalars(
        sa.select(AuditEntry)
        .where(audit_policy.own_entries(reader))
        .order_by(AuditEntry.id.desc())
        .limit(limit * _RECENT_READ)
    ):
        last = folded[-1][0] if folded else None
        if last is not None and (last.action, last.object_type, last.object_id) == (
            entry.action,
            entry.object_type,
            entry.object_id,
        ):
            folded[-1] = (last, folded[-1][1] + 1)
        elif len(folded) < limit:
            folded.append((entry, 1))
        else:
            break
    entries = [entry for entry, _ in folded]
    wanted: dict[str, set[str]] = {}
    for entry in entries:
        if entry.object_id not in (None, ""):
            wanted.setdefault(entry.object_type, set()).add(str(entry.object_id))
    found = names(wanted)
    return [
        Activity(entry, found.get(entry.object_type, {}).get(str(entry.object_id)), times) for entry, times in folded
    ]


@dataclass
class Wanted:
    """The keys a page needs named, gathered while its rows are read (then named in bulk)."""

    keys: dict[str, set[str]] = field(default_factory=dict)

    def add(self, kind: str, key: object) -> None:
        if key not in (None, ""):
            self.keys.setdefault(kind, set()).add(str(key))


# --- the codes that details hold ------------------------------------------------------------------

#: A campaign outside the plan: its kinds (计划外任务) by code.
EXEMPT_KIND_NAMES = EXEMPT_KINDS


def department_name(department_id: object) -> str | None:
    """A department by its id (a transfer's sender or receiver), or ``None`` when there is none."""
    if not isinstance(department_id, int) or isinstance(department_id, bool):
        return None
    try:
        return get_tenant(department_id).name
    except NotFoundError:
        return None


def import_kind_name(code: object) -> str | None:
    """What a spreadsheet import brought in (事项、名录、执法人员…), by its kind."""
    kind = KINDS.get(code) if isinstance(code, str) else None  # the kinds are named by strings
    return str(kind.label) if kind is not None else None


def replacement_reasons(action: str) -> Mapping[str, object]:
    """Why a drawn target or inspector was replaced (替换理由), by code, for that action."""
    return {
        "draw.target_replaced": TARGET_REPLACEMENT_REASONS,
        "draw.inspector_replaced": INSPECTOR_REPLACEMENT_REASONS,
    }.get(action, {})


def column_header(action: str, key: str) -> str | None:
    """A changed field of an item or an inspector under its spreadsheet column's header."""
    if action.startswith("item."):
        return ITEMS.header_for(key) or key
    if action.startswith("inspector."):
        return INSPECTORS.header_for(key) or key
    return None
