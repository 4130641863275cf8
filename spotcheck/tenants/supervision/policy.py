"""Who reads which departments' supervision figures, and the audit of every cross-department read.

* A **supervisor** of the justice bureau reads every department: :func:`reading` records the read
  (``supervision.read``: what, which period, which department) in the bureau's own audit chain,
  committed at once, then opens the one cross-department path
  (:func:`spotcheck.core.scoping.cross_tenant`) for the read.
* A department **leader** reads their own department only, in their own scope: nothing to cross.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.commands import command
from spotcheck.core.errors import NotFound
from spotcheck.core.policy import Permission, has_permission, require
from spotcheck.core.scoping import cross_tenant


def sees_every_department(reader) -> bool:
    return has_permission(reader, Permission.SUPERVISION_VIEW) and has_permission(reader, Permission.TENANTS_READ_ALL)


@command(Permission.SUPERVISION_VIEW)
def note_read(what: str, *, period: str = "", department_id: int | None = None, actor) -> None:
    """Record a cross-department read of the supervision figures (留痕)."""
    audit.record("supervision.read", "supervision", department_id, actor=actor,
                 details={"what": what, "period": period, "department": department_id})


@contextmanager
def reading(reader, what: str, *, period=None, department_id: int | None = None) -> Iterator[list[int] | None]:
    """The scope to read supervision figures in. Yields the department ids the reader may see
    (``None``: every department, for a supervisor) — a leader gets ``[own]``; asking a leader
    for another department is NotFound, as for a department that does not exist."""
    require(reader, Permission.SUPERVISION_VIEW)
    if sees_every_department(reader):
        note_read(what, period=str(period or ""), department_id=department_id, actor=reader)
        with cross_tenant(reader, f"supervision: {what}"):
            yield None
        return
    if department_id is not None and department_id != reader.tenant_id:
        raise NotFound(_l("No such department."))
    yield [reader.tenant_id]
