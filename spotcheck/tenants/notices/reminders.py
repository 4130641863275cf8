"""Reminders of deadlines (到期提醒), sent by the beat each working day at 08:30 Beijing time.

Each person gets at most one reminder a day (its delivery key carries the day), listing what is
due soon (two working days or fewer) or overdue for them:

* inspectors: the visits they are on whose report is due (5 working days after the check ended),
  or not yet checked when the campaign's window closes;
* planners: the approved results whose publication is due (20 working days after the check ended);
* leaders: the results waiting for their review (those whose publication is due soon or overdue by
  name: the review counts inside the 20 days), and every publication overdue (escalated);
* planners and leaders: the statistical tables to submit (报表报送) due soon or overdue — planners to
  prepare them, leaders to sign them.

A due date counted through a year without an official calendar says so (暂按周一至周五计算).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import cast

import sqlalchemy as sa

from spotcheck.core import events
from spotcheck.core.actor import Actor
from spotcheck.core.calendar import is_working_day
from spotcheck.core.clock import today
from spotcheck.core.commands import command
from spotcheck.core.database import db
from spotcheck.core.policy import Permission
from spotcheck.core.scoping import current_tenant_id, tenant_scope
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.campaigns.models import TeamMember
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.notices import delivery
from spotcheck.tenants.results import deadlines
from spotcheck.tenants.results.models import Visit, VisitStatus
from spotcheck.tenants.results.policy import OPEN

FLAG_WORDS = {"due_soon": "即将到期", "overdue": "已逾期"}


def _line(visit: Visit, what: str, due: date, flag: str, provisional: bool = False) -> str:
    return (
        f"【{FLAG_WORDS[flag]}】{what}：{visit.entity.name}（{visit.campaign.code}），期限 {due.isoformat()}"
        f"{deadlines.note(provisional)}"
    )


def due_lines(day: date) -> dict[int, list[str]]:
    """What each person of the current department should be reminded of on ``day``, by user id."""
    lines: dict[int, list[str]] = defaultdict(list)
    users = list(db.session.scalars(sa.select(User).where(User.active.is_(True))))
    planners = [u.id for u in users if u.has_role("planner")]
    leaders = [u.id for u in users if u.has_role("leader")]
    open_visits = db.session.scalars(sa.select(Visit).where(Visit.status.in_(OPEN), Visit.closed_at.is_(None))).all()
    for visit in open_visits:
        due, what = (visit.report_due, "检查结果报送") if visit.report_due else (visit.campaign.window_end, "实施检查")
        provisional = deadlines.provisional(visit, "report_due")
        flag = deadlines.flag(due, day)
        if flag is None:
            continue
        team_users = db.session.scalars(
            sa.select(Inspector.user_id)
            .join(TeamMember, TeamMember.inspector_id == Inspector.id)
            .where(
                TeamMember.campaign_id == visit.campaign_id,
                TeamMember.entity_id == visit.entity_id,
                TeamMember.active.is_(True),
                Inspector.user_id.is_not(None),
            )
        )
        for user_id in team_users:
            lines[cast(int, user_id)].append(_line(visit, what, due, flag, provisional))
    waiting = (
        db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(Visit.status == VisitStatus.submitted))
        or 0
    )
    if waiting:
        for user_id in leaders:
            lines[user_id].append(f"【待审核】{waiting} 项检查结果等待审核")
    for visit in db.session.scalars(
        sa.select(Visit).where(
            Visit.status.in_((VisitStatus.submitted, VisitStatus.approved)), Visit.publish_due.is_not(None)
        )
    ):
        flag = deadlines.flag(visit.publish_due, day)
        if flag is None:
            continue
        provisional = deadlines.provisional(visit, "publish_due")
        if visit.status == VisitStatus.submitted:  # to be reviewed in time to be published in time
            for user_id in leaders:
                lines[user_id].append(
                    _line(visit, "检查结果公示（待审核）", cast(date, visit.publish_due), flag, provisional)
                )
            continue
        for user_id in planners + (leaders if flag == "overdue" else []):  # overdue: escalated to the leaders
            lines[user_id].append(_line(visit, "检查结果公示", cast(date, visit.publish_due), flag, provisional))
    _report_lines(day, lines, planners, leaders)
    return lines


def _report_lines(day: date, lines: dict[int, list[str]], planners: list[int], leaders: list[int]) -> None:
    """The statistical tables to submit (报表报送): planners prepare, leaders sign. Supervision, a
    domain above this one, adds them when it hears ``reminders.collect`` (its lines by role)."""
    tenant = db.session.get(Tenant, current_tenant_id()) if current_tenant_id() else None
    if tenant is None:
        return
    found: dict[str, list[str]] = {"planner": [], "leader": []}
    events.emit("reminders.collect", actor=None, tenant=tenant, day=day, found=found)
    for user_ids, key in ((planners, "planner"), (leaders, "leader")):
        for user_id in user_ids:
            lines[user_id].extend(found[key])


@command(Permission.NOTICES_SEND)
def send_reminders(*, actor: Actor, on: date | None = None) -> dict:
    """Remind every department's people of what is due (once a person a day; nothing on a day off)."""
    day = on or today()
    if not is_working_day(day):
        return {"day": day.isoformat(), "working_day": False, "reminded": 0}
    tenant_ids = list(db.session.scalars(sa.select(Tenant.id).where(Tenant.active.is_(True)).order_by(Tenant.id)))
    reminded = 0
    for tenant_id in tenant_ids:
        with tenant_scope(tenant_id):
            for user_id, lines in sorted(due_lines(day).items()):
                user = db.session.get(User, user_id)
                if user is None or not user.active:
                    continue
                reminded += bool(
                    delivery.deliver(
                        user,
                        purpose=f"reminder:{day.isoformat()}",
                        link="/",
                        subject=f"待办提醒（{day.isoformat()}）：{len(lines)} 项",
                        body="\n".join(lines),
                    )
                )
            db.session.flush()
    return {"day": day.isoformat(), "working_day": True, "reminded": reminded}
