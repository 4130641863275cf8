"""What a joint campaign saves (联合检查减少的检查户次): the visits made beside those that separate
draws would need, and each visit's progress.

Separate, independent draws of the same cells would visit an entity that several departments'
cells hold once per department that drew it; the expected number of visits is computed from the
frozen frame and the rules (:func:`spotcheck.draw.targets.expected_separate_visits`). The joint
campaign's visits are the union of the departments' selections.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import cast

import sqlalchemy as sa

from spotcheck.core.database import db, stored_bytes
from spotcheck.draw import target_frames, targets as target_engine
from spotcheck.tenants.campaigns.draws import frame_file_of
from spotcheck.tenants.campaigns.models import Campaign, CampaignStatus, Draw, DrawKind
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
    def saved_visits(self) -> int:
        """减少检查户次 in whole visits, half up (``round`` would round 2.5 to 2): the joint table's row and the
        supervision figure."""
        return math.floor(self.saved + 0.5)

    @property
    def saved_percent(self) -> float:
        return 100.0 * self.saved / self.separate if self.separate else 0.0


def savings(campaign: Campaign) -> Savings | None:
    """The figures once the targets are drawn (``None`` before)."""
    record = db.session.execute(
        sa.select(Draw.id, Draw.frame_digest).where(
            Draw.campaign_id == campaign.id, Draw.kind == DrawKind.targets, Draw.drawn_at.is_not(None)
        )
    ).first()
    if record is None:
        return None
    groups = visit_groups(campaign)
    return Savings(
        visits=len(groups),
        checks=sum(len(g) for g in groups.values()),
        separate=_expected_separate(campaign, record.id, record.frame_digest),
    )


#: The expectation of separate draws by frame digest and rules — all it depends on, fixed once the
#: targets are drawn, and costly to compute from a large frame: computed once per process rather than
#: on every view of the campaign's pages.
_EXPECTED: dict[tuple[str, str], float] = {}


def _expected_separate(campaign: Campaign, draw_id: int, digest: str) -> float:
    rules = {group: part["strata"] for group, part in (campaign.joint_parts or {}).items()}
    key = (digest, json.dumps(rules, sort_keys=True))
    if key not in _EXPECTED:
        frame_file = stored_bytes(Draw.frame_file, draw_id)
        if len(_EXPECTED) > 256:
            _EXPECTED.clear()
        _EXPECTED[key] = target_engine.expected_separate_visits(
            target_frames.parse_frame_file(frame_file_of(cast(bytes, frame_file))), rules
        )
    return _EXPECTED[key]


def published_parts(campaign: Campaign) -> dict[int, set[str]]:
    """Per visit (entity id), the departments whose result is published: read from the public
    register, so every participant may see how far each visit is without reading another
    department's unpublished results."""
    part_groups = {part["part_campaign_id"]: group for group, part in (campaign.joint_parts or {}).items()}
    done: dict[int, set[str]] = {}
    if not part_groups:
        return done
    for entity_id, campaign_id in db.session.execute(
        sa.select(PublishedResult.entity_id, PublishedResult.campaign_id).where(
            PublishedResult.campaign_id.in_(part_groups), PublishedResult.current.is_(True)
        )
    ):
        done.setdefault(entity_id, set()).add(part_groups[campaign_id])
    return done


def complete_visits(campaign: Campaign) -> int:
    """Visits whose every department has published its result (the visit is complete)."""
    return _complete(visit_groups(campaign), published_parts(campaign))


def _complete(groups: dict[int, list[str]], done: dict[int, set[str]]) -> int:
    """Of the visits ``groups`` (entity → the departments that drew it), those every department published."""
    return sum(1 for entity_id, drawn_by in groups.items() if set(drawn_by) <= done.get(entity_id, set()))


def progress_status(campaign: Campaign, complete: int | None = None) -> CampaignStatus:
    """The joint campaign's status as its readers see it (联合抽查进度). From the hand-out on, its own
    row says 已下达检查任务 — each department's results move its own part, never the lead's row —, so
    what is shown follows the public register: results published once every visit is complete,
    inspections in progress once a department has published one. ``complete``: already counted."""
    if campaign.status != CampaignStatus.notified:
        return campaign.status
    done = published_parts(campaign)
    if not done:
        return campaign.status
    groups = visit_groups(campaign)
    if complete is None:
        complete = _complete(groups, done)
    return CampaignStatus.published if groups and complete == len(groups) else CampaignStatus.in_progress
