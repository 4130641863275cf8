"""A business's evaluation of an inspection (评价), given with its 企业核验码 on its code's page once the team has
left: the justice bureau's row (:class:`~spotcheck.tenants.supervision.models.Evaluation`) and an entry of the
bureau's audit chain. The department inspected reads neither, only figures of ended periods over at least five
(:mod:`spotcheck.tenants.supervision.evaluation_figures`); the code's page says nothing of it to anyone but the
business that just sent it. Evaluations given before the platform had a bureau (kept with no owner by migration
0057) become the bureau's when it is created."""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, events
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now, today
from spotcheck.core.commands import ANYONE, command
from spotcheck.core.database import db
from spotcheck.core.errors import ConflictError, InvalidInputError
from spotcheck.core.scoping import tenant_scope
from spotcheck.core.text import whole_number
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.accounts.vocabulary import TenantKind
from spotcheck.tenants.results.codes import business_refusal
from spotcheck.tenants.results.commands.business import party, with_business_code
from spotcheck.tenants.results.vocabulary import EVALUATION_TEXT_LENGTH, SATISFACTION_LABELS
from spotcheck.tenants.rules.rulebook import rules_for
from spotcheck.tenants.supervision.bureau import supervising_bureau
from spotcheck.tenants.supervision.models import Evaluation

#: What an evaluation holds, as a row kept for the bureau is moved to it.
_KEPT = ("about_tenant_id", "visit_id", "satisfaction", "text", "evaluated_at")


@command(ANYONE)
def evaluate_visit(token: str, data: Mapping[str, object], *, actor: Actor | None = None) -> Evaluation:
    """评价: once the team has left, the business grades the inspection (``data["satisfaction"]``, 1 to 5) and may
    say why (``data["text"]``), to the justice bureau: within the rules' days after 离企, once — which only the
    holder of the 企业核验码 (or the business signed in, acting from its record with no code) learns, as it is refused
    a second one."""
    data = data if isinstance(data, dict) else {}
    by, named = party(actor)
    with with_business_code(token, data, actor) as (tenant_id, code):
        errors: dict[str, list] = {}
        satisfaction = whole_number(data.get("satisfaction"), digits=1)
        if satisfaction not in SATISFACTION_LABELS:
            errors["satisfaction"] = [_l("Choose how satisfied the business is with the inspection.")]
        text = str(data.get("text") or "").strip()
        if len(text) > EVALUATION_TEXT_LENGTH:
            errors["text"] = [_l("At most %(n)d characters.", n=EVALUATION_TEXT_LENGTH)]
        if errors:
            raise InvalidInputError(errors)
        if (why := business_refusal(code, "evaluate", today())) is not None:
            raise ConflictError(why)
        visit_id, department = code.visit_id, code.visit.campaign.tenant.full_name
    bureau = supervising_bureau(tenant_id)
    if bureau is None:
        raise ConflictError(
            _l(
                "%(rule)sthe justice bureau keeps the businesses' evaluations of inspections, and none is on "
                "this platform yet.",
                rule=rules_for(tenant_id).under("enforcement_supervisor"),
            )
        )
    with tenant_scope(bureau.id):
        if db.session.scalar(sa.select(Evaluation.id).where(Evaluation.visit_id == visit_id)) is not None:
            raise ConflictError(_l("This inspection has already been evaluated: each inspection is evaluated once."))
        evaluation = Evaluation(
            about_tenant_id=tenant_id, visit_id=visit_id, satisfaction=satisfaction, text=text, evaluated_at=now()
        )
        db.session.add(evaluation)
        db.session.flush()
        audit.record(
            "evaluation.made",
            "evaluation",
            evaluation.id,
            actor=by,
            tenant_id=bureau.id,
            details={"department": department, "visit_id": visit_id, "satisfaction": satisfaction, **named},
        )
    return evaluation


@events.subscribe("tenant.created")
def _kept_for_the_bureau(*, actor: Actor | None, tenant: Tenant, **_: object) -> None:
    """The justice bureau, created, takes the evaluations kept with no owner until it existed (migration 0057) about
    the departments it supervises (those whose region's nearest bureau it now is), in the creating command's
    transaction and its own chain: read and removed as the platform's rows (the platform administrator's scope
    creates departments), written again as the bureau's."""
    if tenant.kind != TenantKind.supervisor:
        return
    kept_rows = list(
        db.session.scalars(
            sa.select(Evaluation).where(Evaluation.tenant_id.is_(None)).order_by(Evaluation.evaluated_at, Evaluation.id)
        )
    )
    supervised: dict[int, bool] = {}
    for row in kept_rows:
        if row.about_tenant_id not in supervised:
            bureau = supervising_bureau(row.about_tenant_id)
            supervised[row.about_tenant_id] = bureau is not None and bureau.id == tenant.id
    waiting = [row for row in kept_rows if supervised[row.about_tenant_id]]
    if not waiting:
        return
    kept = [{name: getattr(row, name) for name in _KEPT} for row in waiting]
    for row in waiting:
        db.session.delete(row)
    db.session.flush()  # each visit's evaluation once: the one kept goes before the bureau's is written
    with tenant_scope(tenant.id):
        db.session.add_all([Evaluation(**row) for row in kept])
        audit.record(
            "evaluation.kept_taken_over",
            "tenant",
            tenant.id,
            actor=actor,
            tenant_id=tenant.id,
            details={"count": len(kept)},
        )
        db.session.flush()
