"""Every state a user can meet has its Chinese name (状态名称): each enum of the domains and its label
table stay in step — a member added without a label would show as its code on a page."""

from __future__ import annotations

import enum

import pytest

from spotcheck.core.job_models import JobStatus
from spotcheck.core.policy import PERMISSION_LABELS, ROLE_LABELS, Permission, Role
from spotcheck.platform.web.forms import REFUSED
from spotcheck.platform.web.rules.versions import ANY as ANY_SCOPE
from spotcheck.tenants.accounts.vocabulary import TENANT_KIND_LABELS, TenantKind
from spotcheck.tenants.business_record.vocabulary import PART_NAMES, Part
from spotcheck.tenants.campaigns.vocabulary import (
    CAMPAIGN_KIND_NAMES,
    CampaignKind,
    CampaignStatus,
    DrawKind,
    ExpertKind,
    TargetStatus,
)
from spotcheck.tenants.common import vocabulary as labels
from spotcheck.tenants.common.vocabulary import reference
from spotcheck.tenants.exports.vocabulary import BatchStatus
from spotcheck.tenants.items.vocabulary import ItemStatus
from spotcheck.tenants.joint.vocabulary import ParticipantStatus
from spotcheck.tenants.notices.vocabulary import Channel, DeliveryStatus, NoticeKind
from spotcheck.tenants.plans.vocabulary import PlanStatus
from spotcheck.tenants.regions.vocabulary import LEVEL_NAMES, RegionLevel
from spotcheck.tenants.results.vocabulary import (
    ANSWER_STATUS_LABELS,
    CHECK_STATE_LABELS,
    EXPERT_KINDS,
    RECUSAL_REQUEST_STATUS_LABELS,
    AnswerStatus,
    CheckState,
    FollowUpKind,
    RecusalRequestStatus,
    VisitStatus,
)
from spotcheck.tenants.supervision.models import ComplaintStatus, CriticismStatus, SubmissionStatus
from spotcheck.tenants.supervision.vocabulary import COMPLAINT_STATUS_LABELS

#: Each enum and the table that names its members.
LABELLED: dict[type[enum.Enum], dict] = {
    Role: ROLE_LABELS,
    Permission: PERMISSION_LABELS,
    JobStatus: labels.JOB_STATUS_LABELS,
    TenantKind: TENANT_KIND_LABELS,
    CampaignStatus: labels.CAMPAIGN_STATUS,
    CampaignKind: CAMPAIGN_KIND_NAMES,
    DrawKind: labels.DRAW_KIND,
    ExpertKind: EXPERT_KINDS,
    TargetStatus: labels.TARGET_STATUS,
    BatchStatus: labels.EXPORT_BATCH_STATUS,
    ItemStatus: labels.ITEM_STATUS,
    ParticipantStatus: labels.PARTICIPANT_STATUS,
    Channel: labels.DELIVERY_CHANNEL,
    DeliveryStatus: labels.DELIVERY_STATUS,
    NoticeKind: labels.NOTICE_KIND,
    AnswerStatus: ANSWER_STATUS_LABELS,
    PlanStatus: labels.PLAN_STATUS,
    CheckState: CHECK_STATE_LABELS,
    RecusalRequestStatus: RECUSAL_REQUEST_STATUS_LABELS,
    FollowUpKind: reference.FOLLOW_UP_KINDS,
    VisitStatus: labels.VISIT_STATUS,
    CriticismStatus: labels.CRITICISM_STATUS,
    ComplaintStatus: COMPLAINT_STATUS_LABELS,
    RegionLevel: LEVEL_NAMES,
    Part: PART_NAMES,
}
#: Enums no page names (with why).
UNNAMED = {
    SubmissionStatus: "a signed table is shown as 已报送 or 待签发 by its page's own sentence, never by its status",
    type(REFUSED): "a page's marker for a command that refused (perform's answer), never shown",
    type(ANY_SCOPE): "the rules pages' marker for a parameter of any scope, never shown",
}


@pytest.mark.parametrize("kind", list(LABELLED), ids=lambda kind: kind.__name__)
def test_every_member_of_an_enum_has_its_label(kind):
    table = {getattr(key, "value", key) for key in LABELLED[kind]}
    missing = [member.value for member in kind if member.value not in table]
    assert not missing, f"{kind.__name__} has no label for {missing}"


def test_every_domain_enum_is_either_labelled_or_said_why_not():
    import spotcheck.models  # noqa: F401 — every model module, so every enum is defined

    def subclasses(base):
        for sub in base.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = {kind for kind in subclasses(enum.Enum) if kind.__module__.startswith("spotcheck.")}
    assert set(LABELLED) | set(UNNAMED) <= ours  # the walk finds them
    assert ours - set(LABELLED) - set(UNNAMED) == set()
