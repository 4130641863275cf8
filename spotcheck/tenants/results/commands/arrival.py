"""入企 and 离企 (国办发〔2024〕54号: 扫码入企): the visit's 组长 records when the team arrived at the
business and when it left; the inspection code's public page says so (:mod:`spotcheck.tenants.results.codes`)."""

from __future__ import annotations

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.policy import Permission
from spotcheck.tenants.results import disclosure
from spotcheck.tenants.results.codes import CODE_ACTIONS
from spotcheck.tenants.results.commands._visits import locked_visit
from spotcheck.tenants.results.models import InspectionCode


def _recorded(visit_id: int, action: str, actor: Actor) -> InspectionCode:
    visit = locked_visit(visit_id)
    CODE_ACTIONS.require(visit, actor, action)
    assert visit.code is not None  # the action requires it
    return visit.code


@command(Permission.RESULTS_ENTER)
def record_arrival(visit_id: int, data: object = None, *, actor: Actor) -> InspectionCode:
    """入企: the 组长 records that the team has arrived at the business, now."""
    code = _recorded(visit_id, "arrive", actor)
    code.arrived_at = code.arrival_recorded_at = now()
    code.arrived_by_name = actor.display_name
    audit.record("visit.arrived", "visit", visit_id, actor=actor, details={"at": code.arrived_at.isoformat()})
    return code


@command(Permission.RESULTS_ENTER)
def record_departure(visit_id: int, data: object = None, *, actor: Actor) -> InspectionCode:
    """离企: the 组长 records that the team has left the business, now; the code's page says the
    inspection is finished."""
    code = _recorded(visit_id, "leave", actor)
    code.left_at, code.left_by_name = now(), actor.display_name
    audit.record("visit.left", "visit", visit_id, actor=actor, details={"at": code.left_at.isoformat()})
    disclosure.disclose_when_done(code.visit, actor=actor)
    return code
