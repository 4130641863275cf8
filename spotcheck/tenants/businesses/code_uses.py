"""企业核验码的使用: each later use of a code that claimed a business's account — on an inspection's public page
(确认入企, 申请回避, 投诉, 评价) — is kept on the account's trail and shown to its holder. Results tells of each use
by an event (it knows nothing of accounts); this hears it, in the same transaction."""

from __future__ import annotations

import sqlalchemy as sa

from spotcheck.core import audit, events
from spotcheck.core.actor import Actor
from spotcheck.core.database import db
from spotcheck.core.scoping import system_access
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.businesses.models import BusinessAccount, BusinessClaim


@events.subscribe("business_code.used")
def _kept_on_the_account(*, actor: Actor | None, digest: str, entity_id: int, tenant_id: int, **_: object) -> None:
    with system_access("a claimed business code used on an inspection's page, kept on the business's account"):
        account_id = db.session.scalar(
            sa.select(BusinessAccount.id)
            .join(BusinessClaim, BusinessClaim.account_id == BusinessAccount.id)
            .where(BusinessClaim.code_digest == digest, BusinessAccount.entity_id == entity_id)
        )
        if account_id is None:
            return
        department = db.session.scalar(sa.select(Tenant.name).where(Tenant.id == tenant_id)) or ""
        audit.record(
            "business.code_used",
            "business_account",
            account_id,
            actor=actor,
            tenant_id=None,
            details={"department": department},
        )
