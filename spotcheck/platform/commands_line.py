"""The application's console commands (控制台命令): ``spotcheck demo``, ``spotcheck audit verify``
and ``publish-heads``, ``spotcheck db upgrade`` (Flask-Migrate's, then a new deployment's first
audit heads and the old proofs withdrawn from public view), ``spotcheck draws redact``, ``spotcheck
create-platform-admin``, ``spotcheck exports backfill`` and ``spotcheck calendar …``, registered
on the app by the factory (:func:`register_app_commands`); they run as the console
(:data:`~spotcheck.core.policy.CONSOLE`), through the commands like a page.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_migrate import cli as migrate_cli

from spotcheck.core import audit, audit_heads
from spotcheck.core.calendar import add_working_days
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.official_calendar import SOURCES, decode, load_year, years
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.platform.draws_console import draws_group, redact_everywhere, report as redaction_report
from spotcheck.platform.operations_console import COMMANDS as OPERATIONS
from spotcheck.platform.regions_console import regions_group
from spotcheck.platform.rules_console import rules_group
from spotcheck.tenants.accounts import commands as accounts, queries as account_queries
from spotcheck.tenants.audit import commands as audit_commands
from spotcheck.tenants.exports import commands as exports


@click.group("audit", help="The audit trail (全程留痕).")
def audit_group() -> None:
    pass


@audit_group.command("verify", help="Verify every hash chain; exit 1 and name the first bad entry if any.")
@click.option(
    "--against",
    metavar="URL_OR_FILE",
    default=None,
    help="Also check that the chains extend every head published at /public/audit-heads.json "
    "(its address, or a copy kept as a file).",
)
@with_appcontext
def audit_verify(against: str | None) -> None:
    checked, breaks = audit.verify()
    mismatches = audit_heads.check_against(_published_heads(against)) if against else []
    for item in breaks:
        click.echo(f"BROKEN  {item}", err=True)
    for mismatch in mismatches:
        click.echo(f"NOT EXTENDED  {mismatch}", err=True)
    if breaks or mismatches:
        click.echo(
            f"audit trail NOT intact: {len(breaks)} chain(s) broken, {len(mismatches)} published head(s) "
            f"not extended, {checked} entries read",
            err=True,
        )
        sys.exit(1)
    click.echo(
        f"audit trail intact: {checked} entries verified" + (" and every published head extended" if against else "")
    )


@audit_group.command(
    "publish-heads",
    help="Publish now the head of every audit chain that moved since its last "
    "(审计链头公示, /public/audit-heads), as the scheduler does at 02:30.",
)
@with_appcontext
def audit_publish_heads() -> None:
    outcome = audit_commands.publish_audit_heads(actor=CONSOLE)
    click.echo(
        f"已公示{outcome['published']}条审计链头（/public/audit-heads）。"
        if outcome["published"]
        else "各审计链自上次公示以来没有变化，未公示新的链头。"
    )


def publish_first_heads() -> int | None:
    """On a deployment with no head published yet, publish the first heads at once rather than at
    the next 02:30; ``None`` when heads were published before. On an empty database the first head
    is the platform chain's, whose first entry records that publication."""
    if audit_heads.latest():
        return None
    return (
        audit_commands.publish_audit_heads(actor=CONSOLE)["published"]
        or audit_commands.publish_audit_heads(actor=CONSOLE)["published"]
    )


_MIGRATE_UPGRADE = migrate_cli.db.commands["upgrade"]


@click.command(
    "upgrade",
    params=list(_MIGRATE_UPGRADE.params),
    help=f"{_MIGRATE_UPGRADE.help} On a new deployment, then publish the first audit heads. Up to the head, then "
    "withdraw from public view the old proofs that name a business's class, flag or recusal (spotcheck draws redact).",
)
@click.pass_context
@with_appcontext
def db_upgrade(ctx: click.Context, **options: object) -> None:
    """Flask-Migrate's ``db upgrade``, then the first audit heads of a new deployment; up to the head, the old proofs
    withdrawn from public view (隐去明细: each audited in its department's trail as the console's)."""
    ctx.invoke(_MIGRATE_UPGRADE, **options)
    if not options.get("sql"):
        published = publish_first_heads()
        if published is not None:
            click.echo(f"新部署：已公示首批{published}条审计链头（/public/audit-heads）。")
        if options.get("revision") in (None, "head"):
            outcome = redact_everywhere(dry_run=False)
            if outcome.withdrawn:
                redaction_report(outcome, dry_run=False, kept=False)


def _published_heads(source: str) -> list[dict]:
    """The heads of a kept copy of /public/audit-heads.json, read from its address or from a file."""
    try:
        if source.startswith(("http://", "https://")):
            with urllib.request.urlopen(source, timeout=30) as answer:  # an address the operator gives
                data = json.load(answer)
        else:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        return [
            {"chain": int(head["chain"]), "entries": int(head["entries"]), "last_hash": str(head["last_hash"])}
            for head in data["heads"]
        ]
    except (OSError, ValueError, KeyError, TypeError) as failed:
        raise click.ClickException(f"cannot read the published heads from {source}: {failed}") from None


@click.command("demo", help="Load the demo city (idempotent) and print the logins.")
@click.option(
    "--entities",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="Registry entities of the demo city (default: 20000 for a new city; an existing city keeps "
    "its size; a bigger N grows it; 0: departments and users only).",
)
@click.option(
    "--scale",
    type=click.IntRange(min=1, max=100),
    default=1,
    show_default=True,
    metavar="N",
    help="An enlarged demo at a real department's size: N times the entities (unless --entities is "
    "given) and the inspectors, and a large joint campaign of 应急管理局 and 商务局 left at its "
    "invitation, to take to published results through the pages.",
)
@click.option(
    "--rules",
    "rules",
    default="宁安市",
    show_default=True,
    metavar="NAME",
    help="The rulebook the demo's county adopts: a preset of spotcheck rules presets (宁安市 or 城口县), which "
    "also says where the demo is (宁安市: 牡丹江市 above it; 城口县: 重庆市). A county that has a rulebook keeps it.",
)
@with_appcontext
def demo_command(entities: int | None, scale: int, rules: str) -> None:
    from spotcheck.demo import (  # heavy: the demo city's tables load only for this command
        DEMO_ENTITIES,
        DEMO_PASSWORD,
        city_size,
        city_summary,
        load_demo,
    )
    from spotcheck.demo.business import login_of as demo_business_login  # heavy, as the demo above

    if entities is None:
        existing = city_size()
        entities = max(DEMO_ENTITIES * scale, existing or 0) if scale > 1 or existing is None else existing
    # the loader is a script: the jobs its steps start (documents, draws) run as it goes, so the
    # city is whole when it ends, whatever queue the web server uses
    current_app.extensions["celery"].conf.task_always_eager = True
    logins = load_demo(entities=entities, scale=scale, rules=rules, actor=CONSOLE)
    click.echo("Demo departments and users are ready. Password for every demo user: " + DEMO_PASSWORD)
    for login, name, department, roles in logins:
        click.echo(f"  {login:<16} {name:<8} {department:<8} {', '.join(roles)}")
    business = demo_business_login()
    if business is not None:
        click.echo(
            f"Demo business (/business/sign-in): {business.name}, credit code {business.credit_code}, "
            f"login {business.login}, password {business.password}"
        )
    summary = city_summary()
    click.echo(f"Demo city: {summary['entities']} entities in the registry")
    click.echo(
        f"Its inspection codes' QR carry {current_app.config['SPOTCHECK_PUBLIC_BASE_URL']}/public/checks/… "
        "(SPOTCHECK_PUBLIC_BASE_URL; `make demo` sets it from PORT)"
    )
    click.echo(f"The demo's place: {summary['levels']} (regions at /platform/regions, /public)")
    click.echo(f"Its rules: {summary['place']}, 《{summary['rulebook']}》 (spotcheck rules show; /public/rules)")
    click.echo(f"  {summary['upper']}: {summary['upper_rules']}")
    for code, counts in summary["departments"].items():
        click.echo(
            f"  {code:<6} {counts['directory_entry']:>8} directory entries {counts['item']:>4} items "
            f"{counts['inspector']:>4} inspectors"
        )
    if summary["campaigns"]:
        click.echo("Demo campaigns (public draws and proofs at /public/draws):")
        for department, code, title, status in summary["campaigns"]:
            click.echo(f"  {department:<4} {code:<14} {status:<17} {title}")
    for code, year, field, status in summary.get("joint_plans", []):
        click.echo(f"Joint plan of the field {field} {year} by {code}: {status} (/plans, /public/draws)")
    for joint in summary["joint"]:
        click.echo(
            f"Joint campaign {joint['code']} {joint['title']} ({'、'.join(joint['departments'])}), "
            f"{joint['status']}, /joint/{joint['id']}"
        )
        if joint["visits"] is not None:
            click.echo(
                f"  {joint['visits']} visits for {joint['checks']} checks; separate draws would need "
                f"{joint['separate']:.1f} visits: {joint['saved']:.1f} saved"
            )


@click.command("create-platform-admin", help="Create a platform administrator (asks for the password).")
@click.argument("login")
@click.option("--name", default="平台管理员", show_default=True)
@click.password_option()
@with_appcontext
def create_platform_admin(login: str, name: str, password: str) -> None:
    try:
        accounts.create_platform_admin({"login": login, "display_name": name, "password": password}, actor=CONSOLE)
    except InvalidInputError as failed:
        for field, messages in failed.errors.items():
            click.echo(f"{field}: {' '.join(messages)}", err=True)
        sys.exit(2)
    click.echo(f"platform administrator {login} created")


@click.group("exports", help="The credit-system export (信用信息共享).")
def exports_group() -> None:
    pass


@exports_group.command("backfill", help="Queue for export the results published before the export existed (once).")
@with_appcontext
def exports_backfill() -> None:
    for tenant in account_queries.list_tenants():
        with tenant_scope(tenant.id):
            queued = exports.backfill(actor=CONSOLE)
        click.echo(f"{tenant.code:<6} {queued} published result(s) queued for export")


@click.group("calendar", help="The official calendar (法定节假日与调休) the deadlines are counted on.")
def calendar_group() -> None:
    pass


@calendar_group.command(
    "load",
    help="Enter a year from the State Council's notice: FILE has lines "
    "YYYY-MM-DD<TAB>holiday|workday<TAB>name, or a date or range and 放假|上班 "
    "per line, or the notice's own text (the whole year; replaces it).",
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--notice", default="", help="The notice's title (国务院办公厅关于XXXX年部分节假日安排的通知).")
@with_appcontext
def calendar_load(file: str, notice: str) -> None:
    try:
        loaded = load_year(decode(Path(file).read_bytes()), notice=notice, actor=CONSOLE)
    except InvalidInputError as failed:
        for messages in failed.errors.values():
            for message in messages:
                click.echo(str(message), err=True)
        click.echo("未载入：请改正以上各行后重新载入（文件整体载入或整体不载入）。", err=True)
        sys.exit(2)
    click.echo(
        f"已载入{loaded.year}年法定节假日安排：放假{loaded.holidays}天，调休上班{loaded.workdays}天；"
        f"暂按周一至周五计算的期限已重新计算。"
    )


@calendar_group.command(
    "due",
    help="Print the N-th working day after DATE (DATE itself not counted) as YYYY-MM-DD; "
    "exit 3 naming the year when the count runs into a year without an official calendar.",
)
@click.argument("day", metavar="DATE")
@click.argument("days", metavar="N", type=click.IntRange(min=0))
@with_appcontext
def calendar_due(day: str, days: int) -> None:
    try:
        start = date.fromisoformat(day)
    except ValueError:
        click.echo(f"日期“{day}”无效：请写作YYYY-MM-DD。", err=True)
        sys.exit(2)
    try:
        deadline = add_working_days(start, days)
    except OverflowError:
        click.echo(f"从{start.isoformat()}起数{days}个工作日会超出9999年：请给出更早的日期。", err=True)
        sys.exit(2)
    if deadline.provisional:
        years = "、".join(f"{year}年" for year in deadline.assumed_years)
        click.echo(
            f"{years}的法定节假日和调休安排尚未录入（国务院办公厅关于部分节假日安排的通知），无法确定{start.isoformat()}后"
            f"第{days}个工作日：调休安排未公布，除法定节假日外暂按周一至周五计算为{deadline.due.isoformat()}，"
            f"以录入后的安排为准。",
            err=True,
        )
        sys.exit(3)
    click.echo(deadline.due.isoformat())


@calendar_group.command("years", help="List the years of the official calendar entered.")
@with_appcontext
def calendar_years() -> None:
    for entered in sorted(years(), key=lambda y: y.year):
        source = entered.notice if entered.source == "package" else f"{SOURCES['notice']}《{entered.notice}》"
        click.echo(f"{entered.year}  放假{entered.holidays:>3}天  调休上班{entered.workdays:>2}天  {source}")


def register_app_commands(app: Flask) -> None:
    for command in (
        audit_group,
        demo_command,
        create_platform_admin,
        exports_group,
        calendar_group,
        draws_group,
        rules_group,
        regions_group,
        *OPERATIONS,
    ):
        app.cli.add_command(command)
    migrations = app.cli.commands.get("db")
    if isinstance(migrations, click.Group):  # Flask-Migrate's group, its upgrade followed by the first heads
        app.cli.add_command(
            click.Group(
                migrations.name,
                commands={**migrations.commands, "upgrade": db_upgrade},
                params=migrations.params,
                callback=migrations.callback,
                help=migrations.help,
            )
        )
