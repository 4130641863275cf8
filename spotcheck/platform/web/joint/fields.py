"""The enforcement fields and their lead departments (执法领域牵头部门): the platform administrator's page.

市场监督管理局 leads the market-regulation field; the administrator names the lead of every other
field, which then coordinates that field's joint campaigns and files its yearly joint plan (seed 001).
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

bp = Blueprint("field_pages", __name__, url_prefix="/platform/fields")


@bp.route("")
@requires(Permission.TENANTS_MANAGE)
def index() -> ResponseReturnValue:
    return render_template(
        "joint/fields.html", rows=queries.field_leads(), departments=queries.candidates(), form=EmptyForm()
    )


@bp.route("/<code>", methods=["POST"])
@requires(Permission.TENANTS_MANAGE)
def name_lead(code: str) -> ResponseReturnValue:
    if EmptyForm().validate_on_submit():
        raw = (request.form.get("tenant_id") or "").strip()
        tenant_id = None if raw == "" else whole_number(raw) or 0
        perform(
            commands.name_field_lead,
            code,
            {"tenant_id": tenant_id},
            actor=current_user._get_current_object(),
            done=_lead_named,
        )
    return redirect(url_for("field_pages.index", _anchor=f"field-{code}"))


def _lead_named(row: FieldLead | None) -> str:
    return _("The lead department is named.") if row is not None else _("The field has no lead department any more.")
