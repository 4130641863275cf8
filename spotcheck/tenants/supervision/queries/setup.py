"""Setting a department up (开展抽查前的准备): what a department new on the platform still lacks before its first
spot-check — its item list (添加检查事项), its target directory (建立检查对象名录库), its inspectors (录入执法人员) and,
where the rules in force ask one, this year's plan (编制年度计划) — named, step by step, on the home page of those
who take the steps (the administrator's three, the planner's plan) and of the planner, who waits for the
administrator's (the to-do kind ``setup``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa

from spotcheck.core.actor import Actor
from spotcheck.core.clock import today
from spotcheck.core.database import db
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.todo import Task
from spotcheck.tenants.accounts.models import TenantKind, tenant_of
from spotcheck.tenants.plans.models import Plan
from spotcheck.tenants.rules.rulebook import rules_for
from spotcheck.tenants.supervision import figures

#: The steps in the order they are taken: the step's code, what it makes present (:func:`figures.basics_present`'s
#: key; ``plan``: this year's plan) and who takes it.
STEPS = (
    ("add_items", "items", Permission.CATALOG_MANAGE),
    ("add_entries", "entries", Permission.CATALOG_MANAGE),
    ("add_inspectors", "inspectors", Permission.CATALOG_MANAGE),
    ("write_plan", "plan", Permission.CAMPAIGNS_EDIT),
)


@dataclass(frozen=True)
class Setup:
    """A department's steps still to take before its first spot-check (``steps``, in order; the reader's own are
    the to-do's actions) and those its other users take: ``by_administrator`` (for a planner: the item list and the
    two directories), ``by_planner`` (for an administrator: the plan)."""

    id: int  # the department's
    steps: tuple[str, ...]
    by_administrator: tuple[str, ...] = ()
    by_planner: tuple[str, ...] = ()


def _has_plan(tenant_id: int, year: int) -> bool:
    """The department has a plan of ``year`` (a whole year's or a half-year's, at any stage)."""
    rows = sa.exists().where(Plan.tenant_id == tenant_id, Plan.year == year, Plan.kind == "annual")
    return bool(db.session.scalar(sa.select(rows)))


def setup_task(reader: Actor, covered: Collection[str] = ()) -> list[Task]:
    """The to-do (kind ``setup``) of a department's administrator and planner while the department lacks an item
    list, a target directory, inspectors or — where its rules ask plans (``plans_required``) — this year's plan;
    none for a justice bureau (it supervises) or for a reader who takes none of the steps. ``covered``: what the
    reader's 一单两库一细则 to-do asks already (``items``, ``entries``, ``inspectors``), not asked twice."""
    if getattr(reader, "tenant", None) is None:
        return []
    mine = {code for code, _key, permission in STEPS if has_permission(reader, permission)}
    if not mine:
        return []
    tenant = tenant_of(reader)
    if tenant.kind == TenantKind.supervisor:
        return []
    present = {key: key in covered or found for key, found in figures.basics_present(tenant.id).items()}
    present["plan"] = not rules_for(tenant.id).plans_required or _has_plan(tenant.id, today().year)
    steps = tuple(code for code, key, _permission in STEPS if not present[key])
    actions = frozenset(step for step in steps if step in mine)
    planner = "write_plan" in mine  # waits for the administrator's steps: told which
    if not actions and not (planner and steps):
        return []
    others = [(step, permission) for step, _key, permission in STEPS if step in steps and step not in mine]
    by_administrator = tuple(step for step, permission in others if permission == Permission.CATALOG_MANAGE)
    by_planner = tuple(step for step, permission in others if permission == Permission.CAMPAIGNS_EDIT)
    return [Task("setup", Setup(tenant.id, steps, by_administrator, by_planner), actions)]
