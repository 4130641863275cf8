"""The business's word on an inspection (企业的声音), given on the public page of its inspection code
with the 企业核验码 printed on the notice delivered to it: that the team came (确认入企), and once the
team has left, how satisfied it is (评价: once, within the rules' days). No account: the code is the
credential, checked here as a password would be; a wrong one changes nothing and says which field."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now, today
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.database import db
from spotcheck.core.errors import Conflict, NotFound, ValidationFailed
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.results.codes import BUSINESS, business_matches, evaluation_until
from spotcheck.tenants.results.models import InspectionCode
from spotcheck.tenants.results.queries.codes import locate
from spotcheck.tenants.results.vocabulary import EVALUATION_TEXT_LENGTH, SATISFACTION_LABELS
from spotcheck.tenants.rules.rulebook import rules_for

WRONG_CODE = _l("This is not the business code of this inspection: type the 12 characters printed on the notice "
                "your business received.")


@contextmanager
def _business_code(token: str, data: dict) -> Iterator[tuple[int, InspectionCode]]:
    """In the department of the code of ``token``: its row, locked, once ``data["business_code"]`` is
    right; what changes is written before the department's scope ends."""
    found = locate(token)
    if found is None:
        raise NotFound(_l("No inspection has this code."))
    tenant_id, visit_id = found
    with tenant_scope(tenant_id):
        code = db.session.scalar(sa.select(InspectionCode).where(InspectionCode.visit_id == visit_id).with_for_update())
        if code is None:
            raise NotFound(_l("No inspection has this code."))
        if not business_matches(code, str(data.get("business_code") or "")):
            raise ValidationFailed({"business_code": [WRONG_CODE]})
        yield tenant_id, code
        db.session.flush()


@command(ANYONE)
def confirm_visit(token: str, data: dict, *, actor: Actor | None = None) -> InspectionCode:
    """确认入企: the business confirms, with its code, that the team recorded as arrived came."""
    with _business_code(token, data if isinstance(data, dict) else {}) as (tenant_id, code):
        if code.arrived_at is None:
            raise Conflict(_l("The team has not recorded its arrival: there is nothing to confirm yet."))
        if code.confirmed_at is not None:
            raise Conflict(_l("The business has already confirmed this inspection."))
        code.confirmed_at = now()
        audit.record("visit.confirmed_by_business", "visit", code.visit_id, actor=BUSINESS, tenant_id=tenant_id)
        return code


@command(ANYONE)
def evaluate_visit(token: str, data: dict, *, actor: Actor | None = None) -> InspectionCode:
    """评价: once the team has left, the business grades the inspection (``data["satisfaction"]``, 1 to 5)
    and may say why (``data["text"]``): once, within the rules' days after 离企."""
    data = data if isinstance(data, dict) else {}
    with _business_code(token, data) as (tenant_id, code):
        errors: dict[str, list] = {}
        raw = str(data.get("satisfaction") or "")
        satisfaction = int(raw) if raw.isascii() and raw.isdigit() and int(raw) in SATISFACTION_LABELS else None
        if satisfaction is None:
            errors["satisfaction"] = [_l("Choose how satisfied the business is with the inspection.")]
        text = str(data.get("text") or "").strip()
        if len(text) > EVALUATION_TEXT_LENGTH:
            errors["text"] = [_l("At most %(n)d characters.", n=EVALUATION_TEXT_LENGTH)]
        if errors:
            raise ValidationFailed(errors)
        days = rules_for(tenant_id).business_evaluation_days
        until = evaluation_until(code, days)
        if until is None:
            raise Conflict(_l("The inspection is evaluated once the team has recorded its departure."))
        if code.evaluated_at is not None:
            raise Conflict(_l("This inspection has already been evaluated: each inspection is evaluated once."))
        if today() > until:
            raise Conflict(_l("An inspection is evaluated within %(days)d days of the team's departure: that time has "
                              "passed.", days=days))
        code.evaluated_at, code.satisfaction, code.evaluation_text = now(), satisfaction, text
        audit.record("visit.evaluated_by_business", "visit", code.visit_id, actor=BUSINESS, tenant_id=tenant_id,
                     details={"satisfaction": satisfaction})
        return code
