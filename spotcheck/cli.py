"""The ``spotcheck`` command (命令行: Flask CLI on the app factory).

``spotcheck db upgrade`` (Flask-Migrate), ``spotcheck run``, and the application's own commands
(``spotcheck demo``, ``spotcheck audit verify``, ``spotcheck create-platform-admin``…), which the
app registers itself (:mod:`spotcheck.platform.commands_line`); ``spotcheck draw verify PROOF.json``
and ``spotcheck supervision docs`` are registered on the command group itself, so they run without
loading the app or a database.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from typing import Any

import click
import sqlalchemy.exc
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo, run_command

from spotcheck.draw.__main__ import verify_command
from spotcheck.platform.config import ConfigError, require_public_address


def _create_app() -> Flask:
    from spotcheck.platform.factory import create_app  # the app loads only for the commands that need it

    return create_app()


class SpotcheckGroup(FlaskGroup):
    """The ``spotcheck`` command: a bad configuration, or a database that is unreachable or not yet
    prepared, is one clear line on stderr and exit status 2, never a traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:  # click's main passed through (its overloads: Never or Any)
        try:
            return super().main(*args, **kwargs)
        except ConfigError as error:
            click.echo(f"spotcheck: configuration error: {error}", err=True)
            sys.exit(2)
        except sqlalchemy.exc.OperationalError as error:
            reason = str(error.orig or error).strip().splitlines()[0]
            click.echo(
                f"spotcheck: database error: {reason} (is the database reachable, and has "
                "`spotcheck db upgrade` been run?)",
                err=True,
            )
            sys.exit(2)


@click.group(cls=SpotcheckGroup, create_app=_create_app, help="Spotcheck: 双随机、一公开 supervision platform.")
def main() -> None:
    pass


@click.group("draw", help="Draw proofs (spotcheck-draw/1); works offline, without a database.")
def draw_group() -> None:
    pass


@draw_group.command("verify", help="Check a published draw proof; print each check; exit 0 only if all hold.")
@click.argument("proof", type=click.Path(dir_okay=False))
def draw_verify(proof: str) -> None:
    sys.exit(verify_command(proof))


main.add_command(draw_group)  # a plain click group: no app context, no configuration needed


def _run_with_worker(**options: object) -> None:
    from spotcheck.tasks import embedded  # the app and Celery load only for this command

    context = click.get_current_context()
    app = context.ensure_object(ScriptInfo).load_app()
    require_public_address(app.config)  # in production, never serve codes that lead nowhere
    worker = embedded.start(app)
    if worker is not None:  # stopped with the server, also when the server is told to stop (SIGTERM)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        context.invoke(run_command, **options)
    finally:
        embedded.stop(worker)


# ``spotcheck run``: Flask's development server, and with the embedded queue (no REDIS_URL) its worker.
main.add_command(
    click.Command(
        "run",
        params=run_command.params,
        callback=_run_with_worker,
        help=f"{run_command.help} With the embedded queue (no REDIS_URL), also starts the worker that runs its jobs.",
    )
)


@click.group("supervision", help="Supervision figures (监督统计).")
def supervision_group() -> None:
    pass


@supervision_group.command("docs", help="Write docs/supervision.md: every figure's definition (指标口径).")
@click.option("--output", type=click.Path(dir_okay=False), default="docs/supervision.md", show_default=True)
def supervision_docs(output: str) -> None:
    from spotcheck.tenants.supervision.vocabulary import markdown  # the domains load only for this command

    Path(output).write_text(markdown(), encoding="utf-8")
    click.echo(f"wrote {output}")


main.add_command(supervision_group)  # a plain click group: no app context needed


@click.command(
    "rules-docs",
    help="Write the rules' part of docs/rules.md: every parameter, what it drives, and each "
    "preset with where each value comes from.",
)
@click.option("--output", type=click.Path(dir_okay=False), default="docs/rules.md", show_default=True)
def rules_docs(output: str) -> None:
    from spotcheck.tenants.rules.docs import replaced  # the domain loads only for this command

    page = Path(output)
    page.write_text(replaced(page.read_text(encoding="utf-8") if page.exists() else ""), encoding="utf-8")
    click.echo(f"wrote {output}")


main.add_command(rules_docs)  # a plain command: no app context needed
