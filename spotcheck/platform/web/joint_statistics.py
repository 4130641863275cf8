"""The year's joint-inspection statistics (联合检查工作进展情况统计表, seed 001 附件3) for the lead
department: the page with a year selector and the workbook to file with the justice bureau.

Read-only. Both routes are the lead department's: its coordinator (who runs the joint campaigns,
``JOINT_MANAGE``) and whoever reads its campaigns (``CAMPAIGNS_VIEW``). The route declares
``JOINT_VIEW``, which exactly these roles hold, and the view then asks for one of the two
permissions and for the lead department; anyone else is refused (403). The table is the one the
justice bureau reads for the department (:func:`spotcheck.tenants.joint.statistics.build`): the
joint campaigns it led or took part in, read in the request's scope.
"""
from __future__ import annotations

import io

from flask import Blueprint, abort, render_template, request, send_file
from flask_login import current_user

from spotcheck.core.clock import today
from spotcheck.core.policy import has_permission
from spotcheck.platform.permissions import Permission, requires
from spotcheck.tenants.joint import statistics
from spotcheck.tenants.spreadsheets.vocabulary import XLSX_MEDIA_TYPE
from spotcheck.tenants.supervision.periods import Period

bp = Blueprint("joint_statistics", __name__, url_prefix="/joint")

#: The years one may ask for (the campaigns' own limits).
YEARS = range(2000, 2101)


def _lead_reader() -> None:
    """403 unless the user reads the lead department's joint campaigns."""
    user = current_user._get_current_object()
    if not (has_permission(user, Permission.JOINT_MANAGE) or has_permission(user, Permission.CAMPAIGNS_VIEW)):
        abort(403)
    kind = getattr(getattr(user, "tenant", None), "kind", None)
    if getattr(kind, "value", kind) != "lead":
        abort(403)


def _year() -> int:
    """``?year=`` (the present year when absent); 404 for anything but a year a campaign may have."""
    raw = request.args.get("year", "").strip()
    if not raw:
        return today().year
    if not raw.isdigit() or int(raw) not in YEARS:
        abort(404)
    return int(raw)


def _table(year: int) -> statistics.Table:
    """The department's table of ``year``: the one the justice bureau reads for it (one builder)."""
    user = current_user._get_current_object()
    return statistics.build(Period(year), user.tenant_id, user.tenant.name)


@bp.route("/statistics")
@requires(Permission.JOINT_VIEW)
def index():
    _lead_reader()
    year = _year()
    return render_template("joint/statistics.html", table=_table(year), year=year,
                           years=statistics.years(), columns=statistics.COLUMNS, numeric=statistics.NUMERIC)


@bp.route("/statistics.xlsx")
@requires(Permission.JOINT_VIEW)
def download():
    _lead_reader()
    year = _year()
    response = send_file(io.BytesIO(statistics.workbook(_table(year))), mimetype=XLSX_MEDIA_TYPE, as_attachment=True,
                         download_name=statistics.file_name(year))
    response.headers["Cache-Control"] = "private, no-store"
    return response
