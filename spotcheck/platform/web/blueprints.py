"""Every domain's pages, in the order the app registers their blueprints (网页的蓝图)."""

from __future__ import annotations

from spotcheck.platform.web import apidocs, calendar_pages, health, home, public
from spotcheck.platform.web.accounts import account, admin, auth, identity
from spotcheck.platform.web.audit import pages as audit_pages
from spotcheck.platform.web.business_record import pages as business_record_pages
from spotcheck.platform.web.businesses import pages as business_pages
from spotcheck.platform.web.campaigns import (
    late as late_pages,
    pages as campaign_pages,
    public as public_draws,
    withdrawal,
)
from spotcheck.platform.web.directory import pages as directory_pages
from spotcheck.platform.web.exports import pages as export_pages
from spotcheck.platform.web.inspectors import pages as inspector_pages
from spotcheck.platform.web.items import pages as item_pages
from spotcheck.platform.web.joint import fields, pages as joint_pages, statistics as joint_statistics
from spotcheck.platform.web.notices import pages as notice_pages
from spotcheck.platform.web.plans import pages as plan_pages
from spotcheck.platform.web.regions import pages as region_pages
from spotcheck.platform.web.results import (
    categories,
    checks as public_checks,
    public as public_results,
    queues,
    teams,
    transfers,
    visits,
)
from spotcheck.platform.web.rules import pages as rules_pages, public as public_rules, rulebook
from spotcheck.platform.web.spreadsheets import pages as sheet_pages
from spotcheck.platform.web.supervision import (
    complaints,
    draw_checks,
    outcomes,
    pages as supervision_pages,
    proofs as supervision_proofs,
    reports,
)

PAGES = (
    auth,
    identity,
    business_pages,
    business_record_pages,
    home,
    account,
    admin,
    audit_pages,
    health,
    apidocs,
    item_pages,
    directory_pages,
    inspector_pages,
    rules_pages,
    sheet_pages,
    public,
    plan_pages,
    campaign_pages,
    public_draws,
    visits,
    queues,
    public_results,
    public_checks,
    transfers,
    categories,
    notice_pages,
    export_pages,
    joint_pages,
    joint_statistics,
    supervision_pages,
    supervision_proofs,
    complaints,
    draw_checks,
    outcomes,
    teams,
    calendar_pages,
    fields,
    reports,
    withdrawal,
    late_pages,
    rulebook,
    public_rules,
    region_pages,
)
