"""An invited department's transitions (联合抽查参与部门状态): once an invitation exists, its status is written
here and nowhere else — by the department's answer (accepted, declined), its leader's approval of its part and
the joint campaign's withdrawal. Whether a move is allowed is each calling command's check
(:data:`~spotcheck.tenants.joint.policy.PARTICIPANT_ACTIONS`, :data:`~spotcheck.tenants.joint.policy.JOINT_ACTIONS`)."""

from __future__ import annotations

from spotcheck.tenants.joint.models import JointParticipant
from spotcheck.tenants.joint.vocabulary import ParticipantStatus


def move(participant: JointParticipant, to: ParticipantStatus) -> None:
    """Move ``participant`` to status ``to``: the one writer of ``JointParticipant.status`` after its creation."""
    participant.status = to
