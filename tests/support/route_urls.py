"""Every GET route of the app with its arguments filled from real rows (路由遍历), and the links
of an answer: what the walks over every page and API route (the personal-data crawl, the wording
walk of every role) request.

An ``<int:...>`` part takes the ids of the table its name points to (``inspector_id``: ``inspector``,
``entry_id``: ``directory_entry``), a few per department; ``<any(...)>`` each choice; other strings
a few department codes or sheet names. Routes added later are covered without touching the walks.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from urllib.parse import urlsplit

import sqlalchemy as sa
from werkzeug.routing import AnyConverter, IntegerConverter

from spotcheck.core.database import db
from spotcheck.core.scoping import TenantOwned, system_access, tenant_scope
from spotcheck.platform.permissions import declared_access
from spotcheck.tenants.results.models import InspectionCode
from tests.support.helpers import tenant_id

#: The walkers of every role's pages (the wording walk, the phone-width walk): one account of each role
#: of the demo city, and the supervising department's leader (whose day differs); ``None`` is a
#: citizen, not signed in.
WALKERS = (
    "scj_planner",
    "scj_leader",
    "scj_inspector",
    "scj_coord",
    "yjj_coord",
    "scj_admin",
    "sfj_supervisor",
    "sfj_leader",
    "admin",
    None,
)
#: Links a walk follows from the pages, per route and walker, beyond the route's own URL.
FOLLOWED_PER_RULE = 2


#: Values tried for string parts of a route (``<kind>``, ``<what>``...), e.g. spreadsheet kinds.
STRING_CANDIDATES = ("items", "inspectors", "directory", "entities", "registry")
#: Where ``ids`` keeps the tokens of inspection codes (a ``<token>`` argument), beside the tables' ids.
TOKENS = "inspection_code:token"


#: For the walks with numbers in other digits (``tests/web/test_odd_numbers.py``): digits ``str.isdigit()`` takes
#: and ``int()`` refuses ("²") or reads as another number.
ODD_DIGITS = ("²", "١٢", "３")
#: The numbers pages and forms read from a link or a form.
NUMBER_PARAMETERS = (
    "page",
    "campaign",
    "year",
    "message_id",
    "tenant_id",
    "user_id",
    "visit_ids",
    "ids",
    "leave_out",
    "department_id",
    "department_ids",
    "inspector_id",
    "item_id",
    "item_ids",
    "months",
    "count",
    "frequency_times",
    "actor",
    "number",
    "days",
    "receiver_id",
)
#: How many rows of each table (per department) give ids to the crawl.
IDS_PER_TENANT = {"SCJ": 3, "YJJ": 1}


MAX_URLS_PER_RULE = 12


def ids_by_table(app, per_tenant: dict[str, int] = IDS_PER_TENANT) -> dict[str, list]:
    """For every table with an integer key: the newest few ids of each department of ``per_tenant``
    (tenant-owned tables; code → how many) or of the whole table."""
    found: dict[str, set[int]] = defaultdict(set)
    tokens: dict[str, list[str]] = {}
    with app.app_context():
        tenants = {code: tenant_id(code) for code in per_tenant}
        for mapper in db.Model.registry.mappers:
            table = mapper.local_table
            keys = list(table.primary_key.columns)
            if len(keys) != 1 or not isinstance(keys[0].type, sa.Integer):
                continue
            column = getattr(mapper.class_, keys[0].key)
            try:
                if issubclass(mapper.class_, TenantOwned):
                    for code, how_many in per_tenant.items():
                        with tenant_scope(tenants[code]):
                            found[table.name] |= set(
                                db.session.scalars(sa.select(column).order_by(column.desc()).limit(how_many))
                            )
                else:
                    found[table.name] |= set(db.session.scalars(sa.select(column).order_by(column.desc()).limit(4)))
            except sa.exc.SQLAlchemyError:
                db.session.rollback()  # a table this role may not read as a whole: its ids come from elsewhere
        for code, how_many in per_tenant.items():  # the public pages of inspection codes (检查码), by token
            with tenant_scope(tenants[code]):
                tokens[code] = list(
                    db.session.scalars(sa.select(InspectionCode.token).order_by(InspectionCode.id).limit(how_many))
                )
        db.session.rollback()
    return {
        **{name: sorted(ids) for name, ids in found.items() if ids},
        TOKENS: sorted({t for listed in tokens.values() for t in listed}),
    }


def tables_named(argument: str, tables) -> list[str]:
    """The tables among ``tables`` an argument names (``inspector_id``: ``inspector``)."""
    base = argument.removesuffix("_id")
    return [t for t in tables if t == base or t.endswith("_" + base)] or [
        t for t in tables if t.startswith(base + "_") or base.endswith("_" + t)
    ]


def ids_for(argument: str, ids: dict[str, list[int]], empty=frozenset()) -> list[int]:
    tables = tables_named(argument, ids)
    if tables:
        return sorted({i for t in tables for i in ids[t]})
    if argument in ("number", "version", "page", "year", "seq"):
        return [1, 2]
    some = sorted({i for name, values in ids.items() if name != TOKENS for i in values[:1]})[:4] or [1]
    named = tables_named(argument, db.metadata.tables)
    if named and set(named) <= empty:
        # every table the argument names holds no row in any department: each id names a missing
        # row and gets the same "not found", so one id is asked instead of several
        return some[:1]
    return some


def empty_tables(app) -> frozenset[str]:
    """The tables with no row at all, in any department (one that cannot be counted is not)."""
    empty = set()
    with app.app_context(), system_access("personal-data scan: which tables are empty"):
        for name, table in db.metadata.tables.items():
            try:
                if not db.session.scalar(sa.select(sa.func.count()).select_from(table)):
                    empty.add(name)
            except sa.exc.SQLAlchemyError:
                db.session.rollback()
        db.session.rollback()
    return frozenset(empty)


def values_for(argument: str, converter, ids, tenant_codes, empty=frozenset()) -> list:
    if isinstance(converter, IntegerConverter):
        return ids_for(argument, ids, empty)
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)
    if argument in ("code", "tenant", "tenant_code", "department"):
        return list(tenant_codes)
    if argument == "token":
        return [*list(ids.get(TOKENS, [])), "unknown-code-0000000000"]
    return list(STRING_CANDIDATES)


def is_asset(rule) -> bool:
    return rule.endpoint == "static" or rule.endpoint.endswith(".static") or "/assets/" in rule.rule


def route_urls(
    app,
    ids,
    *,
    prefix: str = "/",
    public_only: bool = False,
    per_rule: int = MAX_URLS_PER_RULE,
    skip: tuple[str, ...] = (),
    tenant_codes: tuple[str, ...] = ("SCJ", "YJJ", "SFJ"),
) -> list[str]:
    """Every GET route of the app (under ``prefix``, not under ``skip``; only those open to anyone
    with ``public_only``) with its arguments filled in, up to ``per_rule`` URLs a route; a department's
    code in a route, one of ``tenant_codes``."""
    empty = empty_tables(app)
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if (
            "GET" not in rule.methods
            or is_asset(rule)
            or not rule.rule.startswith(prefix)
            or rule.rule.startswith(skip)
        ):
            continue
        if public_only and declared_access(app.view_functions[rule.endpoint], "GET") != "public":
            continue
        names = sorted(rule.arguments)
        choices = [values_for(name, rule._converters[name], ids, tenant_codes, empty) for name in names]
        for combination in itertools.islice(itertools.product(*choices), per_rule):
            built = rule.build(dict(zip(names, combination, strict=True)))
            if built is not None:
                urls.append(built[1])
    return urls


HREF = re.compile(r"""(?:href|src)\s*=\s*["']([^"'#]+)""")


JSON_PATH = re.compile(r'"(/(?:api|catalog|public|jobs|admin|audit|account|platform)[^"\s]*)"')


def rule_of(adapter, url: str) -> str:
    try:
        return adapter.match(urlsplit(url).path, method="GET", return_rule=True)[0].rule
    except Exception:
        return urlsplit(url).path


def links(response) -> list[str]:
    links = []
    location = response.headers.get("Location")
    if location:
        links.append(location)
    if response.mimetype in ("text/html", "application/json"):
        text = response.get_data(as_text=True)
        links += HREF.findall(text) + JSON_PATH.findall(text)
    clean = []
    for link in links:
        parts = urlsplit(link.replace("&amp;", "&"))
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            continue
        clean.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return clean


def crawlable(adapter, link: str, api_only: bool) -> bool:
    path = urlsplit(link).path
    if api_only and not path.startswith("/api/"):
        return False
    try:
        rule = adapter.match(path, method="GET", return_rule=True)[0]
    except Exception:
        return False
    return not is_asset(rule) and rule.endpoint != "auth.logout"
