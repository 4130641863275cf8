"""Notices of criticism (通报), as commands of the justice bureau: draft one from the figures,
change it, withdraw it, or approve it (签发: numbered, written and delivered to each department
named — the document itself is written by :mod:`spotcheck.tenants.notices.writing`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import cast

from flask_babel import lazy_gettext as _l

from spotcheck.core import audit
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.errors import InvalidInputError
from spotcheck.core.policy import Permission
from spotcheck.tenants.accounts import names
from spotcheck.tenants.accounts.models import Tenant
from spotcheck.tenants.supervision import figures, levels, periods
from spotcheck.tenants.supervision.criticism import (
    closing,
    default_title,
    get,
    named_in,
    opening,
    reasons_of,
    tell_leaders,
    title_refusal,
    write,
)
from spotcheck.tenants.supervision.models import Criticism, CriticismStatus
from spotcheck.tenants.supervision.policy import CRITICISM_ACTIONS, reading


@command(Permission.SUPERVISION_MANAGE)
def draft(data: dict, *, actor: Actor) -> Criticism:
    """Draft a notice of criticism for ``data["period"]`` (起草通报) from the figures of every department the bureau
    supervises itself (a lower region's departments are its own bureau's to criticise), under the bureau's own
    name."""
    period = periods.required((data or {}).get("period"))
    with reading(actor, "criticism draft", period=period) as visible:
        tenants = levels.supervised_directly(actor.tenant_id, figures.departments(visible, period))
        statuses = figures.compute(period, tenants)
    issuer = db.session.get(Tenant, actor.tenant_id)
    name = issuer.full_name if issuer is not None else ""
    findings = [
        {"tenant_id": s.tenant_id, "name": s.name, "reasons": reasons}
        for s in statuses
        if s.tenant_id != actor.tenant_id and (reasons := reasons_of(s))
    ]
    criticism = Criticism(
        period=period.code,
        title=default_title(period),
        body="\n\n".join([opening(period, name), closing(name)]),
        findings=findings,
        drafted_by_name=actor.display_name,
        drafted_at=now(),
    )
    db.session.add(criticism)
    db.session.flush()
    audit.record(
        "criticism.drafted",
        "criticism",
        criticism.id,
        actor=actor,
        details={"period": period.code, "departments": [f["tenant_id"] for f in findings]},
    )
    return criticism


def _issuer(criticism: Criticism) -> Tenant:
    return cast(Tenant, db.session.get(Tenant, criticism.tenant_id))


def _title_outside(criticism: Criticism, title: str) -> str:
    """Why ``title`` is refused (it names a department outside the bureau's supervision), else empty."""
    issuer = _issuer(criticism)
    outside = named_in(title, "", [], issuer).title_outside
    return title_refusal(issuer, outside) if outside else ""


def _paragraphs(body: str) -> list[str]:
    """The paragraphs of a notice's text: split at an empty line (whatever line endings the browser
    sent), each keeping its own line breaks."""
    return [p.strip() for p in re.split(r"\n[ \t]*\n", _lines(body)) if p.strip()]


def _lines(body: str) -> str:
    """The text with one kind of line ending (a browser's form sends CR LF)."""
    return (body or "").replace("\r\n", "\n").replace("\r", "\n")


@command(Permission.SUPERVISION_MANAGE)
def update(criticism_id: int, data: dict, *, actor: Actor) -> Criticism:
    """Change a draft: its ``title``, its ``body`` (paragraphs split by an empty line), and the
    departments left out of it (``leave_out``: a supervisor may judge a reason excused)."""
    criticism = get(criticism_id, for_update=True)
    title, body, leave_out = data.get("title"), data.get("body") or "", data.get("leave_out")
    CRITICISM_ACTIONS.require(criticism, actor, "edit")
    title, errors = (title or "").strip(), {}
    if not title or len(title) > 200:
        errors["title"] = [_l("Enter a title of at most 200 characters.")]
    elif outside := _title_outside(criticism, title):
        errors["title"] = [outside]
    if not _paragraphs(body):
        errors["body"] = [_l("Write the text of the notice.")]
    if errors:
        raise InvalidInputError(errors)
    out = {int(x) for x in (leave_out or ())}
    criticism.title, criticism.body = title, "\n\n".join(_paragraphs(body))
    criticism.returned_reason, criticism.returned_by_name, criticism.returned_at = "", "", None  # answered
    criticism.submitted_at = None  # changed: to be submitted again
    criticism.findings = [f for f in criticism.findings if f["tenant_id"] not in out]
    audit.record("criticism.changed", "criticism", criticism.id, actor=actor, details={"left_out": sorted(out)})
    return criticism


@command(Permission.SUPERVISION_MANAGE)
def submit_draft(criticism_id: int, data: dict | None = None, *, actor: Actor) -> Criticism:
    """提交局领导签发: the drafter submits the checked draft to the bureau's leaders, who are told in their inbox,
    once; it stays a draft, which a leader approves or sends back (then, changed, it is submitted again)."""
    criticism = get(criticism_id, for_update=True)
    CRITICISM_ACTIONS.require(criticism, actor, "submit")
    if outside := _title_outside(criticism, criticism.title):
        raise InvalidInputError({"title": [outside]})
    issuer = _issuer(criticism)
    told = tell_leaders(criticism, issuer, actor.display_name)
    criticism.submitted_at = now()
    audit.record("criticism.submitted", "criticism", criticism.id, actor=actor, details={"told": told})
    return criticism


#: The longest reason for sending a draft back.
REASON_LENGTH = 500


@command(Permission.CRITICISM_APPROVE)
def send_back(criticism_id: int, data: Mapping[str, object], *, actor: Actor) -> Criticism:
    """The bureau's leader sends a draft back to be changed, saying why (退回修改); it stays a draft,
    and its drafter reads the reason on it until they change it."""
    criticism = get(criticism_id, for_update=True)
    CRITICISM_ACTIONS.require(criticism, actor, "send_back")
    reason = _lines(str((data if isinstance(data, dict) else {}).get("reason") or "")).strip()
    if len(reason) < 2 or len(reason) > REASON_LENGTH:
        raise InvalidInputError({"reason": [_l("Say what must change (2 to %(n)d characters).", n=REASON_LENGTH)]})
    criticism.returned_reason, criticism.returned_by_name, criticism.returned_at = reason, actor.display_name, now()
    criticism.submitted_at = None
    audit.record("criticism.sent_back", "criticism", criticism.id, actor=actor, details={"reason": reason})
    return criticism


@command(Permission.SUPERVISION_MANAGE)
def withdraw(criticism_id: int, data: dict | None = None, *, actor: Actor) -> Criticism:
    """Withdraw a draft (撤回)."""
    criticism = get(criticism_id, for_update=True)
    CRITICISM_ACTIONS.require(criticism, actor, "withdraw")
    criticism.status = CriticismStatus.withdrawn
    audit.record("criticism.withdrawn", "criticism", criticism.id, actor=actor)
    return criticism


#: The field of the approval that confirms, by their codes, the other departments the text names.
CONFIRM_NAMED = "confirm_named"


def _confirmed(data: Mapping[str, object] | None) -> set[str]:
    """The department codes the leader confirmed (``data["confirm_named"]``: a list, or one code)."""
    given = (data if isinstance(data, Mapping) else {}).get(CONFIRM_NAMED) or ()
    codes: list[object] = [given] if isinstance(given, str | int) else []
    if isinstance(given, list | tuple):
        codes = list(given)
    return {str(code).strip() for code in codes if isinstance(code, str | int)}


@command(Permission.CRITICISM_APPROVE)
def approve(criticism_id: int, data: Mapping[str, object] | None = None, *, actor: Actor) -> Criticism:
    """签发: number the notice, write its PDF, and deliver a copy to each department named. Refused while its title
    names a department outside the bureau's supervision; any other department its text names (neither of the
    findings nor a bureau above) must be confirmed by the leader, each by its code in ``data["confirm_named"]``
    (audited)."""
    criticism = get(criticism_id, for_update=True)
    CRITICISM_ACTIONS.require(criticism, actor, "approve")
    issuer = _issuer(criticism)
    named = named_in(criticism.title, criticism.body, criticism.findings, issuer)
    if named.title_outside:
        raise InvalidInputError({"title": [title_refusal(issuer, named.title_outside)]})
    unconfirmed = [tenant for tenant in named.to_confirm if tenant.code not in _confirmed(data)]
    if unconfirmed:
        raise InvalidInputError(
            {
                CONFIRM_NAMED: [
                    _l(
                        "The text names %(names)s, neither a department of the findings nor a bureau above this one: "
                        "confirm each that the notice means to name before approving it.",
                        names=names.listed(unconfirmed),
                    )
                ]
            }
        )
    paragraphs = _paragraphs(criticism.body)
    number, _ = write(
        issuer,
        criticism.id,
        title=criticism.title,
        opening=paragraphs[:1],
        findings=criticism.findings,
        closing=paragraphs[1:],
        contact=f"{criticism.drafted_by_name}（{issuer.full_name}）",
        link="/supervision/received",
    )
    criticism.status, criticism.number = CriticismStatus.approved, number
    criticism.approved_by_name, criticism.approved_at = actor.display_name, now()
    audit.record(
        "criticism.approved",
        "criticism",
        criticism.id,
        actor=actor,
        details={
            "number": number,
            "departments": [f["tenant_id"] for f in criticism.findings],
            **({"confirmed_named": [t.full_name for t in named.to_confirm]} if named.to_confirm else {}),
        },
    )
    return criticism
