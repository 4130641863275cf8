"""The operator's console commands (运维命令): ``spotcheck backup DIR``, ``spotcheck restore DIR`` and
``spotcheck check`` (docs/operations.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from spotcheck.core import personal_data
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import CONSOLE
from spotcheck.platform import backup as backups, data_keys, operations_check


def _settings() -> dict:
    config = current_app.config
    return {
        "url": config["SQLALCHEMY_DATABASE_URI"],
        "storage_root": Path(config["SPOTCHECK_STORAGE"]),
        "app_role": config["SPOTCHECK_DB_ROLE"],
    }


@click.command(
    "backup",
    help="Back up the database, the roles it needs and the stored files into DIR (a new or "
    "empty folder), with manifest.json (each file's SHA-256). Exit 1 if a stored file "
    "the database names could not be included.",
)
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False))
@with_appcontext
def backup_command(directory: str) -> None:
    try:
        manifest = backups.backup(Path(directory), **_settings())
    except backups.BackupRefusedError as refused:
        raise click.ClickException(str(refused)) from None
    stored = sum(1 for name in manifest["files"] if name.startswith(f"{backups.FILES}/"))
    click.echo(
        f"backup written to {directory}: {manifest['source']} database at revision "
        f"{manifest['alembic_revision']}, {stored} stored file(s), manifest.json"
    )
    for problem in manifest["missing"]:
        click.echo(problem, err=True)
    if manifest["missing"]:
        click.echo(
            f"{len(manifest['missing'])} stored file(s) named by the database are NOT in the backup "
            "(see `spotcheck check`)",
            err=True,
        )
        sys.exit(1)


@click.command(
    "restore",
    help="Restore a backup made by `spotcheck backup` onto the configured database "
    "(DATABASE_URL; on PostgreSQL, created when missing) and SPOTCHECK_STORAGE. Every "
    "file is checked against the manifest first. Refuses a non-empty database or "
    "storage folder unless --force.",
)
@click.argument("directory", metavar="DIR", type=click.Path(exists=True, file_okay=False))
@click.option("--force", is_flag=True, help="Replace what the database and the storage folder hold.")
@with_appcontext
def restore_command(directory: str, force: bool) -> None:
    db.session.remove()
    db.engine.dispose()  # no connection of this process stays open on the database being replaced
    try:
        manifest = backups.restore(Path(directory), force=force, **_settings())
    except backups.BackupRefusedError as refused:
        raise click.ClickException(f"not restored: {refused}") from None
    db.engine.dispose()
    stored = sum(1 for name in manifest["files"] if name.startswith(f"{backups.FILES}/"))
    click.echo(
        f"restored the backup of {manifest['created_at']} ({manifest['source']}, revision "
        f"{manifest['alembic_revision']}) and {stored} stored file(s). Next: `spotcheck db upgrade` "
        "(if this version is newer), `spotcheck check`, `spotcheck audit verify --against` the "
        "published heads."
    )


@click.command(
    "check",
    help="Check the deployment for its operator: SPOTCHECK_PUBLIC_BASE_URL (the address every "
    "QR code carries) is public and reaches this deployment, and no notice carries a local "
    "one; the data key is the one the protected values are under; every stored file the "
    "database names is there with its SHA-256; no job stuck queued or running past its lease; "
    "no failed job, export batch or notice delivery lately. Exit 1 when something needs an "
    "operator.",
)
@click.option(
    "--hours",
    type=click.IntRange(min=1),
    default=24,
    show_default=True,
    help="How far back failed jobs and deliveries count.",
)
@click.option(
    "--skip-address",
    is_flag=True,
    help="Do not fetch SPOTCHECK_PUBLIC_BASE_URL (a host that cannot reach its own public address); its "
    "text is still checked.",
)
@with_appcontext
def check_command(hours: int, skip_address: bool) -> None:
    checked, problems = operations_check.run(hours=hours, fetch_address=not skip_address)
    if current_app.config["SPOTCHECK_ENV"] == "production":
        for note in operations_check.unrecorded_notices():
            click.echo(note)
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"NEEDS AN OPERATOR: {len(problems)} finding(s); {checked} stored file(s) checked")
        sys.exit(1)
    click.echo(
        f"OK: the public address reaches this deployment{' (not fetched)' if skip_address else ''}; the data "
        f"key is the one in use; {checked} stored file(s) present with their SHA-256; no stuck or failed job, "
        "no failed delivery; no directory row outside its department's branch"
    )


@click.group(
    "keys",
    help="The data key of the protected personal data (SPOTCHECK_DATA_KEY): generate one, adopt it, "
    "rotate it. Stop web, worker and beat while the values move; see docs/operations.md.",
)
def keys_group() -> None:
    pass


@keys_group.command("generate", help="Print a new random data key, to keep where the deployment keeps SECRET_KEY.")
def keys_generate() -> None:
    click.echo(personal_data.generate_key())


def _moved(old: str, new: str, how: str) -> None:
    try:
        counts = data_keys.change_data_key({"old": old, "new": new, "how": how}, actor=CONSOLE)
    except InvalidInputError as refused:
        raise click.ClickException(
            "nothing was changed: "
            + "; ".join(str(message) for messages in refused.errors.values() for message in messages)
        ) from None
    click.echo("moved to the new key, in one transaction: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


@keys_group.command(
    "adopt",
    help="Move the protected values from the key derived from SECRET_KEY to the deployment's "
    "own SPOTCHECK_DATA_KEY (set it in this command's environment first).",
)
@with_appcontext
def keys_adopt() -> None:
    own = current_app.config.get("SPOTCHECK_DATA_KEY") or ""
    if not own:
        raise click.ClickException("set SPOTCHECK_DATA_KEY to the new key first (`spotcheck keys generate`)")
    _moved(personal_data.derived_key(str(current_app.config["SECRET_KEY"])), own, "adopted")
    click.echo(
        "From now on every process (web, worker, beat) runs with this SPOTCHECK_DATA_KEY; SECRET_KEY protects "
        "sessions and forms only, and may change without touching stored data."
    )


@keys_group.command(
    "rotate",
    help="Re-encrypt every protected value under a new key, read from FILE (one line: the "
    "key; `spotcheck keys generate > FILE`), never from the command line.",
)
@click.option(
    "--new-key-file",
    "key_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The file holding the new key.",
)
@with_appcontext
def keys_rotate(key_file: str) -> None:
    new = Path(key_file).read_text(encoding="utf-8").strip()
    _moved(personal_data.configured_key(), new, "rotated")
    click.echo(
        "Now set SPOTCHECK_DATA_KEY to the new key in every process (web, worker, beat) and start them; "
        "back up the database anew: an older backup needs the old key."
    )


COMMANDS = (backup_command, restore_command, check_command, keys_group)
