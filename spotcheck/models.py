"""Imports every model so the metadata (and Alembic) sees the whole schema."""
from spotcheck.platform.audit import AuditEntry  # noqa: F401
from spotcheck.tasks.models import Job  # noqa: F401
from spotcheck.tenants.models import ApiToken, Tenant, User  # noqa: F401
