"""To-dos (待办事项): what a reader has to do next, as each domain's ``queries.tasks_for(reader)``
finds it; the home page puts the lists of every domain together (:func:`assemble`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from spotcheck.core.actor import Actor


@dataclass(frozen=True)
class Task:
    """Something waiting for the reader: an object and the actions they may take on it now."""

    kind: str  # "campaign", "joint", "invitation", "plan", "item", "visit", "follow_up", "transfer", "report"
    obj: Any  # the aggregate: a campaign, a visit, a plan…
    actions: frozenset[str]
    due: object = None  # the deadline that matters now (a visit's)
    flag: str | None = None  # "overdue" / "due_soon"
    provisional: bool = False  # the due date was counted Monday–Friday (no official calendar for its year yet)
    count: int | None = None  # how many of the object's rows wait for the step (a campaign's results to record)


_URGENCY = {"overdue": 0, "due_soon": 1, None: 2}


def assemble(sources: Iterable[Callable[..., list[Task]]], reader: Actor, limit: int = 20) -> list[Task]:
    """The to-dos of every domain for ``reader``: the ones with a deadline first (overdue, due soon,
    then by date), then the rest in the order the domains gave them. Two domains' to-dos about one
    object (a campaign's next ceremony step, and its hand-out) are one row with both actions."""
    found: list[Task] = []
    index: dict[tuple[object, object], int] = {}
    for tasks_for in sources:
        for task in tasks_for(reader, limit):
            key = (task.kind, getattr(task.obj, "id", id(task.obj)))
            if key in index:
                first = found[index[key]]
                found[index[key]] = replace(first, actions=first.actions | task.actions)
                continue
            index[key] = len(found)
            found.append(task)
    dated = sorted((t for t in found if t.due is not None), key=lambda t: (_URGENCY[t.flag], t.due or date.max))
    return dated + [t for t in found if t.due is None]
