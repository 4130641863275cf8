"""A visit held by a conflict (回避待替换): a member of its team declared a conflict after the draw
(抽取后申报回避) and is not replaced yet, so nobody records, submits, 入企 or 离企 on it.

A department's own visit reads its own team. A visit of a department's part of a joint campaign
(联合抽查) is held by the whole mixed team (混合检查组), the lead department's rows: a conflict of any
department's member holds every department's part of that joint visit, read inside the joint
campaign's scope as its participant. A page listing many visits reads them together
(:func:`read_together`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask_babel import LazyString, lazy_gettext as _l
from sqlalchemy.orm import lazyload

from spotcheck.core.database import db, in_chunks
from spotcheck.core.scoping import joint_scope
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.campaigns.policy import recusal_rule
from spotcheck.tenants.results.models import Visit

#: Inside :func:`read_together`: the joint teams' members waiting to be replaced, by (joint campaign, entity).
_known: ContextVar[dict | None] = ContextVar("spotcheck_known_joint_recusals", default=None)


def _mixed_waiting(tenant_id: int, joint_id: int, entity_ids: list[int]) -> dict[tuple[int, int], list[TeamMember]]:
    """The members of the joint campaign's mixed teams at ``entity_ids`` who declared a conflict and are
    not replaced, read as ``tenant_id``, a participant (its name and 执法证号 as drawn)."""
    found: dict[tuple[int, int], list[TeamMember]] = {}
    with joint_scope(tenant_id, joint_id):
        for chunk in in_chunks(sorted(set(entity_ids))):
            for member in db.session.scalars(
                sa.select(TeamMember)
                .where(
                    TeamMember.campaign_id == joint_id,
                    TeamMember.active.is_(True),
                    TeamMember.recusal_id.is_not(None),
                    TeamMember.entity_id.in_(chunk),
                )
                .order_by(TeamMember.entity_id, TeamMember.position)
                .options(lazyload(TeamMember.inspector), lazyload(TeamMember.entity))
            ):
                found.setdefault((joint_id, member.entity_id), []).append(member)
    return found


@contextmanager
def read_together(visits: Iterable[Visit]) -> Iterator[None]:
    """A read that asks what each of many visits allows: the joint visits' conflicts are read at once,
    one query per joint campaign. Never around a command: a conflict it declares is read anew."""
    by_joint: dict[tuple[int, int], list[int]] = {}
    for visit in visits:
        if visit.campaign.joint_id is not None:
            by_joint.setdefault((visit.tenant_id, visit.campaign.joint_id), []).append(visit.entity_id)
    known: dict[tuple[int, int], list[TeamMember]] = {}
    for (tenant_id, joint_id), entity_ids in by_joint.items():
        known.update(_mixed_waiting(tenant_id, joint_id, entity_ids))
    token = _known.set(known)
    try:
        yield
    finally:
        _known.reset(token)


def waiting(visit: Visit, team: list[TeamMember]) -> list[TeamMember]:
    """The members who declared a conflict after the draw and are not replaced yet: of ``team`` (the
    visit's present team) for a department's own visit; of the whole mixed team for a joint visit."""
    joint_id = visit.campaign.joint_id
    if joint_id is None:
        return [member for member in team if member.recusal_id is not None]
    known = _known.get()
    if known is not None:
        return known.get((joint_id, visit.entity_id), [])
    return _mixed_waiting(visit.tenant_id, joint_id, [visit.entity_id]).get((joint_id, visit.entity_id), [])


def names(members: list[TeamMember]) -> str:
    """The members waiting, by name (as drawn, for another department's member of a mixed team)."""
    return "、".join(member.shown_name for member in members)


def refusal(visit: Visit, members: list[TeamMember]) -> LazyString:
    """Why the visit waits: the rule, as the campaign's rules cite it, and who is to be replaced."""
    return _l(
        "%(rule)s Waiting for the replacement of %(names)s.", rule=recusal_rule(visit.campaign), names=names(members)
    )
