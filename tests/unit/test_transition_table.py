"""A campaign's transitions are one table (抽查任务状态流转): every status but a draft is reached from a draft by
its rows, and each row names the registered commands that make the move, whose permission it checks."""

from __future__ import annotations

from spotcheck.core.commands import REGISTRY
from spotcheck.tenants.campaigns import commands as campaign_commands
from spotcheck.tenants.campaigns.transitions import TRANSITIONS
from spotcheck.tenants.campaigns.vocabulary import MOVED_BY, CampaignStatus
from spotcheck.tenants.joint import commands as joint_commands
from spotcheck.tenants.results import commands as results_commands

#: The packages whose commands move a campaign (imported above, so that their commands are registered).
MOVING = (campaign_commands, joint_commands, results_commands)


def test_every_status_is_reached_from_a_draft_by_the_rows_of_the_table():
    into = {row.to for row in TRANSITIONS}
    assert into == set(CampaignStatus) - {CampaignStatus.draft}
    reached, frontier = {CampaignStatus.draft}, [CampaignStatus.draft]
    while frontier:
        status = frontier.pop()
        for row in TRANSITIONS:
            if status in row.sources and row.to not in reached:
                reached.add(row.to)
                frontier.append(row.to)
    assert reached == set(CampaignStatus)


def test_each_row_names_registered_commands_holding_its_permission():
    assert all(module.__name__.startswith("spotcheck.tenants.") for module in MOVING)
    for row in TRANSITIONS:
        assert row.by and row.sources and row.to not in row.sources, row
        for by in row.by:
            package, _, function = by.partition(".")
            found = [
                command
                for name, command in REGISTRY.items()
                if name.startswith(f"spotcheck.tenants.{package}.") and name.endswith(f".{function}")
            ]
            assert len(found) == 1, (by, [command.name for command in found])
            # a system move (made by another command) checks the triggering command's permission
            assert found[0].permission == row.permission, (by, row)


def test_a_status_and_a_command_name_at_most_one_row():
    seen = [(source, row.to, by) for row in TRANSITIONS for source in row.sources for by in row.by]
    assert len(seen) == len(set(seen))


def test_the_audit_trail_names_every_step_that_moves_a_campaign_in_chinese():
    """The audit page reads a move's step by its name (批准抽查任务…), never by the command's code."""
    named = {by for row in TRANSITIONS for by in row.by}
    assert named == set(MOVED_BY)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in MOVED_BY.values())
