"""The justice bureau's supervision pages (监督): the dashboard of every department's figures with
charts and drill-downs, the seeds' tables as background jobs, the assessment (考核) and notices of
criticism (通报). A department leader opens the same pages for their own department.

Read-only over other departments: every read is a query of :mod:`spotcheck.tenants.supervision.queries`
whose scope the domain's policy gives (the cross-department path, audited, for the justice bureau).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, gettext as _

from spotcheck.core.policy import has_permission, refusal
from spotcheck.core.text import whole_number, whole_numbers
from spotcheck.platform import downloads
from spotcheck.platform.permissions import Permission, acting_user as _user, requires
from spotcheck.platform.web import charts
from spotcheck.platform.web.forms import REFUSED, EmptyForm, attempt, perform
from spotcheck.tenants.accounts import queries as accounts
from spotcheck.tenants.contacts import policy as contact_policy
from spotcheck.tenants.contacts.vocabulary import ROLES as CONTACT_ROLES
from spotcheck.tenants.notices import queries as notices
from spotcheck.tenants.supervision import commands, queries, vocabulary
from spotcheck.tenants.supervision.queries import Criticism, burden as burden_queries, proofs, shown

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


def _period(kind_default: str = "year") -> vocabulary.Period:
    """``?period=`` (2026, 2026H1, 2026Q4; the current year when absent); 404 for anything else."""
    raw = request.args.get("period", "").strip()
    if not raw:
        return vocabulary.current_period(kind_default)
    period = vocabulary.parse_period(raw)
    if period is None:
        abort(404)
    return period


def _charts(statuses: list[queries.Status]) -> list[charts.Chart]:
    names = [s.name for s in statuses]
    goals = queries.coverage_goals(_user().tenant_id)
    return [
        charts.bars(
            "chart-coverage-market",
            _("Coverage of random-check items, market regulation"),
            "%",
            [(n, s.coverage_market) for n, s in zip(names, statuses, strict=True)],
            target=goals["market"],
            maximum=100,
        ),
        charts.bars(
            "chart-coverage-other",
            _("Coverage of random-check items, other fields"),
            "%",
            [(n, s.coverage_other) for n, s in zip(names, statuses, strict=True)],
            target=goals["other"],
            maximum=100,
        ),
        charts.bars(
            "chart-on-time",
            _("Results published on time"),
            "%",
            [(n, s.on_time_rate) for n, s in zip(names, statuses, strict=True)],
            target=100,
            maximum=100,
        ),
        charts.pairs(
            "chart-checked",
            _("Visits checked and visits with problems found"),
            _("visits"),
            [(n, s.checked, s.problems) for n, s in zip(names, statuses, strict=True)],
            (_("Visits checked"), _("Visits with problems found")),
        ),
    ]


@bp.route("")
@requires(Permission.SUPERVISION_VIEW)
def dashboard() -> ResponseReturnValue:
    """Every department's figures (a bureau: its own departments' rows and one rolled-up row per lower region with
    a bureau of its own, ``?region=`` drilling into one, as last counted; a leader: their own department's)."""
    period = _period()
    raw = request.args.get("region", "").strip()
    region_id = whole_number(raw) if raw else None
    if raw and region_id is None:
        abort(404)
    shown_now = shown.levels_shown(period, region_id, reader=_user())
    found = shown_now.levels
    return render_template(
        "supervision/dashboard.html",
        period=period,
        statuses=found.departments,
        levels=found,
        region_id=region_id,
        charts=_charts(found.statuses),
        counting=shown_now.counting,
        form=EmptyForm(),
        choices=vocabulary.period_choices(period.year),
        F=vocabulary.BY_KEY,
        sections=vocabulary.SECTIONS,
        every=queries.reads_every_department(_user()),
        filing_status=vocabulary.FILING_STATUS,
        note=vocabulary.provisional_note,
        can_review=has_permission(_user(), Permission.PLANS_REVIEW),
    )


@bp.route("/count", methods=["POST"])
@requires(Permission.SUPERVISION_VIEW)
def count() -> ResponseReturnValue:
    """立即重新统计: the bureau's figures of ``period`` counted again in the background; back to the dashboard, which
    shows the count's progress."""
    period = request.form.get("period", "").strip()
    raw = request.form.get("region", "").strip()
    region_id = whole_number(raw) if raw else None
    if EmptyForm().validate_on_submit():
        perform(
            commands.request_count,
            period,
            actor=_user(),
            locale=str(get_locale()),
            done=_("The figures are being counted again; this page shows them once they are."),
        )
    parsed = vocabulary.parse_period(period)
    return redirect(url_for("supervision.dashboard", period=parsed.code if parsed else None, region=region_id))


@bp.route("/departments/<int:tenant_id>/<key>")
@requires(Permission.SUPERVISION_VIEW)
def drill(tenant_id: int, key: str) -> ResponseReturnValue:
    """The rows a figure counts for one department (drill-down)."""
    figure = vocabulary.BY_KEY.get(key)
    if figure is None:
        abort(404)
    period = _period()
    department, rows = queries.figure_rows(key, tenant_id, period, reader=_user())
    supervised = proofs.supervises(_user(), tenant_id)
    return render_template(
        "supervision/drill.html",
        figure=figure,
        rows=rows,
        period=period,
        department=department,
        tenant_id=tenant_id,
        choices=vocabulary.period_choices(period.year),
        links=[_row_link(ref, tenant_id, supervised=supervised) for ref in rows.refs],
    )


def _visit_link(key: list[object], own: bool) -> str | None:
    """A visit: its page for the department's own staff; else its campaign's published results, or (not yet
    published) the campaign's draws on the portal."""
    visit_id, campaign_id, on_portal, published = key
    if own:
        return url_for("visit_pages.detail", visit_id=visit_id)
    if published:
        return url_for("public_results.campaign", campaign_id=campaign_id)
    return url_for("public_draws.campaign", campaign_id=on_portal)


def _campaign_link(key: list[object], own: bool) -> str | None:
    """A campaign: its page for the department's own staff; else its draws on the portal (a draft: nothing)."""
    campaign_id, on_portal = key
    if own:
        return url_for("campaign_pages.detail", campaign_id=campaign_id)
    return url_for("public_draws.campaign", campaign_id=on_portal) if on_portal else None


def _plan_link(key: list[object], own: bool) -> str | None:
    """A plan (抽查计划): its page for the department's own staff; else the filing archive, for a reviewer."""
    if own:
        return url_for("plan_pages.detail", plan_id=key[0])
    return url_for("plan_pages.review_archive") if has_permission(_user(), Permission.PLANS_REVIEW) else None


#: Where a drill-down row about one object leads, by the kind its ref names: given the rest of the ref and whether
#: the reader is the department's own staff.
_OBJECT_LINKS: dict[str, Callable[[list[object], bool], str | None]] = {
    "visit": _visit_link,
    "campaign": _campaign_link,
    "plan": _plan_link,
    # the bureau's own complaint (a lower bureau's complaint, read from above, is that bureau's page alone)
    "complaint": lambda key, own: (
        url_for("complaints.detail", complaint_id=key[0]) if key[1:] in ([], [_user().tenant_id]) else None
    ),
    # what the bureau forwarded to the department
    "complaint_forward": lambda key, own: url_for("complaints.forwarded_detail", forward_id=key[0]) if own else None,
    # the directory is the department's own: nothing of it is public
    "entry": lambda key, own: url_for("directory_pages.entry", entry_id=key[0]) if own else None,
}
#: The department's public page of each of its lists (any other row: the department's public page).
_PUBLIC_LISTS = {
    "items": "public.department_items",
    "inspectors": "public.department_inspectors",
    "rules": "public.department_rules",
}


def _row_link(ref: tuple[object, ...] | None, tenant_id: int | None, *, supervised: bool = False) -> str | None:
    """Where a drill-down row leads (指标明细可点击): the department's own page of the object for its
    own staff; for the justice bureau, what the public may read of it (the campaign's draws and
    published results, the department's items, inspectors and rules) or the filing archive — and, where it
    supervises the department (``supervised``), a campaign's draws with their full proofs."""
    if not ref:
        return None
    own = tenant_id is not None and _user().tenant_id == tenant_id
    kind, *key = ref
    if kind == "campaign" and supervised and not own:
        return url_for("supervision_proofs.campaign", campaign_id=key[1]) if key[1] else None
    link = _OBJECT_LINKS.get(str(kind))  # a kind is a word: "visit", "items"…
    if link is not None:
        return link(key, own)
    if kind == "entries" and own:
        return url_for("directory_pages.index")
    if tenant_id is None:
        return None
    return url_for(_PUBLIC_LISTS.get(str(kind), "public.department"), code=accounts.get_tenant(tenant_id).code)


@bp.route("/burden")
@requires(Permission.SUPERVISION_VIEW)
def burden() -> ResponseReturnValue:
    """涉企检查频次: how often the businesses are inspected across the departments (the justice bureau's)."""
    period = _period()
    return render_template(
        "supervision/burden.html",
        period=period,
        burden=burden_queries.figures(period, reader=_user()),
        F=vocabulary.BURDEN_BY_KEY,
        title=vocabulary.BURDEN_TITLE,
        choices=vocabulary.period_choices(period.year),
    )


def _burden_link(ref: tuple[object, ...] | None) -> str:
    """Where a row of 涉企检查频次 leads: a business to its checks of the period, across the departments; a check
    to the business on its campaign's public page (its team and, for a joint visit, every department checking it),
    the same page whether or not its results are published yet."""
    assert ref is not None, "every row of 涉企检查频次 is about a business or a check"
    if ref[0] == "business":
        _, code, period_code = ref
        return url_for("supervision.burden_business", code=code, period=period_code)
    _, campaign_id, code = ref
    return url_for("public_draws.campaign", campaign_id=campaign_id, q=code, _anchor="results")


@bp.route("/burden/<key>")
@requires(Permission.SUPERVISION_VIEW)
def burden_drill(key: str) -> ResponseReturnValue:
    """The checks or businesses one figure of 涉企检查频次 counts."""
    figure = vocabulary.BURDEN_BY_KEY.get(key)
    if figure is None:
        abort(404)
    period = _period()
    rows = burden_queries.rows(key, period, reader=_user())
    return render_template(
        "supervision/drill.html",
        figure=figure,
        rows=rows,
        period=period,
        department=_("Whole area"),
        choices=vocabulary.period_choices(period.year),
        period_endpoint="supervision.burden_drill",
        period_args={"key": key},
        back=url_for("supervision.burden", period=period.code),
        back_label=_("← Back to how often businesses are inspected"),
        links=[_burden_link(ref) for ref in rows.refs],
    )


@bp.route("/burden/businesses/<code>")
@requires(Permission.SUPERVISION_VIEW)
def burden_business(code: str) -> ResponseReturnValue:
    """One business's checks of the period across the departments (a joint visit once), as 现场检查户次 counts them."""
    period = _period()
    entity, rows = burden_queries.business(code, period, reader=_user())
    return render_template(
        "supervision/drill.html",
        figure=vocabulary.BURDEN_BUSINESS,
        rows=rows,
        period=period,
        choices=vocabulary.period_choices(period.year),
        department=f"{entity.name}（{entity.code}）",
        period_endpoint="supervision.burden_business",
        period_args={"code": code},
        back=url_for("supervision.burden", period=period.code),
        back_label=_("← Back to how often businesses are inspected"),
        links=[_burden_link(ref) for ref in rows.refs],
    )


@bp.route("/definitions")
@requires(Permission.SUPERVISION_VIEW)
def glossary() -> ResponseReturnValue:
    return render_template(
        "supervision/definitions.html",
        figures=vocabulary.FIGURES,
        sections=vocabulary.SECTIONS,
        deductions=queries.deductions(reader=_user()),
        in_force=queries.rules_in_force(reader=_user()),
    )


# --- tables ---------------------------------------------------------------------------------------


def _render_tables(status: int = 200) -> tuple[str, int]:
    user = _user()
    every = queries.reads_every_department(user)
    departments = queries.department_choices(reader=user) if every else []
    return render_template(
        "supervision/tables.html",
        offered=queries.tables_offered(user),
        choices=vocabulary.period_choices(),
        current=vocabulary.current_period("year"),
        departments=departments,
        every=every,
        jobs=queries.table_jobs(user),
        form=EmptyForm(),
        parse_period=vocabulary.parse_period,
        department_names=dict(departments),
    ), status


@bp.route("/tables", methods=["GET", "POST"])
@requires(Permission.SUPERVISION_VIEW)
def table_list() -> ResponseReturnValue:
    if request.method == "GET":
        return _render_tables()
    if EmptyForm().validate_on_submit():
        raw = request.form.get("department_id", "").strip()
        department_id = whole_number(raw)
        job = perform(
            commands.request_table,
            request.form.get("code", ""),
            request.form.get("period", ""),
            department_id=department_id,
            actor=_user(),
            locale=str(get_locale()),
            done=_("The table is being built in the background; download it below once it is ready."),
        )
        if job is REFUSED:
            return _render_tables(422)
    return redirect(url_for("supervision.table_list"))


@bp.route("/tables/<int:job_id>/download")
@requires(Permission.SUPERVISION_VIEW)
def table_download(job_id: int) -> ResponseReturnValue:
    data, name = queries.table_file(job_id, _user())
    return downloads.workbook(data, name)


@bp.route("/contacts")
@requires(Permission.SUPERVISION_VIEW)
def contacts_list() -> ResponseReturnValue:
    """Seed 003 附件5: the departments' 负责人 and 联络员 with their phones (every department's for the
    justice bureau, one's own for a leader); the workbook is the table 003-5 of the tables page."""
    user = _user()
    body = render_template(
        "supervision/contacts.html",
        listed=queries.contacts(reader=user),
        roles=CONTACT_ROLES,
        every=queries.reads_every_department(user),
        can_edit=contact_policy.may_save(user),
    )
    return body, 200, {"Cache-Control": "private, no-store"}


# --- assessment -------------------------------------------------------------------------------------


def _year_period() -> vocabulary.Period:
    raw = request.args.get("year", "").strip()
    if not raw:
        return vocabulary.current_period("year")
    period = vocabulary.parse_period(raw)
    if period is None or period.kind != "year":
        abort(404)
    return period


@bp.route("/assessment")
@requires(Permission.SUPERVISION_VIEW)
def assessment_index() -> ResponseReturnValue:
    """The scores of the year: a bureau's own departments and one row per lower region with a bureau of its own
    (``?region=`` opens one, as the dashboard does); a leader's own department."""
    period = _year_period()
    raw = request.args.get("region", "").strip()
    region_id = whole_number(raw) if raw else None
    if raw and region_id is None:
        abort(404)
    found = queries.assessed(period, region_id, reader=_user())  # a region outside the branch: NotFoundError, 404
    scores = found.scores
    rules = queries.deductions(reader=_user())
    chart = charts.bars(
        "chart-scores",
        _("Assessment scores of %(year)d", year=period.year),
        _("points"),
        [(sc.status.name, sc.score) for sc in scores],
        maximum=queries.full_score(_user().tenant_id),
    )
    return render_template(
        "supervision/assessment.html",
        period=period,
        scores=scores,
        found=found,
        region_id=region_id,
        rules=rules,
        score_chart=chart,
        every=queries.reads_every_department(_user()),
        full=queries.full_score(_user().tenant_id),
        can_configure=has_permission(_user(), Permission.SUPERVISION_MANAGE),
    )


@bp.route("/assessment/<int:tenant_id>")
@requires(Permission.SUPERVISION_VIEW)
def assessment_detail(tenant_id: int) -> ResponseReturnValue:
    period = _year_period()
    result = queries.scores(period, tenant_id, reader=_user())[0]
    return render_template(
        "supervision/assessment_detail.html",
        period=period,
        result=result,
        full=queries.full_score(_user().tenant_id),
        F=vocabulary.BY_KEY,
    )


@bp.route("/assessment/rules", methods=["GET", "POST"])
@requires(Permission.SUPERVISION_MANAGE)
def assessment_rules() -> ResponseReturnValue:
    if request.method == "POST" and EmptyForm().validate_on_submit():
        code = request.form.get("code", "")
        perform(
            commands.configure,
            code,
            {
                "points": request.form.get("points"),
                "cap": request.form.get("cap"),
                "active": request.form.get("active") == "on",
            },
            actor=_user(),
            done=_("The deduction is saved; the scores follow the new setting."),
        )
        return redirect(url_for("supervision.assessment_rules"))
    return render_template(
        "supervision/assessment_rules.html", rules=queries.deductions(reader=_user()), form=EmptyForm()
    )


# --- notices of criticism ------------------------------------------------------------------------------


@bp.route("/criticisms", methods=["GET", "POST"])
@requires(Permission.SUPERVISION_VIEW)
def criticisms() -> ResponseReturnValue:
    user = _user()
    if request.method == "POST":
        if not has_permission(user, Permission.SUPERVISION_MANAGE):
            abort(403, description=str(refusal(Permission.SUPERVISION_MANAGE)))
        if EmptyForm().validate_on_submit():
            found = perform(
                commands.draft,
                {"period": request.form.get("period", "")},
                actor=user,
                done=_(
                    "A notice of criticism is drafted from the figures; check it, then submit it to the "
                    "bureau's leader to approve."
                ),
            )
            if found is not REFUSED:
                return redirect(url_for("supervision.criticism_detail", criticism_id=found.id))
        return redirect(url_for("supervision.criticisms"))
    return render_template(
        "supervision/criticisms.html",
        rows=queries.criticisms(reader=user),
        form=EmptyForm(),
        choices=vocabulary.period_choices(),
        current=vocabulary.current_period("year"),
        can_draft=has_permission(user, Permission.SUPERVISION_MANAGE),
    )


@bp.route("/criticisms/<int:criticism_id>")
@requires(Permission.SUPERVISION_VIEW)
def criticism_detail(criticism_id: int) -> ResponseReturnValue:
    return _criticism_page(criticism_id)


def _criticism_page(
    criticism_id: int,
    status: int = 200,
    errors: Mapping[str, object] | None = None,
    values: Mapping[str, object] | None = None,
) -> tuple[str, int]:
    """The notice of criticism (通报) and what the reader may do with it; sent back (422) with a form's ``errors``
    (their ``_form``: which form, ``edit`` or ``send_back``) and what was typed (``values``)."""
    view = queries.criticism_view(criticism_id, reader=_user())
    found = view.criticism
    copies = notices.criticism_copies(found.id) if found.number else []
    return render_template(
        "supervision/criticism.html",
        c=found,
        form=EmptyForm(),
        copies=copies,
        actions=view.actions,
        period=view.period,
        named=view.named,
        errors=errors or {},
        values=values or {},
    ), status


@bp.route("/criticisms/<int:criticism_id>/<step>", methods=["POST"])
@requires(Permission.SUPERVISION_VIEW)
def criticism_step(criticism_id: int, step: str) -> ResponseReturnValue:
    user = _user()
    if step not in ("edit", "submit", "approve", "withdraw", "send_back"):
        abort(404)
    if EmptyForm().validate_on_submit():
        if step in ("edit", "send_back", "approve"):
            return _criticism_form(criticism_id, step)
        elif step == "submit":
            perform(
                commands.submit_draft,
                criticism_id,
                actor=user,
                done=_("The draft is submitted to the bureau's leaders, who are told in their inbox."),
            )
        else:
            perform(commands.withdraw, criticism_id, actor=user, done=_("The draft notice of criticism is withdrawn."))
    return redirect(url_for("supervision.criticism_detail", criticism_id=criticism_id))


def _criticism_form(criticism_id: int, step: str) -> ResponseReturnValue:
    """The draft's edit (修改), the leader's send-back (退回修改) or approval (签发, with the other departments its text
    names confirmed one by one): what was typed comes back with its errors."""
    done: str | Callable[[Criticism], str]
    data: dict[str, object]
    command: Callable[..., Criticism]
    if step == "approve":
        data = {"confirm_named": request.form.getlist("confirm_named")}
        command, done = commands.approve, _criticism_approved
    elif step == "edit":
        data = {
            "title": request.form.get("title", ""),
            "body": request.form.get("body", ""),
            "leave_out": whole_numbers(request.form.getlist("leave_out")),
        }
        command, done = commands.update, _("The draft notice of criticism is saved.")
    else:
        data = {"reason": request.form.get("reason", "")}
        command, done = commands.send_back, _("The draft is sent back to its drafter with your reason.")
    outcome = attempt(command, criticism_id, data, actor=_user())
    if outcome.invalid:
        return _criticism_page(criticism_id, 422, {**outcome.errors, "_form": step}, data)
    outcome.report(done)
    return redirect(url_for("supervision.criticism_detail", criticism_id=criticism_id))


def _criticism_approved(criticism: Criticism) -> str:
    return _(
        "The notice of criticism is approved (%(number)s) and delivered to the departments named.",
        number=criticism.number,
    )


@bp.route("/received")
@requires(Permission.SUPERVISION_VIEW)
def received() -> ResponseReturnValue:
    """The notices of criticism the reader's department received."""
    return render_template("supervision/received.html", rows=notices.criticisms_received(_user()))
