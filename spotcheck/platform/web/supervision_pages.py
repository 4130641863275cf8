"""The justice bureau's supervision pages (监督): the dashboard of every department's figures with
charts and drill-downs, the seeds' tables as background jobs, the assessment (考核) and notices of
criticism (通报). A department leader opens the same pages for their own department.

Read-only over other departments: every read goes through
:func:`spotcheck.tenants.supervision.access.reading` (the cross-department path, audited).
"""
from __future__ import annotations

import io

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user

from spotcheck.core.policy import has_permission
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web import charts
from spotcheck.platform.web.forms import REFUSED, EmptyForm, perform
from spotcheck.tasks import statistics_jobs
from spotcheck.tenants.notices import services as notices
from spotcheck.tenants.spreadsheets.vocabulary import XLSX_MEDIA_TYPE
from spotcheck.tenants.contacts.vocabulary import ROLES as contact_roles
from spotcheck.tenants.supervision import (
    access, assessment, contacts, criticism, definitions, drill_down, figures, periods, tables,
)
from spotcheck.tenants.supervision.definitions import COVERAGE_TARGETS

bp = Blueprint("supervision", __name__, url_prefix="/supervision")


def _user():
    return current_user._get_current_object()


def _period(kind_default: str = "year") -> periods.Period:
    """``?period=`` (2026, 2026H1, 2026Q4; the current year when absent); 404 for anything else."""
    raw = request.args.get("period", "").strip()
    if not raw:
        return periods.current(kind_default)
    period = periods.parse(raw)
    if period is None:
        abort(404)
    return period


def _statuses(what: str, period: periods.Period, department_id: int | None = None) -> list[figures.Status]:
    with access.reading(_user(), what, period=period, department_id=department_id) as visible:
        ids = visible if department_id is None else [department_id]
        tenants = figures.departments(ids)
        if department_id is not None and not tenants:
            abort(404)
        return figures.compute(period, tenants)


def _charts(statuses: list[figures.Status]) -> list[charts.Chart]:
    names = [s.name for s in statuses]
    return [
        charts.bars("chart-coverage-market", "市场监管领域随机抽查事项覆盖率", "%",
                    [(n, s.coverage_market) for n, s in zip(names, statuses)], target=COVERAGE_TARGETS["market"],
                    maximum=100),
        charts.bars("chart-coverage-other", "其他领域随机抽查事项覆盖率", "%",
                    [(n, s.coverage_other) for n, s in zip(names, statuses)], target=COVERAGE_TARGETS["other"],
                    maximum=100),
        charts.bars("chart-on-time", "检查结果按时公示率", "%", [(n, s.on_time_rate) for n, s in zip(names, statuses)],
                    target=100, maximum=100),
        charts.pairs("chart-checked", "已检查户次与发现问题户次", "户次",
                     [(n, s.checked, s.problems) for n, s in zip(names, statuses)], ("已检查户次", "发现问题户次")),
    ]


@bp.route("")
@requires(Permission.SUPERVISION_VIEW)
def dashboard():
    period = _period()
    statuses = _statuses("dashboard", period)
    return render_template("supervision/dashboard.html", period=period, statuses=statuses, charts=_charts(statuses),
                           choices=periods.choices(period.year), F=definitions.BY_KEY,
                           every=access.sees_every_department(_user()), filing_status=definitions.FILING_STATUS,
                           note=definitions.provisional_note)


@bp.route("/departments/<int:tenant_id>/<key>")
@requires(Permission.SUPERVISION_VIEW)
def drill(tenant_id, key):
    """The rows a figure counts for one department (drill-down)."""
    figure = definitions.BY_KEY.get(key)
    if figure is None:
        abort(404)
    period = _period()
    with access.reading(_user(), f"rows of {key}", period=period, department_id=tenant_id):
        tenants = figures.departments([tenant_id])
        if not tenants:
            abort(404)
        rows = drill_down.rows_of(key, tenant_id, period)
        department = tenants[0].name
    return render_template("supervision/drill.html", figure=figure, rows=rows, period=period, department=department,
                           tenant_id=tenant_id, choices=periods.choices(period.year))


@bp.route("/definitions")
@requires(Permission.SUPERVISION_VIEW)
def glossary():
    return render_template("supervision/definitions.html", figures=definitions.FIGURES, sections=definitions.SECTIONS,
                           deductions=assessment.DEDUCTIONS, targets=COVERAGE_TARGETS)


# --- tables ---------------------------------------------------------------------------------------


def _render_tables(status=200):
    user = _user()
    every = access.sees_every_department(user)
    offered = [spec for spec in tables.TABLES.values() if every or not spec.area_wide]
    departments = []
    if every:
        with access.reading(user, "department list for tables"):
            departments = [(t.id, t.name) for t in figures.departments()]
    return render_template("supervision/tables.html", offered=offered, choices=periods.choices(),
                           current=periods.current("year"), departments=departments, every=every,
                           jobs=statistics_jobs.table_jobs(user), form=EmptyForm(), specs=tables.TABLES,
                           parse_period=periods.parse, department_names=dict(departments)), status


@bp.route("/tables", methods=["GET", "POST"])
@requires(Permission.SUPERVISION_VIEW)
def table_list():
    if request.method == "GET":
        return _render_tables()
    if EmptyForm().validate_on_submit():
        raw = request.form.get("department_id", "").strip()
        department_id = int(raw) if raw.isdigit() and len(raw) < 10 else None
        job = perform(lambda: statistics_jobs.request_table(
            request.form.get("code", ""), request.form.get("period", ""), department_id=department_id, actor=_user(),
            locale=str(get_locale())), "统计表正在后台生成，完成后可在下方下载。")
        if job is REFUSED:
            return _render_tables(422)
    return redirect(url_for("supervision.table_list"))


@bp.route("/tables/<int:job_id>/download")
@requires(Permission.SUPERVISION_VIEW)
def table_download(job_id):
    data, name = statistics_jobs.table_file(job_id, _user())
    response = send_file(io.BytesIO(data), mimetype=XLSX_MEDIA_TYPE, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/contacts")
@requires(Permission.SUPERVISION_VIEW)
def contacts_list():
    """Seed 003 附件5: the departments' 负责人 and 联络员 with their phones (every department's for the
    justice bureau, one's own for a leader); the workbook is the table 003-5 of the tables page."""
    user = _user()
    body = render_template("supervision/contacts.html", listed=contacts.listing(user), roles=contact_roles,
                           every=access.sees_every_department(user),
                           can_edit=has_permission(user, Permission.CONTACTS_MANAGE))
    return body, 200, {"Cache-Control": "private, no-store"}


# --- assessment -------------------------------------------------------------------------------------


def _year_period() -> periods.Period:
    raw = request.args.get("year", "").strip()
    if not raw:
        return periods.current("year")
    period = periods.parse(raw)
    if period is None or period.kind != "year":
        abort(404)
    return period


@bp.route("/assessment")
@requires(Permission.SUPERVISION_VIEW)
def assessment_index():
    period = _year_period()
    statuses = _statuses("assessment", period)
    rules = assessment.settings()
    scores = sorted((assessment.score(s, rules) for s in statuses), key=lambda sc: (-sc.score, sc.status.code))
    chart = charts.bars("chart-scores", f"{period.year}年度考核得分", "分", [(sc.status.name, sc.score) for sc in scores],
                        maximum=assessment.FULL_SCORE)
    return render_template("supervision/assessment.html", period=period, scores=scores, rules=rules, score_chart=chart,
                           every=access.sees_every_department(_user()), full=assessment.FULL_SCORE,
                           can_configure=has_permission(_user(), Permission.SUPERVISION_MANAGE))


@bp.route("/assessment/<int:tenant_id>")
@requires(Permission.SUPERVISION_VIEW)
def assessment_detail(tenant_id):
    period = _year_period()
    statuses = _statuses("assessment of a department", period, department_id=tenant_id)
    result = assessment.score(statuses[0], assessment.settings())
    return render_template("supervision/assessment_detail.html", period=period, result=result,
                           full=assessment.FULL_SCORE, F=definitions.BY_KEY)


@bp.route("/assessment/rules", methods=["GET", "POST"])
@requires(Permission.SUPERVISION_MANAGE)
def assessment_rules():
    if request.method == "POST" and EmptyForm().validate_on_submit():
        code = request.form.get("code", "")
        perform(lambda: assessment.configure(code, points=request.form.get("points"), cap=request.form.get("cap"),
                                             active=request.form.get("active") == "on", actor=_user()),
                "扣分项已保存，考核得分按新设置计算。")
        return redirect(url_for("supervision.assessment_rules"))
    return render_template("supervision/assessment_rules.html", rules=assessment.settings(), form=EmptyForm())


# --- notices of criticism ------------------------------------------------------------------------------


@bp.route("/criticisms", methods=["GET", "POST"])
@requires(Permission.SUPERVISION_VIEW)
def criticisms():
    user = _user()
    if request.method == "POST":
        if not has_permission(user, Permission.SUPERVISION_MANAGE):
            abort(403)
        if EmptyForm().validate_on_submit():
            found = perform(lambda: criticism.draft(request.form.get("period", ""), actor=user),
                            "已根据统计数据起草通报，请核对后提交局领导签发。")
            if found is not REFUSED:
                return redirect(url_for("supervision.criticism_detail", criticism_id=found.id))
        return redirect(url_for("supervision.criticisms"))
    return render_template("supervision/criticisms.html", rows=criticism.list_all(), form=EmptyForm(),
                           choices=periods.choices(), current=periods.current("year"),
                           can_draft=has_permission(user, Permission.SUPERVISION_MANAGE))


@bp.route("/criticisms/<int:criticism_id>")
@requires(Permission.SUPERVISION_VIEW)
def criticism_detail(criticism_id):
    found = criticism.get(criticism_id)
    copies = notices.criticism_copies(found.id) if found.number else []
    return render_template("supervision/criticism.html", c=found, form=EmptyForm(), copies=copies,
                           actions=criticism.CRITICISM_ACTIONS.allowed(found, _user()),
                           period=periods.parse(found.period))


@bp.route("/criticisms/<int:criticism_id>/<step>", methods=["POST"])
@requires(Permission.SUPERVISION_VIEW)
def criticism_step(criticism_id, step):
    user = _user()
    if step not in ("edit", "approve", "withdraw"):
        abort(404)
    if EmptyForm().validate_on_submit():
        if step == "edit":
            leave_out = [int(x) for x in request.form.getlist("leave_out") if x.isdigit() and len(x) < 10]
            perform(lambda: criticism.update(criticism_id, title=request.form.get("title", ""),
                                             body=request.form.get("body", ""), leave_out=leave_out, actor=user),
                    "通报草稿已保存。")
        elif step == "approve":
            perform(lambda: criticism.approve(criticism_id, actor=user),
                    lambda c: f"通报已签发（{c.number}），已送达被通报部门。")
        else:
            perform(lambda: criticism.withdraw(criticism_id, actor=user), "通报草稿已撤回。")
    return redirect(url_for("supervision.criticism_detail", criticism_id=criticism_id))


@bp.route("/received")
@requires(Permission.SUPERVISION_VIEW)
def received():
    """The notices of criticism the reader's department received."""
    return render_template("supervision/received.html", rows=notices.criticisms_received(_user()))
