"""``spotcheck rules …`` (规则的控制台命令): list the presets, load a version of the rulebook or of a
department's rules from a file (or ``-``, standard input) or a preset, print the version in force as
a file, and list the history. ``show`` prints what ``load`` reads: ``spotcheck rules show | spotcheck
rules load -`` loads nothing new (the same file is recognised and left as it is)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import with_appcontext

from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import queries as accounts
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.regions import queries as regions
from spotcheck.tenants.regions.queries import Region
from spotcheck.tenants.rules import commands, presets, queries
from spotcheck.tenants.rules.vocabulary import DOCUMENT_KINDS, STATE_NAMES


def _department(code: str | None) -> Tenant | None:
    if not code:
        return None
    found = next((t for t in accounts.list_tenants() if t.code == code.upper()), None)
    if found is None:
        click.echo(f"没有代码为“{code}”的部门。", err=True)
        sys.exit(2)
    return found


def _region(code: str | None) -> Region | None:
    """The level ``--region`` names (None: not given — the root's rulebook); exit 2 naming a code the tree lacks."""
    if not code:
        return None
    found = regions.by_code(code)
    if found is None:
        click.echo(f"区划树中没有区划“{code}”；spotcheck regions show 列出全部区划。", err=True)
        sys.exit(2)
    return found


def _refused(failed: InvalidInputError) -> None:
    """Each refusal under the file's key and its name (report_days.value（检查结果报送期限（取值））)."""
    for key, messages in failed.errors.items():
        for message in messages:
            click.echo(f"{key}（{queries.error_label(key)}）：{message}", err=True)
    click.echo("未载入：请改正以上各项后重新载入（文件整体载入或整体不载入，什么都没有改变）。", err=True)
    sys.exit(2)


@click.group(
    "rules", help="The rules in force (规则集): the city's rulebook (实施方案) and each department's rules (细则)."
)
def rules_group() -> None:
    pass


@rules_group.command("presets", help="List the presets shipped with the platform.")
def rules_presets() -> None:
    for preset in presets.PRESETS:
        document = preset.document
        click.echo(
            f"{preset.name}\t{DOCUMENT_KINDS[preset.kind]}\t《{document.title}》"
            f"{'（' + document.number + '）' if document.number else ''}\t施行日期 {document.effective_from}"
        )


@rules_group.command(
    "load",
    help="Load a version from FILE (a rules file, or - for standard input) or from a "
    "preset (--preset NAME). With --department CODE it is that department's rules; with --region CODE, that "
    "level's rulebook (the root's by default).",
)
@click.argument("file", required=False)
@click.option("--preset", "preset_name", default=None, help="A preset's name (spotcheck rules presets).")
@click.option("--department", default=None, help="The department's code (SCJ, YJJ …) for its rules (细则).")
@click.option("--region", default=None, help="The region's code (231084 …) for its level's rulebook (实施方案).")
@with_appcontext
def rules_load(file: str | None, preset_name: str | None, department: str | None, region: str | None) -> None:
    if preset_name:
        preset = presets.find(preset_name)
        if preset is None:
            click.echo(f"没有名为“{preset_name}”的预设；spotcheck rules presets 列出全部预设。", err=True)
            sys.exit(2)
        text, name = preset.text, preset.name
    elif file:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8-sig", errors="replace")
        name = ""
    else:
        click.echo("请给出规则文件（或 - 表示标准输入），或 --preset 预设名。", err=True)
        sys.exit(2)
    tenant = _department(department)
    level = _region(region)
    if queries.same_as_in_force(text, tenant.id if tenant else None, level.id if level else None):
        click.echo("与现行版本相同，未载入新版本。")
        return
    try:
        if tenant is None:
            data = {"text": text, "preset": name, **({"region": level.id} if level else {})}
            version = commands.load_rulebook(data, actor=CONSOLE)
        else:
            with tenant_scope(tenant.id):
                version = commands.load_department_rules({"text": text, "preset": name}, actor=CONSOLE)
    except InvalidInputError as failed:
        _refused(failed)
        return
    whose = f"{tenant.full_name}的细则" if tenant else f"{level.name if level else ''}实施方案"
    click.echo(f"已载入{whose}《{version.title}》，自{version.effective_from}起施行。")


@rules_group.command(
    "show", help="Print the version in force as a rules file (load it back with spotcheck rules load -)."
)
@click.option("--department", default=None, help="The department's code, for its rules (细则).")
@click.option("--region", default=None, help="The region's code (231084 …), for its level's rulebook (实施方案).")
@click.option("--on", "day", default=None, help="The day (YYYY-MM-DD; today by default).")
@with_appcontext
def rules_show(department: str | None, region: str | None, day: str | None) -> None:
    tenant = _department(department)
    level = _region(region)
    on = date.fromisoformat(day) if day else None
    text = queries.show_text(tenant.id if tenant else None, on, level.id if level else None)
    if text is None:
        whose = f"{tenant.full_name}尚未载入细则" if tenant else "尚未载入实施方案（现行的只有国家规定）"
        click.echo(f"{whose}；可从预设载入：spotcheck rules load --preset 名称。", err=True)
        sys.exit(3)
    click.echo(text, nl=False)


@rules_group.command("history", help="List the versions loaded, newest first.")
@click.option("--department", default=None, help="The department's code, for its rules (细则).")
@click.option("--region", default=None, help="The region's code (231084 …), for its level's rulebook (实施方案).")
@with_appcontext
def rules_history(department: str | None, region: str | None) -> None:
    tenant = _department(department)
    level = _region(region)
    level_id = level.id if level else None
    for version in queries.history(tenant.id if tenant else None, level_id):
        click.echo(
            f"{version.effective_from}\t{STATE_NAMES[queries.state(version)]}\t《{version.title}》"
            f"\t{version.loaded_by_name}\t{version.sha256[:12]}"
        )
    if tenant is None and queries.region_version(level_id) is None:
        click.echo("（本级尚未载入实施方案）")
