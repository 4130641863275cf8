"""The scan for ID numbers (身份证号码) in what users receive: the numbers to look for, every answer
read as text (headers included, each cell of a spreadsheet apart), and a crawl of URLs that follows
the links found in the answers and records every leak and every server error."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter, deque
from dataclasses import dataclass, field

import openpyxl
from stdnum.cn import ric

from spotcheck.core.policy import has_permission
from spotcheck.platform.permissions import Permission, declared_access
from tests.support.helpers import user_named
from tests.support.route_urls import crawlable, links, rule_of

#: Links found in the answers are followed, up to this many different URLs per route.
MAX_FOLLOWED_PER_RULE = 2
MAX_REQUESTS = 1500


def reveal_rules(app) -> set[str]:
    """The routes that exist to show a full ID number (declared with INSPECTORS_PERSONAL_DATA)."""
    return {
        rule.rule
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
        if declared_access(app.view_functions[rule.endpoint], method) == Permission.INSPECTORS_PERSONAL_DATA
    }


# --- reading answers ------------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[\s\-_/.,·\u00a0]+")
CELL_BREAK = "\x00"  # between the cells of a sheet: not a separator, so cells never run together
_ID_LIKE = re.compile(r"(?<![0-9A-Z])(\d{17}[0-9X])(?![0-9A-Z])")


def needles(numbers) -> dict[str, str]:
    """What must never appear: each full number, and its 17 digits without the check character."""
    found = {}
    for number in numbers:
        found[number.upper()] = number
        found[number[:17]] = number
    return found


def find_numbers(text: str, wanted: dict[str, str]) -> set[str]:
    """The known numbers in ``text`` (also spaced out or in lower case), and any other valid ID
    number written out in full (e.g. one of the demo inspectors')."""
    text = text.upper()
    compact = _SEPARATORS.sub("", text)
    found = {number for needle, number in wanted.items() if needle in text or needle in compact}
    found |= {candidate for candidate in _ID_LIKE.findall(text) if ric.is_valid(candidate)}
    return found


def response_texts(response) -> list[tuple[str, str]]:
    """(where, text) for everything a user receives: headers, body, and each cell of a spreadsheet."""
    texts = [("headers", str(response.headers))]
    data = response.get_data()
    if data[:4] == b"PK\x03\x04":
        texts += _spreadsheet_texts(data)
    else:
        texts.append(("body", data.decode("utf-8", errors="replace")))
        if response.is_json:
            texts.append(("json", json.dumps(response.get_json(silent=True), ensure_ascii=False)))
    return texts


def _spreadsheet_texts(data: bytes) -> list[tuple[str, str]]:
    """Every part of the archive as text (cells, comments, properties), and every cell of every
    sheet as openpyxl reads it: one text per sheet, cells apart (a leak is located afterwards)."""
    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            texts.append((f"zip:{name}", archive.read(name).decode("utf-8", errors="replace")))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    except Exception:
        return texts
    for sheet in workbook.worksheets:
        cells = [
            (cell.coordinate, str(cell.value)) for row in sheet.iter_rows() for cell in row if cell.value is not None
        ]
        texts.append((f"xlsx:{sheet.title}", CELL_BREAK.join(value for _, value in cells)))
        texts.append((f"xlsx-cells:{sheet.title}", cells))
    workbook.close()
    return texts


def _cells_with(texts, where: str, wanted) -> list[tuple[str, set[str]]]:
    """The cells of the sheet ``where`` ("xlsx:<title>") that hold a number, by coordinate."""
    sheet = where.split(":", 1)[1]
    cells = next(value for place, value in texts if place == f"xlsx-cells:{sheet}")
    located = [(f"xlsx:{sheet}!{coordinate}", find_numbers(value, wanted)) for coordinate, value in cells]
    return [(place, numbers) for place, numbers in located if numbers]


@dataclass
class Crawl:
    """What one user's walk found."""

    who: str
    requests: int = 0
    leaks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    statuses: dict[str, int] = field(default_factory=dict)
    spreadsheets: int = 0
    followed: Counter = field(default_factory=Counter)
    #: The routes requested (at least one URL of each).
    rules: set[str] = field(default_factory=set)
    #: Routes the walker lacks the permission of that answered 403: their other URLs are not asked.
    refused: set[str] = field(default_factory=set)
    #: The URLs of those routes left out, as (url, route).
    skipped: list[tuple[str, str]] = field(default_factory=list)


def refused_by_guard(app, login_name: str) -> frozenset[str]:
    """The GET routes whose declared permission ``login_name`` does not hold: ``permissions.requires``
    answers them 403 before the view runs, whatever the arguments in the URL."""
    with app.app_context():
        user = user_named(login_name)
        return frozenset(
            rule.rule
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
            and isinstance(access := declared_access(app.view_functions[rule.endpoint], "GET"), Permission)
            and not has_permission(user, access)
        )


def crawl(
    app, client, urls, *, who: str, wanted, headers=None, api_only=False, allowed=(), result=None, refused=frozenset()
) -> Crawl:
    """GET each URL, follow redirects and links within the site (a few per route), and record
    every leak and every 5xx. ``refused``: routes the guard refuses this walker (see
    :func:`refused_by_guard`); once one answered 403, its other URLs are skipped."""
    result = result or Crawl(who=who)
    adapter = app.url_map.bind("localhost")
    queue = deque(urls)  # the routes first, then the links found in the answers
    while queue and result.requests < MAX_REQUESTS:
        url = queue.popleft()
        if url in result.seen:
            continue
        result.seen.add(url)
        rule = rule_of(adapter, url)
        if rule in result.refused:  # the same 403 of the guard as for the URL already asked
            result.skipped.append((url, rule))
            continue
        response = client.get(url, headers=headers or {})
        result.requests += 1
        result.statuses[url] = response.status_code
        result.rules.add(rule)
        if rule in refused and response.status_code == 403:
            result.refused.add(rule)
        if response.status_code >= 500:
            result.errors.append(f"{who}: GET {url} ({rule}) → {response.status_code}")
        texts = response_texts(response)
        if response.status_code == 200 and any(where.startswith("xlsx:") for where, _ in texts):
            result.spreadsheets += 1
        if rule not in allowed:
            for place, number in _found_in(texts, wanted):
                result.leaks.append(f"{who}: GET {url} ({rule}) → {response.status_code} shows {number} in {place}")
        queue.extend(_to_follow(result, adapter, response, api_only))
    unvisited = [url for url in urls if url not in result.seen]
    if unvisited:
        result.errors.append(f"{who}: the crawl stopped after {MAX_REQUESTS} requests; not visited: {unvisited[:5]}…")
    unwalked = sorted({rule_of(adapter, url) for url in urls} - result.rules)
    if unwalked:
        result.errors.append(f"{who}: routes never requested: {unwalked[:5]}…")
    return result


def _found_in(texts, wanted) -> list[tuple[str, str]]:
    """(where, number) of every wanted number in an answer's texts: in a spreadsheet, named by its cells."""
    found = []
    for where, text in texts:
        if where.startswith("xlsx-cells:"):
            continue
        numbers = find_numbers(text, wanted)
        places = (_cells_with(texts, where, wanted) if numbers and where.startswith("xlsx:") else []) or (
            [(where, numbers)] if numbers else []
        )
        found += [(place, number) for place, numbers_there in places for number in sorted(numbers_there)]
    return found


def _to_follow(result: Crawl, adapter, response, api_only: bool) -> list[str]:
    """The links of an answer still to walk: within the site, not seen, a few a route."""
    chosen = []
    for link in links(response):
        if link in result.seen or not crawlable(adapter, link, api_only):
            continue
        link_rule = rule_of(adapter, link)
        if result.followed[link_rule] >= MAX_FOLLOWED_PER_RULE:
            continue
        result.followed[link_rule] += 1
        chosen.append(link)
    return chosen


def report(results) -> tuple[list[str], list[str]]:
    leaks = [leak for r in results for leak in r.leaks]
    errors = [error for r in results for error in r.errors]
    return leaks, errors
