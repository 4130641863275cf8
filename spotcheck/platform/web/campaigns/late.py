"""紧急检查事后登记 on the pages: a leader registers a check of named businesses already made — the day, the
reason, the businesses with their causes and the team that went (not drawn) — within the rules' days after it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from spotcheck.core.clock import today
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web.campaigns.forms import LateCheckForm
from spotcheck.platform.web.forms import BAD_INPUT, apply_service_errors, attempt
from spotcheck.tenants.campaigns import commands as campaign_commands, vocabulary
from spotcheck.tenants.inspectors import queries as inspector_queries
from spotcheck.tenants.rules import queries as rules_queries

bp = Blueprint("late_pages", __name__)

#: Where the form shows a refusal the command names by its own field.
FORM_FIELD = {"team": "leader_id", "window_start": "checked_on", "window_end": "checked_on"}


@bp.route("/campaigns/late", methods=["GET", "POST"])
@requires(Permission.CAMPAIGNS_APPROVE)
def late() -> ResponseReturnValue:
    form = LateCheckForm()
    if request.method == "GET":
        form.year.data, form.checked_on.data = str(today().year), today().isoformat()
    form.prepare()
    form.offer([(i.id, i.name, i.cert_no) for i in inspector_queries.list_inspectors(active_only=True, experts=False)])
    if form.validate_on_submit():
        done = attempt(campaign_commands.register_emergency, form.command_data(), actor=_user(), refusals=BAD_INPUT)
        if done.ok:
            flash(
                _(
                    "Check %(code)s registered and published; next, the department's planner hands it out and the "
                    "team records the result.",
                    code=done.result.code,
                ),
                "success",
            )
            return redirect(url_for("campaign_pages.detail", campaign_id=done.result.id))
        apply_service_errors(form, done.errors, FORM_FIELD)
    return render_template(
        "campaigns/late.html",
        form=form,
        rules=rules_queries.in_force(_user().tenant_id),
        named_causes=vocabulary.NAMED_CAUSES,
        cause_references=vocabulary.CAUSE_REFERENCES,
    ), (422 if request.method == "POST" else 200)
