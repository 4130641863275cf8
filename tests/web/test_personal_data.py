"""Personal data (个人信息): no public page and no response for a non-admin contains an inspector's
full ID number (身份证号码), nor is one ever logged.

The crawl is driven by ``app.url_map``: every GET route is requested by every kind of user, with
the ``<int:...>`` parts filled with the ids of real rows (found by the argument's name: an
``inspector_id`` takes ids from the ``inspector`` table, an ``entry_id`` from ``directory_entry``,
a new ``plan_id`` would take them from ``plan``), and the links found in the answers are followed.
Pages added later are covered without touching this file. Spreadsheets (.xlsx) are opened and
every cell is read; every other answer is read as text, headers included.

Every route is requested by every user; a walk fails if one was not. Left out are only requests
whose answer cannot differ from one already read: once a route whose declared permission the user
lacks has answered them 403, its other URLs are not asked (``permissions.requires`` refuses before
the view runs, whatever the arguments); an argument whose table holds no row at all gets one id,
not several (each names a missing row). The world is built once per module and database: the walks
only read.
"""
from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from collections import Counter, deque
from dataclasses import dataclass, field

import pytest
from stdnum.cn import ric, uscc

from spotcheck.core.database import db
from spotcheck.core.policy import has_permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.permissions import Permission, declared_access
from spotcheck.tenants.directory import commands as directory
from spotcheck.tenants.inspectors import commands as inspectors, queries as inspectors_queries
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.rules import commands as rules
from tests.support.campaign_world import ITEM_BASICS
from tests.support.helpers import bearer, post_form, signed_in, tenant_id, user_named
from tests.support.route_urls import crawlable, ids_by_table, links, route_urls, rule_of


def valid_id(first17: str) -> str:
    """A GB 11643 ID number: the 17 given characters and their check character."""
    number = first17 + ric.calc_check_digit(first17 + "0")
    assert ric.is_valid(number), number
    return number


def valid_credit_code(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


#: Known ID numbers, by how the inspector is created. One ends with the check character X.
SCJ_API_ID = "33010619880521031X"
SCJ_PAGE_ID = valid_id("33010619850715122")
SCJ_SERVICE_ID = valid_id("11010119900307813")
SCJ_IMPORT_ID = valid_id("33010519921201456")
YJJ_IDS = (valid_id("33010519921111555"), valid_id("11010519800101123"))
ALL_IDS = (SCJ_API_ID, SCJ_PAGE_ID, SCJ_SERVICE_ID, SCJ_IMPORT_ID, *YJJ_IDS)

#: Links found in the answers are followed, up to this many different URLs per route.
MAX_FOLLOWED_PER_RULE = 2
MAX_REQUESTS = 1500

NON_ADMINS = ["scj_planner", "scj_leader", "scj_inspector", "scj_coord", "sfj_supervisor", "admin"]


# --- the world to crawl ---------------------------------------------------------------------------


def _inspector_data(name, id_number, cert_no, **extra):
    return {"name": name, "sex": "男", "id_number": id_number, "agency": "杭州市市场监督管理局",
            "post": "科员", "cert_no": cert_no, "cert_expires_on": "2030-12-31", "categories": ["food", "market"],
            "region": "西湖区", "expertise": "食品安全", **extra}


def _populate(app):
    """Inspectors with known ID numbers in two departments (created through the service, a page,
    the API and a spreadsheet import, plus a refused import), items with versions, registry
    entities, directory entries, a recusal, a published rules document with a file, jobs."""
    with app.app_context():
        scj_admin, yjj_admin = user_named("scj_admin"), user_named("yjj_admin")
        with tenant_scope(tenant_id("SCJ")):
            expert = inspectors.create_inspector(
                _inspector_data("丙专家", SCJ_SERVICE_ID, "SCJ-PD-003", is_expert=True, active=False), actor=scj_admin)
            entities = [
                directory.create_entity({"code": valid_credit_code(code), "name": name, "entity_type": "enterprise",
                                         "industry_code": "F5221", "region_code": "330106", "address": "文三路1号"},
                                        actor=scj_admin)
                for code, name in (("91330106MA27XY7F0", "杭州个人信息测试食品有限公司"),
                                   ("91330106MA27XY8G1", "杭州个人信息测试商贸有限公司"))
            ]
            directory.add_entry({"category": "食品经营", "risk": "B", "tags": "重点", "entity_id": entities[0].id},
                                actor=scj_admin)
            inspectors.declare_recusal(expert.id, {"entity_id": entities[0].id, "reason": "亲属在该企业任职"}, actor=scj_admin)
            item = items.create_item({**ITEM_BASICS, "name": "食品经营检查", "methods": ["onsite"],
                                      "inspector_categories": ["food"]}, actor=scj_admin)
            items.publish_item(item.id, actor=scj_admin)
            items.update_item(item.id, {"ratio_bp": 700, "reason": "比例调整"}, actor=scj_admin)
            items.create_item({"name": "草稿事项"}, actor=scj_admin)
            rules.save_text({"title": "实施细则", "body": "第一条"}, actor=scj_admin)
            rules.attach_file({"file_name": "细则.pdf", "stream": io.BytesIO(b"%PDF-1.4\n%%EOF\n")}, actor=scj_admin)
            rules.publish(actor=scj_admin)
            db.session.commit()
        with tenant_scope(tenant_id("YJJ")):
            for number, (id_number, cert_no) in enumerate(zip(YJJ_IDS, ("YJJ-PD-001", "YJJ-PD-002"))):
                inspectors.create_inspector(
                    _inspector_data(f"应急检查员{number}", id_number, cert_no, categories=["safety"],
                                    agency="杭州市应急管理局"), actor=yjj_admin)
            directory.add_entry({"category": "危化经营", "risk": "A", "entity_id": entities[1].id}, actor=yjj_admin)
            yjj_item = items.create_item({**ITEM_BASICS, "name": "危化检查", "inspector_categories": ["hazchem"]},
                                         actor=yjj_admin)
            items.publish_item(yjj_item.id, actor=yjj_admin)
            db.session.commit()
    admin_pages = signed_in(app, "scj_admin")
    page = post_form(admin_pages, "/catalog/inspectors/new",
                     {**_inspector_data("乙检查员", SCJ_PAGE_ID, "SCJ-PD-002"), "sex": "M", "active": "y"},
                     token_from="/catalog/inspectors/new")
    assert page.status_code == 302, page.get_data(as_text=True)
    api, admin_token = app.test_client(), _token(admin_pages)
    created = api.post("/api/v1/inspectors", headers=admin_token,
                       json=_inspector_data("甲检查员", SCJ_API_ID, "SCJ-PD-001", sex="女"))
    assert created.status_code == 201, created.get_data(as_text=True)
    # spreadsheet imports: one that adds an inspector, one refused (its error list is a job result
    # any user of the department can open)
    rows = [{"姓名": "丁导入", "性别": "男", "身份证号码": SCJ_IMPORT_ID, "执法机构全称": "杭州市市场监督管理局",
             "执法证编号": "SCJ-PD-004", "执法类别": "食品安全"}]
    assert _import_inspectors(app, admin_token, rows)["ok"] is True
    bad = _import_inspectors(app, admin_token, [
        {**rows[0], "执法证编号": "SCJ-PD-005", "身份证号码": SCJ_API_ID},  # the ID number twice
        {**rows[0], "执法证编号": "SCJ-PD-006", "身份证号码": SCJ_PAGE_ID[:-1] + ("0" if SCJ_PAGE_ID[-1] != "0" else "1")},
    ])
    assert bad["ok"] is False
    # a background job of SCJ (its page and API answer are crawled too)
    job = api.post("/api/v1/audit/verifications", headers=bearer(app, "scj_leader"))
    assert job.status_code == 202, job.get_data(as_text=True)


def _import_inspectors(app, headers, rows) -> dict:
    """Fill the inspectors template with ``rows`` (header → value), upload it and return the
    finished job's result."""
    import openpyxl

    client = app.test_client()
    template = client.get("/api/v1/sheets/inspectors/template", headers=headers)
    assert template.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(template.data))
    sheet = book.worksheets[0]
    headers_row = [cell.value for cell in sheet[1]]
    start = sheet.max_row + 1
    for offset, row in enumerate(rows):
        for header, value in row.items():
            sheet.cell(row=start + offset, column=headers_row.index(header) + 1, value=value)
    data = io.BytesIO()
    book.save(data)
    started = client.post("/api/v1/sheets/inspectors/imports", headers=headers,
                          data={"file": (io.BytesIO(data.getvalue()), "人员.xlsx")}, content_type="multipart/form-data")
    assert started.status_code == 202, started.get_data(as_text=True)
    job = client.get(f"/api/v1/jobs/{started.get_json()['id']}", headers=headers).get_json()
    assert job["status"] == "succeeded", job
    return job["result"]


def _token(client) -> dict:
    """API headers with a new personal token of the user signed in on ``client``."""
    response = post_form(client, "/account/tokens", {"name": "personal-data scan"}, token_from="/account/tokens")
    secret = re.search(r'<code class="secret">([^<]+)</code>', response.get_data(as_text=True)).group(1)
    return {"Authorization": f"Bearer {secret}"}


def _session_and_token(app, login_name):
    client = signed_in(app, login_name)
    return client, _token(client)




# --- filling in the routes ------------------------------------------------------------------------














def reveal_rules(app) -> set[str]:
    """The routes that exist to show a full ID number (declared with INSPECTORS_PERSONAL_DATA)."""
    return {rule.rule for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}
            if declared_access(app.view_functions[rule.endpoint], method) == Permission.INSPECTORS_PERSONAL_DATA}


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
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    except Exception:  # noqa: BLE001 — a .docx or other zip: its parts were read above
        return texts
    for sheet in workbook.worksheets:
        cells = [(cell.coordinate, str(cell.value)) for row in sheet.iter_rows() for cell in row
                 if cell.value is not None]
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
            rule.rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods
            and isinstance(access := declared_access(app.view_functions[rule.endpoint], "GET"), Permission)
            and not has_permission(user, access))


def crawl(app, client, urls, *, who: str, wanted, headers=None, api_only=False, allowed=(), result=None,
          refused=frozenset()) -> Crawl:
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
            for where, text in texts:
                if where.startswith("xlsx-cells:"):
                    continue
                numbers = find_numbers(text, wanted)
                places = (_cells_with(texts, where, wanted) if numbers and where.startswith("xlsx:") else []) \
                    or ([(where, numbers)] if numbers else [])
                for place, found in places:
                    for number in sorted(found):
                        result.leaks.append(
                            f"{who}: GET {url} ({rule}) → {response.status_code} shows {number} in {place}")
        for link in links(response):
            if link in result.seen or not crawlable(adapter, link, api_only):
                continue
            link_rule = rule_of(adapter, link)
            if result.followed[link_rule] >= MAX_FOLLOWED_PER_RULE:
                continue
            result.followed[link_rule] += 1
            queue.append(link)
    unvisited = [url for url in urls if url not in result.seen]
    if unvisited:
        result.errors.append(f"{who}: the crawl stopped after {MAX_REQUESTS} requests; not visited: {unvisited[:5]}…")
    unwalked = sorted({rule_of(adapter, url) for url in urls} - result.rules)
    if unwalked:
        result.errors.append(f"{who}: routes never requested: {unwalked[:5]}…")
    return result








def _report(results) -> tuple[list[str], list[str]]:
    leaks = [leak for r in results for leak in r.leaks]
    errors = [error for r in results for error in r.errors]
    return leaks, errors


@pytest.fixture(scope="module")
def world(postgresql_module_app):
    """The populated app and the ids to fill the routes with: built once per module, since the walks
    only read (they add sessions, tokens and their audit records). On PostgreSQL alone: what a page
    shows of a number is decided by the templates and the masking, the same on either database."""
    _populate(postgresql_module_app)
    return postgresql_module_app, ids_by_table(postgresql_module_app)


# --- (a) public pages -----------------------------------------------------------------------------


@pytest.mark.postgres
def test_public_pages_never_show_an_id_number(world):
    app, ids = world
    wanted = needles(ALL_IDS)
    anonymous = crawl(app, app.test_client(), route_urls(app, ids, public_only=True), who="anonymous",
                      wanted=wanted)
    assert {anonymous.statuses.get(url) for url in ("/public", "/public/inspectors", "/public/SCJ/inspectors",
                                                    "/public/YJJ/inspectors", "/public/SCJ/items")} == {200}
    leaks, errors = _report([anonymous])
    assert not leaks, "ID numbers on pages anyone can read:\n" + "\n".join(leaks)
    assert not errors, "server errors:\n" + "\n".join(errors)
    # the public list names the inspectors (so the scan looked at the right pages)
    text = app.test_client().get("/public/inspectors").get_data(as_text=True)
    assert "甲检查员" in text and "应急检查员0" in text


# --- (b) every GET route, for every user who is not the department administrator -----------------


def _export_rules(app) -> list[str]:
    return [rule.rule for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and rule.rule.startswith(("/catalog/sheets", "/api/v1/sheets"))
            and "export" in rule.rule]


@pytest.mark.postgres
@pytest.mark.slow(13)
def test_no_answer_to_a_non_admin_contains_an_id_number(world):
    """Each non-admin user walks every GET route with a page session, and every /api route again
    with a bearer token; spreadsheet exports are read cell by cell."""
    app, ids = world
    wanted = needles(ALL_IDS)
    page_urls, api_urls = route_urls(app, ids), route_urls(app, ids, prefix="/api/")
    results, tokens = [], {}
    for login_name in NON_ADMINS:
        client, tokens[login_name] = _session_and_token(app, login_name)
        refused = refused_by_guard(app, login_name)
        results.append(crawl(app, client, page_urls, who=f"{login_name} (session)", wanted=wanted, refused=refused))
        results.append(crawl(app, app.test_client(), api_urls, who=f"{login_name} (token)", wanted=wanted,
                             headers=tokens[login_name], api_only=True, refused=refused))
    leaks, errors = _report(results)
    assert not leaks, "full ID numbers shown to a non-admin:\n" + "\n".join(leaks)
    assert not errors, "server errors during the crawl:\n" + "\n".join(errors)
    # not vacuous: the planner did read the inspectors (masked), their API and their exports
    planner_pages, planner_api = results[0], results[1]
    assert planner_pages.statuses.get("/catalog/inspectors") == 200
    assert planner_api.statuses.get("/api/v1/inspectors") == 200
    assert any(planner_pages.statuses.get(f"/catalog/inspectors/{i}") == 200 for i in ids["inspector"])
    if _export_rules(app):
        assert planner_pages.spreadsheets and planner_api.spreadsheets, "no export was opened"
    listed = app.test_client().get("/api/v1/inspectors", headers=tokens["scj_planner"])
    assert "330106********031X" in {row["id_number_masked"] for row in listed.get_json()}


# --- (c) logs -------------------------------------------------------------------------------------


def test_id_numbers_are_never_logged(app, caplog):
    """Everything is logged at DEBUG, the SQL statements with their parameters included."""
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", app.logger.name, "celery", "werkzeug", "flask_smorest"):
        caplog.set_level(logging.DEBUG, logger=name)
    number, changed, page_number = valid_id("33010619850715123"), valid_id("33010619850715124"), SCJ_API_ID
    headers = bearer(app, "scj_admin")
    client = app.test_client()
    created = client.post("/api/v1/inspectors", headers=headers, json=_inspector_data("日志甲", number, "LOG-001"))
    assert created.status_code == 201, created.get_data(as_text=True)
    inspector_id = created.get_json()["id"]
    assert client.post("/api/v1/inspectors", headers=headers,
                       json=_inspector_data("日志重复", number, "LOG-002")).status_code == 422  # duplicate
    assert client.post("/api/v1/inspectors", headers=headers,
                       json=_inspector_data("日志错", number[:-1] + ("0" if number[-1] != "0" else "1"),
                                            "LOG-003")).status_code == 422  # bad check digit
    assert client.patch(f"/api/v1/inspectors/{inspector_id}", headers=headers,
                        json={"id_number": changed}).status_code == 200
    imported = valid_id("33010519921201457")
    row = {"姓名": "日志导入", "性别": "女", "身份证号码": imported, "执法机构全称": "杭州市市场监督管理局",
           "执法证编号": "LOG-006", "执法类别": "食品安全、产品质量"}
    assert _import_inspectors(app, headers, [row])["ok"] is True
    assert _import_inspectors(app, headers, [{**row, "执法证编号": "LOG-007"},  # the ID number twice
                                             {**row, "执法证编号": "LOG-008", "身份证号码": imported[:-1] + "Y"}
                                             ])["ok"] is False
    pages = signed_in(app, "scj_admin")
    page = post_form(pages, "/catalog/inspectors/new",
                     {**_inspector_data("日志乙", page_number, "LOG-004"), "sex": "F", "active": "y"},
                     token_from="/catalog/inspectors/new")
    assert page.status_code == 302, page.get_data(as_text=True)
    for url in ("/catalog/inspectors", f"/catalog/inspectors/{inspector_id}",
                f"/catalog/inspectors/{inspector_id}/edit", "/api/v1/inspectors",
                f"/api/v1/inspectors/{inspector_id}"):
        assert pages.get(url).status_code == 200, url
    assert client.get(f"/api/v1/inspectors/{inspector_id}/id-number", headers=headers).status_code == 200
    planner = bearer(app, "scj_planner")
    assert client.get(f"/api/v1/inspectors/{inspector_id}/id-number", headers=planner).status_code == 403
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        inspectors.create_inspector(_inspector_data("日志丙", valid_id("11010519800101124"), "LOG-005"),
                                    actor=user_named("scj_admin"))
        db.session.commit()
    logged = caplog.text + "\n".join(
        f"{record.getMessage()} {record.args!r} {getattr(record, '__dict__', {})!r}" for record in caplog.records)
    assert any("INSERT INTO inspector" in record.getMessage() for record in caplog.records), \
        "the inserts were not captured: the check would be vacuous"
    numbers = (number, changed, page_number, imported, valid_id("11010519800101124"))
    leaked = find_numbers(logged, needles(numbers))
    assert not leaked, f"ID numbers in the logs: {sorted(leaked)}"


# --- (d) the positive control ---------------------------------------------------------------------


@pytest.mark.postgres
def test_the_department_admin_sees_a_full_number_only_through_the_reveal_endpoint(world):
    app, ids = world
    reveals = reveal_rules(app)
    assert reveals, "no route declares INSPECTORS_PERSONAL_DATA: where does the admin read a number?"
    wanted = needles(ALL_IDS)
    admin_pages, headers = _session_and_token(app, "scj_admin")
    client = app.test_client()
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        inspector = next(i for i in inspectors_queries.list_inspectors() if i.cert_no == "SCJ-PD-001")
        inspector_id, masked = inspector.id, inspector.id_masked
    assert masked == "330106********031X"
    # the explicit reveal: the full number, not cached
    revealed = client.get(f"/api/v1/inspectors/{inspector_id}/id-number", headers=headers)
    assert revealed.status_code == 200 and revealed.get_json()["id_number"] == SCJ_API_ID
    assert "no-store" in revealed.headers.get("Cache-Control", "")
    page = post_form(admin_pages, f"/catalog/inspectors/{inspector_id}/id-number", {},
                     token_from=f"/catalog/inspectors/{inspector_id}")
    assert page.status_code == 200 and SCJ_API_ID in page.get_data(as_text=True)
    # not for another department's inspector
    with app.app_context(), tenant_scope(tenant_id("YJJ")):
        other = inspectors_queries.list_inspectors()[0].id
    assert client.get(f"/api/v1/inspectors/{other}/id-number", headers=headers).status_code == 404
    # and nowhere else: every other page and API answer the admin gets shows masked numbers only
    # (spreadsheet exports of the admin's own department may carry them: the issue allows it)
    refused = refused_by_guard(app, "scj_admin")
    pages = crawl(app, admin_pages, route_urls(app, ids), who="scj_admin (session)",
                  wanted=wanted, allowed=reveals, refused=refused)
    api = crawl(app, client, route_urls(app, ids, prefix="/api/"), who="scj_admin (token)", wanted=wanted,
                headers=headers, api_only=True, allowed=reveals, refused=refused)
    leaks, errors = _report([pages, api])
    leaks = [leak for leak in leaks if " in xlsx:" not in leak and " in zip:xl/" not in leak]
    assert not leaks, "full ID numbers outside the reveal endpoint:\n" + "\n".join(leaks)
    assert not errors, "server errors during the crawl:\n" + "\n".join(errors)
    assert pages.statuses.get(f"/catalog/inspectors/{inspector_id}") == 200
    assert "330106********031X" in admin_pages.get(f"/catalog/inspectors/{inspector_id}").get_data(as_text=True)


# --- the scanner itself --------------------------------------------------------------------------


def test_the_scan_finds_a_planted_leak(app):
    """A page that shows a number spaced out and a spreadsheet with one in a cell are both caught."""
    import openpyxl

    from spotcheck.platform.permissions import public

    def spaced():
        spaced_out = " ".join((SCJ_API_ID[:6], SCJ_API_ID[6:14], SCJ_API_ID[14:].lower()))
        return f'<p>{spaced_out}</p><a href="/planted/sheet">sheet</a>'

    def sheet():
        book = openpyxl.Workbook()
        book.active["C7"] = SCJ_PAGE_ID[:17]
        data = io.BytesIO()
        book.save(data)
        return data.getvalue(), 200, {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

    app.add_url_rule("/planted/page", "planted_page", public(spaced))
    app.add_url_rule("/planted/sheet", "planted_sheet", public(sheet))
    result = crawl(app, app.test_client(), ["/planted/page"], who="probe", wanted=needles(ALL_IDS))
    assert result.seen == {"/planted/page", "/planted/sheet"} and result.spreadsheets == 1
    assert any(SCJ_API_ID in leak and "/planted/page" in leak for leak in result.leaks)
    assert any(SCJ_PAGE_ID in leak and "xlsx:Sheet!C7" in leak for leak in result.leaks)
