"""Who keeps and who reads the department's 负责人 and 联络员 of “双随机、一公开” (seed 003 附件5).

* The department's administrator saves its own two contacts (``contacts.manage``; the ordinary
  scope keeps the rows the department's own).
* The list, phones included, is read by the department's administrator and leader (their own
  department) and by a justice bureau, whose supervisor and leader read those of every department of its branch
  (``supervision.read_all``): :func:`scope` gives the cross-department scope a query opens and records.
"""

from __future__ import annotations

from spotcheck.core.actor import Actor
from spotcheck.core.errors import ForbiddenError
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.queries import OWN, Across, Opening

#: Who saves the department's contacts.
SAVE = Permission.CONTACTS_MANAGE

_READ_REFUSAL = "只有本部门系统管理员、领导和司法局可以查看负责人和联络员名单（含联系电话）。"


def may_save(actor: Actor) -> bool:
    """Whether ``actor`` keeps their department's contacts (its administrator)."""
    return has_permission(actor, SAVE)


def may_read(reader: Actor) -> bool:
    """Whether ``reader`` reads the list (with the phones): the administrator, the leaders, the justice bureau."""
    return has_permission(reader, Permission.CONTACTS_MANAGE) or has_permission(reader, Permission.SUPERVISION_VIEW)


def require_reader(reader: Actor) -> None:
    """Forbidden to anyone who may not read the list."""
    if not may_read(reader):
        raise ForbiddenError(_READ_REFUSAL)


def reads_every_department(reader: Actor) -> bool:
    """A justice bureau's supervisor and leader read the contacts of every department of the bureau's region and
    of the regions below it (the rule supervision reads its figures by)."""
    return has_permission(reader, Permission.SUPERVISION_VIEW) and has_permission(
        reader, Permission.SUPERVISION_READ_ALL
    )


def scope(reader: Actor, **_: object) -> Opening:
    """The bureau's branch for a justice bureau (an audited cross-department read), one's own otherwise."""
    return Across("contacts", permission=Permission.SUPERVISION_READ_ALL) if reads_every_department(reader) else OWN
