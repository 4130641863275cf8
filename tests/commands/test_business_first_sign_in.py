"""A business's first sign-in through the legal persons' identity platform (法人统一身份认证), made twice at the same
moment: two people of one business, or one person in two tabs. Each is signed in; the business has one account
and the person one identity, as when they come one after the other — never an error page."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.businesses import commands as businesses
from spotcheck.tenants.businesses.commands import signing_in
from spotcheck.tenants.businesses.models import BusinessAccount, BusinessIdentity, BusinessPerson
from spotcheck.tenants.common.validators import InvalidValueError, credit_code as valid_credit_code
from spotcheck.tenants.directory.models import Entity
from tests.support.campaign_world import build
from tests.support.helpers import make_app

pytestmark = pytest.mark.postgres

ISSUER = "https://faren.example.gov.cn"


def _a_business_without_an_account() -> str:
    with system_access("the test picks a business of the registry"):
        codes = db.session.scalars(
            sa.select(Entity.code).where(~Entity.id.in_(sa.select(BusinessAccount.entity_id))).order_by(Entity.id)
        )
        for code in codes:
            try:
                return valid_credit_code(code)
            except InvalidValueError:
                continue
    raise AssertionError("the world holds no business with a valid credit code")


def _world(postgres_url: str):
    """The app on its own PostgreSQL database, and the credit code of a business of its registry with no account."""
    app = make_app(postgres_url)
    with app.app_context():
        build(entities=2)
        credit = _a_business_without_an_account()
        db.engine.dispose()
    return app, credit


def _at_once(app, monkeypatch, subjects: list[str], credit: str) -> list:
    """Each subject's first sign-in for ``credit``, in its own thread and transaction, started together; the one
    that gets ahead holds its transaction open a moment, so the other meets its uncommitted rows."""
    opened = signing_in.open_session

    def held(person, user_agent):
        time.sleep(0.5)
        return opened(person, user_agent)

    monkeypatch.setattr(signing_in, "open_session", held)
    outcomes, errors, barrier = [], [], threading.Barrier(len(subjects))

    def sign_in(subject: str) -> None:
        with app.app_context():
            try:
                barrier.wait()
                outcome = businesses.sign_in_with_identity(
                    {"issuer": ISSUER, "subject": subject, "credit_code": credit, "name": "王法人", "user_agent": "t"}
                )
                outcomes.append((outcome.person.id if outcome.person else None, outcome.refused))
            except Exception as failed:
                errors.append(failed)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sign_in, args=(subject,)) for subject in subjects]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return outcomes


def test_two_people_of_one_business_signing_in_first_at_once_share_its_one_account(postgres_url, monkeypatch):
    app, credit = _world(postgres_url)
    outcomes = _at_once(app, monkeypatch, ["fr-wang", "fr-li"], credit)
    assert len(outcomes) == 2 and all(person and refusal is None for person, refusal in outcomes)
    with app.app_context(), system_access("the test reads what the sign-ins made"):
        accounts = db.session.scalars(sa.select(BusinessAccount).where(BusinessAccount.credit_code == credit)).all()
        assert len(accounts) == 1
        people = db.session.scalars(sa.select(BusinessPerson).where(BusinessPerson.account_id == accounts[0].id)).all()
        assert len(people) == 2 and sum(p.holder for p in people) == 1  # one holder: the first to sign in
        db.engine.dispose()


def test_one_person_signing_in_first_twice_at_once_is_one_person(postgres_url, monkeypatch):
    app, credit = _world(postgres_url)
    outcomes = _at_once(app, monkeypatch, ["fr-wang", "fr-wang"], credit)
    assert len(outcomes) == 2 and all(refusal is None for _person, refusal in outcomes)
    assert outcomes[0][0] == outcomes[1][0]  # the same person, signed in twice
    with app.app_context(), system_access("the test reads what the sign-ins made"):
        identities = db.session.scalars(sa.select(BusinessIdentity).where(BusinessIdentity.subject == "fr-wang"))
        assert len(identities.all()) == 1
        db.engine.dispose()
