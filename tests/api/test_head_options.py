"""HEAD and OPTIONS on every API route (issue 94): HEAD answers as GET does, to the same people, without a body;
OPTIONS answers anyone with the route's ``Allow`` header; neither is refused as a route without a declared
permission, nor writes an error to the log."""

from __future__ import annotations

import logging

from werkzeug.routing import AnyConverter

from spotcheck.platform.permissions import declared_access
from tests.support.helpers import bearer


def _api_urls(app) -> list[tuple[str, set[str]]]:
    """Every API route with its arguments filled in (ids of 1, an ``any`` part's first choice), with its methods."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/v1/"):
            continue
        values = {}
        for name, converter in rule._converters.items():
            values[name] = sorted(converter.items)[0] if isinstance(converter, AnyConverter) else "1"
            if type(converter).__name__ in ("IntegerConverter", "RowIdConverter"):
                values[name] = 1
        urls.append((rule.build(values)[1], set(rule.methods)))
    return urls


def _errors(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


def test_options_answers_anyone_with_allow_on_every_api_route(app, caplog):
    client = app.test_client()
    caplog.set_level(logging.WARNING)
    wrong = []
    for url, methods in _api_urls(app):
        response = client.open(url, method="OPTIONS")
        allowed = {verb.strip() for verb in response.headers.get("Allow", "").split(",") if verb.strip()}
        if response.status_code != 200 or allowed != methods:
            wrong.append(f"OPTIONS {url}: {response.status_code} Allow={sorted(allowed)} (route: {sorted(methods)})")
    assert not wrong, "\n".join(wrong)
    assert not _errors(caplog)


def test_head_answers_as_get_for_a_citizen_and_a_planner(app, caplog):
    """Not signed in, HEAD is refused as GET is (401 on a route that needs a sign-in); as a planner, HEAD gets
    GET's status on every GET route of the API (the rule's own answer: 200, 403 or 404), and no body."""
    planner = bearer(app, "scj_planner")
    client = app.test_client()
    caplog.set_level(logging.WARNING)
    wrong = []
    checked = 0
    for url, methods in _api_urls(app):
        if "GET" not in methods:
            continue
        for headers in ({}, planner):
            got = client.get(url, headers=headers)
            head = client.head(url, headers=headers)
            if head.status_code != got.status_code or head.get_data():
                wrong.append(f"HEAD {url}: {head.status_code} against GET's {got.status_code}")
            checked += 1
    assert checked > 100
    assert not wrong, "\n".join(wrong)
    assert not any("declares no permission" in message for message in _errors(caplog))


def test_head_needs_gets_permission_and_options_is_open(app):
    rulebook = app.view_functions["Rules.RulebookInForce"]
    assert declared_access(rulebook, "HEAD") == declared_access(rulebook, "GET") != "public"
    assert declared_access(rulebook, "OPTIONS") == "public"


def test_a_route_without_declaration_stays_refused_for_head_and_options(app, caplog):
    app.add_url_rule("/undeclared-test-route", "undeclared", lambda: "secret")
    client = app.test_client()
    assert client.head("/undeclared-test-route").status_code == 403
    assert client.open("/undeclared-test-route", method="OPTIONS").status_code == 403
