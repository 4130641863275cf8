"""A visit's transitions (检查结果状态): once a visit exists, its status is written here and nowhere else — by
the results' commands that record, submit, approve, return, publish and correct it. Whether a move is allowed
is each calling command's check (:data:`~spotcheck.tenants.results.policy.VISIT_ACTIONS`); the times and names
that go with a move are the command's too."""

from __future__ import annotations

from spotcheck.tenants.results.models import Visit
from spotcheck.tenants.results.vocabulary import VisitStatus


def move(visit: Visit, to: VisitStatus) -> None:
    """Move ``visit`` to status ``to``: the one writer of ``Visit.status`` after its creation."""
    visit.status = to
