"""Following a campaign's long step (抽取、下达) while its job runs, for the campaign and joint pages — and the
justice bureau's check of a draw (核验抽取), on its page.

The button's request only queues the job; the browser then waits on the job's page, which shows
its progress and goes back to the campaign by itself when the job is done, with its outcome as
the message at the top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from spotcheck.core import jobs
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.platform.permissions import acting_user

if TYPE_CHECKING:
    from spotcheck.tenants.campaigns.queries import Campaign

#: The job kinds a campaign page follows, and what each says when it succeeded.
SUCCEEDED = {
    "draw.targets": lambda r: _(
        "The targets are drawn: %(n)s selected. Seed %(seed)s.", n=r.get("selected"), seed=r.get("seed")
    ),
    "draw.inspectors": lambda r: _(
        "The inspectors are drawn: %(n)s teams. Seed %(seed)s.", n=r.get("teams"), seed=r.get("seed")
    ),
    "campaign.hand_out": lambda r: _("%(n)d visits are handed to their teams.", n=r.get("visits") or 0),
}
SUCCEEDED.update({f"joint.{kind}": said for kind, said in SUCCEEDED.items() if kind.startswith("draw.")})
SUCCEEDED["joint.hand_out"] = lambda r: _(
    "%(n)d visits handed to the teams; each department records its own results.", n=r.get("visits") or 0
)
SUCCEEDED["supervision.draw_check"] = lambda r: (
    _("The draw is checked: all %(n)d checks hold.", n=r.get("checks") or 0)
    if r.get("passed")
    else _("The draw is checked: %(failed)d of %(n)d checks fail.", failed=r.get("failed") or 0, n=r.get("checks") or 0)
)

#: What a failed job of each kind says before its reason.
FAILED = {
    "draw": lambda why: _("The draw was not made: %(why)s", why=why),
    "hand_out": lambda why: _("The visits were not handed out: %(why)s", why=why),
    "draw_check": lambda why: _("The draw was not checked: %(why)s", why=why),
}


class Followed(Protocol):
    """What a step's job page names: a campaign, or the draw a bureau checks (by its campaign's number and title)."""

    @property
    def id(self) -> int: ...
    @property
    def code(self) -> str | None: ...
    @property
    def title(self) -> str: ...


def under_way(campaign: Campaign, *, prefix: str, endpoint: str) -> list[tuple[Job, str]]:
    """The campaign's steps whose jobs are queued or running (job, its page), for the campaign page."""
    kinds = [kind for kind in SUCCEEDED if kind.startswith(prefix)]
    return [
        (job, url_for(endpoint, campaign_id=campaign.id, job_id=job.id))
        for job in jobs.under_way(acting_user(), campaign.id, kinds)
    ]


def follow(
    campaign: Followed,
    job_id: int,
    *,
    prefix: str,
    back: str,
    here: str,
    params: dict[str, object] | None = None,
    returns: str | None = None,
) -> ResponseReturnValue:
    """The job page of a campaign's step (kinds starting with ``prefix``), or — once the job is done —
    back to the campaign (``back``) with its outcome. ``here``: this page's own address; ``params``: what the job's
    must hold (by default the campaign's id); ``returns``: where the page says it returns."""
    job = jobs.job_for(job_id, acting_user())
    wanted = params if params is not None else {"campaign_id": campaign.id}
    if (
        job.kind not in SUCCEEDED
        or not job.kind.startswith(prefix)
        or any((job.params or {}).get(name) != value for name, value in wanted.items())
    ):
        abort(404)
    if not job.done:
        return render_template("campaigns/job.html", campaign=campaign, job=job, back=back, here=here, returns=returns)
    if job.status == JobStatus.succeeded:
        flash(SUCCEEDED[job.kind](job.result or {}), "success")
    elif job.status == JobStatus.failed:
        failure = "hand_out" if job.kind.endswith("hand_out") else job.kind.rpartition(".")[2]
        flash(FAILED.get(failure, FAILED["draw"])(job.error or ""), "error")
    return redirect(back)
