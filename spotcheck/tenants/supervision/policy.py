"""Supervision's policy (监督规则): who reads which departments' supervision figures, and the
actions tables of notices of criticism (通报) and of statistical tables to submit (报表报送).

* A justice bureau reads every department of its region and of the regions below it (its branch, 辖区: a
  county's bureau its county and towns, the city's the city and its counties) — its **supervisor**, and its
  **leader**, who signs the notices of criticism of other departments (``supervision.read_all``, which the policy
  grants the leader of a supervising department: :data:`spotcheck.core.policy.KIND_PERMISSIONS`); a department
  outside the branch is NotFoundError, as one that does not exist. :func:`across` gives the
  :class:`~spotcheck.core.queries.Across` scope, which the query (or :func:`reading`, for a
  command or a job) opens through the one cross-department path and records first in the
  bureau's own audit chain (``read.across``: what, which period).
* 涉企检查频次 (:func:`burden_scope`) counts the checks of the businesses located in the bureau's region, whichever
  department of whatever level made them: below the root its read opens, besides the branch and read-only, every
  department's rows about those businesses (:class:`~spotcheck.core.queries.Across` with ``area``, the region's
  registry-code prefix: their visits and the campaigns of them, the draws of them as published); recorded as
  ``read.across`` (``burden`` and the period). Nothing else of a department outside the branch is read.
* Any other department's **leader** reads their own department only, in their own scope: nothing to cross;
  asking for another department is NotFoundError, as for a department that does not exist. Of the businesses'
  evaluations (the bureau's rows) they read figures only, as :func:`reads_evaluations` says.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, cast

from flask_babel import lazy_gettext as _l

from spotcheck.core.actions import Action, Actions
from spotcheck.core.actor import Actor
from spotcheck.core.errors import ForbiddenError, InvalidInputError, NotFoundError
from spotcheck.core.policy import Permission, has_permission, require
from spotcheck.core.queries import OWN, Across, opened
from spotcheck.core.scoping import branch_of
from spotcheck.tenants.supervision import figures, levels
from spotcheck.tenants.supervision.burden.area import department_area
from spotcheck.tenants.supervision.duties import Due
from spotcheck.tenants.supervision.figures import department_exists
from spotcheck.tenants.supervision.models import ComplaintForward, ComplaintStatus, CriticismStatus
from spotcheck.tenants.supervision.periods import Period
from spotcheck.tenants.supervision.tables import TABLES, level_of_table, offered
from spotcheck.tenants.supervision.vocabulary import EVALUATION_FIGURES


def sees_every_department(reader: Actor) -> bool:
    """A justice bureau's supervisor and leader: the supervision figures of every department of their branch."""
    return has_permission(reader, Permission.SUPERVISION_VIEW) and has_permission(
        reader, Permission.SUPERVISION_READ_ALL
    )


def reads_evaluations(reader: Actor) -> bool:
    """The businesses' evaluations one by one (评价明细): the justice bureau's reading alone (its supervisor and leader,
    who read every department). A department reads its own as figures of ended periods over at least five
    (:mod:`spotcheck.tenants.supervision.evaluation_figures`), never a row: its drill-down of them is refused, saying
    so."""
    return sees_every_department(reader)


def require_rows_reader(key: str, reader: Actor) -> None:
    """Refuse a department the rows of its evaluations (Forbidden, saying why): the bureau's alone."""
    if key in EVALUATION_FIGURES and not reads_evaluations(reader):
        raise ForbiddenError(
            _l(
                "The justice bureau alone reads the businesses' evaluations one by one: your department "
                "sees their figures for ended periods, over at least five."
            )
        )


def across_departments(reason: str) -> Across:
    """The cross-department scope of a supervision read (the permission that opens it: ``supervision.read_all``)."""
    return Across(reason, permission=Permission.SUPERVISION_READ_ALL)


def visible_departments(reader: Actor, department_id: int | None = None) -> list[int]:
    """The department ids ``reader`` reads: a supervisor, those of the bureau's region and the regions below it;
    a leader, their own. Asking for another department: NotFoundError."""
    # a supervisor: the bureau's branch; a department's leader: their own
    seen = sorted(branch_of(reader.tenant_id)) if sees_every_department(reader) else [cast(int, reader.tenant_id)]
    if department_id is not None and department_id not in seen:
        raise NotFoundError(_l("No such department."))
    return seen


def across(
    reader: Actor, period: Period | str | None = None, department_id: int | None = None, **_: object
) -> Across | None:
    """The scope of a supervision read: the bureau's branch for a supervisor (recorded with the period), the
    reader's own department otherwise."""
    visible_departments(reader, department_id)  # a department not seen: NotFoundError, before anything is opened
    if sees_every_department(reader):
        return across_departments(f"supervision {period}" if period else "supervision")
    return OWN


def burden_scope(reader: Actor, period: Period | str | None = None, **_: object) -> Across | None:
    """The scope of 涉企检查频次 (:mod:`.queries.burden`): for a bureau, its branch and — below the root, whose branch
    is every department — every department's rows about the businesses located in its region, read-only
    (``area``: :meth:`spotcheck.core.scoping.AreaReadable.area_rows`), recorded with the period; anyone else, their
    own department (the query refuses them)."""
    if not sees_every_department(reader):
        return OWN
    area = department_area(reader.tenant_id).prefix
    return Across(f"burden {period or ''}".strip(), permission=Permission.SUPERVISION_READ_ALL, area=area)


@contextmanager
def reading(
    reader: Actor, what: str, *, period: Period | str | None = None, department_id: int | None = None
) -> Iterator[list[int]]:
    """The scope a command or a job reads supervision figures in (a query opens it itself). Yields
    the department ids the reader may see (a supervisor: the bureau's branch)."""
    require(reader, Permission.SUPERVISION_VIEW)
    visible = visible_departments(reader, department_id)
    with opened(reader, across(reader, period=period, department_id=department_id), f"supervision: {what}"):
        yield visible


def check_request(code: str, reader: Actor, department_id: int | None = None, period: Period | None = None) -> None:
    """Who may ask for which table: the justice bureau for every department or one; a department
    leader for their own department only, and not the area-wide table; of ``period``, only when a
    department it covers existed by the period's end (one created after it owes no table of it)."""
    if code not in TABLES or TABLES[code] not in offered(tenant_id=getattr(reader, "tenant_id", None)):
        raise InvalidInputError({"code": [_l("Choose one of the tables the rules in force use.")]})
    if not sees_every_department(reader):
        if TABLES[code].area_wide:
            raise ForbiddenError(_l("This table covers every department: the justice bureau files it."))
        if department_id is not None and department_id != reader.tenant_id:
            raise ForbiddenError(_l("You may only ask for your own department's tables."))
    elif department_id is not None and (
        department_id not in branch_of(reader.tenant_id) or not department_exists(department_id)
    ):
        raise InvalidInputError({"department_id": [_l("No such department.")]})
    elif department_id is not None:
        level = level_of_table(code, reader.tenant_id, period)
        if level is not None and levels.region_of(department_id) != level:
            rules = levels.rules_of(reader.tenant_id, period.start if period is not None else None)
            raise InvalidInputError(
                {
                    "department_id": [
                        _l(
                            "Under %(source)s, “%(table)s” is the table of the departments of this level alone: a "
                            "department of a level below does not file it.",
                            source=rules.table_source(code),
                            table=rules.table_template(code).format(year="").strip(),
                        )
                    ]
                }
            )
    if period is not None:
        _existed_in(reader, department_id, period)


def _existed_in(reader: Actor, department_id: int | None, period: Period) -> None:
    """Refused: a table of a period no department it covers existed in."""
    ids = [department_id] if department_id is not None else visible_departments(reader)
    if figures.departments(ids, period):
        return
    created = figures.created_on(ids[0]) if len(ids) == 1 else None
    if created is not None:
        raise InvalidInputError(
            {
                "period": [
                    _l(
                        "The department was set up on %(day)s, after %(period)s ended: it has no figures of that "
                        "period and owes no table of it.",
                        day=f"{created.year}年{created.month}月{created.day}日",
                        period=period.label,
                    )
                ]
            }
        )
    raise InvalidInputError(
        {"period": [_l("No department had been set up by the end of %(period)s.", period=period.label)]}
    )


CRITICISM_ACTIONS = Actions(
    Action(
        "edit",
        Permission.SUPERVISION_MANAGE,
        lambda c: c.status == CriticismStatus.draft,
        _l("Only a draft can be changed."),
    ),
    Action(
        "approve",
        Permission.CRITICISM_APPROVE,
        lambda c: c.status == CriticismStatus.draft and bool(c.findings),
        _l("Only a draft that names at least one department can be approved."),
    ),
    # 提交局领导签发: the drafter tells the leaders the draft is ready, once; again only after it is changed
    Action(
        "submit",
        Permission.SUPERVISION_MANAGE,
        lambda c: (
            c.status == CriticismStatus.draft and bool(c.findings) and not c.returned_reason and c.submitted_at is None
        ),
        lambda c: (
            _l("Only a draft can be submitted.")
            if c.status != CriticismStatus.draft
            else _l("Change the draft as the leader asked before submitting it again.")
            if c.returned_reason
            else _l("The draft is submitted to the leaders already; they were told. Change it to submit it again.")
            if c.submitted_at is not None
            else _l("Only a draft that names at least one department can be submitted.")
        ),
    ),
    Action(
        "withdraw",
        Permission.SUPERVISION_MANAGE,
        lambda c: c.status == CriticismStatus.draft,
        _l("Only a draft can be withdrawn."),
    ),
    Action(
        "send_back",
        Permission.CRITICISM_APPROVE,
        lambda c: c.status == CriticismStatus.draft,
        _l("Only a draft can be sent back."),
    ),
)


class _DutyState(Protocol):
    """What the report actions read of a department's standing on a duty (``duties.DutyState``, which
    checks itself against these actions)."""

    @property
    def due(self) -> Due: ...


def _area_wide_reader(state: _DutyState, actor: Actor) -> bool:
    """The area-wide table is prepared by the bureau's supervisor (who drafts; its leader signs)."""
    return not state.due.duty.area_wide or (
        sees_every_department(actor) and has_permission(actor, Permission.SUPERVISION_MANAGE)
    )


REPORT_ACTIONS = Actions(
    Action(
        "prepare",
        Permission.REPORTS_PREPARE,
        lambda s: s.started,
        "统计期尚未开始，不能填报该期报表。",
        who=_area_wide_reader,
        who_refusal="全区（县）汇总表涉及各部门的数据，由司法局的监督人员准备。",
    ),
    Action(
        "submit",
        Permission.REPORTS_SUBMIT,
        lambda s: s.started and (s.prepared is not None or not s.due.duty.area_wide),
        lambda s: (
            "统计期尚未开始，不能报送该期报表。"
            if not s.started
            else "全区（县）汇总表须先由司法局的监督人员准备，再由局领导签发。"
        ),
    ),
)


#: A business's complaint (投诉), the bureau's alone: it forwards it to the department complained about (转办), once,
#: and replies to the business (答复), once — with the department's answer or without waiting for it.
COMPLAINT_ACTIONS = Actions(
    Action(
        "forward",
        Permission.SUPERVISION_MANAGE,
        lambda c: c.status == ComplaintStatus.open,
        _l("This complaint is already forwarded or answered."),
    ),
    Action(
        "answer",
        Permission.SUPERVISION_MANAGE,
        lambda c: c.status != ComplaintStatus.answered,
        _l("This complaint is already answered."),
    ),
)


def _receiver(forward: ComplaintForward, actor: Actor) -> bool:
    """The department the complaint was forwarded to."""
    return getattr(actor, "tenant_id", None) == forward.receiver_tenant_id


#: A complaint the bureau forwarded (转办): the department it was forwarded to answers the bureau, once.
FORWARD_ACTIONS = Actions(
    Action(
        "answer",
        Permission.COMPLAINTS_ANSWER,
        lambda f: f.answered_at is None,
        _l("This forwarded complaint is already answered."),
        who=_receiver,
        who_refusal=_l("Only the department the complaint was forwarded to answers it."),
    ),
)
