"""企业账户的权限: who acts on a business's account, as the audit trail names it. A business's person holds only
:data:`spotcheck.core.policy.BUSINESS_PERMISSIONS`' (no staff permission); the platform administrator resets an
account (:attr:`~spotcheck.core.policy.Permission.BUSINESSES_RESET`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BusinessActor:
    """A business's person as the audit trail names them (企业人员): ``b:<credit code>:<login>``, never a staff
    user's id — the trail's ``actor_id`` is a staff user's, so a business's is left empty."""

    login: str
    display_name: str
    id = None
    tenant_id = None
    tenant = None
    roles: tuple[str, ...] = ()
    is_authenticated = True
    active = True


def actor_of(credit_code: str, login: str, display_name: str) -> BusinessActor:
    return BusinessActor(f"b:{credit_code}:{login}", display_name)
