"""核验抽取: the justice bureau's pages for checking the blinded draws of the departments it checks (DRAW-SPEC "The
bureau's check") — the list with each draw's latest verdict, a draw's page with every check of each verdict and the
button that runs the check again (a job, followed on its page). Only the bureau's supervisor (``draws.check``) reads
them; a draw another bureau checks is no such draw."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext as _

from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web import step_jobs
from spotcheck.platform.web.forms import REFUSED, EmptyForm, perform
from spotcheck.tenants.supervision import commands as supervision
from spotcheck.tenants.supervision.queries import draw_checks as queries

bp = Blueprint("draw_checks", __name__, url_prefix="/supervision/draw-checks")
KIND = "<any(targets, inspectors):kind>"


@bp.route("")
@requires(Permission.DRAWS_CHECK)
def index() -> ResponseReturnValue:
    """The blinded draws the bureau checks, the newest first, each with its latest verdict."""
    return render_template("supervision/draw_checks.html", draws=queries.draws_to_check(reader=_user()))


@bp.route(f"/<int:campaign_id>/{KIND}", methods=["GET", "POST"])
@requires(Permission.DRAWS_CHECK)
def detail(campaign_id: int, kind: str) -> ResponseReturnValue:
    """One draw: what the bureau checks of it, its verdicts with every check, and the button that checks it (a job:
    on to its page)."""
    found = queries.draw_check(campaign_id, kind, reader=_user())  # another bureau's draw: 404 before any form
    form = EmptyForm()
    if form.validate_on_submit():
        job = perform(supervision.request_check, campaign_id, kind, actor=_user(), locale=str(get_locale()), done=None)
        if job is not REFUSED:
            return redirect(url_for("draw_checks.job", campaign_id=campaign_id, kind=kind, job_id=job.id))
    return render_template("supervision/draw_check.html", draw=found, form=form)


@bp.route(f"/<int:campaign_id>/{KIND}/jobs/<int:job_id>")
@requires(Permission.DRAWS_CHECK)
def job(campaign_id: int, kind: str, job_id: int) -> ResponseReturnValue:
    """The check's job: followed while it runs, then back to the draw's page with its verdict."""
    return step_jobs.follow(
        queries.draw_check(campaign_id, kind, reader=_user()),
        job_id,
        prefix="supervision.",
        back=url_for("draw_checks.detail", campaign_id=campaign_id, kind=kind),
        here=url_for("draw_checks.job", campaign_id=campaign_id, kind=kind, job_id=job_id),
        params={"campaign_id": campaign_id, "draw": kind},
        returns=_("This page returns to the draw's check by itself when the check is done."),
    )
