"""Who may be drawn to inspect (抽取资格), the one definition (国办发〔2024〕54号: only certified officers
inspect, never auxiliary staff; only listed, valid inspectors; experts advise in addition and are
never drawn).

An inspector may be drawn on a day when they are in the directory as active, are not an expert
(专家), hold an enforcement certificate valid that day (no expiry date: valid), and — for a
campaign — hold one of the enforcement categories (执法类别) its items need. The same rule gives
the public inspector list, the inspector frame of a draw with its exclusion counts, and the
certificate state shown beside each inspector.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import sqlalchemy as sa

from spotcheck.tenants.inspectors.models import Inspector

# the refusals are read from here by the draw's frames
from spotcheck.tenants.inspectors.vocabulary import CERTIFICATE_EXPIRED, INACTIVE, NOT_QUALIFIED
from spotcheck.tenants.rules.rulebook import rules_for


def certificate_valid_on(inspector: Inspector, day: date) -> bool:
    return inspector.cert_expires_on is None or inspector.cert_expires_on >= day


def drawable_on(day: date) -> sa.ColumnElement[bool]:
    """The query condition: active, not an expert, certificate valid on ``day``."""
    return sa.and_(
        Inspector.active.is_(True),
        Inspector.is_expert.is_(False),
        sa.or_(Inspector.cert_expires_on.is_(None), Inspector.cert_expires_on >= day),
    )


def not_drawable_because(inspector: Inspector, day: date, categories: Iterable[str]) -> str | None:
    """Why a non-expert inspector is left out of a draw on ``day`` needing ``categories``, or ``None``."""
    if not inspector.active:
        return INACTIVE
    if not certificate_valid_on(inspector, day):
        return CERTIFICATE_EXPIRED
    if not set(inspector.categories or ()) & set(categories):
        return NOT_QUALIFIED
    return None


def certificate_state(inspector: Inspector, day: date) -> str:
    """``expired``, ``expiring`` (within the rules' ``expiry_warning_days`` of the inspector's department),
    ``valid``, or ``open`` (no end date)."""
    if inspector.cert_expires_on is None:
        return "open"
    if not certificate_valid_on(inspector, day):
        return "expired"
    if inspector.cert_expires_on <= day + timedelta(days=rules_for(inspector.tenant_id, day).expiry_warning_days):
        return "expiring"
    return "valid"
