"""``spotcheck regions …`` (区划的控制台命令): load a tree file (CSV: code, name, level, parent; or ``-``, standard
input) and print the tree as such a file. ``show`` prints what ``load`` reads: ``spotcheck regions show | spotcheck
regions load -`` changes nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import CONSOLE
from spotcheck.tenants.regions import commands, queries


@click.group(
    "regions", help="The regions (区划) the departments belong to: a tree of provinces, cities, counties, towns."
)
def regions_group() -> None:
    pass


@regions_group.command(
    "load",
    help="Load a tree file (CSV with the header code,name,level,parent; or - for standard input): add the regions "
    "the tree lacks, rename and move those the file changes. All or nothing: each bad line is named.",
)
@click.argument("file")
@with_appcontext
def regions_load(file: str) -> None:
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as failed:
        click.echo(f"无法读取区划文件“{file}”：{failed}（应为 UTF-8 编码的 CSV 文件）。", err=True)
        sys.exit(2)
    try:
        loaded = commands.load_tree({"text": text, "file_name": Path(file).name if file != "-" else ""}, actor=CONSOLE)
    except InvalidInputError as failed:
        for messages in failed.errors.values():
            for message in messages:
                click.echo(message, err=True)
        click.echo("未载入：请改正以上各行后重新载入（文件整体载入或整体不载入，区划树没有改变）。", err=True)
        sys.exit(2)
    if not loaded.changes:
        click.echo("区划树中已有文件中的全部区划，没有改变。")
        return
    click.echo(
        f"已载入：新增{len(loaded.added)}个区划，更名{len(loaded.renamed)}个，"
        f"改变上级{len(loaded.moved)}个，改变层级{len(loaded.relevelled)}个。"
    )


@regions_group.command("show", help="Print the tree as a tree file (load it back with spotcheck regions load -).")
@with_appcontext
def regions_show() -> None:
    if queries.root() is None:
        click.echo("尚未载入区划：spotcheck regions load 文件.csv（表头 区划代码,名称,层级,上级区划代码）。", err=True)
        sys.exit(3)
    click.echo(queries.as_file(), nl=False)
