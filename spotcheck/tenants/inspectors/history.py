"""The inspector directory as it stood at a moment (执法检查人员名录库的历史): who was in it as active then
(:class:`InspectorTenure`), for the figures of a past period (seed 001: 据实填报、避免前后矛盾)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from spotcheck.tenants.inspectors.models import Inspector, InspectorTenure


def listed_at(moment: datetime) -> sa.ColumnElement[bool]:
    """The condition on :class:`Inspector`: in the directory as active at ``moment``."""
    return sa.exists().where(
        InspectorTenure.inspector_id == Inspector.id,
        InspectorTenure.since < moment,
        sa.or_(InspectorTenure.until.is_(None), InspectorTenure.until >= moment),
    )
