"""Imports every model so the metadata (and Alembic) sees the whole schema."""

from spotcheck.core.audit import AuditEntry
from spotcheck.core.audit_heads import AuditHead
from spotcheck.core.deployment import Deployment
from spotcheck.core.job_models import Job
from spotcheck.tenants.accounts.models import ApiToken, Tenant, User, UserSession
from spotcheck.tenants.business_record.models import RecordStamp
from spotcheck.tenants.businesses.models import (
    BusinessAccount,
    BusinessClaim,
    BusinessPerson,
    BusinessSession,
    BusinessThrottle,
    BusinessToken,
)
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, Draw, TeamMember
from spotcheck.tenants.common.numbering import DocumentCounter, RegionCounter
from spotcheck.tenants.contacts.models import DepartmentContact
from spotcheck.tenants.directory.models import DirectoryEntry, Entity
from spotcheck.tenants.exports.models import ExportBatch, ExportDelivery, ExportRecord
from spotcheck.tenants.inspectors.models import Inspector, Recusal
from spotcheck.tenants.items.models import Item, ItemVersion
from spotcheck.tenants.joint.models import FieldLead, JointParticipant
from spotcheck.tenants.notices.models import Delivery, Message, Notice
from spotcheck.tenants.plans.models import Plan, PlanItem, PlanReview
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.results.categories import CategoryChoice
from spotcheck.tenants.results.models import (
    Attachment,
    FollowUp,
    InspectionCode,
    ItemResult,
    PublishedEntity,
    PublishedResult,
    RectificationAnswer,
    RectificationFile,
    RecusalRequest,
    ResultCategory,
    Visit,
)
from spotcheck.tenants.rules.models import RulesDocument
from spotcheck.tenants.supervision.models import (
    Complaint,
    ComplaintContact,
    Criticism,
    DeductionRule,
    ReportEntry,
    ReportSubmission,
)

#: Every model, named so that importing this module registers them all.
__all__ = [
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "AuditHead",
    "BusinessAccount",
    "BusinessClaim",
    "BusinessPerson",
    "BusinessSession",
    "BusinessThrottle",
    "BusinessToken",
    "Campaign",
    "CampaignTarget",
    "CategoryChoice",
    "Complaint",
    "ComplaintContact",
    "Criticism",
    "DeductionRule",
    "Delivery",
    "DepartmentContact",
    "Deployment",
    "DirectoryEntry",
    "DocumentCounter",
    "Draw",
    "Entity",
    "ExportBatch",
    "ExportDelivery",
    "ExportRecord",
    "FieldLead",
    "FollowUp",
    "InspectionCode",
    "Inspector",
    "Item",
    "ItemResult",
    "ItemVersion",
    "Job",
    "JointParticipant",
    "Message",
    "Notice",
    "Plan",
    "PlanItem",
    "PlanReview",
    "PublishedEntity",
    "PublishedResult",
    "RecordStamp",
    "RectificationAnswer",
    "RectificationFile",
    "Recusal",
    "RecusalRequest",
    "Region",
    "RegionCounter",
    "ReportEntry",
    "ReportSubmission",
    "ResultCategory",
    "RulesDocument",
    "TeamMember",
    "Tenant",
    "User",
    "UserSession",
    "Visit",
]
