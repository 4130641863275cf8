"""A business's account in the tests (企业账户): a handed-out visit whose business claims its account with its notice's
企业核验码 (:func:`claim`), then signs in with its password (:func:`sign_in`)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from spotcheck.core.clock import frozen_at
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.directory.models import Entity
from spotcheck.tenants.results.models import Visit
from tests.support.helpers import post_form
from tests.support.results_world import codes_of, handed_out, visit

DURING = date(2026, 4, 1)  # inside the world's campaign window
PASSWORD = "Qiye-mima-2026"


def visited_business(app) -> dict:
    """A handed-out visit: its business's credit code and 企业核验码, and a registry business that never had a visit."""
    with app.app_context(), frozen_at(DURING):
        ids = handed_out()
        token, _, business_code, _ = codes_of(ids)
        with tenant_scope(ids["tenant"]):
            one = visit(ids)
            credit, name = one.entity.code, one.entity.name
        with system_access("a business with no visit"):
            visited = sa.select(Visit.entity_id)
            other = db.session.scalar(
                sa.select(Entity.code).where(Entity.id.not_in(visited), Entity.code.like("91%")).order_by(Entity.id)
            )
        db.session.commit()
    return {"ids": ids, "token": token, "code": business_code, "credit": credit, "name": name, "other": other}


def claim(client, credit: str, code: str, login: str = "fawu", name: str = "王法务"):
    return post_form(
        client,
        "/business/claim",
        {"credit_code": credit, "business_code": code, "display_name": name, "login": login, "password": PASSWORD},
        token_from="/business/claim",
    )


def sign_in(client, credit: str, login: str = "fawu", password: str = PASSWORD):
    return post_form(
        client,
        "/business/sign-in",
        {"credit_code": credit, "login": login, "password": password},
        token_from="/business/sign-in",
    )
