"""Every command checks who acts: called directly (as a Celery task, the console or a forgetful
route would call it) by each role that lacks its permission, it refuses and changes nothing.
Commands own their transaction: a command that fails leaves no trace of its work."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import sqlalchemy as sa
from flask_login import AnonymousUserMixin

import spotcheck
from spotcheck.core import commands
from spotcheck.core.commands import unit_of_work
from spotcheck.core.database import db
from spotcheck.core.errors import ForbiddenError, InvalidInputError
from spotcheck.core.policy import BUSINESS_PERMISSIONS, CONSOLE, SCHEDULER, Role, has_permission
from spotcheck.core.scoping import system_access, tenant_scope
from spotcheck.tenants.accounts import commands as services
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaigns
from spotcheck.tenants.campaigns.models import CampaignStatus
from spotcheck.tenants.items import commands as items
from spotcheck.tenants.items.models import Item
from tests.support.campaign_world import build, campaign_data, planner_of
from tests.support.helpers import post_form, signed_in, user_named

#: Modules that build an application when imported (entry points), not command modules.
ENTRY_POINTS = {"spotcheck.wsgi", "spotcheck.worker", "spotcheck.draw.__main__"}

#: One demo user per role (each holds that role only).
USER_OF_ROLE = {
    Role.platform_admin: "admin",
    Role.tenant_admin: "scj_admin",
    Role.planner: "scj_planner",
    Role.leader: "scj_leader",
    Role.inspector: "scj_inspector",
    Role.coordinator: "scj_coord",
    Role.supervisor: "sfj_supervisor",
}


def all_commands() -> dict[str, commands.Command]:
    for module in pkgutil.walk_packages(spotcheck.__path__, "spotcheck."):
        if module.name not in ENTRY_POINTS:
            importlib.import_module(module.name)
    return dict(commands.REGISTRY)


def test_the_registry_holds_every_state_change():
    registry = all_commands()
    expected = {
        "spotcheck.tenants.campaigns.commands.drafting.approve",
        "spotcheck.tenants.campaigns.commands.drafting.create_campaign",
        "spotcheck.tenants.campaigns.commands.ceremony.draw_targets",
        "spotcheck.tenants.campaigns.commands.teams.replace_inspector",
        "spotcheck.tenants.plans.commands.review",
        "spotcheck.tenants.items.commands.publish_item",
        "spotcheck.tenants.directory.commands.create_entity",
        "spotcheck.tenants.inspectors.commands.id_number_of",
        "spotcheck.tenants.rules.commands.document.publish",
        "spotcheck.tenants.rules.commands.versions.load_rulebook",
        "spotcheck.tenants.rules.commands.versions.load_department_rules",
        "spotcheck.tenants.accounts.commands.administration.create_department",
        "spotcheck.tenants.spreadsheets.commands.run_import",
        "spotcheck.tenants.accounts.commands.signing_in.change_password",
    }
    assert expected <= set(registry), sorted(expected - set(registry))
    for name, command in registry.items():
        holders = [role for role in Role if has_permission(_role_holder(role), command.permission)]
        system = [actor for actor in (CONSOLE, SCHEDULER) if has_permission(actor, command.permission)]
        # a business signed in as itself (企业账户): its own permissions, which no staff role holds
        business = [place for place, held in BUSINESS_PERMISSIONS.items() if command.permission in held]
        assert command.permission is None or holders or system or business, f"{name}: nobody may run it"


class _RoleHolder:
    is_authenticated, active = True, True

    def __init__(self, role):
        self.roles = [role.value]


def _role_holder(role):
    return _RoleHolder(role)


def _snapshot() -> dict[str, int]:
    """Rows per table, read across departments: any write shows here."""
    with system_access("count every table for the command walk"):
        return {
            table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
        }


def _dummy_arguments(command: commands.Command) -> tuple[list, dict]:
    args, kwargs = [], {}
    for parameter in command.parameters:
        if parameter.name == "actor" or parameter.default is not inspect.Parameter.empty:
            continue
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            args.append(None)
        elif parameter.kind == parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = None
    return args, kwargs


def test_every_command_refuses_every_role_without_its_permission_and_changes_nothing(app):
    registry = all_commands()
    with app.app_context():
        actors = {role.value: user_named(login) for role, login in USER_OF_ROLE.items()}
        actors.update({"anonymous": AnonymousUserMixin(), "console": CONSOLE, "scheduler": SCHEDULER})
        before = _snapshot()
        refused = 0
        for _name, command in sorted(registry.items()):
            if command.permission is None:
                continue
            run = getattr(importlib.import_module(command.function.__module__), command.function.__name__)
            for _label, actor in actors.items():
                if has_permission(actor, command.permission):
                    continue
                args, kwargs = _dummy_arguments(command)
                with tenant_scope(getattr(actor, "tenant_id", None)), pytest.raises(ForbiddenError, match=r"."):
                    run(*args, actor=actor, **kwargs)
                refused += 1
        assert _snapshot() == before
        assert refused > 100  # every command, most roles


def test_a_department_administrator_cannot_approve_a_campaign(app):
    with app.app_context():
        world = build()
        admin = user_named("yjj_admin")
        with tenant_scope(world["tenant"]):
            campaign = campaign_commands.create_campaign(campaign_data(world), actor=planner_of(admin))
            with pytest.raises(ForbiddenError):
                campaign_commands.approve(campaign.id, actor=admin)
            assert campaigns.get_campaign(campaign.id).status == CampaignStatus.draft


def test_a_department_with_a_bad_administrator_is_not_created(app):
    """Creating a department and its first administrator is one command: a password that is too
    short refuses both, the code stays free, and nothing shows on the public portal."""
    with app.app_context():
        platform_admin = user_named("admin")
        before = _snapshot()
        with pytest.raises(InvalidInputError) as refused:
            services.create_department(
                {
                    "code": "ZJNEW",
                    "name": "新设局",
                    "kind": "ordinary",
                    "region": "231084",
                    "admin": {"login": "zjnew_admin", "display_name": "新管理员", "password": "short"},
                },
                actor=platform_admin,
            )
        assert set(refused.value.errors) == {"admin_password"}
        assert _snapshot() == before
        tenant = services.create_department(
            {
                "code": "ZJNEW",
                "name": "新设局",
                "kind": "ordinary",
                "region": "231084",
                "admin": {"login": "zjnew_admin", "display_name": "新管理员", "password": "Long-enough-2026"},
            },
            actor=platform_admin,
        )
        assert tenant.code == "ZJNEW"


def test_the_department_page_refuses_a_bad_administrator_and_creates_nothing(app):
    client = signed_in(app, "admin")
    data = {
        "code": "ZJPAGE",
        "name": "页面新设局",
        "kind": "ordinary",
        "region": "231084",
        "admin_login": "zjpage_admin",
        "admin_name": "页面管理员",
        "admin_password": "short",
    }
    refused = post_form(client, "/platform/tenants/new", data, token_from="/platform/tenants/new")
    assert refused.status_code == 200 and "zjpage" not in client.get("/platform/tenants").get_data(as_text=True).lower()
    assert "ZJPAGE" not in app.test_client().get("/public").get_data(as_text=True)
    again = post_form(
        client,
        "/platform/tenants/new",
        {**data, "admin_password": "Long-enough-2026"},
        token_from="/platform/tenants/new",
    )
    assert again.status_code == 302  # the code was never taken
    assert "ZJPAGE" in client.get("/platform/tenants").get_data(as_text=True)


def test_a_failed_nested_command_leaves_nothing_while_its_caller_goes_on(app):
    """A command called inside another runs in a savepoint: when it fails, its writes are undone
    and the caller may go on; the caller's own writes are kept when it commits."""
    with app.app_context():
        admin = user_named("scj_admin")
        with tenant_scope(admin.tenant_id):
            with unit_of_work():
                kept = items.create_item({"name": "保留的事项"}, actor=admin)
                with pytest.raises(InvalidInputError):
                    items.update_item(kept.id, {"name": ""}, actor=admin)
            names = set(db.session.scalars(sa.select(Item.name)))
            assert "保留的事项" in names
            with pytest.raises(RuntimeError), unit_of_work():
                items.create_item({"name": "撤销的事项"}, actor=admin)
                raise RuntimeError("the caller fails after the nested command")
            assert "撤销的事项" not in set(db.session.scalars(sa.select(Item.name)))
