"""Server-rendered pages (网页): thin views over the commands and queries."""
from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_login import current_user

from spotcheck.core.clock import SHANGHAI, as_utc
from spotcheck.core.policy import Role, has_permission
from spotcheck.platform.permissions import Permission
from spotcheck.platform.web import templating
from spotcheck.tenants.notices.queries import unread_count
from spotcheck.tenants.spreadsheets.vocabulary import shown


def local_time(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC timestamp shown in Asia/Shanghai."""
    if value is None:
        return ""
    return as_utc(value).astimezone(SHANGHAI).strftime(fmt)


def register(app: Flask) -> None:
    from spotcheck.platform.web import (  # the pages import this package's filters: loaded once it is whole
        account,
        admin,
        apidocs,
        audit_pages,
        auth,
        calendar_pages,
        campaign_pages,
        category_pages,
        directory_pages,
        export_pages,
        field_pages,
        health,
        home,
        import_pages,
        inspector_pages,
        items_pages,
        joint_pages,
        joint_statistics,
        notice_pages,
        plan_pages,
        public,
        public_draws,
        public_results,
        public_rules,
        report_pages,
        result_queues,
        rulebook_pages,
        rules_pages,
        supervision_pages,
        team_pages,
        transfer_pages,
        visit_pages,
        withdrawal_pages,
    )

    for module in (auth, home, account, admin, audit_pages, health, apidocs, items_pages, directory_pages,
                   inspector_pages, rules_pages, import_pages, public, plan_pages, campaign_pages, public_draws,
                   visit_pages, result_queues, public_results, transfer_pages, category_pages, notice_pages, export_pages, joint_pages,
                   joint_statistics, supervision_pages, team_pages, calendar_pages, field_pages, report_pages,
                   withdrawal_pages, rulebook_pages, public_rules):
        app.register_blueprint(module.bp)

    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["sheet_cell"] = shown

    @app.context_processor
    def _globals():
        return {
            **templating.template_helpers(),
            "Permission": Permission,
            "Role": Role,
            "can": lambda permission: has_permission(current_user, permission),
            "current_locale": str(get_locale()),
            "inbox_unread": lambda: unread_count(current_user),
        }
