"""Writing the documents of a campaign (文书) and telling the people concerned, as commands.

* :func:`write_campaign_notices` — once the visits are handed to the teams: the inspection notice
  (检查通知书) of every visit, addressed to the entity, and the assignment notice (派遣通知) of every
  inspector on a team, sent to the inspector's inbox (and e-mail, SMS).
* :func:`write_announcement` — the campaign's result announcement (检查结果公告) of the results
  published so far, a new version each time.
* :func:`write_transfer_letter` — the transfer letter (移送函) of a transfer to another
  department, shared with it and sent to the people there who acknowledge transfers.

The joint campaign's notices are written by :mod:`spotcheck.tenants.joint.commands.notices`
(joint campaigns come after notices in the domains' order).

Every document is numbered per department, kind and year (文号), rendered to PDF, kept in the core
storage with its SHA-256, and written once: a job that runs again finds it there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from spotcheck.core import audit, events, jobs
from spotcheck.core.actor import Actor
from spotcheck.core.clock import now
from spotcheck.core.commands import command
from spotcheck.core.database import db, get_row
from spotcheck.core.errors import ConflictError, InvalidInputError
from spotcheck.core.job_models import Job, JobStatus
from spotcheck.core.policy import Permission, has_permission
from spotcheck.core.scoping import tenant_scope
from spotcheck.core.text import sentence
from spotcheck.tenants.accounts.models import Tenant, User
from spotcheck.tenants.campaigns import named
from spotcheck.tenants.campaigns.models import Campaign, TeamMember
from spotcheck.tenants.campaigns.queries import get_campaign
from spotcheck.tenants.campaigns.vocabulary import cause_line
from spotcheck.tenants.inspectors.models import Inspector
from spotcheck.tenants.notices import delivery, documents
from spotcheck.tenants.notices.delivery import mark_read  # noqa: F401 (the inbox's one command)
from spotcheck.tenants.notices.models import Notice
from spotcheck.tenants.notices.queries import jobs_of_campaign
from spotcheck.tenants.notices.vocabulary import (
    ANNOUNCEMENT_TASK,
    CAMPAIGN_NOTICES_TASK,
    JOINT_NOTICES_TASK,
    TITLES,
    NoticeKind,
)
from spotcheck.tenants.notices.writing import (
    assignments,
    batch_of,
    contact_of,
    items_of,
    numberer,
    store,
    teams_of,
    tell_linked,
    visits_handed_out,
)
from spotcheck.tenants.results import codes
from spotcheck.tenants.results.models import FollowUp, FollowUpKind, PublishedResult, Visit
from spotcheck.tenants.results.policy import VISIT_ACTIONS
from spotcheck.tenants.results.queries import teams as team_experts
from spotcheck.tenants.results.queries.visits import team_of


def _campaign(campaign_id: int) -> Campaign:
    return get_row(Campaign, campaign_id, _l("No such campaign."))


@command(Permission.CAMPAIGNS_EDIT)
def write_campaign_notices(
    campaign_id: int, data: dict | None = None, *, actor: Actor, progress: Callable[..., None] = lambda *p, **k: None
) -> dict:
    """The inspection notice of every visit and the assignment notice of every inspector of a
    campaign handed to its teams; each inspector with an account is told in the inbox. Documents
    already written are left as they are. ``data["batch"]``: write at most that many inspection
    notices and say how many are ``remaining`` (the assignment notices come once none is). The
    counts are of the documents written now; once none remains, ``in_all`` counts those that exist."""
    campaign = _campaign(campaign_id)
    visits = visits_handed_out(campaign)
    tenant = campaign.tenant
    done = set(db.session.scalars(sa.select(Notice.subject).where(Notice.campaign_id == campaign.id)))
    missing = [visit for visit in visits if f"visit:{visit.id}" not in done]
    now_written = batch_of(missing, data)
    teams = teams_of(campaign)
    experts = team_experts.experts_of(campaign)  # 专家, in addition to the drawn team
    items = items_of(campaign)
    window = documents.window(campaign.window_start, campaign.window_end)
    contact = contact_of(actor, tenant)
    written = {"inspection": 0, "assignment": 0, "told": 0}
    causes = named.causes_of(campaign, [visit.entity_id for visit in now_written])  # 特定对象检查: why each is checked
    number = numberer(tenant, NoticeKind.inspection, len(now_written))
    total = len(visits) + len({inspector.id for team in teams.values() for _, inspector in team})
    before = len(visits) - len(missing)
    progress(int(100 * before / max(total, 1)), done=before, total=total)
    for n, visit in enumerate(now_written, before + 1):
        team = [
            {"name": i.name, "cert_no": i.cert_no, "leader": m.is_leader} for m, i in teams.get(visit.entity_id, [])
        ]
        team += [team_experts.public_expert(expert) for expert in experts.get(visit.entity_id, [])]
        notice = store(
            tenant,
            NoticeKind.inspection,
            f"visit:{visit.id}",
            number(),
            f"{TITLES[NoticeKind.inspection]}：{visit.entity.name}",
            "inspection",
            entity=visit.entity,
            campaign=campaign,
            window=window,
            items=items,
            team=team,
            contact=contact,
            check=codes.printed(visit.code) if visit.code is not None else None,
            cause=cause_line(*causes[visit.entity_id], outside=True) if visit.entity_id in causes else None,
        )
        notice.campaign_id, notice.visit_id = campaign.id, visit.id
        written["inspection"] += 1
        if n % 20 == 0:
            progress(int(100 * n / total), done=n, total=total)
    remaining = len(missing) - len(now_written)
    in_all = {}
    if not remaining:
        told = assignments(
            campaign,
            visits,
            teams,
            items,
            window,
            contact,
            progress=lambda k: progress(int(100 * (len(visits) + k) / total), done=len(visits) + k, total=total),
        )
        in_all = {"inspection": len(visits), "assignment": told.pop("in_all")}
        written.update(told)
    audit.record(
        "notices.written",
        "campaign",
        campaign.id,
        actor=actor,
        details={"inspection": written["inspection"], "assignment": written["assignment"]},
    )
    return {**written, "remaining": remaining, **({"in_all": in_all} if in_all else {})}


@command(Permission.RESULTS_PUBLISH)
def write_announcement(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Notice:
    """The campaign's result announcement (检查结果公告) of every result published so far: a new
    version each time it is written."""
    campaign = _campaign(campaign_id)
    published = (
        db.session.execute(
            sa.select(PublishedResult)
            .where(PublishedResult.campaign_id == campaign.id, PublishedResult.current.is_(True))
            .order_by(PublishedResult.published_at, PublishedResult.id)
        )
        .scalars()
        .all()
    )
    if not published:
        raise InvalidInputError({"campaign": [_l("No result of this campaign is published yet.")]})
    tenant = campaign.tenant
    versions = (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Notice)
            .where(Notice.campaign_id == campaign.id, Notice.kind == NoticeKind.announcement)
        )
        or 0
    )
    rows = [
        {
            "name": row.entity.name,
            "code": row.entity.code,
            "checked_on": documents.chinese_date(row.checked_on),
            "corrected": row.corrected,
            "categories": "；".join(
                dict.fromkeys(name for item in row.content.get("items", []) for name in item.get("categories", []))
            ),
        }
        for row in published
    ]
    drawn = db.session.scalar(sa.select(sa.func.count()).select_from(Visit).where(Visit.campaign_id == campaign.id))
    notice = store(
        tenant,
        NoticeKind.announcement,
        f"campaign:{campaign.id}:v{versions + 1}",
        numberer(tenant, NoticeKind.announcement)(),
        f"{campaign.code} {TITLES[NoticeKind.announcement]}",
        "announcement",
        campaign=campaign,
        results=rows,
        drawn=drawn,
        window=documents.window(campaign.window_start, campaign.window_end),
    )
    notice.campaign_id = campaign.id
    db.session.flush()
    audit.record(
        "notices.announcement",
        "campaign",
        campaign.id,
        actor=actor,
        details={"number": notice.number, "results": len(rows)},
    )
    return notice


@command(Permission.RESULTS_FOLLOW_UP)
def write_transfer_letter(follow_up_id: int, data: dict | None = None, *, actor: Actor) -> Notice:
    """The transfer letter (移送函) of a transfer to another department: shared with that
    department, whose people who acknowledge transfers are told in their inbox."""
    follow_up = get_row(FollowUp, follow_up_id, _l("No such follow-up."))
    if follow_up.kind != FollowUpKind.transfer or not follow_up.receiver_tenant_id:
        raise InvalidInputError({"follow_up": [_l("Only a transfer to another department has a letter.")]})
    subject = f"follow_up:{follow_up.id}"
    notice = db.session.scalar(sa.select(Notice).where(Notice.subject == subject, Notice.kind == NoticeKind.transfer))
    sender = cast(Tenant, db.session.get(Tenant, follow_up.tenant_id))  # both departments of a transfer exist
    receiver = cast(Tenant, db.session.get(Tenant, follow_up.receiver_tenant_id))
    transferred = cast(dict[str, Any], follow_up.transferred)  # a transfer says what it transfers
    if notice is None:
        notice = store(
            sender,
            NoticeKind.transfer,
            subject,
            numberer(sender, NoticeKind.transfer)(),
            f"{TITLES[NoticeKind.transfer]}：{transferred['entity_name']}",
            "transfer",
            receiver=receiver.name,
            transferred=follow_up.transferred,
            contact=contact_of(actor, sender),
        )
        notice.follow_up_id, notice.visit_id, notice.receiver_tenant_id = follow_up.id, follow_up.visit_id, receiver.id
        db.session.flush()
        audit.record(
            "notices.transfer_letter",
            "visit",
            follow_up.visit_id,
            actor=actor,
            details={"number": notice.number, "to": receiver.id},
        )
    with tenant_scope(receiver.id):  # the receiving department's people who acknowledge transfers
        for user in db.session.scalars(sa.select(User).where(User.active.is_(True)).order_by(User.id)):
            if has_permission(user, Permission.TRANSFERS_RECEIVE):
                delivery.deliver(
                    user,
                    purpose=f"transfer:{follow_up.id}",
                    notice=notice,
                    link="/transfers",
                    subject=f"移送函：{sender.full_name} {notice.number}",
                    body=f"{sender.full_name}移送：{sentence(transferred['entity_name'])}请在“移送接收”中查看并签收。",
                )
        db.session.flush()
    return notice


#: What a returned result's team is asked to do: only what it may (:mod:`spotcheck.tenants.results.policy`):
#: change the result, its 组长 submitting it again; the check dates, once submitted, are a leader's to correct.
RETURNED_ASKS = "请按退回原因修改检查结果，修改后由组长重新提交。"
RETURNED_DATES = "检查日期已随结果提交，检查组不能修改；如需更正，由审核领导更正。"


@events.subscribe("inspector.linked")
def tell_the_linked_account(*, actor: Actor, inspector: Inspector, user: User) -> int:
    """An inspector's account linked (关联账号): it is told, in the link's transaction, of the assignment
    notices (派遣通知) already written for the inspector in campaigns still open — the notices are addressed to
    the inspector, the messages to whichever account is linked, once each (:func:`.writing.tell_linked`)."""
    return tell_linked(inspector, user)


@events.subscribe("result.returned")
def tell_the_team_returned(*, actor: Actor, visit: Visit, reason: str) -> int:
    """A result returned (退回): each member of the visit's team with an account is told in the
    inbox (and e-mail, SMS), with the reason and a link to the visit — in the return's transaction."""
    told = 0
    for member in team_of(visit):
        user = db.session.get(User, member.inspector.user_id) if member.inspector.user_id else None
        if user is not None and user.active:
            told += delivery.deliver(
                user,
                purpose=f"returned:{visit.id}:{now().isoformat()}",
                link=f"/visits/{visit.id}",
                subject=f"检查结果被退回：{visit.entity.name}",
                body=f"{actor.display_name}退回了{visit.campaign.code}中{visit.entity.name}的检查结果，原因：{sentence(reason)}"
                f"{RETURNED_ASKS}{RETURNED_DATES if _dates_are_the_leaders(visit) else ''}",
            )
    return told


@events.subscribe("team.recusal_replaced")
def tell_the_new_team(*, actor: Actor, campaign: Campaign, member: TeamMember, out: TeamMember) -> Notice | None:
    """A member of a department's own visit replaced after the business's request was accepted (``member``: the one
    coming, ``out``: the one recused), once handed out: the business gets a new inspection notice naming the new team
    and its 组长, with the visit's code, in place of the one written (检查组变更; none when the campaign's notices are
    not written yet: they will name the team as it is); the one coming gets their assignment notice; every member of
    the new team with an account is told in the inbox. Returns the new inspection notice."""
    visit = db.session.scalar(
        sa.select(Visit).where(Visit.campaign_id == campaign.id, Visit.entity_id == member.entity_id)
    )
    if visit is None:  # before the hand-out: the notices will name the team as it is
        return None
    first = db.session.scalar(
        sa.select(Notice).where(Notice.kind == NoticeKind.inspection, Notice.subject == f"visit:{visit.id}")
    )
    pairs = teams_of(campaign).get(visit.entity_id, [])
    team = [{"name": i.name, "cert_no": i.cert_no, "leader": m.is_leader} for m, i in pairs]
    team += [
        team_experts.public_expert(expert) for expert in team_experts.experts_of(campaign).get(visit.entity_id, [])
    ]
    window, contact = documents.window(campaign.window_start, campaign.window_end), contact_of(actor, campaign.tenant)
    notice = None
    if first is not None:
        causes = named.causes_of(campaign, [visit.entity_id])
        notice = store(
            campaign.tenant,
            NoticeKind.inspection,
            f"visit:{visit.id}:team:{member.id}",
            numberer(campaign.tenant, NoticeKind.inspection)(),
            f"{TITLES[NoticeKind.inspection]}（检查组变更）：{visit.entity.name}",
            "inspection",
            replaces=first.number,
            entity=visit.entity,
            campaign=campaign,
            window=window,
            items=items_of(campaign),
            team=team,
            contact=contact,
            check=codes.printed(visit.code) if visit.code is not None else None,
            cause=cause_line(*causes[visit.entity_id], outside=True) if visit.entity_id in causes else None,
        )
        notice.campaign_id, notice.visit_id = campaign.id, visit.id
        db.session.flush()
        told = assignments(
            campaign, [visit], {visit.entity_id: pairs}, items_of(campaign), window, contact, only={member.inspector_id}
        )["told"]
    else:
        told = 0
    names = "、".join(i.name + ("（组长）" if m.is_leader else "") for m, i in pairs)
    told += delivery.tell_team(
        pairs,
        purpose=f"visit:{visit.id}:team:{member.id}",
        link=f"/visits/{visit.id}",
        subject=f"检查组变更：{visit.entity.name}",
        body=f"{campaign.code}《{campaign.title}》对{visit.entity.name}的检查，被检查单位申请回避经同意，"
        f"检查组成员已按随机抽取规则替换，现为：{names}。"
        + (f"检查通知书：{notice.number}" if notice is not None else ""),
    )
    audit.record(
        "notices.team_changed",
        "campaign",
        campaign.id,
        actor=actor,
        details={"visit": visit.entity.code, "inspection": notice.number if notice is not None else None, "told": told},
    )
    return notice


def _dates_are_the_leaders(visit: Visit) -> bool:
    """Once submitted, the check dates are a leader's to correct (the results policy's ``correct_dates``)."""
    return VISIT_ACTIONS.by_name["correct_dates"].possible(visit)


# --- the documents written in the background (文书作业) ---------------------------------------------


@command(Permission.RESULTS_PUBLISH)
def request_announcement(campaign: Campaign, *, actor: Actor) -> Job:
    """Write the campaign's result announcement (检查结果公告) of what is published now, in the background."""
    return jobs.submit(ANNOUNCEMENT_TASK, "notices.announcement", actor, campaign_id=campaign.id)


@command(Permission.CAMPAIGNS_EDIT)
def retry_campaign_notices(campaign_id: int, data: dict | None = None, *, actor: Actor) -> Job:
    """Write a campaign's documents again after its notices job failed (重新生成文书): the documents
    written before the failure stay, and the new job writes only those missing."""
    campaign = get_campaign(campaign_id, for_update=True)
    latest = next((job for job in jobs_of_campaign(campaign, actor) if job.kind == "notices.campaign"), None)
    if latest is None or latest.status != JobStatus.failed:
        raise ConflictError(_l("The documents are not waiting to be written again."))
    jobs.refuse_if_under_way("notices.campaign", campaign.id)
    task = JOINT_NOTICES_TASK if latest.task == JOINT_NOTICES_TASK else CAMPAIGN_NOTICES_TASK
    return jobs.submit(task, "notices.campaign", actor, campaign_id=campaign.id)
