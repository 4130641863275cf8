"""Input that used to give a 500 (the hardening probe): ids past the database's integer range, a
NUL byte in any query parameter, control characters in stored text. Each gets a clear refusal
(404, 400 or a field error) and changes nothing.

The walks over every route only get refusals: they share one app and database per module and
database kind (``module_app``) rather than each copying and starting its own."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.directory import commands as directory
from spotcheck.tenants.directory.models import DirectoryEntry
from spotcheck.tenants.items.models import Item
from tests.support.campaign_world import credit_code
from tests.support.helpers import bearer, post_form, signed_in, tenant_id, user_named
from tests.support.sheets import export_sheet

TOO_BIG = 2**31  # one past PostgreSQL's integer


def _id_rules(app):
    for rule in app.url_map.iter_rules():
        if any(type(conv).__name__ == "RowIdConverter" for conv in rule._converters.values()):
            yield rule


def _url(rule, value) -> str:
    arguments = {
        name: (
            value
            if type(conv).__name__ == "RowIdConverter"
            else (conv.regex.split("|")[0].strip("(?:)") if "any" in type(conv).__name__.lower() else "x")
        )
        for name, conv in rule._converters.items()
    }
    url = rule.rule
    for name, given in arguments.items():
        url = re.sub(rf"<[^>]*:?{name}>", str(given), url)
    return url


def test_every_id_route_answers_404_to_an_id_past_the_integer_range(module_app):
    app = module_app
    rules = list(_id_rules(app))
    assert len(rules) > 30
    clients = {
        "anonymous": app.test_client(),
        "planner": signed_in(app, "scj_planner"),
        "admin": signed_in(app, "scj_admin"),
    }
    headers = bearer(app, "scj_admin")
    failures = []
    for rule in rules:
        url = _url(rule, TOO_BIG)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who, client in clients.items():
                answer = client.open(
                    url, method=method, headers=headers if url.startswith("/api/") and who == "admin" else None
                )
                if answer.status_code not in (404, 405):  # 405: the path is another page's, for another method
                    failures.append(f"{method} {url} as {who}: {answer.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("body", [{"item_ids": [35184372088831]}, {"item_ids": [TOO_BIG]}])
def test_an_id_past_the_range_in_a_body_is_a_field_error(app, body):
    client, headers = app.test_client(), bearer(app, "scj_planner")
    campaigns = client.get("/api/v1/campaigns", headers=headers).json
    target = f"/api/v1/campaigns/{campaigns[0]['id']}" if campaigns else "/api/v1/campaigns"
    answer = client.open(target, method="PATCH" if campaigns else "POST", json=body, headers=headers)
    assert answer.status_code == 422 and "item_ids" in str(answer.json["errors"])
    admin = bearer(app, "scj_admin")
    entry = client.post("/api/v1/directory", json={"entity_id": 556710017744}, headers=admin)
    assert entry.status_code == 422 and "entity_id" in str(entry.json["errors"])
    after = client.get("/api/v1/registry", query_string={"after": TOO_BIG}, headers=admin)
    assert after.status_code == 422


#: The query parameters the lists read (a search, a cursor, a page, the filters).
PARAMETERS = ("q", "after", "page", "status", "stratum", "year", "show", "action")


def _get_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static" and "static" not in rule.endpoint:
            yield _url(rule, 1)


@pytest.mark.postgres
def test_a_nul_byte_in_any_query_parameter_is_a_bad_request_never_an_error(postgresql_module_app):
    """On PostgreSQL, the database that cannot store a NUL byte (SQLite would keep it): the request
    is refused on arrival, before any query, whichever the database, the route or the parameter —
    so every route is asked once per reader (the parameter taken in turn), and every parameter on
    the lists that read it."""
    app = postgresql_module_app
    clients = [app.test_client(), signed_in(app, "scj_admin"), signed_in(app, "scj_planner")]
    failures = []
    for number, url in enumerate(sorted(set(_get_routes(app)))):
        for client in clients:  # every route, as each reader, with one of the parameters in turn
            parameter = PARAMETERS[number % len(PARAMETERS)]
            answer = client.get(url, query_string={parameter: "a\x00b"})
            if answer.status_code >= 500 or answer.status_code not in (302, 400, 401, 403, 404):
                failures.append(f"GET {url}?{parameter}=NUL: {answer.status_code}")
    for parameter in PARAMETERS:  # every parameter on the pages that read it
        for url in ("/public/SCJ/inspectors", "/visits/review", "/campaigns", "/audit"):
            answer = clients[1].get(url, query_string={parameter: "a\x00b"})
            if answer.status_code != 400:
                failures.append(f"GET {url}?{parameter}=NUL: {answer.status_code}")
    assert not failures, "\n".join(failures[:50])
    answer = app.test_client().get("/public/SCJ/inspectors", query_string={"q": "\x00"})
    assert answer.status_code == 400 and "不允许的字符" in answer.get_data(as_text=True)


@pytest.mark.parametrize("field,value", [("tags", ["ctl\u0001tag"]), ("category", "行\u000b业"), ("risk", "A\x00")])
def test_control_characters_are_refused_at_the_api_naming_the_field(app, field, value):
    client, headers = app.test_client(), bearer(app, "scj_admin")
    entity = client.get("/api/v1/registry", headers=headers).json["items"]
    if not entity:
        created = client.post(
            "/api/v1/registry",
            headers=headers,
            json={
                "code": credit_code(88),
                "name": "控制字符测试企业",
                "industry_code": "C2611",
                "region_code": "231084901",
            },
        )
        assert created.status_code == 201, created.json
        entity = [created.json]
    added = client.post("/api/v1/directory", headers=headers, json={"entity_id": entity[0]["id"], field: value})
    assert added.status_code == 422 and field in added.json["errors"]["json"], added.json
    assert "控制字符" in added.json["errors"]["json"][field][0]


def test_a_page_form_with_a_control_character_shows_the_field_error(app):
    client = signed_in(app, "scj_admin")
    answer = post_form(
        client,
        "/catalog/items/new",
        {"name": "抽查\u0002事项", "field": "market", "kind": "general"},
        token_from="/catalog/items/new",
    )
    assert answer.status_code == 200 and "控制字符" in answer.get_data(as_text=True)
    with app.app_context(), tenant_scope(tenant_id("SCJ")):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Item).where(Item.name.contains("事项"))) == 0


def test_an_import_cell_with_a_nul_byte_is_a_row_error_not_a_failed_job(app):
    client, headers = app.test_client(), bearer(app, "scj_admin")
    csv = "检查事项,领域,备注\n正常事项,市场监管领域,\n坏事项,市场监管领域,含\x00空字符\n".encode()
    answer = client.post(
        "/api/v1/sheets/items/imports",
        headers=headers,
        content_type="multipart/form-data",
        data={"file": (io.BytesIO(csv), "items.csv")},
    )
    assert answer.status_code == 202
    job = client.get(f"/api/v1/jobs/{answer.json['id']}", headers=headers).json
    assert job["status"] == "succeeded" and job["result"]["ok"] is False, job
    assert {(error["row"], error["column"]) for error in job["result"]["errors"]} == {(3, "备注")}
    assert "SQL" not in str(job) and "psycopg" not in str(job)


def test_a_stored_control_character_never_breaks_an_export(app):
    """Text stored before the platform refused control characters still exports: the character is
    left out of the workbook."""
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            entity = directory.create_entity(
                {"code": credit_code(77), "name": "旧数据企业", "industry_code": "C2611", "region_code": "231084901"},
                actor=admin,
            )
            entry = directory.add_entry({"risk": "B", "tags": ["旧标签"], "entity_id": entity.id}, actor=admin)
            db.session.execute(
                sa.update(DirectoryEntry).where(DirectoryEntry.id == entry.id).values(tags=",ctl\u0001tag,")
            )
            db.session.commit()
    book = openpyxl.load_workbook(
        io.BytesIO(export_sheet(app.test_client(), "directory", bearer(app, "scj_admin"))), read_only=True
    )
    assert "ctltag" in {str(cell) for row in book.active.iter_rows(values_only=True) for cell in row}


def test_every_method_not_allowed_says_which_are(module_app):
    """A 405 carries the Allow header, on pages and API alike."""
    app = module_app
    client, missing = app.test_client(), []
    for rule in app.url_map.iter_rules():
        allowed = rule.methods - {"HEAD", "OPTIONS"}
        other = next((m for m in ("DELETE", "PUT", "PATCH", "POST", "GET") if m not in allowed), None)
        if other is None or "static" in rule.endpoint:
            continue
        url = _url(rule, 1)
        answer = client.open(url, method=other)
        if answer.status_code == 405 and not set(allowed) <= set(
            (answer.headers.get("Allow") or "").replace(" ", "").split(",")
        ):
            missing.append(f"{other} {url}: Allow={answer.headers.get('Allow')}")
    assert not missing, "\n".join(missing)


def test_a_change_with_no_body_is_refused(module_app):
    app = module_app
    client, headers = app.test_client(), bearer(app, "scj_admin")
    users = client.get("/api/v1/users", headers=headers).json
    for body in (None, {}):
        answer = client.patch(f"/api/v1/users/{users[0]['id']}", json=body, headers=headers)
        assert answer.status_code == 422 and "至少一个要修改的字段" in answer.json["message"]
    # and the document says so: every PATCH body has at least one property
    document = client.get("/api/openapi.json").json
    bodies = [
        operations["patch"]["requestBody"]["content"]["application/json"]["schema"]
        for operations in document["paths"].values()
        if "patch" in operations
    ]
    assert len(bodies) >= 7 and all(body.get("minProperties") == 1 for body in bodies)
