"""Following a campaign's long step (抽取、下达) while its job runs, for the campaign and joint pages.

The button's request only queues the job; the browser then waits on the job's page, which shows
its progress and goes back to the campaign by itself when the job is done, with its outcome as
the message at the top.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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

#: What a failed job of each kind says before its reason.
FAILED = {
    "draw": lambda why: _("The draw was not made: %(why)s", why=why),
    "hand_out": lambda why: _("The visits were not handed out: %(why)s", why=why),
}


def under_way(campaign: Campaign, *, prefix: str, endpoint: str) -> list[tuple[Job, str]]:
    """The campaign's steps whose jobs are queued or running (job, its page), for the campaign page."""
    kinds = [kind for kind in SUCCEEDED if kind.startswith(prefix)]
    return [
        (job, url_for(endpoint, campaign_id=campaign.id, job_id=job.id))
        for job in jobs.under_way(acting_user(), campaign.id, kinds)
    ]


def follow(campaign: Campaign, job_id: int, *, prefix: str, back: str, here: str) -> ResponseReturnValue:
    """The job page of a campaign's step (kinds starting with ``prefix``), or — once the job is done —
    back to the campaign (``back``) with its outcome. ``here``: this page's own address."""
    job = jobs.job_for(job_id, acting_user())
    if (
        job.kind not in SUCCEEDED
        or not job.kind.startswith(prefix)
        or (job.params or {}).get("campaign_id") != campaign.id
    ):
        abort(404)
    if not job.done:
        return render_template("campaigns/job.html", campaign=campaign, job=job, back=back, here=here)
    if job.status == JobStatus.succeeded:
        flash(SUCCEEDED[job.kind](job.result or {}), "success")
    elif job.status == JobStatus.failed:
        flash(FAILED["hand_out" if job.kind.endswith("hand_out") else "draw"](job.error or ""), "error")
    return redirect(back)
