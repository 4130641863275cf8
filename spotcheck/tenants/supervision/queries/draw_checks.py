"""核验抽取 as the justice bureau reads it: the blinded draws it checks with their verdicts (:func:`draws_to_check`),
one of them (:func:`draw_check`), and the home's to-do for each drawn and not yet checked (:func:`tasks`: 核验抽取, by
the campaign's number and title). The draws are other departments' (some above or beside the bureau's branch: a
joint campaign led from the city, a department no bureau supervises), found by the bureau's look-up
(:mod:`spotcheck.tenants.supervision.draw_checks`); each read is recorded in the bureau's trail (``read.across``)."""

from __future__ import annotations

from typing import cast

from spotcheck.core.actor import Actor
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.queries import note_scope, query
from spotcheck.core.todo import Task
from spotcheck.tenants.supervision import draw_checks
from spotcheck.tenants.supervision.draw_checks import REASON, Checkable

#: The most draws to check the home lists.
TODO = 20


def _noted(reader: Actor, what: str) -> int:
    """Record the read in the bureau's trail; the bureau's id."""
    note_scope("read.across", f"{__name__}.{what}", reason=REASON, actor=reader)
    return cast(int, reader.tenant_id)


@query(Permission.DRAWS_CHECK)
def draws_to_check(*, reader: Actor) -> list[Checkable]:
    """The drawn blinded draws the reader's bureau checks, the newest first, each with its verdicts."""
    return draw_checks.checkable(_noted(reader, "draws_to_check"))


@query(Permission.DRAWS_CHECK)
def draw_check(campaign_id: int, kind: str, *, reader: Actor) -> Checkable:
    """One of them (NotFoundError for a draw another bureau checks, as for no draw)."""
    return draw_checks.one(_noted(reader, "draw_check"), campaign_id, kind)


def tasks(reader: Actor) -> list[Task]:
    """核验抽取: each drawn blinded draw the reader's bureau checks and has not checked as its proof stands (kind
    ``draw_check``, the draw named by its campaign), for whoever holds ``draws.check``."""
    if not has_permission(reader, Permission.DRAWS_CHECK) or reader.tenant_id is None:
        return []
    found = [draw for draw in draw_checks.checkable(_noted(reader, "tasks")) if draw.to_check]
    return [Task("draw_check", draw, frozenset({"check"})) for draw in found[:TODO]]
