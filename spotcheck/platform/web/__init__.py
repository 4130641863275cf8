"""Server-rendered pages (网页): thin views over the commands and queries."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user

from spotcheck.core.clock import SHANGHAI, as_utc
from spotcheck.core.policy import Role, has_permission
from spotcheck.platform.permissions import Permission
from spotcheck.platform.web import templating
from spotcheck.platform.web.forms import summary_fields
from spotcheck.tenants.notices.queries import unread_count
from spotcheck.tenants.spreadsheets.vocabulary import shown


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC timestamp shown in Asia/Shanghai."""
    if value is None:
        return ""
    return as_utc(value).astimezone(SHANGHAI).strftime(fmt)


def register(app: Flask) -> None:
    from spotcheck.platform.web.blueprints import PAGES  # they import this package: loaded once it is whole

    for module in PAGES:
        app.register_blueprint(module.bp)

    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["sheet_cell"] = shown
    app.jinja_env.globals["summary_fields"] = summary_fields  # every form's error summary (_form.html)

    @app.context_processor
    def _globals() -> dict[str, object]:
        return {
            **templating.template_helpers(),
            "Permission": Permission,
            "Role": Role,
            "can": lambda permission: has_permission(current_user, permission),
            "current_locale": str(get_locale()),
            "inbox_unread": lambda: unread_count(current_user),
        }
