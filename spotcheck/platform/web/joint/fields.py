"""The enforcement fields and their lead departments (执法领域牵头部门), region by region: the platform
administrator's page.

In each region 市场监督管理局 leads the market-regulation field; the administrator names the region's lead of
every other field (a department of that region), which then coordinates that field's joint campaigns and files its
yearly joint plan (seed 001). A region with none of its own follows the nearest region above.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from spotcheck.core.text import whole_number
from spotcheck.platform.permissions import Permission, requires
from spotcheck.platform.web.forms import EmptyForm, perform
from spotcheck.tenants.joint import commands, queries
from spotcheck.tenants.joint.queries import FieldLead
from spotcheck.tenants.regions import queries as regions

bp = Blueprint("field_pages", __name__, url_prefix="/platform/fields")


@bp.route("")
@requires(Permission.TENANTS_MANAGE)
def index() -> ResponseReturnValue:
    region = _region()
    if region is None:  # no tree yet: nothing to name
        return render_template("joint/fields.html", region=None, regions=[], rows=[], departments=[], form=EmptyForm())
    return render_template(
        "joint/fields.html",
        region=region,
        regions=regions.tree(),
        rows=queries.field_leads(region.id),
        departments=[d for d in queries.candidates() if d.region_id == region.id],
        form=EmptyForm(),
    )


def _region() -> regions.Region | None:
    """The region the page shows (``?region=``), the root by default."""
    raw = request.values.get("region")
    return regions.get_region(whole_number(raw) or 0) if raw else regions.root()


@bp.route("/<code>", methods=["POST"])
@requires(Permission.TENANTS_MANAGE)
def name_lead(code: str) -> ResponseReturnValue:
    region = (request.form.get("region") or "").strip()
    if EmptyForm().validate_on_submit():
        raw = (request.form.get("tenant_id") or "").strip()
        tenant_id = None if raw == "" else whole_number(raw) or 0
        perform(
            commands.name_field_lead,
            code,
            {"tenant_id": tenant_id, "region_id": (whole_number(region) or 0) if region else None},
            actor=current_user._get_current_object(),
            done=_lead_named,
        )
    return redirect(url_for("field_pages.index", region=region or None, _anchor=f"field-{code}"))


def _lead_named(row: FieldLead | None) -> str:
    return _("The lead department is named.") if row is not None else _("The field has no lead department any more.")
