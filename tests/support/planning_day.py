"""The day the suite's worlds plan their campaigns (规划日): 20 February 2026.

The worlds' plans schedule their checks for March and April 2026 (:mod:`tests.support.campaign_world`,
:mod:`tests.support.joint_world`, with their windows 2026-03-01 to 2026-04-30), and their tests run on the real date
or on a day they set, often after those windows (to record, review and publish the results). A campaign whose window
is over is refused at saving and at approval (:func:`spotcheck.tenants.campaigns.checking.window_over`), a plan for a
year that is over too (:func:`spotcheck.tenants.plans.commands.create_plan`): in the suite those two rules read the
planning day (or the clock, if earlier), as if every world had been prepared before its windows opened.

A test of those rules — and of the demo, which sets the clock at each step itself — is marked ``planning_clock``: the
rules then read the one clock (:func:`spotcheck.core.clock.today`), unchanged, as the test sets it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest

from spotcheck.core import clock
from spotcheck.tenants.campaigns import checking
from spotcheck.tenants.plans import commands as plan_commands

PLANNING_DAY = date(2026, 2, 20)


def planning_today() -> date:
    """The day the window and plan-year rules read in an unmarked test: the planning day, or the clock if earlier."""
    return min(clock.today(), PLANNING_DAY)


def _read(patch: pytest.MonkeyPatch, day: Callable[[], date]) -> None:
    patch.setattr(checking, "today", day)
    patch.setattr(plan_commands, "today", day)


@pytest.fixture(scope="session", autouse=True)
def _worlds_planned_on_the_planning_day() -> Iterator[None]:
    """The whole suite reads the planning day: the worlds a module builds once (its module's fixtures) too."""
    patch = pytest.MonkeyPatch()
    _read(patch, planning_today)
    yield
    patch.undo()


@pytest.fixture(scope="module", autouse=True)
def _marked_module_reads_the_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    """A module marked ``planning_clock`` reads the one clock, its worlds included."""
    if request.node.get_closest_marker("planning_clock") is None:
        yield
        return
    patch = pytest.MonkeyPatch()
    _read(patch, clock.today)
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _marked_test_reads_the_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A test marked ``planning_clock`` reads the one clock."""
    if request.node.get_closest_marker("planning_clock") is not None:
        _read(monkeypatch, clock.today)
