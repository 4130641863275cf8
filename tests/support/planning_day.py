"""The day the suite's worlds plan their campaigns (规划日): 20 February 2026.

The worlds' plans schedule their checks for March and April 2026 (:mod:`tests.support.campaign_world`,
:mod:`tests.support.joint_world`), and most tests run on the real date, long after: their campaigns are saved and
approved as on the planning day, their results recorded on the real date. A campaign whose window is over is refused
at saving and at approval (:func:`spotcheck.tenants.campaigns.checking.window_over`), a plan for a year that is over
too (:func:`spotcheck.tenants.plans.commands.create_plan`): while the clock runs, those two rules read the planning day
(or today, if earlier). A test that sets the clock (:func:`spotcheck.core.clock.frozen_at`) — the tests of these rules,
the demo's steps — meets the one clock itself, unchanged."""

from __future__ import annotations

from datetime import date

import pytest

from spotcheck.core import clock
from spotcheck.tenants.campaigns import checking
from spotcheck.tenants.plans import commands as plan_commands

PLANNING_DAY = date(2026, 2, 20)


def planning_today() -> date:
    """The day the window and plan-year rules read in the suite: the clock's when a test set it, else the planning
    day (or today, if earlier)."""
    return clock.today() if clock.is_set() else min(clock.today(), PLANNING_DAY)


@pytest.fixture(autouse=True)
def _worlds_planned_on_the_planning_day(monkeypatch):
    monkeypatch.setattr(checking, "today", planning_today)
    monkeypatch.setattr(plan_commands, "today", planning_today)
