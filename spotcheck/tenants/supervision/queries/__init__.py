"""Supervision's reads (监督查询): every department's figures, their drill-down rows, the
assessment's scores, the contacts list, the notices of criticism, the statistical tables owed and
submitted, and the home's to-dos (报表报送).

A read across departments is a query whose scope is :func:`~spotcheck.tenants.supervision.policy.across`:
a supervisor reads every department (opened and recorded by :func:`~spotcheck.core.queries.query`),
a leader their own department; the pages and the API call the same queries.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import jobs, storage
from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.errors import NotFoundError
from spotcheck.core.job_models import Job
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.queries import query
from spotcheck.core.scoping import narrowed
from spotcheck.core.todo import Task
from spotcheck.tenants.accounts import queries as accounts_queries
from spotcheck.tenants.accounts.branches import within_reach
from spotcheck.tenants.accounts.models import Tenant, TenantKind, tenant_of
from spotcheck.tenants.contacts import policy as contacts_policy
from spotcheck.tenants.contacts.queries import Listed, rows_of
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.models import Region
from spotcheck.tenants.results import deadlines
from spotcheck.tenants.rules import queries as rules_queries
from spotcheck.tenants.rules.rulebook import rules_for
from spotcheck.tenants.supervision import (
    assessment,
    bureau,
    criticism,
    drill_down,
    duties,
    entries,
    evaluation_figures,
    figures,
    levels,
    stored,
    submissions,
    tables,
)
from spotcheck.tenants.supervision.criticism import NamedIn
from spotcheck.tenants.supervision.duties import Due, created_on, find as find_due  # noqa: F401 (read as they are)
from spotcheck.tenants.supervision.models import Criticism, CriticismStatus, ReportEntry, ReportSubmission
from spotcheck.tenants.supervision.periods import Period, parse as parse_period
from spotcheck.tenants.supervision.policy import (
    CRITICISM_ACTIONS,
    REPORT_ACTIONS,
    across,
    check_request,
    require_rows_reader,
    sees_every_department,
    visible_departments,
)
from spotcheck.tenants.supervision.queries import complaints, draw_checks, setup, upkeep
from spotcheck.tenants.supervision.vocabulary import TABLE_JOB

# Reads that need no reader, as they are: the tables offered, a submitted table's sheets and file.
TABLES = tables.TABLES
Status = figures.Status  # one a line: a type checker takes each for the class it names
Rows = drill_down.Rows
Score = assessment.Score
Setting = assessment.Setting
Attention = criticism.Attention
history, intact, sheets_of, workbook = (
    submissions.history,
    submissions.intact,
    submissions.sheets_of,
    submissions.workbook,
)
evaluated_at = bureau.evaluated_at  # whether (and when) a visit was evaluated: for its code's holder alone
states_of, state_of, applies, other_field_departments = (
    duties.states_of,
    duties.state_of,
    duties.applies,
    duties.other_field_departments,
)
DutyState = duties.DutyState
DutyOverview = duties.DutyOverview

#: Whether the reader reads every department (the pages show a department column then).
reads_every_department = sees_every_department


def _departments(reader: Actor, department_id: int | None, period: Period | None = None) -> list[Tenant]:
    """The departments a read covers: the one asked for, else those the reader sees that existed by the
    end of ``period`` (one created after it shows nothing for it)."""
    visible = visible_departments(reader, department_id)
    tenants = (
        figures.departments([department_id]) if department_id is not None else figures.departments(visible, period)
    )
    if department_id is not None and not tenants:
        raise NotFoundError(_l("No such department."))
    return tenants


# --- figures ----------------------------------------------------------------------------------------


@query(Permission.SUPERVISION_VIEW, scope=across)
def statuses(period: Period, department_id: int | None = None, *, reader: Actor) -> list[figures.Status]:
    """Every department's figures of ``period`` (a leader: their own, its evaluations as disclosed), or one
    department's."""
    return evaluation_figures.as_read_by(
        figures.compute(period, _departments(reader, department_id, period)), period, reader
    )


@dataclass(frozen=True)
class Levels:
    """A region's figures as its bureau reads them (本级与下级): the region, its bureau's own department rows (the
    departments of the region and of lower regions without a bureau of their own), and one rolled-up row per lower
    region with a bureau of its own (:class:`levels.RegionRow`), each drilled down by asking again for its region.
    ``above``: the regions from the reader's own down to this one's parent, for the way back up. Read from the stored
    figures (:mod:`..stored`): ``counted_at``, when they were counted (the oldest row's; None: not counted yet), and
    ``missing``, the departments of the branch not counted yet; counted now: ``counted_at`` None, nothing missing."""

    region: Region | None
    departments: list[figures.Status]
    regions: list[levels.RegionRow]
    above: list[Region]
    counted_at: datetime | None = None
    missing: list[Tenant] = field(default_factory=list)

    @property
    def statuses(self) -> list[figures.Status]:
        """Every row's figures, the departments' then the regions' (a chart's bars)."""
        return self.departments + [row.status for row in self.regions]


def region_branch(reader: Actor, region_id: int | None) -> tuple[Region | None, list[Region]]:
    """The region a bureau's reading shows (None: the reader's own; a supervisor may ask for any region of its
    branch, NotFoundError for one outside it, as for one that does not exist) and the regions above it up to the
    reader's own, top first. A department's leader reads its own department only: no region."""
    if not sees_every_department(reader):
        if region_id is not None:
            raise NotFoundError(_l("No such region."))
        return None, []
    own = regions.get_region(cast(int, levels.region_of(reader.tenant_id)))
    if region_id is None or region_id == own.id:
        return own, []
    asked = regions.get_region(region_id)
    if not asked.path.startswith(own.path):
        raise NotFoundError(_l("No such region."))
    above = [r for r in reversed(regions.chain(asked.id)[1:]) if r.path.startswith(own.path)]
    return asked, above


def region_figures(
    reader: Actor,
    period: Period,
    region_id: int | None = None,
    wanted: Collection[str] | None = None,
    *,
    kept: bool = False,
) -> Levels:
    """The rows of :class:`Levels` for region ``region_id`` (None: the reader's own), in the current scope (a query
    opens it): every department of the region's branch the reader sees — counted now (one count grouped by department
    in the database), or, ``kept``, as last counted (:func:`stored.read`: one read of the stored rows, the businesses'
    voice counted now) — then split into the bureau's own rows and the lower regions' sums. A department's leader:
    their own department, counted now (one department)."""
    region, above = region_branch(reader, region_id)
    visible = visible_departments(reader)
    if region is None:
        tenants = figures.departments(visible, period)
        return Levels(
            None, evaluation_figures.as_read_by(figures.compute(period, tenants, wanted), period, reader), [], []
        )
    branch = accounts_queries.departments_in_branch(region.id)
    tenants = figures.departments([t for t in visible if t in branch], period)
    counted_at, missing = None, []
    if kept:
        found = stored.read(period, tenants)
        counted, counted_at, missing = found.statuses, found.counted_at, found.missing
    else:
        counted = figures.compute(period, tenants, wanted)
    statuses = evaluation_figures.as_read_by(counted, period, reader)
    own, rolled = levels.rows(levels.split(region.id, [t.id for t in tenants]), statuses)
    return Levels(region, own, rolled, above, counted_at, missing)


def supervised_directly(reader: Actor, period: Period | None = None) -> list[Tenant]:
    """The departments a bureau supervises itself (its own rows: its region's, and those of lower regions without a
    bureau of their own) that existed by the end of ``period``, read in the current scope; a leader's own."""
    tenants = figures.departments(visible_departments(reader), period)
    return levels.supervised_directly(reader.tenant_id, tenants) if sees_every_department(reader) else tenants


@query(Permission.SUPERVISION_VIEW, scope=across)
def region_rows(period: Period, region_id: int | None = None, *, reader: Actor) -> Levels:
    """A bureau's figures of ``period`` by level (本级与下级): its own departments' rows and one row per lower region
    with a bureau of its own, the sum of that sub-branch's departments; ``region_id``, a region of its branch (the
    drill-down of a region's row), read as that region's bureau reads it. A department's leader: their own row.
    Recorded in the reader's chain (``read.across``) as every read across departments."""
    return region_figures(reader, period, region_id)


@query(Permission.SUPERVISION_VIEW, scope=across)
def figure_rows(key: str, department_id: int, period: Period, *, reader: Actor) -> tuple[str, drill_down.Rows]:
    """The rows figure ``key`` counts for one department (drill-down; its evaluations the bureau's alone), with its
    name."""
    require_rows_reader(key, reader)
    tenants = _departments(reader, department_id)
    return tenants[0].name, drill_down.rows_of(key, department_id, period)


@query(Permission.SUPERVISION_VIEW, scope=across)
def department_choices(*, reader: Actor) -> list[tuple[int, str]]:
    """The departments a reader may ask a table of (every department of the bureau's branch, for a supervisor)."""
    if not sees_every_department(reader):
        return []
    return [(t.id, t.name) for t in figures.departments(visible_departments(reader))]


# --- the assessment ---------------------------------------------------------------------------------------


def _scored(period: Period, tenants: list[Tenant], reader: Actor) -> list[assessment.Score]:
    """The scores of ``tenants`` (best first): the figures the deductions count (:data:`assessment.FIGURES`, the
    departments' own rows) counted for them alone, in one grouped read per kind whatever their number."""
    rules, full = assessment.settings(reader.tenant_id), assessment.full_score(reader.tenant_id)
    with narrowed(t.id for t in tenants):
        counted = figures.compute(period, tenants, assessment.FIGURES)
    return sorted((assessment.score(s, rules, full) for s in counted), key=lambda sc: (-sc.score, sc.status.code))


@query(Permission.SUPERVISION_VIEW, scope=across)
def scores(period: Period, department_id: int | None = None, *, reader: Actor) -> list[assessment.Score]:
    """The departments' scores of the year (best first), or one department's."""
    return _scored(period, _departments(reader, department_id, period), reader)


@dataclass(frozen=True)
class RegionBelow:
    """A lower region with a justice bureau of its own, as the assessment lists it: its name, its bureau's, and how
    many departments it holds (their scores: open the region)."""

    region: Region
    bureau: str
    departments: int


@dataclass(frozen=True)
class Assessed:
    """The assessment as a bureau reads it by level (本级与下级): the scores of its own departments (its region's and
    those of lower regions without a bureau of their own), one row per lower region with a bureau of its own, opened by
    asking again for its region; ``above``: the way back up. A leader: their own department's score."""

    region: Region | None
    scores: list[assessment.Score]
    regions: list[RegionBelow]
    above: list[Region]


@query(Permission.SUPERVISION_VIEW, scope=across)
def assessed(period: Period, region_id: int | None = None, *, reader: Actor) -> Assessed:
    """The scores of the year of the departments region ``region_id``'s bureau supervises itself (None: the reader's
    own region; a region of the reader's branch, as that region's bureau reads it) and the lower regions with a
    bureau of their own, each with its number of departments — a few statements whatever the size of the branch."""
    region, above = region_branch(reader, region_id)
    visible = visible_departments(reader)
    if region is None:
        return Assessed(None, _scored(period, figures.departments(visible, period), reader), [], [])
    branch = accounts_queries.departments_in_branch(region.id)
    tenants = figures.departments([t for t in visible if t in branch], period)
    found = levels.split(region.id, [t.id for t in tenants])
    direct = set(found.direct)
    below = [
        RegionBelow(found.regions[r], getattr(found.bureaus.get(r), "name", ""), len(ids))
        for r, ids in found.below.items()
    ]
    return Assessed(
        region,
        _scored(period, [t for t in tenants if t.id in direct], reader),
        sorted(below, key=lambda row: row.region.code),
        above,
    )


@query(Permission.SUPERVISION_VIEW)
def deductions(*, reader: Actor) -> list[assessment.Setting]:
    """The deductions as the reader's bureau set them, the rules' defaults (its level's) for the rest."""
    return assessment.settings(reader.tenant_id)


def full_score(tenant_id: int | None = None) -> float:
    """The full score of the assessment (the rules in force at the level of department ``tenant_id``)."""
    return assessment.full_score(tenant_id)


def coverage_goals(tenant_id: int | None = None) -> dict[str, int | None]:
    """The coverage goals of the level of department ``tenant_id`` (its region's rules; None: the root's) in per
    cent (None: they set none), for the charts' target line."""
    rules = levels.rules_of(tenant_id)
    goals = {field: rules.coverage_goal_bp(field) for field in ("market", "other")}
    return {field: None if goal is None else goal // 100 for field, goal in goals.items()}


#: The parameters the figures are counted against, as the definitions page lists them.
COUNTED_AGAINST = (
    "report_days",
    "publish_days",
    "plan_filing_deadline",
    "half_year_plans",
    "coverage_market",
    "coverage_other",
    "duties",
    "due_soon_days",
    "assessment",
)


@query(Permission.SUPERVISION_VIEW)
def rules_in_force(*, reader: Actor) -> list:
    """What the figures are counted against today, with where each comes from (the rules of the reader's level:
    its region's; a department's own rules may only be stricter)."""
    rows = rules_queries.parameter_rows(levels.rules_of(reader.tenant_id))
    return [row for row in rows if row.key in COUNTED_AGAINST]


# --- contacts (负责人和联络员) --------------------------------------------------------------------------


@query(Permission.SIGNED_IN, scope=contacts_policy.scope)
def contacts(*, reader: Actor) -> list[Listed]:
    """The list as ``reader`` may read it: every active department's of its branch for a justice bureau (audited
    cross-department reading), one's own department's otherwise; Forbidden to anyone else."""
    contacts_policy.require_reader(reader)
    if contacts_policy.reads_every_department(reader):
        active = sa.select(Tenant).where(Tenant.active.is_(True)).order_by(Tenant.kind, Tenant.code)
        return rows_of(list(db.session.scalars(within_reach(active))))
    tenant = db.session.get(Tenant, reader.tenant_id)
    return rows_of([tenant]) if tenant is not None else []


# --- tables (the seeds' statistical tables) ---------------------------------------------------------------


def build_table(
    reader: Actor,
    code: str,
    period: Period,
    department_id: int | None = None,
    progress: Callable[[int], None] = lambda p: None,
) -> tuple[bytes, str]:
    """Table ``code`` of ``period`` as ``reader`` may read it (every department, one, or their own),
    through the audited reading; returns the workbook and its file name (the job's work)."""
    check_request(code, reader, department_id, period)
    return _table(code, period, department_id, progress=progress, reader=reader)


@dataclass(frozen=True)
class OfferedTable:
    """A statistical table the rules in force use, as the tables page offers it."""

    code: str
    name: str  # its common name
    source: str  # where the rulebook gives it: 《……》附件2
    area_wide: bool


def tables_offered(reader: Actor) -> list[OfferedTable]:
    """The tables of the rules in force at the reader's level the reader may build (the area-wide one: the justice
    bureau's)."""
    rules, every = levels.rules_of(getattr(reader, "tenant_id", None)), sees_every_department(reader)
    return [
        OfferedTable(spec.code, spec.name, rules.table_source(spec.code), spec.area_wide)
        for spec in tables.offered(rules)
        if every or not spec.area_wide
    ]


@query(Permission.SUPERVISION_VIEW, scope=across)
def _table(
    code: str, period: Period, department_id: int | None = None, progress: Callable = lambda p: None, *, reader: Actor
) -> tuple[bytes, str]:
    visible = visible_departments(reader, department_id)
    tenants = figures.departments([department_id] if department_id is not None else visible, period)
    single = len(tenants) == 1 and (department_id is not None or not sees_every_department(reader))
    data, title = tables.build(
        code, period, tenants, single=single, filer=getattr(reader, "tenant_id", None), progress=progress
    )
    return data, tables.file_name(title, period, tenants[0].name if single else None)


# --- notices of criticism ------------------------------------------------------------------------------


@query(Permission.SUPERVISION_VIEW)
def criticisms(*, reader: Actor) -> list[Criticism]:
    """The bureau's notices of criticism, newest first."""
    return criticism.list_all()


@query(Permission.SUPERVISION_VIEW)
def criticism_drafts(*, reader: Actor) -> list[Criticism]:
    """The bureau's notices of criticism waiting for approval."""
    return criticism.drafts()


@dataclass
class CriticismView:
    criticism: Criticism
    actions: frozenset
    period: Period | None
    #: A draft's free text beyond what it names freely (:func:`criticism.named_in`): a title's departments outside
    #: the bureau's supervision, the other departments its text names (the signing leader confirms each).
    named: NamedIn | None = None


@query(Permission.SUPERVISION_VIEW)
def criticism_view(criticism_id: int, *, reader: Actor) -> CriticismView:
    """One notice of criticism with the steps the reader may take on it, and — a draft — the departments its
    free text names that the signing leader must see (:func:`criticism.named_in`)."""
    found = criticism.get(criticism_id)
    named = None
    if found.status == CriticismStatus.draft:
        issuer = accounts_queries.get_tenant(found.tenant_id)
        named = criticism.named_in(found.title, found.body, found.findings, issuer)
    return CriticismView(found, CRITICISM_ACTIONS.allowed(found, reader), parse_period(found.period), named)


# --- statistical tables owed and submitted (报表报送) --------------------------------------------------------


@dataclass(frozen=True)
class CellView:
    """A cell of the table the department fills, with the entry it shows (None: empty) and whether that
    entry was made for an earlier period (carried over until another is entered)."""

    cell: entries.Cell
    entry: ReportEntry | None
    carried: bool

    @property
    def value(self) -> str:
        return self.entry.value if self.entry is not None else ""


@dataclass
class DutyView:
    state: duties.DutyState
    actions: frozenset
    history: list[ReportSubmission]
    cells: list[CellView]

    @property
    def empty_cells(self) -> list[str]:
        """The questions still unanswered: the table is not signed while there is one."""
        return [view.cell.question for view in self.cells if not view.value]


@query(Permission.SIGNED_IN)
def duty_view(tenant: Tenant, due: Due, *, reader: Actor) -> DutyView:
    """A table the department owes for a period, with its versions and the steps the reader may take;
    NotFoundError when the department does not owe it."""
    if not duties.applies(tenant, due, duties.other_field_departments()):
        raise NotFoundError(_l("Your department does not submit this table."))
    state = duties.state_of(tenant, due)
    shown = entries.latest(due.duty.code, due.period, [tenant.id]).get(tenant.id, {})
    cells = [
        CellView(cell, shown.get(cell.key), cell.key in shown and shown[cell.key].period != due.period.code)
        for cell in entries.cells_of(due.duty.code)
    ]
    return DutyView(
        state,
        REPORT_ACTIONS.allowed(state, reader),
        submissions.history(tenant.id, due.duty.code, due.period.code),
        cells,
    )


@query(Permission.SIGNED_IN)
def submission(submission_id: int, *, reader: Actor) -> tuple[ReportSubmission, Tenant]:
    """A version of a table with its department: one's own department's, or any for the justice
    bureau (through its audited reading); NotFoundError otherwise."""
    return submissions.get(submission_id, reader)


@query(Permission.SUPERVISION_VIEW, scope=across)
def submissions_overview(year: int, *, reader: Actor) -> list[duties.DutyOverview]:
    """The tables of ``year`` a bureau receives, as submitted — those of the departments it supervises itself, and
    the area-wide tables the bureaus of the regions just below it send to the level above (:func:`levels.received_by`)
    — and its own; a leader: their own department's. The versions are loaded while the departments are visible."""
    tenants = figures.departments(visible_departments(reader))
    if not sees_every_department(reader):
        return _loaded(duties.overview(tenants, [year]))
    # Only the departments whose tables the bureau receives are read (a province's bureau: its own region's and the
    # bureaus just below, not every department of the province), each one's table states filtered by what it sends.
    received = levels.received_by(cast(int, reader.tenant_id), [t.id for t in tenants])
    kept = [t for t in tenants if t.id == reader.tenant_id or t.id in received.departments or t.id in received.bureaus]
    rows = [
        replace(
            row,
            states=[
                s
                for s in row.states
                if s.tenant.id == reader.tenant_id or received.receives(s.tenant.id, row.due.duty.area_wide)
            ],
        )
        for row in duties.overview(kept, [year])
    ]
    return _loaded([row for row in rows if row.states])


def _loaded(rows: list[duties.DutyOverview]) -> list[duties.DutyOverview]:
    """``rows`` with their versions loaded while the departments are visible."""
    for row in rows:
        for state in row.states:
            _ = [(v.id, v.submitted_at, v.signed_by_name) for v in state.versions]
    return rows


@query(Permission.SIGNED_IN)
def own_department(*, reader: Actor) -> Tenant:
    """The reader's own department (NotFoundError for the platform's administrator, who has none)."""
    tenant = db.session.get(Tenant, reader.tenant_id) if getattr(reader, "tenant_id", None) else None
    if tenant is None:
        raise NotFoundError(_l("No such department."))
    return tenant


# --- to-dos -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Basics:
    """A department's 一单两库一细则 as the rules that ask them read them: what is still missing, and the
    document and article that ask them (the home's to-do of its administrator)."""

    id: int
    missing: tuple[str, ...]
    rule: str
    #: The keys of what is missing (``items``, ``entries``, ``inspectors``, ``rules``).
    keys: tuple[str, ...] = ()


def _basics_task(reader: Actor) -> list[Task]:
    """Where the rules ask every department to have and file its 一单两库一细则 (``basics_filed``), the
    administrator's to-do while one of the four is missing or unpublished."""
    if not has_permission(reader, Permission.CATALOG_MANAGE) or getattr(reader, "tenant", None) is None:
        return []
    tenant = tenant_of(reader)
    rules = rules_for(tenant.id)
    if not rules.basics_filed or tenant.kind == TenantKind.supervisor:
        return []
    present = figures.basics_present(tenant.id)
    missing = tuple(
        (key, name)
        for key, name in (
            ("items", "随机抽查事项清单"),
            ("entries", "检查对象名录库"),
            ("inspectors", "执法检查人员名录库"),
            ("rules", "实施细则"),
        )
        if not present[key]
    )
    if not missing:
        return []
    names, keys = tuple(name for _key, name in missing), tuple(key for key, _name in missing)
    return [Task("basics", Basics(tenant.id, names, rules.cite("basics_filed"), keys), frozenset({"complete"}))]


def tasks_for(reader: Actor, limit: int = 20) -> list[Task]:
    """The statistical tables to submit (报表报送, kind ``report``) whose due date is near or past: a
    planner prepares one (not once it waits for the leader), a leader signs and submits it; for the
    bureau's leader, the drafted notices of criticism (通报, kind ``criticism``) to approve; for its supervisor, the
    blinded draws to check (核验抽取, kind ``draw_check``: :mod:`.draw_checks`); for a department's
    administrator, the 一单两库一细则 still missing where the rules ask them (``basics``); and for its administrator and
    planner, the steps still to take before its first spot-check (``setup``: :mod:`.setup`)."""
    found = _criticisms_to_approve(reader) if has_permission(reader, Permission.SUPERVISION_VIEW) else []
    found += complaints.tasks(reader)
    found += draw_checks.tasks(reader)
    basics = _basics_task(reader)
    found += basics + setup.setup_task(reader, covered={key for task in basics for key in task.obj.keys})
    found += upkeep.stale_directory_task(reader)
    if not has_permission(reader, Permission.REPORTS_PREPARE) or getattr(reader, "tenant", None) is None:
        return found[:limit]
    for state in _reports_to_do(tenant_of(reader), reader):
        actions = REPORT_ACTIONS.allowed(state, reader)
        actions = actions & {"submit"} if "submit" in actions else actions
        if state.prepared is not None and "submit" not in actions:
            continue  # prepared: waiting for the leader
        found.append(
            Task(
                "report",
                state,
                frozenset(actions),
                state.due.due_on,
                deadlines.flag(state.due.due_on, tenant_id=reader.tenant_id),
            )
        )
    return found[:limit]


#: How far ahead a duty shows on the to-do list (days before its due date).
TODO_DAYS_AHEAD = 31


def _reports_to_do(tenant: Tenant, actor: Actor) -> list[duties.DutyState]:
    """The duties on the to-do list of ``actor``: owed, not submitted, the period begun and the due
    date within :data:`TODO_DAYS_AHEAD` days or past, when the actor can take a step on them."""
    day = today()
    found = []
    for state in duties.states_of(tenant):
        if state.versions or state.status not in ("pending", "missing"):
            continue
        if (state.due.due_on - day).days > TODO_DAYS_AHEAD or not REPORT_ACTIONS.allowed(state, actor):
            continue
        found.append(state)
    return found


def _criticisms_to_approve(reader: Actor) -> list[Task]:
    tasks = []
    for draft in criticism.drafts():
        if actions := CRITICISM_ACTIONS.allowed(draft, reader) & {"approve"}:
            tasks.append(Task("criticism", draft, frozenset(actions)))
    return tasks


def table_jobs(reader: Actor, limit: int = 20) -> list[Job]:
    """The newest statistical-table jobs ``reader`` may see."""
    return jobs.list_jobs(reader, kinds=[TABLE_JOB], limit=limit)


def table_file(job_id: int, reader: Actor) -> tuple[bytes, str]:
    """The workbook of a finished table job of the reader's (NotFoundError otherwise)."""
    job = jobs.job_for(job_id, reader)
    result = job.result or {}
    if job.kind != TABLE_JOB or not result.get("storage_key") or not storage.exists(result["storage_key"]):
        raise NotFoundError(_l("No such table."))
    return storage.read(result["storage_key"]), result["file_name"]
