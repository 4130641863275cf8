"""The queues of results (审核与公示队列): the results waiting for a leader's review and those
waiting for publication, filtered by result category and campaign; a few ticked, or all of the
list in one confirmed step (a job, followed on its page)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext as _
from werkzeug.wrappers import Response as BaseResponse

from spotcheck.core.errors import NotFoundError
from spotcheck.core.job_models import Job
from spotcheck.core.text import whole_number
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web.forms import (
    REFUSALS,
    REFUSED,
    EmptyForm,
    perform,
    requested_id,
    requested_ids,
    requested_page,
)
from spotcheck.tenants.results import commands as results, policy as result_policy
from spotcheck.tenants.results.queries import Visit, categories as category_choices, listing
from spotcheck.tenants.results.vocabulary import FOUND_PROBLEM, VisitStatus
from spotcheck.tenants.rules import queries as rules_queries

bp = Blueprint("result_queues", __name__, url_prefix="/visits")


def _all_of_the_list(ids: list[int], submit: Callable[..., Job]) -> BaseResponse | None:
    """Act on all of a list (``ids``, read again now) through the job ``submit`` queues, provided
    they are as many as the page said when the user confirmed (``count``): a list that changed
    meanwhile is shown again rather than acted on. The job's page, or ``None`` to go back."""
    said = request.form.get("count", "")
    if whole_number(said) != len(ids):
        flash(_("The list changed since you opened it: look at it again before acting on all of it."), "error")
        return None
    job = perform(submit, ids, actor=_user(), locale=str(get_locale()), done=None)
    return None if job is REFUSED else redirect(url_for("audit.job", job_id=job.id))


@bp.route("/review")
@requires(Permission.RESULTS_REVIEW)
def review() -> str:
    """待审核: submitted results waiting for a leader, by result category (``?category=``) and
    campaign (``?campaign=``); those that found no problem are approved many at once — ticked, or
    all of the filter in one confirmed step —, the others each on its own page."""
    offered = category_choices.offered()
    category = request.args.get("category", "")
    category = category if category in offered or category == FOUND_PROBLEM else ""
    campaign_id = requested_id(request.args, "campaign")
    reader = _user()
    page = listing.visits_page(
        reader=reader, status=VisitStatus.submitted, number=requested_page(), category=category, campaign_id=campaign_id
    )
    return render_template(
        "results/visits/list.html",
        page=page,
        heading=_("Results to review"),
        endpoint="result_queues.review",
        endpoint_args={"category": category or None, "campaign": campaign_id},
        review_form=EmptyForm(),
        categories=offered,
        category=category,
        found_problem=FOUND_PROBLEM,
        queue_campaigns=listing.campaigns_waiting(reader=reader, status=VisitStatus.submitted),
        queue_campaign=campaign_id,
        filter_endpoint="result_queues.review",
        together=len(listing.approvable_together(reader=reader, campaign_id=campaign_id, category=category)),
        problem=result_policy.found_problem,
        intro=_(
            "Open a result to approve it or return it to the team saying what must change; "
            "tick those that found no problem to approve them at once. "
            "You cannot review a result you recorded."
        ),
    )


@bp.route("/review/approve", methods=["POST"])
@requires(Permission.RESULTS_REVIEW)
def approve_many() -> ResponseReturnValue:
    """Approve the results ticked on the review list, or every one of its filter that may be
    approved at once (``together``); all or nothing."""
    category = request.form.get("category") or None
    campaign_id = requested_id(request.form, "campaign")
    if EmptyForm().validate_on_submit():
        if request.form.get("together") == "1":  # all of the list: a job, followed on its page
            job_page = _all_of_the_list(
                listing.approvable_together(reader=_user(), campaign_id=campaign_id, category=category or ""),
                results.submit_approval,
            )
            if job_page is not None:
                return job_page
        else:
            ids = requested_ids(request.form, "visit_ids")
            perform(results.approve_results, ids, actor=_user(), done=_approved, refusals=(*REFUSALS, NotFoundError))
    return redirect(url_for("result_queues.review", category=category, campaign=campaign_id))


@bp.route("/publication")
@requires(Permission.RESULTS_PUBLISH)
def publication() -> str:
    """待公示: approved results, published one by one, ticked, or all of a campaign at once."""
    campaign_id = requested_id(request.args, "campaign")
    reader = _user()
    page = listing.visits_page(
        reader=reader, status=VisitStatus.approved, number=requested_page(), campaign_id=campaign_id
    )
    return render_template(
        "results/visits/list.html",
        page=page,
        heading=_("Results to publish"),
        endpoint="result_queues.publication",
        endpoint_args={"campaign": campaign_id},
        publish_form=EmptyForm(),
        queue_campaigns=listing.campaigns_waiting(reader=reader, status=VisitStatus.approved),
        queue_campaign=campaign_id,
        filter_endpoint="result_queues.publication",
        together=len(listing.publishable_together(reader=reader, campaign_id=campaign_id)),
        intro=_(
            "Results are published on the public portal within %(days)s after the check "
            "ended (%(rule)s), the leader's review included. Publication cannot be undone; a "
            "published result is changed only by a correction, which the public sees.",
            days=(rules := rules_queries.in_force(reader.tenant_id)).say("publish_days"),
            rule=rules.cited["publish_days"].words,
        ),
    )


@bp.route("/publish", methods=["POST"])
@requires(Permission.RESULTS_PUBLISH)
def publish() -> ResponseReturnValue:
    """Publish the results ticked on the publication queue (or the one of a visit's page), or every
    one of its filter (``together``)."""
    campaign_id = requested_id(request.form, "campaign")
    ids = requested_ids(request.form, "visit_ids")
    back = request.form.get("back") == "visit" and len(ids) == 1
    if EmptyForm().validate_on_submit():
        if request.form.get("together") == "1":  # all of the list: a job, followed on its page
            job_page = _all_of_the_list(
                listing.publishable_together(reader=_user(), campaign_id=campaign_id), results.submit_publication
            )
            if job_page is not None:
                return job_page
        else:
            perform(results.publish_results, ids, actor=_user(), done=_published, refusals=(*REFUSALS, NotFoundError))
    if back:
        return redirect(url_for("visit_pages.detail", visit_id=ids[0]))
    return redirect(url_for("result_queues.publication", campaign=campaign_id))


def _approved(visits: list[Visit]) -> str:
    return _("%(n)d results approved.", n=len(visits))


def _published(visits: list[Visit]) -> str:
    return _("%(n)d results published.", n=len(visits))
