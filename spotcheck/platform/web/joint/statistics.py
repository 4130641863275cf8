"""The year's joint-inspection statistics (联合检查工作进展情况统计表, seed 001 附件3) for the lead
department: the page with a year selector and the workbook to file with the justice bureau.

Read-only. Both routes are the lead department's: its coordinator (who runs the joint campaigns,
``JOINT_MANAGE``) and whoever reads its campaigns (``CAMPAIGNS_VIEW``). The route declares
``JOINT_VIEW``, which exactly these roles hold, and the query
(:func:`spotcheck.tenants.joint.queries.statistics_table`) then asks the domain's policy for one
of the two permissions and for the lead department; anyone else is refused (403). The table is the
one the justice bureau reads for the department: the joint campaigns it led or took part in, read
in the request's scope.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core.clock import today
from spotcheck.core.errors import ForbiddenError
from spotcheck.core.text import whole_number
from spotcheck.platform import downloads
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.joint import queries
from spotcheck.tenants.joint.vocabulary import Year

bp = Blueprint("joint_statistics", __name__, url_prefix="/joint")

#: The years one may ask for (the campaigns' own limits).
YEARS = range(2000, 2101)


def _lead_reader() -> None:
    """403 unless the user reads the lead department's joint campaigns (the domain's rule)."""
    if not queries.reads_statistics(current_user._get_current_object()):
        abort(403, description=_("Only the lead department reads its joint-inspection statistics."))


def _year() -> int:
    """``?year=`` (the present year when absent); 404 for anything but a year a campaign may have."""
    raw = request.args.get("year", "").strip()
    if not raw:
        return today().year
    year = whole_number(raw)
    if year is None or year not in YEARS:
        abort(404)
    return year


def _table(year: int) -> queries.Table:
    """The department's table of ``year``: the one the justice bureau reads for it (one builder);
    403 for anyone but the lead department's readers."""
    try:
        return queries.statistics_table(Year(year), reader=current_user._get_current_object())
    except ForbiddenError as refused:
        abort(403, description=str(refused))


@bp.route("/statistics")
@requires(Permission.JOINT_VIEW)
def index() -> ResponseReturnValue:
    _lead_reader()
    year = _year()
    table = _table(year)
    return render_template(
        "joint/statistics.html",
        table=table,
        year=year,
        years=queries.statistics_years(),
        columns=queries.COLUMNS,
        numeric=queries.NUMERIC,
    )


@bp.route("/statistics.xlsx")
@requires(Permission.JOINT_VIEW)
def download() -> ResponseReturnValue:
    _lead_reader()
    year = _year()
    table = _table(year)
    return downloads.workbook(queries.statistics_workbook(table), queries.statistics_file_name(table))
