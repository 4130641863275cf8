"""审计日志的读取规则: who reads which entries of the audit trail (全程留痕).

A department's trail is read by those who hold :data:`~spotcheck.core.policy.Permission.AUDIT_VIEW`,
and only their own department's chain (the entries are tenant-owned: the ORM scope and row-level
security keep a query inside the reader's chain). Anyone signed in reads their own latest entries
(我的近期操作). Verifying a chain is the trail's reader's; verifying every chain and publishing
their heads are the platform's (the commands name their permissions)."""
from __future__ import annotations

import sqlalchemy as sa

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
