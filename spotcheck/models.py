"""Imports every model so the metadata (and Alembic) sees the whole schema."""

from spotcheck.core.audit import AuditEntry  # noqa: F401
from spotcheck.core.audit_heads import AuditHead  # noqa: F401
from spotcheck.core.deployment import Deployment  # noqa: F401
from spotcheck.core.job_models import Job  # noqa: F401
from spotcheck.tenants.accounts.models import ApiToken, Tenant, User, UserSession  # noqa: F401
from spotcheck.tenants.campaigns.models import Campaign, CampaignTarget, Draw, TeamMember  # noqa: F401
from spotcheck.tenants.common.numbering import DocumentCounter  # noqa: F401
from spotcheck.tenants.contacts.models import DepartmentContact  # noqa: F401
from spotcheck.tenants.directory.models import DirectoryEntry, Entity  # noqa: F401
from spotcheck.tenants.exports.models import ExportBatch, ExportDelivery, ExportRecord  # noqa: F401
from spotcheck.tenants.inspectors.models import Inspector, Recusal  # noqa: F401
from spotcheck.tenants.items.models import Item, ItemVersion  # noqa: F401
from spotcheck.tenants.joint.models import FieldLead, JointParticipant  # noqa: F401
from spotcheck.tenants.notices.models import Delivery, Message, Notice  # noqa: F401
from spotcheck.tenants.plans.models import Plan, PlanItem, PlanReview  # noqa: F401
from spotcheck.tenants.results.categories import CategoryChoice  # noqa: F401
from spotcheck.tenants.results.models import (  # noqa: F401
    Attachment,
    FollowUp,
    InspectionCode,
    ItemResult,
    PublishedEntity,
    PublishedResult,
    RecusalRequest,
    ResultCategory,
    Visit,
)
from spotcheck.tenants.rules.models import RulesDocument  # noqa: F401
from spotcheck.tenants.supervision.models import Complaint, ComplaintContact, Criticism, DeductionRule  # noqa: F401
from spotcheck.tenants.supervision.submission_models import ReportEntry, ReportSubmission  # noqa: F401
