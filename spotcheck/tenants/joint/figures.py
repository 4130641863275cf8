"""What a joint campaign saves (联合检查减少的检查户次): the visits made beside those that separate
draws would need, and each visit's progress.

Separate, independent draws of the same cells would visit an entity that several departments'
cells hold once per department that drew it; the expected number of visits is computed from the
frozen frame and the rules (:func:`spotcheck.draw.targets.expected_separate_visits`). The joint
campaign's visits are the union of the departments' selections.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from spotcheck.core.database import db
from spotcheck.draw import targets as target_engine
from spotcheck.tenants.campaigns.models import Campaign, Draw, DrawKind
from spotcheck.tenants.joint.visits import visit_groups
from spotcheck.tenants.results.models import PublishedResult


@dataclass(frozen=True)
class Savings:
    visits: int  # 实际检查户次: entities visited once by a mixed team
    checks: int  # 各部门抽中的检查对象合计: the departments' selections added up
    separate: float  # the expected visits of separate, independent draws

    @property
    def saved(self) -> float:
        return max(self.separate - self.visits, 0.0)

    @property
    def saved_percent(self) -> float:
        return 100.0 * self.saved / self.separate if self.separate else 0.0


def savings(campaign: Campaign) -> Savings | None:
    """The figures once the targets are drawn (``None`` before)."""
    record = db.session.scalar(sa.select(Draw).where(Draw.campaign_id == campaign.id, Draw.kind == DrawKind.targets,
                                                     Draw.drawn_at.is_not(None)).options(undefer(Draw.frame_file)))
    if record is None:
        return None
    rules = {group: part["strata"] for group, part in (campaign.joint_parts or {}).items()}
    separate = target_engine.expected_separate_visits(target_engine.parse_frame_file(record.frame_file), rules)
    groups = visit_groups(campaign)
    return Savings(visits=len(groups), checks=sum(len(g) for g in groups.values()), separate=separate)


def published_parts(campaign: Campaign) -> dict[int, set[str]]:
    """Per visit (entity id), the departments whose result is published: read from the public
    register, so every participant may see how far each visit is without reading another
    department's unpublished results."""
    part_groups = {part["part_campaign_id"]: group for group, part in (campaign.joint_parts or {}).items()}
    done: dict[int, set[str]] = {}
    if not part_groups:
        return done
    for entity_id, campaign_id in db.session.execute(
            sa.select(PublishedResult.entity_id, PublishedResult.campaign_id)
            .where(PublishedResult.campaign_id.in_(part_groups), PublishedResult.current.is_(True))):
        done.setdefault(entity_id, set()).add(part_groups[campaign_id])
    return done


def complete_visits(campaign: Campaign) -> int:
    """Visits whose every department has published its result (the visit is complete)."""
    done = published_parts(campaign)
    return sum(1 for entity_id, groups in visit_groups(campaign).items() if set(groups) <= done.get(entity_id, set()))
