"""Visit pages (检查与检查结果): an inspector's visits and the result form, the leader's review
queue, the planner's publication queue. Every button is an allowed action of the visit
(:data:`~spotcheck.tenants.results.policy.VISIT_ACTIONS`); every change is a command."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext as _
from werkzeug.wrappers import Response as BaseResponse

from spotcheck.core import storage
from spotcheck.core.errors import ConflictError, ForbiddenError, NotFoundError
from spotcheck.core.records import fields_of
from spotcheck.platform import downloads
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web.forms import (
    BAD_INPUT,
    REFUSALS,
    WITH_FORBIDDEN,
    Attempt,
    EmptyForm,
    attempt,
    perform,
    requested_id,
    requested_page,
    start_export,
)
from spotcheck.tenants.campaigns import queries as campaigns
from spotcheck.tenants.joint import queries as joint_queries
from spotcheck.tenants.joint.queries import MixedMember
from spotcheck.tenants.notices import queries as notice_queries
from spotcheck.tenants.notices.queries import Notice
from spotcheck.tenants.results import commands as results, inputs
from spotcheck.tenants.results.policy import CAMPAIGN_STEPS
from spotcheck.tenants.results.queries import FollowUp, InspectionCode, Visit, listing, visit_page, visits
from spotcheck.tenants.results.queries.visit_page import VisitPage
from spotcheck.tenants.spreadsheets.commands import submit_results_import, submit_results_template

bp = Blueprint("visit_pages", __name__, url_prefix="/visits")


def _visit(visit_id: int) -> Visit:
    """The visit, for a team member or anyone who reads the department's campaigns; else 404."""
    return visits.visit_for(visit_id, reader=_user())


@bp.route("/mine")
@requires(Permission.RESULTS_ENTER)
def mine() -> str:
    """我的检查: the visits the signed-in inspector is on, most urgent first."""
    campaign_id = requested_id(request.args, "campaign")
    page = listing.visits_page(reader=_user(), mine=True, number=requested_page(), campaign_id=campaign_id)
    return render_template(
        "results/visits/list.html",
        page=page,
        heading=_("My visits"),
        endpoint="visit_pages.mine",
        endpoint_args={"campaign": campaign_id},
        intro=_("The visits you are on. Record the result of each item; the team leader submits it."),
    )


@bp.route("/campaign/<int:campaign_id>")
@requires(Permission.CAMPAIGNS_VIEW)
def of_campaign(campaign_id: int, imported: Mapping[str, object] | None = None, status: int = 200) -> tuple[str, int]:
    """A campaign's visits; for its planners, the import of results entered offline."""
    campaign = campaigns.get_campaign(campaign_id)
    page = listing.visits_page(reader=_user(), campaign_id=campaign.id, number=requested_page())
    importable = "import_results" in CAMPAIGN_STEPS.allowed(campaign, _user())
    return render_template(
        "results/visits/list.html",
        page=page,
        campaign=campaign,
        importable=importable,
        imported=imported,
        form=EmptyForm(),
        heading=_("Visits of %(code)s", code=campaign.code),
        endpoint="visit_pages.of_campaign",
        endpoint_args={"campaign_id": campaign.id},
        intro="",
    ), status


@bp.route("/campaign/<int:campaign_id>/results-template", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def results_template(campaign_id: int) -> BaseResponse:
    """Start writing the campaign's results workbook to fill offline (a row per visit still to record and item,
    an export job); the job's page shows its progress, then the download."""
    campaign = campaigns.get_campaign(campaign_id)
    return start_export(
        submit_results_template,
        campaign.id,
        actor=_user(),
        back=url_for("visit_pages.of_campaign", campaign_id=campaign.id),
    )


@bp.route("/campaign/<int:campaign_id>/import", methods=["POST"])
@requires(Permission.CAMPAIGNS_EDIT)
def import_results(campaign_id: int) -> ResponseReturnValue:
    """Start the import of the results entered offline (a job: thousands of rows are never read
    inside the request); the job's page follows it and lists every bad row, or says how many
    results arrived as drafts for their teams' 组长 to confirm (or submitted, the importer's own)."""
    campaign = campaigns.get_campaign(campaign_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("visit_pages.of_campaign", campaign_id=campaign_id))
    upload = request.files.get("file")
    started = attempt(
        submit_results_import,
        campaign.id,
        upload.filename if upload else None,
        upload.stream if upload else None,
        actor=_user(),
        locale=str(get_locale()),
        refusals=BAD_INPUT,
    )
    if started.invalid:
        outcome = {
            "ok": False,
            "errors": [{"row": "", "column": "", "reason": str(message)} for message in started.errors.get("file", [])],
        }
        return of_campaign(campaign_id, outcome, 422)
    return redirect(url_for("audit.job", job_id=started.result.id))


@bp.route("/<int:visit_id>")
@requires(Permission.SIGNED_IN)
def detail(visit_id: int) -> ResponseReturnValue:
    return _render(visit_id)


@dataclass(frozen=True)
class VisitScreen(VisitPage):
    """The visit's page as its template reads it (``page``): the results domain's picture of the visit
    (:class:`VisitPage`), what the joint and notices domains add, and the form being answered."""

    #: 联合检查组: the whole mixed team of a joint visit (empty for a visit of one department).
    mixed_team: list[MixedMember]
    #: The experts who joined after the visit's inspection notice: expert id → the notice's number.
    after_notice: dict[int, str]
    #: The visit's inspection notice and the reader's own assignment notice.
    notices: list[Notice]
    form: EmptyForm
    #: A form's field errors shown again (``_form`` and the like: which form they belong to), what was typed.
    errors: Mapping[str, object]
    values: Mapping[str, object]


def _render(
    visit_id: int,
    status: int = 200,
    errors: Mapping[str, object] | None = None,
    values: Mapping[str, object] | None = None,
) -> tuple[str, int]:
    """The visit's page (检查页面): the results domain's picture of it (one query), with what the
    joint and notices domains add (a mixed team, the notices written)."""
    user = _user()
    page = visit_page.visit_page(visit_id, reader=user)
    visit = page.visit
    screen = VisitScreen(
        **fields_of(page),
        mixed_team=joint_queries.mixed_team(visit.id, reader=user) if visit.campaign.joint_id else [],
        after_notice=notice_queries.after_notice(visit.campaign, visit.entity_id, page.experts),
        notices=notice_queries.for_visit_page(visit, user),
        form=EmptyForm(),
        errors=errors or {},
        values=values or {},
    )
    return render_template("results/visits/detail.html", page=screen), status


def _form_data(visit: Visit) -> dict[str, object]:
    """The result form as the command takes it."""
    form = request.form
    data: dict[str, object] = {
        field.name: form.get(field.name, "") for field in inputs.VISIT_FIELDS if field.kind != inputs.DATE
    }
    data.update({name: form[name] for name in inputs.CHECK_DATES if name in form})  # fixed dates are not sent
    data["items"] = {
        str(item.id): {
            field.name: form.getlist(f"item-{item.id}-{field.name}")
            if field.kind == inputs.CATEGORIES
            else form.get(f"item-{item.id}-{field.name}", "")
            for field in inputs.ITEM_FIELDS
        }
        for item in visit.campaign.items
    }
    return data


def _answer(
    visit_id: int,
    outcome: Attempt,
    done: str | None,
    values: Mapping[str, object] | None = None,
    form_of: Mapping[str, object] | None = None,
) -> tuple[str, int] | BaseResponse | None:
    """The visit page's answer to a command it ran (:func:`attempt`): its field errors are shown on
    the page again (422) with what was typed (``form_of``: which of the page's forms they belong
    to); a refusal of the state or of who acts is flashed; else ``done`` is flashed (``None``: nothing). Returns a
    response, or ``None`` when the command succeeded."""
    if outcome.invalid:
        return _render(visit_id, 422, {**outcome.errors, **(form_of or {})}, values)
    outcome.report(done)
    return None if outcome.ok else redirect(url_for("visit_pages.detail", visit_id=visit_id))


def _back(visit_id: int, anchor: str | None = None) -> BaseResponse:
    return redirect(url_for("visit_pages.detail", visit_id=visit_id, _anchor=anchor))


@bp.route("/<int:visit_id>/result", methods=["POST"])
@requires(Permission.RESULTS_ENTER)
def record(visit_id: int) -> ResponseReturnValue:
    """Save the result form as a draft; with ``then=submit`` (the 组长) submit it too."""
    visit = _visit(visit_id)
    if not EmptyForm().validate_on_submit():
        return _back(visit_id)
    data = _form_data(visit)
    submitting = request.form.get("then") == "submit"  # one message: the submission's (or its refusal)
    refused = _answer(
        visit_id,
        attempt(results.record_result, visit_id, data, actor=_user(), refusals=WITH_FORBIDDEN),
        None if submitting else _("The result is saved as a draft."),
        data,
    )
    if refused is None and submitting:
        refused = _answer(
            visit_id,
            attempt(results.submit_result, visit_id, actor=_user(), refusals=WITH_FORBIDDEN),
            _("The result is submitted for review."),
        )
    return refused or _back(visit_id)


@bp.route("/<int:visit_id>/submit", methods=["POST"])
@requires(Permission.RESULTS_ENTER)
def submit(visit_id: int) -> ResponseReturnValue:
    _visit(visit_id)
    if EmptyForm().validate_on_submit():
        return _answer(
            visit_id,
            attempt(results.submit_result, visit_id, actor=_user(), refusals=WITH_FORBIDDEN),
            _("The result is submitted for review."),
        ) or _back(visit_id)
    return _back(visit_id)


@bp.route("/<int:visit_id>/approve", methods=["POST"])
@requires(Permission.RESULTS_REVIEW)
def approve(visit_id: int) -> BaseResponse:
    _visit(visit_id)
    if EmptyForm().validate_on_submit():
        perform(results.approve_result, visit_id, actor=_user(), done=_approved, refusals=WITH_FORBIDDEN)
    return _back(visit_id)


def _approved(visit: Visit) -> str:
    if visit.publish_due:
        return _("The result is approved. Publication is due by %(due)s.", due=visit.publish_due.isoformat())
    return _("The result is approved.")


@bp.route("/<int:visit_id>/return", methods=["POST"])
@requires(Permission.RESULTS_REVIEW)
def send_back(visit_id: int) -> ResponseReturnValue:
    _visit(visit_id)
    if EmptyForm().validate_on_submit():
        return _answer(
            visit_id,
            attempt(
                results.return_result,
                visit_id,
                {"reason": request.form.get("reason", "")},
                actor=_user(),
                refusals=WITH_FORBIDDEN,
            ),
            _("The result is returned to the team."),
            form_of={"_return": True},
        ) or _back(visit_id)
    return _back(visit_id)


@bp.route("/<int:visit_id>/dates", methods=["POST"])
@requires(Permission.RESULTS_REVIEW)
def correct_dates(visit_id: int) -> ResponseReturnValue:
    """检查日期更正: a leader corrects the check dates of a submitted result, giving the reason."""
    _visit(visit_id)
    if EmptyForm().validate_on_submit():
        data = {name: request.form.get(name, "") for name in (*inputs.CHECK_DATES, "reason")}
        return _answer(
            visit_id,
            attempt(results.correct_check_dates, visit_id, data, actor=_user(), refusals=WITH_FORBIDDEN),
            _("The check dates are corrected."),
            form_of={"_form": "dates"},
        ) or _back(visit_id)
    return _back(visit_id)


@bp.route("/<int:visit_id>/correct", methods=["POST"])
@requires(Permission.RESULTS_PUBLISH)
def correct(visit_id: int) -> ResponseReturnValue:
    _visit(visit_id)
    if EmptyForm().validate_on_submit():
        return _answer(
            visit_id,
            attempt(
                results.start_correction,
                visit_id,
                {"reason": request.form.get("reason", "")},
                actor=_user(),
                refusals=WITH_FORBIDDEN,
            ),
            _(
                "The correction is started: the team records the corrected result, a leader approves it, "
                "and it is published as a new version."
            ),
            form_of={"_form": "correct"},
        ) or _back(visit_id)
    return _back(visit_id)


@bp.route("/<int:visit_id>/attachments", methods=["POST"])
@requires(Permission.RESULTS_ENTER)
def attach(visit_id: int) -> ResponseReturnValue:
    """Add a photo or PDF to the result (a team member, while it can be recorded)."""
    _visit(visit_id)
    upload = request.files.get("file")
    if EmptyForm().validate_on_submit():
        if upload is None or not upload.filename:
            return _render(visit_id, 422, {"file": [_("Choose a file to attach.")], "_attach": True})
        refused = _answer(
            visit_id,
            attempt(
                results.add_attachment,
                visit_id,
                {"stream": upload.stream, "filename": upload.filename},
                actor=_user(),
                refusals=WITH_FORBIDDEN,
            ),
            _("The file is attached."),
            form_of={"_attach": True},
        )
        if refused is not None:
            return refused
    return _back(visit_id, "attachments")


@bp.route("/<int:visit_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
@requires(Permission.RESULTS_ENTER)
def detach(visit_id: int, attachment_id: int) -> BaseResponse:
    _visit(visit_id)
    if EmptyForm().validate_on_submit():
        perform(
            results.remove_attachment,
            visit_id,
            {"attachment_id": attachment_id},
            actor=_user(),
            done=_("The attachment is removed."),
            refusals=(*REFUSALS, NotFoundError),
        )
    return _back(visit_id, "attachments")


@bp.route("/<int:visit_id>/attachments/<int:attachment_id>")
@requires(Permission.SIGNED_IN)
def attachment(visit_id: int, attachment_id: int) -> BaseResponse:
    """Download an attachment: only for those who may read the visit; never shown inline."""
    found = visits.attachment_of(_visit(visit_id), attachment_id)
    return downloads.private_file(storage.path(found.storage_key), found.content_type, found.name)


@bp.route("/<int:visit_id>/follow-ups", methods=["POST"])
@requires(Permission.RESULTS_FOLLOW_UP)
def open_follow_up(visit_id: int) -> ResponseReturnValue:
    """Open a follow-up (后续处置) of a problem the visit found; field errors shown under its form."""
    _visit(visit_id)
    if EmptyForm().validate_on_submit():
        data = {
            name: request.form.get(name, "")
            for name in (
                "kind",
                "details",
                "deadline",
                "deadline_days",
                "case_number",
                "receiver_tenant_id",
                "police_organ",
            )
        }
        return _answer(
            visit_id,
            attempt(results.open_follow_up, visit_id, data, actor=_user(), refusals=WITH_FORBIDDEN),
            _("The follow-up is recorded."),
            form_of={"_follow_up": "new", "_kind": data["kind"]},
        ) or _back(visit_id, "follow-ups")
    return _back(visit_id, "follow-ups")


@bp.route("/<int:visit_id>/follow-ups/<int:follow_up_id>/close", methods=["POST"])
@requires(Permission.RESULTS_FOLLOW_UP)
def close_follow_up(visit_id: int, follow_up_id: int) -> ResponseReturnValue:
    """Close a follow-up by its own step: the re-check, the case's conclusion, the police's acceptance."""
    _follow_up_of(_visit(visit_id), follow_up_id)
    if EmptyForm().validate_on_submit():
        data = {name: request.form.get(name, "") for name in ("closed_on", "outcome", "outcome_note")}
        return _answer(
            visit_id,
            attempt(results.close_follow_up, follow_up_id, data, actor=_user(), refusals=WITH_FORBIDDEN),
            _("The follow-up is closed."),
            form_of={"_follow_up": follow_up_id},
        ) or _back(visit_id, "follow-ups")
    return _back(visit_id, "follow-ups")


@bp.route("/<int:visit_id>/follow-ups/<int:follow_up_id>/answer-review", methods=["POST"])
@requires(Permission.RESULTS_FOLLOW_UP)
def review_answer(visit_id: int, follow_up_id: int) -> ResponseReturnValue:
    """审核整改答复: accept the business's answer (the order closes as corrected) or return it with the reason."""
    _follow_up_of(_visit(visit_id), follow_up_id)
    if EmptyForm().validate_on_submit():
        data = {name: request.form.get(name, "") for name in ("decision", "note")}
        return _answer(
            visit_id,
            attempt(results.review_rectification_answer, follow_up_id, data, actor=_user(), refusals=WITH_FORBIDDEN),
            _("The answer is accepted and the order closed.")
            if data["decision"] == "accept"
            else _("The answer is returned to the business with your reason."),
            form_of={"_answer": follow_up_id},
        ) or _back(visit_id, "follow-ups")
    return _back(visit_id, "follow-ups")


@bp.route("/<int:visit_id>/follow-ups/<int:follow_up_id>/answer-files/<int:file_id>")
@requires(Permission.SIGNED_IN)
def rectification_file(visit_id: int, follow_up_id: int, file_id: int) -> BaseResponse:
    """Download a file of the business's answer (整改材料): only for those who may read the visit; never inline."""
    found = visits.answer_file_of(_follow_up_of(_visit(visit_id), follow_up_id), file_id)
    return downloads.private_file(storage.path(found.storage_key), found.content_type, found.name)


def _follow_up_of(visit: Visit, follow_up_id: int) -> FollowUp:
    found = next((f for f in visit.follow_ups if f.id == follow_up_id), None)
    if found is None:
        raise NotFoundError(_("No such follow-up."))
    return found


@bp.route("/<int:visit_id>/no-follow-up", methods=["POST"])
@requires(Permission.RESULTS_REVIEW)
def no_follow_up(visit_id: int) -> ResponseReturnValue:
    """无需后续处置: a leader records, with the reason, that the problem found needs no follow-up."""
    _visit(visit_id)
    if EmptyForm().validate_on_submit():
        return _answer(
            visit_id,
            attempt(
                results.decide_no_follow_up,
                visit_id,
                {"reason": request.form.get("reason", "")},
                actor=_user(),
                refusals=WITH_FORBIDDEN,
            ),
            _("Recorded: no follow-up is needed. The visit can now be closed."),
            form_of={"_decision": True},
        ) or _back(visit_id, "follow-ups")
    return _back(visit_id, "follow-ups")


@bp.route("/<int:visit_id>/recusal", methods=["POST"])
@requires(Permission.RESULTS_ENTER)
def recusal(visit_id: int) -> ResponseReturnValue:
    """抽取后申报回避: a member of the team declares their own conflict with the entity."""
    _visit(visit_id)
    if EmptyForm().validate_on_submit():
        return _answer(
            visit_id,
            attempt(
                results.declare_own_recusal,
                visit_id,
                {"reason": request.form.get("reason", "")},
                actor=_user(),
                refusals=WITH_FORBIDDEN,
            ),
            _(
                "Your conflict is recorded. The department replaces you on the team; until then the result "
                "cannot be recorded."
            ),
            form_of={"_recusal": True},
        ) or _back(visit_id)
    return _back(visit_id)


@bp.route("/<int:visit_id>/close", methods=["POST"])
@requires(Permission.RESULTS_PUBLISH)
def close(visit_id: int) -> BaseResponse:
    """办结: a published visit with no open follow-up."""
    _visit(visit_id)
    if EmptyForm().validate_on_submit():
        perform(
            results.close_visit,
            visit_id,
            actor=_user(),
            done=_("The visit is closed."),
            refusals=(ConflictError, ForbiddenError),
        )
    return _back(visit_id)


@bp.route("/<int:visit_id>/arrival", methods=["POST"])
@requires(Permission.RESULTS_ENTER)
def arrival(visit_id: int) -> BaseResponse:
    """入企: the 组长 records the team's arrival at the business (its code's page says so)."""
    return _at_the_door(visit_id, results.record_arrival, _("The arrival is recorded."))


@bp.route("/<int:visit_id>/departure", methods=["POST"])
@requires(Permission.RESULTS_ENTER)
def departure(visit_id: int) -> BaseResponse:
    """离企: the 组长 records the team's departure; the code's page says the inspection is finished."""
    return _at_the_door(visit_id, results.record_departure, _("The departure is recorded."))


def _at_the_door(visit_id: int, command: Callable[..., InspectionCode], done: str) -> BaseResponse:
    _visit(visit_id)
    if EmptyForm().validate_on_submit():
        perform(command, visit_id, actor=_user(), done=done, refusals=(ConflictError, ForbiddenError))
    return _back(visit_id, "inspection-code")


@bp.route("/<int:visit_id>/late-entry", methods=["POST"])
@requires(Permission.SIGNED_IN)  # the 组长 within the days, a leader after them: the command's actions say
def late_entry(visit_id: int) -> ResponseReturnValue:
    """补录 (or a leader's 更正) of the times of 入企 and 离企, with the reason."""
    _visit(visit_id)
    if not EmptyForm().validate_on_submit():
        return _back(visit_id)
    data = {key: request.form.get(key, "") for key in ("arrived_at", "left_at", "reason")}
    return _answer(
        visit_id,
        attempt(results.record_late_entry, visit_id, data, actor=_user(), refusals=WITH_FORBIDDEN),
        _("The arrival and departure are recorded, with the reason."),
        data,
        form_of={"_late_entry": True},
    ) or _back(visit_id, "inspection-code")


@bp.route("/<int:visit_id>/recusal-requests/<int:request_id>", methods=["POST"])
@requires(Permission.RESULTS_REVIEW)
def decide_recusal_request(visit_id: int, request_id: int) -> ResponseReturnValue:
    """A leader accepts or refuses a business's request that an inspector withdraw (回避申请), with the reason."""
    _visit(visit_id)
    if not EmptyForm().validate_on_submit():
        return _back(visit_id, "recusal-requests")
    data = {"accept": request.form.get("accept", ""), "reason": request.form.get("reason", "")}
    return _answer(
        visit_id,
        attempt(
            results.decide_recusal_request,
            request_id,
            {**data, "visit_id": visit_id},
            actor=_user(),
            refusals=WITH_FORBIDDEN,
        ),
        _("The decision is recorded."),
        data,
        form_of={"_recusal_request": request_id},
    ) or _back(visit_id, "recusal-requests")
