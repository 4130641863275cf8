"""The audit trail of my department (全程留痕) and background jobs.

``/audit`` lists the department's entries newest first, 50 a page, paged by entry id
(``?before=<id>`` for older ones, ``?after=<id>`` for newer ones), filtered by GET parameters that
the page links keep: ``actor`` (a user id, or ``system``), ``action``, ``object_type`` and
``object_id``, ``since`` and ``until`` (Beijing dates, YYYY-MM-DD). A filter value that cannot be
used is named under its field and left out; the page still answers.
"""

import re
from collections.abc import Iterable
from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from spotcheck.core import jobs
from spotcheck.platform import downloads
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.audit import view as audit_view
from spotcheck.platform.web.forms import EmptyForm
from spotcheck.tenants.audit import queries as audit_trail
from spotcheck.tenants.audit.commands import request_verification
from spotcheck.tenants.audit.vocabulary import ACTION_LABELS
from spotcheck.tenants.common.vocabulary import OBJECT_LABELS

bp = Blueprint("audit", __name__)
PAGE = audit_trail.PAGE_SIZE
SYSTEM = "system"
FILTER_KEYS = ("actor", "action", "object_type", "object_id", "since", "until")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class AuditFilterForm(FlaskForm):
    """The filters of the trail, sent by GET (no CSRF token: it changes nothing)."""

    class Meta:
        csrf = False

    actor = SelectField(_l("Who"), validate_choice=False)
    action = SelectField(_l("Action"), validate_choice=False)
    object_type = SelectField(_l("Kind of object"), validate_choice=False)
    object_id = StringField(_l("Object number"))
    since = StringField(_l("From"), render_kw={"type": "date"})
    until = StringField(_l("To"), render_kw={"type": "date"})

    def set_choices(self, people: Iterable[audit_trail.Person]) -> None:
        anyone = [SelectChoice("", _l("Any"))]
        self.actor.choices = (
            anyone
            + [SelectChoice(SYSTEM, _l("System"))]
            + [SelectChoice(str(p.id), f"{p.display_name} ({p.login})") for p in people]
        )
        self.action.choices = anyone + [SelectChoice(code, name) for code, name in ACTION_LABELS.items()]
        self.object_type.choices = anyone + [SelectChoice(code, name) for code, name in OBJECT_LABELS.items()]

    def filters(self) -> audit_trail.Filters:
        """The usable filters; each unusable value gets a message under its field and is left out."""
        for name in FILTER_KEYS:
            field = getattr(self, name)
            field.data = (field.data or "").strip()
            field.errors = []
        actor_id, by_system = None, False
        if self.actor.data == SYSTEM:
            by_system = True
        elif self.actor.data:
            actor_id = audit_trail.valid_id(self.actor.data)
            if actor_id is None:
                self.actor.errors.append(_l("Choose a person from the list."))
        action = self.action.data or None
        if action and action not in ACTION_LABELS:
            self.action.errors.append(_l("Choose an action from the list."))
            action = None
        object_type = self.object_type.data or None
        if object_type and object_type not in OBJECT_LABELS:
            self.object_type.errors.append(_l("Choose a kind of object from the list."))
            object_type = None
        object_id = self.object_id.data or None
        if object_id and len(object_id) > 64:
            self.object_id.errors.append(_l("An object number has at most 64 characters."))
            object_id = None
        elif object_id and not object_type:
            self.object_id.errors.append(_l("Choose the kind of object too."))
            object_id = None
        since, until = self._date(self.since), self._date(self.until)
        if since and until and until < since:
            self.until.errors.append(_l("The end date is before the start date."))
            until = None
        return audit_trail.Filters(
            actor_id=actor_id,
            by_system=by_system,
            action=action,
            object_type=object_type,
            object_id=object_id,
            since=since,
            until=until,
        )

    @staticmethod
    def _date(field: StringField) -> date | None:
        if not field.data:
            return None
        try:
            if _DATE.match(field.data):
                return date.fromisoformat(field.data)
        except ValueError:
            pass
        field.errors.append(_l("Enter a date as YYYY-MM-DD."))
        return None

    @property
    def has_errors(self) -> bool:
        return any(getattr(self, name).errors for name in FILTER_KEYS)


def _query_args() -> dict[str, str]:
    """The current filters (without the page key), for the paging links."""
    return {key: value for key in FILTER_KEYS if (value := request.args.get(key))}


@bp.route("/audit")
@requires(Permission.AUDIT_VIEW)
def trail() -> ResponseReturnValue:
    """Newest first, keyset-paged by id, filtered by the query string."""
    reader = current_user._get_current_object()
    form = AuditFilterForm(formdata=request.args)
    people = audit_trail.department_people()
    form.set_choices(people)
    filters = form.filters()
    page = audit_trail.window(
        reader,
        filters,
        before=audit_trail.valid_id(request.args.get("before")),
        after=audit_trail.valid_id(request.args.get("after")),
        size=PAGE,
    )
    rows = audit_view.present(page.entries)
    if filters.actor_id is not None and all(str(filters.actor_id) != c.value for c in form.actor.choices):
        # someone outside the department who acted in its chain (a supervisor filing a plan)
        form.actor.choices.append(SelectChoice(str(filters.actor_id), rows[0].who if rows else f"#{filters.actor_id}"))
    filtered = any(request.args.get(key) for key in FILTER_KEYS)
    return render_template(
        "audit/trail.html",
        rows=rows,
        page=page,
        filters=form,
        filtered=filtered,
        query_args=_query_args(),
        form=EmptyForm(),
        jobs=jobs.list_jobs(current_user._get_current_object(), limit=5),
    )


@bp.route("/audit/verify", methods=["POST"])
@requires(Permission.AUDIT_VIEW)
def verify() -> ResponseReturnValue:
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("audit.trail"))
    job = request_verification(actor=current_user._get_current_object())
    return redirect(url_for("audit.job", job_id=job.id))


@bp.route("/jobs/<int:job_id>")
@requires(Permission.SIGNED_IN)
def job(job_id: int) -> ResponseReturnValue:
    found = jobs.job_for(job_id, current_user._get_current_object())
    return render_template("job.html", job=found, kept_until=jobs.kept_until(found), kept_hours=jobs.kept_hours())


@bp.route("/jobs/<int:job_id>/file")
@requires(Permission.SIGNED_IN)
def job_file(job_id: int) -> ResponseReturnValue:
    """The file an export job wrote (导出文件), once it succeeded."""
    return downloads.workbook(*jobs.take_file(job_id, actor=current_user._get_current_object()))
