"""The year's joint-inspection statistics (联合检查工作进展情况统计表, seed 001 附件3) for the lead
department: the page with a year selector, and the workbook to file with the justice bureau written in the
background (an export job: the job's page shows its progress, then the download).

The page reads; the button queues the export job (a command). Both routes are the lead department's: its
coordinator (who runs the joint campaigns, ``JOINT_MANAGE``) and whoever reads its campaigns (``CAMPAIGNS_VIEW``).
The routes declare ``JOINT_VIEW``, which exactly these roles hold, and the query
(:func:`spotcheck.tenants.joint.queries.statistics_table`) and the export's commands then ask the domain's policy
for one of the two permissions and for the lead department; anyone else is refused (403). The table is the one the
justice bureau reads for the department: the joint campaigns it led or took part in.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from spotcheck.core.clock import today
from spotcheck.core.text import whole_number
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import EmptyForm, start_export
from spotcheck.tenants.joint import commands, queries
from spotcheck.tenants.joint.vocabulary import STATISTICS_YEARS, Year

bp = Blueprint("joint_statistics", __name__, url_prefix="/joint")


def _lead_reader() -> None:
    """403 unless the user reads the lead department's joint campaigns (the domain's rule), before the year is
    read."""
    queries.require_statistics_reader(current_user._get_current_object())


def _year(raw: str | None = None) -> int:
    """``?year=`` (or the form's ``year``; the present year when absent); 404 for anything but a year a campaign
    may have."""
    raw = (request.args.get("year", "") if raw is None else raw).strip()
    if not raw:
        return today().year
    year = whole_number(raw)
    if year is None or year not in STATISTICS_YEARS:
        abort(404)
    return year


@bp.route("/statistics")
@requires(Permission.JOINT_VIEW)
def index() -> ResponseReturnValue:
    _lead_reader()
    year = _year()
    table = queries.statistics_table(Year(year), reader=current_user._get_current_object())
    return render_template(
        "joint/statistics.html",
        table=table,
        year=year,
        years=queries.statistics_years(),
        columns=queries.COLUMNS,
        numeric=queries.NUMERIC,
        form=EmptyForm(),
    )


@bp.route("/statistics/export", methods=["POST"])
@requires(Permission.JOINT_VIEW)
def export() -> ResponseReturnValue:
    """Start writing the year's table as a workbook (导出作业); the job's page shows its progress, then the
    download."""
    _lead_reader()
    year = _year(request.form.get("year", ""))
    return start_export(
        commands.submit_statistics_export,
        year,
        actor=current_user._get_current_object(),
        back=url_for("joint_statistics.index", year=year),
    )
