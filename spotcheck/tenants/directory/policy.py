"""Who keeps what of the two registries (两库 · 检查对象名录库): the entity registry (市场主体名录) is
kept by the lead department (market regulation); each department keeps its own directory."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from spotcheck.core.actor import Actor
from spotcheck.core.errors import ForbiddenError
from spotcheck.tenants.accounts.models import TenantKind


def is_registry_keeper(actor: Actor) -> bool:
    """Whether ``actor``'s department keeps the entity registry (the lead department)."""
    tenant = getattr(actor, "tenant", None)
    return tenant is not None and tenant.kind == TenantKind.lead


def require_registry_keeper(actor: Actor) -> None:
    """The registry is kept by the lead department (market regulation): Forbidden otherwise."""
    if not is_registry_keeper(actor):
        raise ForbiddenError(_l("Only the market-regulation bureau keeps the entity registry."))
