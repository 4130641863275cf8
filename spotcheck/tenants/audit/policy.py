"""审计日志的读取规则: who reads which entries of the audit trail (全程留痕).

A department's trail is read by those who hold :data:`~spotcheck.core.policy.Permission.AUDIT_VIEW`,
and only their own department's chain (the entries are tenant-owned: the ORM scope and row-level
security keep a query inside the reader's chain). Anyone signed in reads their own latest entries
(我的近期操作). Verifying a chain is the trail's reader's; verifying every chain and publishing
their heads are the platform's (the commands name their permissions).

A chain is never rewritten, but not every detail it holds is the department's to read: a business's evaluation
of an inspection, written to the department's chain before evaluations became the justice bureau's (issue 74),
shows that it was made and nothing of what it said (:func:`shown_details`, the one place that decides it)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import policy
from spotcheck.core.actor import Actor
from spotcheck.core.audit import AuditEntry
from spotcheck.core.policy import Permission

#: Who reads the department's trail.
TRAIL_READER = Permission.AUDIT_VIEW


def require_trail_reader(reader: Actor) -> None:
    """Refuse (403) a reader who may not read the department's trail."""
    policy.require(reader, TRAIL_READER)


def own_entries(reader: Actor) -> sa.ColumnElement[bool]:
    """The entries the reader wrote (我的近期操作): every signed-in user reads these."""
    return AuditEntry.actor_id == reader.id


#: Entries whose details a department's trail does not show, and what it shows instead (the label, the words).
WITHHELD_DETAILS = {
    "visit.evaluated_by_business": (
        _l("The business's evaluation"),
        _l("Evaluated: its content is kept by the justice bureau"),
    ),
}


def shown_details(action: str, details: dict[str, Any] | None) -> dict[str, Any]:
    """The details of an entry of ``action`` as the trail may show them: as written, or for an entry whose details
    are not the department's (:data:`WITHHELD_DETAILS`) one field instead, its label for its key."""
    if action in WITHHELD_DETAILS:
        label, words = WITHHELD_DETAILS[action]
        return {str(label): str(words)}
    return details or {}
