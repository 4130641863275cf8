"""The OpenAPI document tells the truth about request bodies (issue 94): a body is required exactly where its schema
requires a field (a PATCH's, whose fields are each optional, is required: one of them at least), and a required body
that is absent is a 422 in Chinese naming it and its fields, for the role that may use the route — not a job queued
from defaults, nor a 5xx."""

from __future__ import annotations

import re

from spotcheck.core.database import db
from spotcheck.core.passwords import hash_password
from spotcheck.core.scoping import system_access
from spotcheck.tenants.businesses.commands import issue_token
from spotcheck.tenants.businesses.models import BusinessAccount, BusinessPerson
from spotcheck.tenants.businesses.sessions import new_session_stamp
from spotcheck.tenants.directory.models import Entity
from tests.support.helpers import bearer

CHINESE = re.compile(r"[\u4e00-\u9fff]")
#: The roles that try each route, in turn, until one may use it.
STAFF = (
    "scj_planner",
    "scj_admin",
    "scj_leader",
    "scj_inspector",
    "scj_coord",
    "sfj_supervisor",
    "sfj_leader",
    "admin",
)
METHODS = ("post", "put", "patch")


def _resolved(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _bodies(document: dict):
    """Each operation with a body: its method, path, whether the body is required, and its schema's required fields."""
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if method not in METHODS or "requestBody" not in operation:
                continue
            body = operation["requestBody"]
            for media in body["content"].values():
                fields = _resolved(document, media["schema"]).get("required", [])
                yield method, path, bool(body.get("required", False)), fields


def _document(app) -> dict:
    return app.test_client().get("/api/openapi.json").get_json()


def test_a_body_is_required_in_the_document_exactly_where_its_schema_requires_a_field(app):
    document = _document(app)
    wrong = []
    counted = 0
    for method, path, required, fields in _bodies(document):
        counted += 1
        expected = True if method == "patch" else bool(fields)
        if required != expected:
            wrong.append(f"{method.upper()} {path}: body required={required}, schema requires {fields}")
    assert counted > 60
    assert not wrong, "\n".join(wrong)
    exports = document["paths"]["/api/v1/joint/statistics/exports"]["post"]["requestBody"]
    assert exports.get("required", False) is False  # its one field, the year, defaults to this year


def _business_headers(app) -> dict:
    """A business's own token (a registry business, its account and holder made here)."""
    with app.app_context():
        with system_access("test: a business"):
            entity = Entity(
                code="91231084MA1BODY01X",
                name="宁安市请求体测试有限公司",
                entity_type="company",
                industry_code="F5211",
                region_code="231084",
            )
            db.session.add(entity)
            db.session.flush()
            account = BusinessAccount(entity_id=entity.id, credit_code=entity.code, name=entity.name)
            db.session.add(account)
            db.session.flush()
            person = BusinessPerson(
                account_id=account.id,
                login="body",
                display_name="请求体",
                password_hash=hash_password("Body-Business-2026"),
                holder=True,
                session_stamp=new_session_stamp(),
                active=True,
            )
            db.session.add(person)
            db.session.commit()
        _token, secret = issue_token({"name": "bodies"}, actor=person)
        db.session.commit()
        db.session.remove()
    return {"Authorization": f"Bearer {secret}"}


def test_a_required_body_left_out_is_a_422_in_chinese_naming_it(app):
    document = _document(app)
    tried = {login: bearer(app, login) for login in STAFF}
    tried["business"] = _business_headers(app)
    client = app.test_client()
    wrong, checked = [], 0
    for method, path, required, fields in _bodies(document):
        if not required:
            continue
        url = re.sub(r"\{[^}]+\}", "1", path).replace("/sheets/1/", "/sheets/items/")
        url = url.replace("/draws/1", "/draws/targets")
        answers = []
        for login, headers in tried.items():
            answer = client.open(url, method=method.upper(), headers=headers)
            answers.append(f"{login}: {answer.status_code}")
            if answer.status_code in (401, 403):
                continue
            body = answer.get_json() or {}
            message = str(body.get("message", ""))
            named = all(field in message for field in fields)
            if answer.status_code != 422 or not CHINESE.search(message) or "请求" not in message or not named:
                wrong.append(f"{method.upper()} {url} as {login}: {answer.status_code} {body}")
            checked += 1
            break
        else:
            wrong.append(f"{method.upper()} {url}: nobody may use it ({', '.join(answers)})")
    assert checked > 40
    assert not wrong, "\n".join(wrong)
