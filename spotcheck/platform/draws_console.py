"""``spotcheck draws redact [--dry-run]`` (隐去旧版抽取证明的明细): the proofs drawn before blinding (spotcheck-draw/1
or /2) that name a business's risk class, flag or recusal are withdrawn from public view, department after department,
each withdrawal audited in the department's trail (``draw.redacted``, :mod:`spotcheck.tenants.campaigns.redaction`);
``--dry-run`` lists what would change, and why, and changes nothing. ``spotcheck db upgrade`` runs it after the
migrations (:func:`redact_everywhere`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import click
from flask.cli import with_appcontext

from spotcheck.core.policy import CONSOLE
from spotcheck.core.scoping import tenant_scope
from spotcheck.tenants.accounts import queries as account_queries
from spotcheck.tenants.campaigns import commands as campaign_commands, queries as campaign_queries, redaction


@dataclass
class Outcome:
    """What a run found: a line for each proof withdrawn (with why) and each kept whole (with why)."""

    withdrawn: list[list[str]] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _title(department: str, found: redaction.Finding) -> str:
    campaign = found.campaign
    return f"{department} {campaign.code} 《{campaign.title}》 {found.kind_label} {found.algorithm}"


def redact_everywhere(*, dry_run: bool) -> Outcome:
    """Examine (``dry_run``) or withdraw every department's old proofs, as the console; each department's in its own
    transaction."""
    outcome = Outcome()
    for tenant in account_queries.list_tenants():
        with tenant_scope(tenant.id):
            if dry_run:
                found = campaign_queries.old_proofs(reader=CONSOLE)
            else:
                found = campaign_commands.redact_old_proofs(actor=CONSOLE)
            for finding in found:  # read in the department's scope
                if finding.withdrawn:
                    outcome.withdrawn.append([_title(tenant.code, finding), *finding.why()])
                else:
                    outcome.kept.append(f"{_title(tenant.code, finding)}：{finding.kept_because()}")
    return outcome


def report(outcome: Outcome, *, dry_run: bool, echo: Callable[[str], None] = click.echo, kept: bool = True) -> None:
    """The outcome in Chinese: the rule, each proof withdrawn (or to withdraw) with why, those kept whole (``kept``:
    each with why; else their number)."""
    if not outcome.withdrawn and not outcome.kept:
        echo("没有版本1或版本2的抽取证明仍在完整公开：无需隐去明细。")
        return
    echo(f"规则：{redaction.RULE}")
    if outcome.withdrawn:
        verb = "将隐去明细" if dry_run else "已隐去明细（每份在其部门的审计记录中留痕：draw.redacted）"
        echo(f"{verb}，共{len(outcome.withdrawn)}份：")
        for title, *why in outcome.withdrawn:
            echo(f"  {title}")
            for line in why:
                echo(f"    · {line}")
    else:
        echo("没有需要隐去明细的证明。")
    if kept and outcome.kept:
        echo(f"保持完整公开，共{len(outcome.kept)}份：")
        for line in outcome.kept:
            echo(f"  {line}")
    elif outcome.kept:
        echo(f"保持完整公开{len(outcome.kept)}份（spotcheck draws redact --dry-run 列出各份的理由）。")
    if dry_run:
        echo("试运行（--dry-run）：未作任何改动。")


@click.group("draws", help="The draws' proofs (抽取证明).")
def draws_group() -> None:
    pass


@draws_group.command(
    "redact",
    help="Withdraw from public view the proofs drawn before blinding (spotcheck-draw/1 or /2) whose strata name a "
    "business's risk class or flag, or whose X lines name a recusal: the public then reads the redacted proof, "
    "the department and its bureau the full one; each withdrawal audited in the department's trail. "
    "--dry-run lists what would change, and why, and changes nothing.",
)
@click.option("--dry-run", is_flag=True, help="List what would change, and why; change nothing.")
@with_appcontext
def draws_redact(dry_run: bool) -> None:
    report(redact_everywhere(dry_run=dry_run), dry_run=dry_run)
