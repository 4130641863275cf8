"""The operator's console commands (运维命令): ``spotcheck backup DIR``, ``spotcheck restore DIR`` and
``spotcheck check`` (docs/operations.md)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from spotcheck.core.database import db
from spotcheck.platform import backup as backups, operations_check


def _settings() -> dict:
    config = current_app.config
    return {"url": config["SQLALCHEMY_DATABASE_URI"], "storage_root": Path(config["SPOTCHECK_STORAGE"]),
            "app_role": config["SPOTCHECK_DB_ROLE"]}


@click.command("backup", help="Back up the database, the roles it needs and the stored files into DIR (a new or "
                              "empty folder), with manifest.json (each file's SHA-256). Exit 1 if a stored file "
                              "the database names could not be included.")
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False))
@with_appcontext
def backup_command(directory: str) -> None:
    try:
        manifest = backups.backup(Path(directory), **_settings())
    except backups.BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    stored = sum(1 for name in manifest["files"] if name.startswith(f"{backups.FILES}/"))
    click.echo(f"backup written to {directory}: {manifest['source']} database at revision "
               f"{manifest['alembic_revision']}, {stored} stored file(s), manifest.json")
    for problem in manifest["missing"]:
        click.echo(problem, err=True)
    if manifest["missing"]:
        click.echo(f"{len(manifest['missing'])} stored file(s) named by the database are NOT in the backup "
                   "(see `spotcheck check`)", err=True)
        sys.exit(1)


@click.command("restore", help="Restore a backup made by `spotcheck backup` onto the configured database "
                               "(DATABASE_URL; on PostgreSQL, created when missing) and SPOTCHECK_STORAGE. Every "
                               "file is checked against the manifest first. Refuses a non-empty database or "
                               "storage folder unless --force.")
@click.argument("directory", metavar="DIR", type=click.Path(exists=True, file_okay=False))
@click.option("--force", is_flag=True, help="Replace what the database and the storage folder hold.")
@with_appcontext
def restore_command(directory: str, force: bool) -> None:
    db.session.remove()
    db.engine.dispose()  # no connection of this process stays open on the database being replaced
    try:
        manifest = backups.restore(Path(directory), force=force, **_settings())
    except backups.BackupRefused as refused:
        raise click.ClickException(f"not restored: {refused}") from None
    db.engine.dispose()
    stored = sum(1 for name in manifest["files"] if name.startswith(f"{backups.FILES}/"))
    click.echo(f"restored the backup of {manifest['created_at']} ({manifest['source']}, revision "
               f"{manifest['alembic_revision']}) and {stored} stored file(s). Next: `spotcheck db upgrade` "
               "(if this version is newer), `spotcheck check`, `spotcheck audit verify --against` the "
               "published heads.")


@click.command("check", help="Check the deployment for its operator: every stored file the database names is there "
                             "with its SHA-256; no job stuck queued or running past its lease; no failed job, "
                             "export batch or notice delivery lately. Exit 1 when something needs an operator.")
@click.option("--hours", type=click.IntRange(min=1), default=24, show_default=True,
              help="How far back failed jobs and deliveries count.")
@with_appcontext
def check_command(hours: int) -> None:
    checked, problems = operations_check.run(hours=hours)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"NEEDS AN OPERATOR: {len(problems)} finding(s); {checked} stored file(s) checked")
        sys.exit(1)
    click.echo(f"OK: {checked} stored file(s) present with their SHA-256; no stuck or failed job, no failed delivery")


COMMANDS = (backup_command, restore_command, check_command)
