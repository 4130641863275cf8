"""The API fuzzed from its own OpenAPI document (schemathesis), on PostgreSQL, as a planner and as a
department administrator (``make fuzz``: as every role): no answer is a 5xx, and every answer matches
the schema the document gives for it (an ``Allow`` header on every 405 too). Bounded to about a
minute here; ``make fuzz`` runs the same with many more examples per operation
(``SPOTCHECK_FUZZ_EXAMPLES``) and ``FUZZ_POSITIVE=1`` checks the refusals of valid-looking requests."""

from __future__ import annotations

import os
import re
from collections import Counter

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st
from schemathesis import checks

from spotcheck.core.database import db
from spotcheck.core.passwords import hash_password
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import User
from spotcheck.tenants.businesses.commands import issue_token
from spotcheck.tenants.businesses.models import BusinessAccount, BusinessPerson
from spotcheck.tenants.businesses.sessions import new_session_stamp
from spotcheck.tenants.directory.models import Entity
from tests.support.campaign_world import build
from tests.support.helpers import _with_database, bearer, drop_pg_database, make_app, new_pg_database

EXAMPLES = int(os.environ.get("SPOTCHECK_FUZZ_EXAMPLES", "5"))
#: The suite fuzzes as two roles; ``make fuzz`` as every role of the demo (``SPOTCHECK_FUZZ_ROLES=all``), the
#: platform administrator, the coordinators and the justice bureau's supervisor and leader included.
EVERY_ROLE = (
    "admin",
    "scj_admin",
    "scj_planner",
    "scj_leader",
    "scj_inspector",
    "scj_coord",
    "yjj_coord",
    "sfj_supervisor",
    "sfj_leader",
)
_ROLES = os.environ.get("SPOTCHECK_FUZZ_ROLES", "scj_planner,scj_admin")
ROLES = EVERY_ROLE if _ROLES == "all" else tuple(_ROLES.split(","))
#: The business's own token, the role the business's operations (``/api/v1/business/…``) are fuzzed as.
BUSINESS = "business"
CHECKS = [checks.not_a_server_error, checks.response_schema_conformance, checks.allow_header_conformance]
#: ``FUZZ_POSITIVE=1``: a request the document calls valid is accepted, or refused for a value the document
#: cannot state (a check digit, a reference to a row that is not there, a rule between fields, the object's
#: state) with a field-named message in Chinese. The document states shapes; the commands check the values,
#: so that the pages and the API say the same (DESIGN.md, "API").
POSITIVE = bool(os.environ.get("FUZZ_POSITIVE"))
CHINESE = re.compile(r"[\u4e00-\u9fff]")
#: Numbers in other digits ("²", Arabic-Indic, full-width): ``str.isdigit()`` takes them, ``int()`` refuses
#: some or reads others as another number. Each generated request is sent once more with every query
#: parameter so written: a refusal, never a 5xx.
NON_ASCII_DIGITS = st.sampled_from(["²", "¹²", "١٢", "٣", "３", "１２３", "߁", "᠑"])


@pytest.fixture(scope="module")
def fuzz_app(pg_server):
    """One PostgreSQL database for the whole run (what the fuzzer creates stays, as in real use)."""
    name = new_pg_database(pg_server)
    application = make_app(_with_database(pg_server["admin_url"], name))
    with application.app_context():
        build("scj", entities=12, inspector_count=4)
        db.session.remove()
    application.fuzz_headers = {login: bearer(application, login) for login in ROLES}
    application.fuzz_headers[BUSINESS] = _business_token(application)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_pg_database(pg_server, name)


def fuzz(app, examples: int, roles: tuple[str, ...] = ROLES, under: str = "") -> tuple[Counter, list[str]]:
    """Every operation of the document (those whose path starts with ``under``), ``examples`` generated requests
    each, sent as each of ``roles``; returns the answers' statuses and every failure (all operations are tried, none
    stops the run). The fuzzer may revoke its own tokens or deactivate its own users: a 401 gets a fresh token."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    statuses, failures = Counter(), []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith(under):
            _runner(app, operation, examples, statuses, failures, roles)()
    return statuses, failures


def _runner(app, operation, examples: int, statuses: Counter, failures: list[str], roles: tuple[str, ...] = ROLES):
    """The generated requests of one operation, as each role, counted into ``statuses`` and ``failures``."""

    @given(case=operation.as_strategy(), odd=NON_ASCII_DIGITS)
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case, odd):
        for role in roles:
            response = None
            try:
                response = case.call(headers=app.fuzz_headers[role])
                if response.status_code == 401:
                    _sign_in_again(app, role)
                    response = case.call(headers=app.fuzz_headers[role])
                statuses[response.status_code] += 1
                case.validate_response(response, checks=CHECKS)
                if POSITIVE:
                    _refused_by_name(case, response)
            except (Exception, BaseExceptionGroup) as failure:
                # (what the checks find comes as a FailureGroup, a BaseExceptionGroup: one line for each)
                answer = f"[{response.status_code}] {response.text[:300]}" if response is not None else ""
                for one in getattr(failure, "exceptions", None) or [failure]:
                    text = [line.strip() for line in str(one).strip().splitlines() if line.strip()]
                    failures.append(
                        f"{operation.method.upper()} {operation.path} as {role}: {' / '.join(text[:3])} {answer}"
                    )
        if case.query:  # the same request, every query parameter written in other digits
            case.query = {name: odd for name in case.query}
            response = case.call(headers=app.fuzz_headers[roles[0]])
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(
                    f"{operation.method.upper()} {operation.path}?…={odd} as {roles[0]}: "
                    f"[{response.status_code}] {response.text[:300]}"
                )

    return run


def _refused_by_name(case, response) -> None:
    """A schema-valid request refused as bad input (400, 422) names the field or parameter and says
    what is wrong in Chinese."""
    if response.status_code not in (400, 422):
        return
    try:
        body = response.json()
    except ValueError:
        body = {}
    errors = body.get("errors") if isinstance(body, dict) else None
    named = {
        field: messages
        for location in (errors or {}).values()
        if isinstance(location, dict)
        for field, messages in location.items()
    }
    said = " ".join(str(message) for message in named.values()) or str(body.get("message", ""))
    parameters = {*(case.query or {}), *(case.path_parameters or {})}
    assert named or any(name in said for name in parameters), "a schema-valid request refused without naming the field"
    assert CHINESE.search(said), "a schema-valid request refused without saying why in Chinese"


def _business_token(app) -> dict:
    """The headers of a business's own token (the fuzzing business: the world's first entity, its account and holder
    made here if the run has none yet), as a city's app that embeds its record holds one."""
    with app.app_context():
        with system_access("fuzz: the fuzzing business"):
            entity = db.session.scalar(sa.select(Entity).order_by(Entity.id).limit(1))
            account = db.session.scalar(sa.select(BusinessAccount).where(BusinessAccount.entity_id == entity.id))
            if account is None:
                account = BusinessAccount(entity_id=entity.id, credit_code=entity.code, name=entity.name)
                db.session.add(account)
                db.session.flush()
            person = db.session.scalar(sa.select(BusinessPerson).where(BusinessPerson.account_id == account.id))
            if person is None:
                person = BusinessPerson(
                    account_id=account.id,
                    login="fuzz",
                    display_name="模糊测试",
                    password_hash=hash_password("Fuzz-Business-2026"),
                    holder=True,
                    session_stamp=new_session_stamp(),
                )
                db.session.add(person)
            person.active = True
            db.session.commit()
        _token, secret = issue_token({"name": "fuzz"}, actor=person)
        db.session.commit()
        db.session.remove()
    return {"Authorization": f"Bearer {secret}"}


def _sign_in_again(app, login: str) -> None:
    """A fresh token for ``login`` (reactivated and unlocked if the fuzzer deactivated or locked it)."""
    if login == BUSINESS:  # the business revoked its own token
        app.fuzz_headers[login] = _business_token(app)
        return
    with app.app_context(), system_access("fuzz: put the fuzzing users back"):
        db.session.execute(
            sa.update(User).where(User.login == login).values(active=True, locked_until=None, failed_logins=0)
        )
        db.session.commit()
    app.fuzz_headers[login] = bearer(app, login)


@pytest.mark.postgres
@pytest.mark.slow(14)
def test_no_request_gets_a_server_error_or_an_answer_outside_its_schema(fuzz_app):
    statuses, failures = fuzz(fuzz_app, EXAMPLES)
    sent = sum(statuses.values())
    assert not failures, f"{len(failures)} failure(s) in {sent} requests:\n" + "\n".join(sorted(set(failures))[:80])
    assert sent >= len(ROLES) * 60 * min(EXAMPLES, 2), statuses  # every operation was really exercised
    # not all refused (most operations change a department's data, which a planner and an administrator may
    # only partly do: a planner adds experts and declares conflicts, neither records results nor decides as a
    # leader; the other roles are refused more still)
    assert sum(n for status, n in statuses.items() if status < 300) >= sent // (6 * len(ROLES)), statuses


@pytest.mark.postgres
@pytest.mark.seconds(8)
def test_the_business_operations_answer_a_business_without_a_server_error(fuzz_app):
    """The record, its tokens and its answers to rectification orders, fuzzed as the business itself (its own token):
    never a 5xx, every answer as the document says."""
    statuses, failures = fuzz(fuzz_app, EXAMPLES, roles=(BUSINESS,), under="/api/v1/business")
    sent = sum(statuses.values())
    assert not failures, f"{len(failures)} failure(s) in {sent} requests:\n" + "\n".join(sorted(set(failures))[:80])
    assert sent >= 5 * min(EXAMPLES, 2) and any(status < 300 for status in statuses), statuses
