"""Every domain's resources, in the order the API registers their blueprints (接口的蓝图)."""

from __future__ import annotations

from spotcheck.platform.api import calendar, jobs
from spotcheck.platform.api.accounts import me, tenants, tokens, users
from spotcheck.platform.api.business_record import resources as business_record
from spotcheck.platform.api.businesses import tokens as business_tokens
from spotcheck.platform.api.campaigns import resources as campaigns
from spotcheck.platform.api.directory import resources as directory
from spotcheck.platform.api.exports import resources as exports
from spotcheck.platform.api.inspectors import resources as inspectors
from spotcheck.platform.api.items import resources as items
from spotcheck.platform.api.joint import fields, resources as joint, teams as joint_teams
from spotcheck.platform.api.notices import resources as notices
from spotcheck.platform.api.plans import resources as plans
from spotcheck.platform.api.regions import resources as regions
from spotcheck.platform.api.results import follow_ups, public as public_results, teams, visits
from spotcheck.platform.api.rules import resources as rules
from spotcheck.platform.api.spreadsheets import resources as imports
from spotcheck.platform.api.supervision import criticisms, draw_checks, reports

RESOURCES = (
    tenants,
    users,
    me,
    tokens,
    jobs,
    items,
    directory,
    inspectors,
    rules,
    imports,
    plans,
    campaigns,
    teams,
    joint,
    joint_teams,
    visits,
    follow_ups,
    public_results,
    notices,
    exports,
    calendar,
    fields,
    reports,
    criticisms,
    draw_checks,
    regions,
    business_record,
    business_tokens,
)
